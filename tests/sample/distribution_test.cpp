// Every distribution kind: draws against Boost.Math's CDF (Kolmogorov–
// Smirnov for continuous kinds, chi-square for discrete ones), sample means
// against the exact mean, and Distribution::quantile / mean() against Boost.
//
// Every test uses a fixed seed, so its outcome is reproducible; tolerances
// are derived from the Monte Carlo error and stated where they are used.
#include <gtest/gtest.h>

#include <boost/math/distributions/bernoulli.hpp>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/distributions/weibull.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "riskcast/distribution.hpp"
#include "riskcast/draw.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/quantile_function.hpp"
#include "riskcast/random.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {
namespace {

namespace bm = boost::math;

constexpr std::uint64_t kSeed = 20260101;
constexpr std::size_t kDraws = 20000;
// Significance level of every goodness-of-fit test here. With a fixed seed
// the outcome is deterministic; α only says how unlikely a false alarm is
// for a correct sampler when the seed or the sampler's algorithm changes.
constexpr double kAlpha = 0.001;

Distribution make(DistributionKind kind, std::vector<double> args) {
  Distribution d;
  d.kind = kind;
  d.args = std::move(args);
  return d;
}

// Through prepare_distribution, as the loader makes every distribution: the
// kinds given in other parameters get their standard form, weights are
// normalised.
Distribution prepared(Distribution d) {
  Diagnostics diagnostics("m.yaml");
  std::optional<Distribution> p = prepare_distribution(std::move(d), diagnostics);
  EXPECT_TRUE(p) << diagnostics.format();
  return p ? *p : Distribution::constant(0.0);
}
Distribution prepared(DistributionKind kind, std::vector<double> args) {
  return prepared(make(kind, std::move(args)));
}
Distribution make_mixture(std::vector<Distribution> components, std::vector<double> weights) {
  Distribution d;
  d.kind = DistributionKind::Mixture;
  d.components = std::move(components);
  d.weights = std::move(weights);
  return prepared(std::move(d));
}
Distribution make_cumulative(std::vector<double> x, std::vector<double> p) {
  Distribution d;
  d.kind = DistributionKind::Cumulative;
  d.values = std::move(x);
  d.weights = std::move(p);
  return prepared(std::move(d));
}

Distribution make_discrete(std::vector<double> values, std::vector<double> weights) {
  Distribution d;
  d.kind = DistributionKind::Discrete;
  double total = 0.0;
  for (double w : weights) total += w;
  for (double& w : weights) w /= total;  // as the loader normalises them
  d.values = std::move(values);
  d.weights = std::move(weights);
  return d;
}

// n draws, one stream per sample index (as a parameter is drawn in a run).
std::vector<double> draw_many(const Distribution& d, const std::string& name, std::size_t n = kDraws) {
  const Sampler sampler(d);
  const RandomSlot slot = random_slot_for("parameter", name);
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    RandomStream stream(kSeed, i, slot, 0);
    out[i] = sampler(stream);
  }
  return out;
}

double sample_mean(const std::vector<double>& x) {
  double s = 0.0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

struct ContinuousCase {
  std::string name;
  Distribution distribution;
  std::function<double(double)> cdf;
  std::function<double(double)> boost_quantile;  // empty where Boost has none
  double mean, sd;
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  // How far F(Q(q)) may stray from q beyond Boost's root finding, and the
  // mean beyond 1e-10 relative: for the truncated normal, 8 ulps of the
  // larger tail probability (the inverted one) relative to the interval's
  // probability, plus one ulp of the result relative to the interval's width
  // (a narrow interval far from 0 holds few doubles: [20, 20 + 2e-9] holds
  // 563,000).
  double resolution = 0.0;
};

template <typename D>
ContinuousCase boost_case(std::string name, Distribution d, D dist, double lo, double hi) {
  return {std::move(name),
          std::move(d),
          [dist](double x) { return bm::cdf(dist, x); },
          [dist](double q) { return bm::quantile(dist, q); },
          bm::mean(dist),
          bm::standard_deviation(dist),
          lo,
          hi};
}

// pert(a, c, b) = a + (b − a)·Beta(α, β) with the reference spec's shapes.
ContinuousCase pert_case(std::string name, double a, double c, double b) {
  const bm::beta_distribution<double> beta(1.0 + 4.0 * (c - a) / (b - a), 1.0 + 4.0 * (b - c) / (b - a));
  return {std::move(name),
          make(DistributionKind::Pert, {a, c, b}),
          [=](double x) { return bm::cdf(beta, std::clamp((x - a) / (b - a), 0.0, 1.0)); },
          [=](double q) { return a + (b - a) * bm::quantile(beta, q); },
          a + (b - a) * bm::mean(beta),
          (b - a) * bm::standard_deviation(beta),
          a,
          b};
}

// truncated_normal(μ, σ, lo, hi): CDF from Boost's normal, through the upper
// tail's complement when the interval lies above the mean (no cancellation
// near 1); mean and sd by Gauss–Kronrod quadrature of the density.
ContinuousCase truncated_case(std::string name, double mu, double sigma, double lo, double hi) {
  const bm::normal_distribution<double> n(mu, sigma);
  const bool upper = lo > mu;
  auto tail_mass = [=](double x) {  // Φ(x), or Q(x) = 1 − Φ(x) above the mean
    return upper ? bm::cdf(bm::complement(n, x)) : bm::cdf(n, x);
  };
  const double z = upper ? tail_mass(lo) - tail_mass(hi) : tail_mass(hi) - tail_mass(lo);
  const double larger_tail = upper ? tail_mass(lo) : tail_mass(hi);
  const double farther = std::max(std::fabs(lo), std::fabs(hi));
  const double ulp_of_bounds = std::nextafter(farther, 2.0 * farther) - farther;
  using GK = bm::quadrature::gauss_kronrod<double, 61>;
  const double mass = GK::integrate([&](double x) { return bm::pdf(n, x); }, lo, hi, 15, 1e-14);
  const double m1 = GK::integrate([&](double x) { return x * bm::pdf(n, x); }, lo, hi, 15, 1e-14) / mass;
  const double m2 =
      GK::integrate([&](double x) { return (x - m1) * (x - m1) * bm::pdf(n, x); }, lo, hi, 15, 1e-14) / mass;
  return {std::move(name),
          make(DistributionKind::TruncatedNormal, {mu, sigma, lo, hi}),
          [=](double x) {
            x = std::clamp(x, lo, hi);
            return upper ? (tail_mass(lo) - tail_mass(x)) / z : (tail_mass(x) - tail_mass(lo)) / z;
          },
          {},
          m1,
          std::sqrt(m2),
          lo,
          hi,
          8.0 * std::numeric_limits<double>::epsilon() * larger_tail / z + ulp_of_bounds / (hi - lo)};
}

// loc + scale·T_df: Boost's standard t, shifted and scaled.
ContinuousCase student_t_case(std::string name, double df, double loc, double scale) {
  const bm::students_t_distribution<double> t(df);
  return {std::move(name),
          prepared(DistributionKind::StudentT, {df, loc, scale}),
          [=](double x) { return bm::cdf(t, (x - loc) / scale); },
          [=](double q) { return loc + scale * bm::quantile(t, q); },
          loc,
          scale * std::sqrt(df / (df - 2.0))};
}

// cumulative([x], [p]): the piecewise-linear CDF written out here, mean and
// sd from its segments (each uniform on [x_i, x_(i+1)] with mass Δp).
ContinuousCase cumulative_case(std::string name, std::vector<double> x, std::vector<double> p) {
  double m1 = 0.0, m2 = 0.0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double w = p[i + 1] - p[i], a = x[i], b = x[i + 1];
    m1 += w * (a + b) / 2.0;
    m2 += w * (a * a + a * b + b * b) / 3.0;
  }
  auto cdf = [x, p](double v) {
    if (v <= x.front()) return 0.0;
    if (v >= x.back()) return 1.0;
    std::size_t i = 0;
    while (v >= x[i + 1]) ++i;
    return p[i] + (p[i + 1] - p[i]) * (v - x[i]) / (x[i + 1] - x[i]);
  };
  return {std::move(name), make_cumulative(x, p), cdf, {}, m1, std::sqrt(m2 - m1 * m1), x.front(), x.back()};
}

// mixture of two normals: F = Σ w_i Φ_i, moments of the mixture.
ContinuousCase normal_mixture_case(std::string name, double w, double m_a, double s_a, double m_b, double s_b) {
  const bm::normal_distribution<double> a(m_a, s_a), b(m_b, s_b);
  const double mean = w * m_a + (1 - w) * m_b;
  const double second = w * (s_a * s_a + m_a * m_a) + (1 - w) * (s_b * s_b + m_b * m_b);
  return {std::move(name),
          make_mixture({make(DistributionKind::Normal, {m_a, s_a}), make(DistributionKind::Normal, {m_b, s_b})},
                       {w, 1 - w}),
          [=](double x) { return w * bm::cdf(a, x) + (1 - w) * bm::cdf(b, x); },
          {},
          mean,
          std::sqrt(second - mean * mean)};
}

// The normal and lognormal through two percentiles, solved here from the
// definition: x = mean + sd·z (of ln x for the lognormal), z = Φ⁻¹(p).
std::pair<double, double> through(double p_lo, double x_lo, double p_hi, double x_hi) {
  const bm::normal_distribution<double> n;
  const double z_lo = bm::quantile(n, p_lo), z_hi = bm::quantile(n, p_hi);
  const double sd = (x_hi - x_lo) / (z_hi - z_lo);
  return {x_lo - sd * z_lo, sd};
}

std::vector<ContinuousCase> continuous_cases() {
  using K = DistributionKind;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<ContinuousCase> cases;
  cases.push_back(boost_case("uniform", make(K::Uniform, {-2, 5}), bm::uniform_distribution<double>(-2, 5), -2, 5));
  cases.push_back(
      boost_case("triangular", make(K::Triangular, {1, 2, 5}), bm::triangular_distribution<double>(1, 2, 5), 1, 5));
  cases.push_back(boost_case("triangular_mode_at_min", make(K::Triangular, {0, 0, 1}),
                             bm::triangular_distribution<double>(0, 0, 1), 0, 1));
  cases.push_back(boost_case("triangular_mode_at_max", make(K::Triangular, {0, 1, 1}),
                             bm::triangular_distribution<double>(0, 1, 1), 0, 1));
  cases.push_back(pert_case("pert", 1.3e6, 1.7e6, 2.5e6));
  cases.push_back(pert_case("pert_mode_at_min", 0, 0, 1));
  cases.push_back(boost_case("normal", make(K::Normal, {10, 3}), bm::normal_distribution<double>(10, 3), -inf, inf));
  cases.push_back(truncated_case("truncated_normal", 0, 1, -1, 2));
  cases.push_back(truncated_case("truncated_normal_upper_side", 5, 2, 6, 20));
  cases.push_back(truncated_case("truncated_normal_far_upper_tail", 0, 1, 6, 7));
  cases.push_back(truncated_case("truncated_normal_far_lower_tail", 0, 1, -7, -6));
  // Beyond where Φ rounds to 1 (8.3 sd), up to the 36-sd reach, and the
  // narrowest interval accepted (1e-9 sd), at the mean and far out.
  cases.push_back(truncated_case("truncated_normal_upper_tail_10_sd", 0, 1, 10, 12));
  cases.push_back(truncated_case("truncated_normal_upper_tail_35_sd", 0, 1, 35, 36));
  cases.push_back(truncated_case("truncated_normal_lower_tail_36_sd", 3, 2, 3 - 2 * 37, 3 - 2 * 36));
  cases.push_back(truncated_case("truncated_normal_narrow_at_mean", 0, 1, -0.5e-9, 0.5e-9));
  cases.push_back(truncated_case("truncated_normal_narrow_far_out", 0, 1, 20, 20 + 2e-9));
  cases.push_back(
      boost_case("lognormal", make(K::Lognormal, {1, 0.5}), bm::lognormal_distribution<double>(1, 0.5), 0, inf));
  {
    // The spec: μ = (ln lo + ln hi)/2, σ = (ln hi − ln lo)/(2·1.6448536269514722).
    const double lo = 2.0e4, hi = 1.5e5;
    const double mu = 0.5 * (std::log(lo) + std::log(hi));
    const double sigma = (std::log(hi) - std::log(lo)) / (2.0 * 1.6448536269514722);
    cases.push_back(boost_case("lognormal_ci90", make(K::LognormalCi90, {lo, hi}),
                               bm::lognormal_distribution<double>(mu, sigma), 0, inf));
  }
  cases.push_back(boost_case("beta", make(K::Beta, {3, 5}), bm::beta_distribution<double>(3, 5), 0, 1));
  cases.push_back(
      boost_case("beta_u_shaped", make(K::Beta, {0.5, 0.5}), bm::beta_distribution<double>(0.5, 0.5), 0, 1));
  cases.push_back(boost_case("beta_skewed", make(K::Beta, {9, 1.5}), bm::beta_distribution<double>(9, 1.5), 0, 1));
  cases.push_back(boost_case("beta_small_shape", make(K::Beta, {0.2, 3}), bm::beta_distribution<double>(0.2, 3), 0, 1));
  cases.push_back(boost_case("gamma", make(K::Gamma, {2, 1.5}), bm::gamma_distribution<double>(2, 1.5), 0, inf));
  cases.push_back(
      boost_case("gamma_shape_below_one", make(K::Gamma, {0.3, 2}), bm::gamma_distribution<double>(0.3, 2), 0, inf));
  cases.push_back(
      boost_case("gamma_large_shape", make(K::Gamma, {40, 0.1}), bm::gamma_distribution<double>(40, 0.1), 0, inf));
  // The kinds of issue 14.
  {
    // @RISK's RiskLognorm(mean, sd): sigma² = ln(1 + (sd/mean)²), mu = ln(mean) − sigma²/2.
    const double mean = 10, sd = 4, s2 = std::log(1 + (sd / mean) * (sd / mean));
    cases.push_back(boost_case("lognormal_mean_sd", prepared(K::LognormalMeanSd, {mean, sd}),
                               bm::lognormal_distribution<double>(std::log(mean) - s2 / 2, std::sqrt(s2)), 0, inf));
  }
  {
    const auto [mean, sd] = through(0.1, 80, 0.9, 120);
    cases.push_back(boost_case("normal_percentiles", prepared(K::NormalPercentiles, {0.1, 80, 0.9, 120}),
                               bm::normal_distribution<double>(mean, sd), -inf, inf));
    const auto [m2, s2] = through(0.25, -3, 0.99, 7);
    cases.push_back(boost_case("normal_percentiles_asymmetric", prepared(K::NormalPercentiles, {0.25, -3, 0.99, 7}),
                               bm::normal_distribution<double>(m2, s2), -inf, inf));
    const auto [mu, sigma] = through(0.05, std::log(2e4), 0.95, std::log(1.5e5));
    cases.push_back(boost_case("lognormal_percentiles", prepared(K::LognormalPercentiles, {0.05, 2e4, 0.95, 1.5e5}),
                               bm::lognormal_distribution<double>(mu, sigma), 0, inf));
    const auto [mu2, sigma2] = through(0.5, std::log(3), 0.9, std::log(20));
    cases.push_back(boost_case("lognormal_percentiles_median_p90", prepared(K::LognormalPercentiles, {0.5, 3, 0.9, 20}),
                               bm::lognormal_distribution<double>(mu2, sigma2), 0, inf));
  }
  {
    // Drawn as the PERT it solves to; that PERT's percentiles are checked
    // against the triple in DistributionPertPercentiles.
    const Distribution d = prepared(K::PertP10P50P90, {10, 20, 40});
    const std::vector<double>& b = d.components.at(0).args;
    ContinuousCase c = pert_case("pert_p10_p50_p90", b[0], b[1], b[2]);
    c.distribution = d;
    cases.push_back(c);
  }
  cases.push_back(student_t_case("student_t", 3, 10, 2));
  cases.push_back(student_t_case("student_t_small_df", 2.5, 0, 1));
  cases.push_back(student_t_case("student_t_large_df", 60, -4, 0.5));
  cases.push_back(boost_case("weibull", make(K::Weibull, {1.5, 3}), bm::weibull_distribution<double>(1.5, 3), 0, inf));
  cases.push_back(boost_case("weibull_shape_below_one", make(K::Weibull, {0.5, 2}),
                             bm::weibull_distribution<double>(0.5, 2), 0, inf));
  cases.push_back(boost_case("weibull_large_shape", make(K::Weibull, {12, 100}),
                             bm::weibull_distribution<double>(12, 100), 0, inf));
  cases.push_back(
      boost_case("exponential", make(K::Exponential, {0.25}), bm::exponential_distribution<double>(0.25), 0, inf));
  cases.push_back(cumulative_case("cumulative", {0, 1, 3, 4}, {0, 0.2, 0.9, 1}));
  cases.push_back(cumulative_case("cumulative_flat_segment", {-5, 0, 2, 10}, {0, 0.5, 0.5, 1}));
  cases.push_back(cumulative_case("cumulative_two_points", {2, 7}, {0, 1}));
  cases.push_back(normal_mixture_case("mixture", 0.3, 0, 1, 5, 0.5));
  cases.push_back(normal_mixture_case("mixture_overlapping", 0.5, 0, 1, 0.5, 2));
  return cases;
}

TEST(DistributionDraws, ContinuousKindsMatchBoostCdf) {
  for (const ContinuousCase& c : continuous_cases()) {
    SCOPED_TRACE(c.name);
    std::vector<double> x = draw_many(c.distribution, c.name);
    for (double v : x) {
      ASSERT_TRUE(std::isfinite(v));
      ASSERT_GE(v, c.lo);
      ASSERT_LE(v, c.hi);
    }
    // Sample mean within 4 standard errors σ/√n of the exact mean (CLT).
    EXPECT_NEAR(sample_mean(x), c.mean, 4.0 * c.sd / std::sqrt(static_cast<double>(x.size())));
    // KS distance below its 0.1 % critical value, 1.9495/√n.
    const double d = ks_statistic(x, c.cdf);
    EXPECT_LT(d, ks_critical_value(x.size(), kAlpha)) << "KS distance " << d;
  }
}

// Chi-square goodness of fit of integer-valued draws against a pmf over
// 0 … max_k (mass above max_k joins the last cell). Adjacent values are
// pooled until every cell expects at least 5 draws (Cochran's rule).
// Returns the statistic and its 0.1 % critical value (df = cells − 1).
std::pair<double, double> chi_square(const std::vector<double>& draws, const std::function<double(int)>& pmf,
                                     int max_k) {
  const double n = static_cast<double>(draws.size());
  std::vector<int> cell_of(max_k + 1);
  std::vector<double> expected;
  double pending = 0.0, total = 0.0;
  for (int k = 0; k <= max_k; ++k) {
    if (expected.empty() || pending >= 5.0) {
      if (!expected.empty()) expected.back() = pending;
      expected.push_back(0.0);
      pending = 0.0;
    }
    pending += n * pmf(k);
    total += pmf(k);
    cell_of[k] = static_cast<int>(expected.size()) - 1;
  }
  expected.back() = pending + n * std::max(0.0, 1.0 - total);
  if (expected.size() > 1 && expected.back() < 5.0) {  // fold a thin last cell into its neighbour
    expected[expected.size() - 2] += expected.back();
    expected.pop_back();
    for (int& c : cell_of) c = std::min(c, static_cast<int>(expected.size()) - 1);
  }
  std::vector<double> observed(expected.size(), 0.0);
  for (double v : draws) {
    EXPECT_EQ(v, std::floor(v));
    EXPECT_GE(v, 0.0);
    const int k = static_cast<int>(std::min<double>(v, max_k));
    observed[cell_of[k]] += 1.0;
  }
  double stat = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i)
    stat += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  const double df = static_cast<double>(expected.size() - 1);
  return {stat, bm::quantile(bm::complement(bm::chi_squared_distribution<double>(df), kAlpha))};
}

TEST(DistributionDraws, PoissonMatchesBoostPmf) {
  // Rates on both sides of the λ = 30 switch from inversion to PTRS.
  for (double lambda : {0.25, 3.7, 29.5, 30.0, 250.0}) {
    SCOPED_TRACE(lambda);
    const std::vector<double> x = draw_many(make(DistributionKind::Poisson, {lambda}), "poisson");
    const bm::poisson_distribution<double> p(lambda);
    const int max_k = static_cast<int>(lambda + 12.0 * std::sqrt(lambda) + 20.0);
    auto [stat, critical] = chi_square(
        x, [&](int k) { return bm::pdf(p, k); }, max_k);
    EXPECT_LT(stat, critical);
    // Mean within 4 standard errors √(λ/n).
    EXPECT_NEAR(sample_mean(x), lambda, 4.0 * std::sqrt(lambda / static_cast<double>(x.size())));
  }
  for (double v : draw_many(make(DistributionKind::Poisson, {0.0}), "poisson0", 1000)) EXPECT_EQ(v, 0.0);
}

// The table form must give exactly the walk's count for every uniform:
// a grid over (0, 1), each recorded CDF term and its neighbours (where
// u > F_j flips), and values next to 1 where the walk stops early.
TEST(DistributionDraws, PoissonTableCountsLikeTheWalk) {
  for (double lambda : {0.0, 1e-9, 0.25, 0.5, 1.0, 2.75, 5.0, 12.3, 29.9}) {
    const PoissonTable table(lambda);
    const double e = std::exp(-lambda);
    std::vector<double> us;
    for (int i = 1; i < 4096; ++i) us.push_back(i / 4096.0);
    double p = e, cumulative = e;
    for (std::uint32_t k = 0; k < 200; ++k) {
      for (double u : {cumulative, std::nextafter(cumulative, 0.0), std::nextafter(cumulative, 2.0)})
        if (u > 0.0 && u < 1.0) us.push_back(u);
      p *= lambda / (k + 1);
      cumulative += p;
    }
    for (double u : {std::nextafter(1.0, 0.0), 1.0 - 0x1.0p-32, 1.0 - 1e-12, 1e-300}) us.push_back(u);
    std::vector<std::uint32_t> counts(us.size());
    table.count_all(us.data(), us.size(), counts.data());
    for (std::size_t i = 0; i < us.size(); ++i) {
      const std::uint32_t walk = poisson_by_inversion(lambda, e, us[i]);
      ASSERT_EQ(table.count(us[i]), walk) << "lambda " << lambda << " u " << us[i];
      ASSERT_EQ(counts[i], walk) << "lambda " << lambda << " u " << us[i];
    }
  }
}

TEST(DistributionDraws, BernoulliFrequency) {
  const std::vector<double> x = draw_many(make(DistributionKind::Bernoulli, {0.3}), "bernoulli");
  auto [stat, critical] = chi_square(
      x, [](int k) { return k == 0   ? 0.7
                            : k == 1 ? 0.3
                                     : 0.0; }, 1);
  EXPECT_LT(stat, critical);
  for (double v : draw_many(make(DistributionKind::Bernoulli, {0.0}), "b0", 1000)) EXPECT_EQ(v, 0.0);
  for (double v : draw_many(make(DistributionKind::Bernoulli, {1.0}), "b1", 1000)) EXPECT_EQ(v, 1.0);
}

TEST(DistributionDraws, DiscreteFrequencies) {
  // Values in no particular order, one with weight zero (never drawn).
  const Distribution d = make_discrete({3, 1, 2, 10, 7}, {1, 2, 3, 4, 0});
  const std::vector<double> x = draw_many(d, "discrete");
  std::map<double, double> observed;
  for (double v : x) observed[v] += 1;
  EXPECT_EQ(observed.count(7.0), 0u);
  // Chi-square over the four values with weight (df = 3).
  const std::map<double, double> p = {{3, 0.1}, {1, 0.2}, {2, 0.3}, {10, 0.4}};
  double stat = 0.0;
  for (auto [value, prob] : p) {
    const double e = prob * static_cast<double>(x.size());
    stat += (observed[value] - e) * (observed[value] - e) / e;
  }
  EXPECT_LT(stat, bm::quantile(bm::complement(bm::chi_squared_distribution<double>(3), kAlpha)));
  EXPECT_EQ(observed.size(), 4u);
}

TEST(DistributionDraws, ConstantIsExact) {
  for (double v : draw_many(Distribution::constant(4.25), "constant", 100)) EXPECT_EQ(v, 4.25);
  EXPECT_EQ(Distribution::constant(4.25).mean(), 4.25);
  EXPECT_EQ(Distribution::constant(4.25).quantile(0.3), 4.25);
}

// Beta and PERT draw X/(X + Y) from two gammas; with tiny shapes both can
// underflow to 0, and 0/0 must not leak out as NaN.
TEST(DistributionDraws, TinyBetaShapesStayInsideTheUnitInterval) {
  const std::vector<double> x = draw_many(make(DistributionKind::Beta, {0.005, 0.005}), "tiny_beta");
  std::size_t bad = 0;
  for (double v : x)
    if (!(v >= 0.0 && v <= 1.0)) ++bad;
  EXPECT_EQ(bad, 0u) << "draws outside [0, 1] (NaN?) out of " << x.size();
  // Beta(ε, ε) puts half its mass near 0 and half near 1 (symmetry):
  // 4 binomial standard errors of a proportion of 1/2.
  std::size_t high = 0;
  for (double v : x) high += v > 0.5;
  EXPECT_NEAR(static_cast<double>(high) / static_cast<double>(x.size()), 0.5,
              4.0 * std::sqrt(0.25 / static_cast<double>(x.size())));
}

// Bulk draws (Sampler::fill) give the bits of one RandomStream per sample.
TEST(DistributionDraws, FillMatchesOneStreamPerSample) {
  std::vector<Distribution> all;
  for (const ContinuousCase& c : continuous_cases()) all.push_back(c.distribution);
  for (double lambda : {0.0, 3.7, 250.0}) all.push_back(make(DistributionKind::Poisson, {lambda}));
  all.push_back(make(DistributionKind::Bernoulli, {0.3}));
  all.push_back(make_discrete({3, 1, 2}, {1, 2, 3}));
  all.push_back(Distribution::constant(2.5));
  for (double p : {0.3, 0.9}) all.push_back(make(DistributionKind::Binomial, {200, p}));
  all.push_back(make(DistributionKind::Binomial, {10, 0.3}));
  all.push_back(make_mixture(
      {make(DistributionKind::Gamma, {0.5, 2}), Distribution::constant(5), make(DistributionKind::Poisson, {40})},
      {2, 1, 1}));
  constexpr std::size_t kN = 301;
  constexpr std::uint64_t kFirst = (std::uint64_t{1} << 32) - 100;  // crosses the 32-bit boundary
  for (const Distribution& d : all) {
    SCOPED_TRACE(d.to_string());
    const Sampler sampler(d);
    const RandomSlot slot = random_slot_for("parameter", d.to_string());
    std::vector<double> bulk(kN);
    std::vector<std::uint64_t> scratch(Sampler::kBufferedWords * kN);
    sampler.fill(kSeed, slot, kFirst, kN, bulk.data(), scratch.data());
    for (std::size_t i = 0; i < kN; ++i) {
      RandomStream stream(kSeed, kFirst + i, slot, 0);
      const double one = sampler(stream);
      ASSERT_EQ(std::memcmp(&one, &bulk[i], sizeof one), 0) << "sample " << kFirst + i;
    }
  }
}

// --- the whole valid range -------------------------------------------------------------------
// (limits in docs/language.md "Distributions" and include/riskcast/distribution.hpp)

constexpr double kLargest = std::numeric_limits<double>::max();

// Bounds far apart (max − min beyond the largest double, or (max − min)² so)
// and magnitudes near it. Draws x are compared through x·2^−k with the law
// of the arguments times 2^−k (the same law, scaled exactly), whose sums and
// Boost CDFs stay finite.
struct HugeCase {
  Distribution distribution;
  int k;
  ContinuousCase scaled;
};

std::vector<HugeCase> huge_cases() {
  using K = DistributionKind;
  const double inf = std::numeric_limits<double>::infinity();
  auto s = [](double x, int k) { return std::ldexp(x, -k); };
  std::vector<HugeCase> cases;
  // uniform(−1e308, 1e308): max − min overflowed, every draw was inf.
  cases.push_back(
      {make(K::Uniform, {-1e308, 1e308}), 1023,
       boost_case("uniform_widest", {}, bm::uniform_distribution<double>(s(-1e308, 1023), s(1e308, 1023)), -inf, inf)});
  cases.push_back({make(K::Uniform, {1e308, kLargest}), 1023,
                   boost_case("uniform_near_largest", {},
                              bm::uniform_distribution<double>(s(1e308, 1023), s(kLargest, 1023)), -inf, inf)});
  // triangular: (max − min)·(mode − min) overflowed from max − min ≈ 1.3e154.
  cases.push_back({make(K::Triangular, {-1e308, 0, 1e308}), 1023,
                   boost_case("triangular_widest", {},
                              bm::triangular_distribution<double>(s(-1e308, 1023), 0, s(1e308, 1023)), -inf, inf)});
  cases.push_back({make(K::Triangular, {0, 1e200, 1e300}), 996,
                   boost_case("triangular_squared_width_overflows", {},
                              bm::triangular_distribution<double>(0, s(1e200, 996), s(1e300, 996)), -inf, inf)});
  // pert: max − min overflowed (shapes NaN), or 4·(mode − min) did (shape inf).
  cases.push_back(
      {make(K::Pert, {-1e308, 0, 1e308}), 1023, pert_case("pert_widest", s(-1e308, 1023), 0, s(1e308, 1023))});
  cases.push_back({make(K::Pert, {1e308, 1.5e308, 1.7e308}), 1023,
                   pert_case("pert_near_largest", s(1e308, 1023), s(1.5e308, 1023), s(1.7e308, 1023))});
  // The largest normal, lognormal and gamma scales accepted.
  const double sd = 0.999 * kLargest / kNormalDrawBound;
  cases.push_back({make(K::Normal, {0, sd}), 1019,
                   boost_case("normal_largest_sd", {}, bm::normal_distribution<double>(0, s(sd, 1019)), -inf, inf)});
  cases.push_back({make(K::Lognormal, {700, 0.25}), 1010,
                   boost_case("lognormal_largest", {},
                              bm::lognormal_distribution<double>(700 - 1010 * std::log(2.0), 0.25), 0, inf)});
  const double scale = 0.999 * kLargest / gamma_draw_bound(2.0);
  cases.push_back({make(K::Gamma, {2, scale}), 1013,
                   boost_case("gamma_largest_scale", {}, bm::gamma_distribution<double>(2, s(scale, 1013)), 0, inf)});
  return cases;
}

TEST(DistributionRange, HugeBoundsAndScalesMatchBoostCdf) {
  for (const HugeCase& h : huge_cases()) {
    const ContinuousCase& c = h.scaled;
    SCOPED_TRACE(c.name);
    std::vector<double> x = draw_many(h.distribution, c.name);
    for (double& v : x) {
      ASSERT_TRUE(std::isfinite(v)) << v;
      v = std::ldexp(v, -h.k);
    }
    // Mean within 4 standard errors σ/√n (CLT); KS below its 0.1 % critical value.
    EXPECT_NEAR(sample_mean(x), c.mean, 4.0 * c.sd / std::sqrt(static_cast<double>(x.size())));
    const double d = ks_statistic(x, c.cdf);
    EXPECT_LT(d, ks_critical_value(x.size(), kAlpha)) << "KS distance " << d;
    // quantile() and mean() (what describe prints) equal the scaled law's, scaled back.
    for (double q : {1e-6, 0.05, 0.5, 0.95, 1 - 1e-6}) {
      const double expected = c.boost_quantile(q);
      EXPECT_NEAR(std::ldexp(h.distribution.quantile(q), -h.k), expected, 1e-12 * std::max(1.0, std::fabs(expected)))
          << "q = " << q;
    }
    EXPECT_NEAR(std::ldexp(h.distribution.mean(), -h.k), c.mean, 1e-12 * std::max(1.0, std::fabs(c.mean)));
  }
}

// triangular(0, 5e-161, 1e-160): (max − min)·(mode − min) = 5e-321 is
// subnormal (4 significant digits), and the inversion's square root kept
// about 2 of them; through the scaled bounds it keeps all 16.
TEST(DistributionRange, TinyBoundsKeepFullPrecision) {
  const Distribution d = make(DistributionKind::Triangular, {0, 5e-161, 1e-160});
  const bm::triangular_distribution<double> scaled(0, std::ldexp(5e-161, 531), std::ldexp(1e-160, 531));
  for (double q : {1e-6, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-6}) {
    const double expected = bm::quantile(scaled, q);
    EXPECT_NEAR(std::ldexp(d.quantile(q), 531), expected, 1e-14 * expected) << "q = " << q;
  }
  std::vector<double> x = draw_many(d, "tiny_triangular");
  for (double& v : x) v = std::ldexp(v, 531);
  EXPECT_LT(ks_statistic(x, [&](double v) { return bm::cdf(scaled, v); }), ks_critical_value(x.size(), kAlpha));
}

// Bounds a few ulps apart: every draw and every quantile inside them.
TEST(DistributionRange, NearlyEqualBoundsHoldEveryDraw) {
  using K = DistributionKind;
  const double one_up = std::nextafter(1.0, 2.0), two_up = std::nextafter(one_up, 2.0);
  const std::vector<Distribution> cases = {
      make(K::Uniform, {1, 1 + 1e-15}),       make(K::Uniform, {1, one_up}),
      make(K::Triangular, {1, 1, 1 + 1e-15}), make(K::Triangular, {1, one_up, two_up}),
      make(K::Pert, {1, one_up, 1 + 1e-15}),  make(K::TruncatedNormal, {5, 1, 5, 5 + 1e-9}),
      make(K::Uniform, {0, 5e-324}),
  };
  for (const Distribution& d : cases) {
    SCOPED_TRACE(d.to_string());
    const double lo = d.args[d.kind == K::TruncatedNormal ? 2 : 0],
                 hi = d.args[d.kind == K::Uniform ? 1 : d.args.size() - 1];
    for (double v : draw_many(d, "nearly_equal", 2000)) {
      ASSERT_GE(v, lo);
      ASSERT_LE(v, hi);
    }
    double previous = lo;
    for (double q : {1e-6, 0.05, 0.5, 0.95, 1 - 1e-6}) {
      const double x = d.quantile(q);
      EXPECT_GE(x, previous) << "q = " << q;
      EXPECT_LE(x, hi) << "q = " << q;
      previous = x;
    }
    EXPECT_GE(d.mean(), lo);
    EXPECT_LE(d.mean(), hi);
  }
}

// Chi-square of draws against a CDF over the bins (−inf, e_0], (e_0, e_1],
// …, (e_last, inf), for laws whose Boost CDF is too slow to evaluate at
// every draw (the incomplete gamma at shape 1e10 takes ~3 ms). Returns the
// statistic and its 0.1 % critical value (df = bins − 1).
std::pair<double, double> binned_chi_square(std::vector<double> draws, const std::function<double(double)>& cdf,
                                            const std::vector<double>& edges) {
  std::sort(draws.begin(), draws.end());
  const double n = static_cast<double>(draws.size());
  double stat = 0.0, below = 0.0, previous_f = 0.0;
  for (std::size_t i = 0; i <= edges.size(); ++i) {
    const double f = i < edges.size() ? cdf(edges[i]) : 1.0;
    const double up_to =
        i < edges.size() ? static_cast<double>(std::upper_bound(draws.begin(), draws.end(), edges[i]) - draws.begin())
                         : n;
    const double observed = up_to - below, expected = n * (f - previous_f);
    stat += (observed - expected) * (observed - expected) / expected;
    below = up_to;
    previous_f = f;
  }
  return {stat, bm::quantile(bm::complement(bm::chi_squared_distribution<double>(edges.size()), kAlpha))};
}

// Edges mean + sd·z, z = −2.5, −2, …, 2.5 (12 bins, each expecting ≥ 0.6 % of
// the draws), at half-integers for counts.
std::vector<double> edges_around(double mean, double sd, bool counts) {
  std::vector<double> edges;
  for (int i = -5; i <= 5; ++i) {
    const double e = mean + 0.5 * i * sd;
    edges.push_back(counts ? std::floor(e) + 0.5 : e);
  }
  return edges;
}

// Poisson means past 2^32: counts were saturated at 2^32 − 1 (poisson(1e10)
// drew 4294967295 every time; poisson(2^32 − 1) drew it in half the
// samples). The largest shapes accepted for beta and gamma.
TEST(DistributionRange, LargestMeansAndShapesMatchBoostCdf) {
  using K = DistributionKind;
  struct Case {
    Distribution distribution;
    std::function<double(double)> cdf;
    double mean, sd;
    bool counts;
  };
  std::vector<Case> cases;
  for (double lambda : {2147483648.0, 4294967295.0, 4294967296.0, 1e10}) {
    const bm::poisson_distribution<double> p(lambda);
    cases.push_back({make(K::Poisson, {lambda}), [p](double x) { return bm::cdf(p, std::floor(x)); }, lambda,
                     std::sqrt(lambda), true});
  }
  for (double n : {4294967296.0, kMaxBinomialTrials}) {
    const bm::binomial_distribution<double> b(n, 0.3);
    cases.push_back({make(K::Binomial, {n, 0.3}),
                     [b, n](double x) { return bm::cdf(b, std::clamp(std::floor(x), 0.0, n)); }, bm::mean(b),
                     bm::standard_deviation(b), true});
  }
  const bm::beta_distribution<double> beta(1e10, 1e10);
  cases.push_back({make(K::Beta, {1e10, 1e10}), [beta](double x) { return bm::cdf(beta, x); }, bm::mean(beta),
                   bm::standard_deviation(beta), false});
  const bm::gamma_distribution<double> gamma(1e10, 1e-10);
  cases.push_back({make(K::Gamma, {1e10, 1e-10}), [gamma](double x) { return bm::cdf(gamma, x); }, bm::mean(gamma),
                   bm::standard_deviation(gamma), false});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.distribution.to_string());
    const std::vector<double> x = draw_many(c.distribution, "largest");
    // Mean within 4 standard errors sd/√n: for poisson(1e10), 4·√(1e10/20000) = 2828.
    EXPECT_NEAR(sample_mean(x), c.mean, 4.0 * c.sd / std::sqrt(static_cast<double>(x.size())));
    auto [stat, critical] = binned_chi_square(x, c.cdf, edges_around(c.mean, c.sd, c.counts));
    EXPECT_LT(stat, critical);
    if (c.counts) {
      for (double v : x) ASSERT_EQ(v, std::floor(v));
    }
  }
}

// Shapes down to kMinShape: beta(ε, ε) is 0 or 1 (within 10^-(10^299) of
// them) with probability 1/2 each; beta(ε, 1e10) and gamma(ε, scale) are 0
// after rounding with probability 1 − O(ε).
TEST(DistributionRange, SmallestShapes) {
  using K = DistributionKind;
  const std::vector<double> x = draw_many(make(K::Beta, {1e-300, 1e-300}), "smallest_beta");
  double ones = 0;
  for (double v : x) {
    ASSERT_TRUE(v == 0.0 || v == 1.0) << v;
    ones += v;
  }
  // 4 binomial standard errors of a proportion of 1/2.
  EXPECT_NEAR(ones / static_cast<double>(x.size()), 0.5, 4.0 * std::sqrt(0.25 / static_cast<double>(x.size())));
  for (const Distribution& d : {make(K::Beta, {1e-300, 1e10}), make(K::Gamma, {1e-300, 1e305})}) {
    SCOPED_TRACE(d.to_string());
    for (double v : draw_many(d, "smallest", 1000)) ASSERT_EQ(v, 0.0);
    EXPECT_EQ(d.quantile(0.95), 0.0);
  }
}

// What `describe` prints, over the corners of every kind's valid range:
// quantile() and mean() never stop with a Boost.Math error, and are finite,
// ordered and inside the support (a lognormal's mean may exceed the largest
// double, and is then +inf).
TEST(DistributionRange, QuantilesAndMeansAreFiniteOverTheWholeValidRange) {
  using K = DistributionKind;
  const double tiny = std::numeric_limits<double>::denorm_min();
  std::vector<Distribution> all = {
      make(K::Uniform, {-kLargest, kLargest}),
      make(K::Uniform, {1e308, kLargest}),
      make(K::Uniform, {0, tiny}),
      make(K::Triangular, {-kLargest, kLargest, kLargest}),
      make(K::Triangular, {0, 0, tiny}),
      make(K::Pert, {-kLargest, 0, kLargest}),
      make(K::Pert, {0, tiny, 2 * tiny}),
      make(K::Normal, {0, 0.999 * kLargest / kNormalDrawBound}),
      make(K::Normal, {1e308, 1e300}),
      make(K::Normal, {0, tiny}),
      make(K::TruncatedNormal, {0, 1, 36, 37}),
      make(K::TruncatedNormal, {0, 1, -37, -36}),
      make(K::TruncatedNormal, {0, 1, -kLargest, kLargest}),
      make(K::TruncatedNormal, {0, 1, 0, 1e-9}),
      make(K::TruncatedNormal, {1e6, 1, 1e6 + 36, 1e6 + 37}),
      make(K::TruncatedNormal, {0, 1e300, -1e-300, 1e300}),
      make(K::Lognormal, {700, 0.25}),
      make(K::Lognormal, {-1e300, 1e298}),
      make(K::Lognormal, {0, 1e-300}),
      make(K::Lognormal, {-800, 1}),
      make(K::LognormalCi90, {1e-320, 1e-310}),
      make(K::LognormalCi90, {1, 1 + 2e-9}),
      make(K::LognormalCi90, {1e300, 1.0000001e300}),
      make(K::Bernoulli, {1e-300}),
      make_discrete({-kLargest, kLargest}, {1, 1}),
      make_discrete({1, 2}, {tiny, 1}),
  };
  const std::vector<double> shapes = {kMinShape, 1e-10, 0.5, 1, 1e5, kMaxShape};
  for (double a : shapes)
    for (double b : shapes) all.push_back(make(K::Beta, {a, b}));
  for (double shape : shapes)
    for (double scale : {tiny, 1.0, 0.999 * kLargest / gamma_draw_bound(shape)})
      all.push_back(make(K::Gamma, {shape, scale}));
  for (double lambda : {0.0, 1e-300, 1e-10, 29.999, 30.0, 2147483648.0, 4294967296.0, 1e9, kMaxPoissonMean})
    all.push_back(make(K::Poisson, {lambda}));
  // The kinds of issue 14, at the corners of their limits.
  for (double df : {kMinStudentDf, 1.5, 2.0, 1e5, kMaxStudentDf}) {
    all.push_back(make(K::StudentT, {df, 0, 1}));
    all.push_back(make(K::StudentT, {df, 0, 0.999 * kLargest / student_t_draw_bound(df)}));
    all.push_back(make(K::StudentT, {df, -1e308, 1e300 / student_t_draw_bound(df)}));
  }
  for (double shape : {kMinWeibullShape, 0.1, 1.0, 50.0, 1e300})
    for (double scale : {tiny, 1.0, 0.999 * kLargest / weibull_bound(shape)})
      all.push_back(make(K::Weibull, {shape, scale}));
  for (double rate : {2.1e-307, 1e-10, 1.0, kLargest}) all.push_back(make(K::Exponential, {rate}));
  for (double n : {0.0, 1.0, 10.0, 1e6, kMaxBinomialTrials})
    for (double p : {0.0, 1e-300, 0.3, 0.5, 1 - 1e-16, 1.0}) all.push_back(make(K::Binomial, {n, p}));
  all.push_back(prepared(K::LognormalMeanSd, {1, 1e-150}));
  all.push_back(prepared(K::LognormalMeanSd, {1e290, 1e290}));
  all.push_back(prepared(K::LognormalMeanSd, {1e-300, 1e-290}));
  all.push_back(prepared(K::NormalPercentiles, {1e-300, -1, 1 - 1e-16, 1}));
  all.push_back(prepared(K::NormalPercentiles, {0.5, -1e300, 0.6, 1e300}));
  all.push_back(prepared(K::LognormalPercentiles, {0.01, 1e-300, 0.99, 1e-290}));
  all.push_back(prepared(K::LognormalPercentiles, {0.5, 1, 0.9, 1 + 2e-9}));
  {
    const auto [lo, hi] = pert_p50_ratio_range();
    all.push_back(prepared(K::PertP10P50P90, {0, lo, 1}));
    all.push_back(prepared(K::PertP10P50P90, {0, hi, 1}));
    all.push_back(prepared(K::PertP10P50P90, {-1e307, 0, 1e307}));
    all.push_back(prepared(K::PertP10P50P90, {1, 1 + 2e-9, 1 + 6e-9}));  // neighbours kMinRelativeGap apart
  }
  all.push_back(make_cumulative({-kLargest / 2, 0, kLargest / 2}, {0, 0.5, 1}));
  all.push_back(make_cumulative({0, tiny, 2 * tiny}, {0, 1e-300, 1}));
  all.push_back(make_mixture(
      {make(K::Uniform, {-kLargest, kLargest}), Distribution::constant(kLargest), make(K::Lognormal, {700, 0.25})},
      {1, 1, tiny}));
  all.push_back(make_mixture({make(K::StudentT, {1, 0, 1}), make(K::Poisson, {kMaxPoissonMean})}, {1, 1}));
  for (const Distribution& d : all) {
    SCOPED_TRACE(d.to_string());
    Diagnostics diagnostics("m.yaml");
    ASSERT_TRUE(validate_distribution(d, diagnostics)) << diagnostics.format();
    // The copula's probabilities reach 1 − 2⁻⁵³ and, 37 sd below the mean of
    // its normals, 1e-300; the prepared quantile function too. Below 1e-6
    // the quantile may come from the bisection where Boost.Math's inversion
    // gives up, which rounds up to a double where Boost rounds to nearest:
    // in the support, but monotone only from 1e-6 on.
    const QuantileFunction prepared_quantile(d);
    const auto [lo, hi] = d.support();
    double previous = -std::numeric_limits<double>::infinity(), previous_prepared = previous;
    for (double q : {1e-300, 1e-100, 1e-6, 0.05, 0.5, 0.95, 1 - 1e-6, 1 - 0x1p-53}) {
      double x = 0, y = 0;
      ASSERT_NO_THROW(x = d.quantile(q)) << "q = " << q;
      ASSERT_NO_THROW(y = prepared_quantile(q)) << "q = " << q;
      EXPECT_TRUE(std::isfinite(x) && x >= lo && x <= hi) << "q = " << q << ": " << x;
      EXPECT_TRUE(std::isfinite(y) && y >= lo && y <= hi) << "q = " << q << ": " << y;
      if (q < 1e-6) continue;
      EXPECT_GE(x, previous) << "q = " << q;
      EXPECT_GE(y, previous_prepared) << "q = " << q;
      previous = x;
      previous_prepared = y;
    }
    double m = 0;
    ASSERT_NO_THROW(m = d.mean());
    // +inf: a lognormal's mean beyond the largest double (in a mixture too);
    // NaN: student_t with df ≤ 1 has no mean (also in a mixture).
    const bool lognormal = d.kind == K::Lognormal || d.kind == K::LognormalCi90 || d.kind == K::Mixture;
    const bool no_mean = (d.kind == K::StudentT && d.args[0] <= 1) || d.kind == K::Mixture;
    EXPECT_TRUE(std::isfinite(m) || (lognormal && m == std::numeric_limits<double>::infinity()) ||
                (no_mean && std::isnan(m)))
        << m;
    for (double x : {-kLargest, 0.0, 1.0, kLargest, previous}) {
      double f = 0;
      ASSERT_NO_THROW(f = d.cdf(x)) << "x = " << x;
      EXPECT_TRUE(f >= 0.0 && f <= 1.0) << "x = " << x << ": " << f;
    }
    // Draws are finite too (a few, from the sampler the run uses).
    for (double v : draw_many(d, "range", 50)) ASSERT_TRUE(std::isfinite(v)) << v;
  }
}

TEST(DistributionQuantile, ContinuousKindsInvertTheCdf) {
  const double probabilities[] = {1e-6, 0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 1 - 1e-6};
  for (const ContinuousCase& c : continuous_cases()) {
    SCOPED_TRACE(c.name);
    // Tolerance on F(Q(q)) − q: 1e-9 for Boost's root finding, plus, for
    // the truncated normal, the rounding of the inverted tail probability
    // (a few ulps of it) relative to the interval's mass.
    const double tolerance = 1e-9 + c.resolution;
    for (double q : probabilities) {
      const double x = c.distribution.quantile(q);
      EXPECT_NEAR(c.cdf(x), q, tolerance) << "q = " << q;
      // Distribution::cdf (which mixtures invert) is the reference CDF.
      EXPECT_NEAR(c.distribution.cdf(x), c.cdf(x), 1e-12 + c.resolution) << "q = " << q;
      EXPECT_GE(x, c.lo);
      EXPECT_LE(x, c.hi);
      if (c.boost_quantile) {
        const double expected = c.boost_quantile(q);
        EXPECT_NEAR(x, expected, 1e-10 * std::max(1.0, std::fabs(expected))) << "q = " << q;
      }
    }
  }
}

TEST(DistributionQuantile, LognormalCi90HitsItsPercentiles) {
  const Distribution d = make(DistributionKind::LognormalCi90, {1.5e5, 7.0e5});
  EXPECT_NEAR(d.quantile(0.05), 1.5e5, 1.5e5 * 1e-12);
  EXPECT_NEAR(d.quantile(0.95), 7.0e5, 7.0e5 * 1e-12);
  EXPECT_NEAR(d.quantile(0.5), std::sqrt(1.5e5 * 7.0e5), 1e-6);
}

// Generalised inverse Q(q) = min{x : F(x) ≥ q} of a discrete law given as
// sorted (value, probability) pairs.
double generalised_inverse(const std::vector<std::pair<double, double>>& atoms, double q) {
  double cumulative = 0.0;
  for (auto [value, p] : atoms) {
    cumulative += p;
    if (cumulative >= q) return value;
  }
  return atoms.back().first;
}

TEST(DistributionQuantile, DiscreteIsTheGeneralisedInverse) {
  const Distribution d = make_discrete({3, 1, 2, 10}, {1, 2, 3, 4});
  const std::vector<std::pair<double, double>> atoms = {{1, 0.2}, {2, 0.3}, {3, 0.1}, {10, 0.4}};
  // Includes the exact atom boundaries F(1) = 0.2 and F(2) = 0.5.
  for (double q : {0.01, 0.1, 0.2, 0.2000001, 0.35, 0.5, 0.55, 0.65, 0.99}) {
    EXPECT_EQ(d.quantile(q), generalised_inverse(atoms, q)) << "q = " << q;
  }
}

// bernoulli(p) is discrete([0, 1], [1 − p, p]); its quantile is Boost's
// (0 for q ≤ 1 − p) and the same as the equivalent `discrete`, also at
// q = 1 − p exactly (0.75 for p = 0.25; 0.95 for bernoulli(0.05), one of
// the reported percentiles; the median of bernoulli(0.5)).
TEST(DistributionQuantile, BernoulliAgreesWithBoostAndTheEquivalentDiscrete) {
  for (double p : {0.25, 0.05, 0.5}) {
    SCOPED_TRACE(p);
    const Distribution b = make(DistributionKind::Bernoulli, {p});
    const Distribution d = make_discrete({0, 1}, {1 - p, p});
    const bm::bernoulli_distribution<double> reference(p);
    for (double q : {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
      EXPECT_EQ(b.quantile(q), bm::quantile(reference, q)) << "q = " << q;
      EXPECT_EQ(d.quantile(q), bm::quantile(reference, q)) << "q = " << q;
    }
  }
}

TEST(DistributionQuantile, PoissonIsTheGeneralisedInverse) {
  for (double lambda : {0.25, 3.7, 250.0}) {
    SCOPED_TRACE(lambda);
    const Distribution d = make(DistributionKind::Poisson, {lambda});
    const bm::poisson_distribution<double> p(lambda);
    auto expected = [&](double q) {  // smallest k with F(k) ≥ q
      int k = 0;
      while (bm::cdf(p, k) < q) ++k;
      return static_cast<double>(k);
    };
    for (double q : {0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999})
      EXPECT_EQ(d.quantile(q), expected(q)) << "q = " << q;
    // Exactly at an atom boundary: Q(F(k)) = k.
    for (int k : {0, 1, 3, static_cast<int>(lambda)}) {
      const double q = bm::cdf(p, k);
      if (q > 0.0 && q < 1.0) {
        EXPECT_EQ(d.quantile(q), expected(q)) << "k = " << k;
      }
    }
  }
  EXPECT_EQ(make(DistributionKind::Poisson, {0.0}).quantile(0.5), 0.0);
}

TEST(DistributionMean, MatchesBoost) {
  for (const ContinuousCase& c : continuous_cases()) {
    SCOPED_TRACE(c.name);
    // Relative tolerance 1e-10 (quadrature is good to ~1e-12), plus for the
    // truncated normal the rounding of its tail probabilities relative to
    // the interval's mass.
    const double tolerance = 1e-10 + c.resolution;
    EXPECT_NEAR(c.distribution.mean(), c.mean, tolerance * std::max(1.0, std::fabs(c.mean)));
  }
  EXPECT_DOUBLE_EQ(make(DistributionKind::Poisson, {3.7}).mean(), 3.7);
  EXPECT_DOUBLE_EQ(make(DistributionKind::Bernoulli, {0.3}).mean(), 0.3);
  EXPECT_DOUBLE_EQ(make_discrete({3, 1, 2, 10}, {1, 2, 3, 4}).mean(), 0.3 + 0.2 + 0.6 + 4.0);
}

TEST(DistributionMean, DiscreteSampleMeansAgree) {
  // 4 standard errors of the mean, with the exact variance of each law.
  const double n = static_cast<double>(kDraws);
  const Distribution d = make_discrete({3, 1, 2, 10}, {1, 2, 3, 4});
  const double m = d.mean();
  double var = 0.0;
  for (std::size_t i = 0; i < d.values.size(); ++i) var += d.weights[i] * (d.values[i] - m) * (d.values[i] - m);
  EXPECT_NEAR(sample_mean(draw_many(d, "discrete_mean")), m, 4.0 * std::sqrt(var / n));
  EXPECT_NEAR(sample_mean(draw_many(make(DistributionKind::Bernoulli, {0.3}), "bernoulli_mean")), 0.3,
              4.0 * std::sqrt(0.3 * 0.7 / n));
}

// Student's t with 1 ≤ df ≤ 2 has no variance (df = 1, Cauchy, no mean):
// KS only, which needs no moments.
TEST(DistributionDraws, StudentTHeavyTailsMatchBoostCdf) {
  for (double df : {1.0, 1.5, 2.0}) {
    SCOPED_TRACE(df);
    const bm::students_t_distribution<double> t(df);
    std::vector<double> x = draw_many(make(DistributionKind::StudentT, {df, 3, 0.5}), "student_t_heavy");
    for (double v : x) ASSERT_TRUE(std::isfinite(v));
    const double d = ks_statistic(x, [&](double v) { return bm::cdf(t, (v - 3) / 0.5); });
    EXPECT_LT(d, ks_critical_value(x.size(), kAlpha)) << "KS distance " << d;
  }
}

TEST(DistributionDraws, BinomialMatchesBoostPmf) {
  // Both of Boost.Random's methods ((n + 1)·min(p, 1 − p) below 11:
  // inversion; above: BTRD) and both sides of p = 1/2.
  const std::vector<std::pair<double, double>> cases = {{10, 0.3}, {1000, 0.002}, {200, 0.5},
                                                        {50, 0.9}, {400, 0.03},   {1, 0.5}};
  for (auto [n, p] : cases) {
    SCOPED_TRACE(fmt::format("binomial({}, {})", n, p));
    const std::vector<double> x = draw_many(make(DistributionKind::Binomial, {n, p}), "binomial");
    const bm::binomial_distribution<double> b(n, p);
    for (double v : x) ASSERT_LE(v, n);
    auto [stat, critical] = chi_square(
        x, [&](int k) { return k <= n ? bm::pdf(b, k) : 0.0; }, static_cast<int>(n));
    EXPECT_LT(stat, critical);
    // Mean within 4 standard errors √(np(1 − p)/draws).
    EXPECT_NEAR(sample_mean(x), n * p, 4.0 * std::sqrt(n * p * (1 - p) / static_cast<double>(x.size())));
  }
  for (double v : draw_many(make(DistributionKind::Binomial, {0, 0.5}), "b_n0", 500)) EXPECT_EQ(v, 0.0);
  for (double v : draw_many(make(DistributionKind::Binomial, {7, 0}), "b_p0", 500)) EXPECT_EQ(v, 0.0);
  for (double v : draw_many(make(DistributionKind::Binomial, {7, 1}), "b_p1", 500)) EXPECT_EQ(v, 7.0);
}

// A mixture with a point mass and a zero-weight component: the atom's
// frequency within 4 binomial standard errors of its weight, the rest
// distributed as the continuous component (KS on the draws off the atom),
// the zero-weight component never drawn.
TEST(DistributionDraws, MixtureWithAnAtomAndAZeroWeight) {
  const Distribution d = make_mixture(
      {make(DistributionKind::Normal, {0, 1}), Distribution::constant(5), make(DistributionKind::Uniform, {100, 101})},
      {0.8, 0.2, 0});
  const std::vector<double> x = draw_many(d, "mixture_atom");
  std::vector<double> rest;
  double atoms = 0;
  for (double v : x) {
    ASSERT_LT(v, 100.0);
    if (v == 5.0)
      atoms += 1;
    else
      rest.push_back(v);
  }
  const double n = static_cast<double>(x.size());
  EXPECT_NEAR(atoms / n, 0.2, 4.0 * std::sqrt(0.2 * 0.8 / n));
  const bm::normal_distribution<double> normal;
  EXPECT_LT(ks_statistic(rest, [&](double v) { return bm::cdf(normal, v); }), ks_critical_value(rest.size(), kAlpha));
}

TEST(DistributionQuantile, BinomialIsTheGeneralisedInverse) {
  for (auto [n, p] : std::vector<std::pair<double, double>>{{10, 0.3}, {200, 0.5}, {50, 0.9}, {1000, 0.002}}) {
    SCOPED_TRACE(fmt::format("binomial({}, {})", n, p));
    const Distribution d = make(DistributionKind::Binomial, {n, p});
    const bm::binomial_distribution<double> b(n, p);
    auto expected = [&](double q) {  // smallest k with F(k) ≥ q
      int k = 0;
      while (bm::cdf(b, k) < q) ++k;
      return static_cast<double>(k);
    };
    for (double q : {0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999})
      EXPECT_EQ(d.quantile(q), expected(q)) << "q = " << q;
    for (double x : {-1.0, 0.0, 2.5, 3.0, n - 1, n, n + 1})
      EXPECT_NEAR(d.cdf(x), x < 0 ? 0.0 : bm::cdf(b, std::min(std::floor(x), n)), 1e-15);
    EXPECT_DOUBLE_EQ(d.mean(), n * p);
  }
  EXPECT_EQ(make(DistributionKind::Binomial, {7, 1}).quantile(0.5), 7.0);
  EXPECT_EQ(make(DistributionKind::Binomial, {7, 0}).quantile(0.5), 0.0);
}

// uniform(0, 1) and the point 5, half each: F(x) = x/2 on [0, 1), 1/2 on
// [1, 5), 1 from 5. The generalised inverse min{x : F(x) ≥ q}.
TEST(DistributionQuantile, MixtureIsTheGeneralisedInverse) {
  const Distribution d = make_mixture({make(DistributionKind::Uniform, {0, 1}), Distribution::constant(5)}, {1, 1});
  EXPECT_DOUBLE_EQ(d.quantile(0.25), 0.5);
  EXPECT_DOUBLE_EQ(d.quantile(0.1), 0.2);
  EXPECT_EQ(d.quantile(0.5), 1.0);
  EXPECT_EQ(d.quantile(0.5000001), 5.0);
  EXPECT_EQ(d.quantile(0.99), 5.0);
  EXPECT_DOUBLE_EQ(d.cdf(0.5), 0.25);
  EXPECT_DOUBLE_EQ(d.cdf(3), 0.5);
  EXPECT_EQ(d.cdf(5), 1.0);
  EXPECT_DOUBLE_EQ(d.mean(), 0.5 * 0.5 + 0.5 * 5);
  EXPECT_EQ(d.support(), (std::pair<double, double>{0, 5}));
  // A mixture of one component is that component.
  const Distribution one = make_mixture({make(DistributionKind::Gamma, {2, 3})}, {4});
  const bm::gamma_distribution<double> g(2, 3);
  for (double q : {0.01, 0.5, 0.99}) EXPECT_NEAR(one.quantile(q), bm::quantile(g, q), 1e-12 * bm::quantile(g, q));
}

TEST(DistributionQuantile, PercentileKindsHitTheirPercentiles) {
  using K = DistributionKind;
  const Distribution n = prepared(K::NormalPercentiles, {0.1, 80, 0.9, 120});
  EXPECT_NEAR(n.quantile(0.1), 80, 80 * 1e-13);
  EXPECT_NEAR(n.quantile(0.9), 120, 120 * 1e-13);
  EXPECT_NEAR(n.mean(), 100, 1e-12);
  const Distribution l = prepared(K::LognormalPercentiles, {0.25, 10, 0.99, 1000});
  EXPECT_NEAR(l.quantile(0.25), 10, 10 * 1e-12);
  EXPECT_NEAR(l.quantile(0.99), 1000, 1000 * 1e-12);
  // lognormal_percentiles(0.05, lo, 0.95, hi) is lognormal_ci90(lo, hi).
  const Distribution ci = prepared(K::LognormalPercentiles, {0.05, 1.5e5, 0.95, 7e5});
  const Distribution ci90 = make(K::LognormalCi90, {1.5e5, 7e5});
  for (double q : {0.01, 0.5, 0.95}) EXPECT_NEAR(ci.quantile(q), ci90.quantile(q), ci90.quantile(q) * 1e-13);
  // lognormal_mean_sd: mean() is the mean given; the sd of the law solved
  // for (Boost) is the sd given.
  for (auto [mean, sd] : std::vector<std::pair<double, double>>{{10, 4}, {1, 1e-150}, {2e5, 7e6}, {1e-300, 1e-290}}) {
    const Distribution m = prepared(K::LognormalMeanSd, {mean, sd});
    EXPECT_EQ(m.mean(), mean);
    const std::vector<double>& a = m.components.at(0).args;
    const bm::lognormal_distribution<double> law(a[0], a[1]);
    if (sd / mean < 1e5) {  // beyond, Boost's mean and sd overflow or lose digits
      EXPECT_NEAR(bm::mean(law), mean, 1e-12 * mean);
      EXPECT_NEAR(bm::standard_deviation(law), sd, 1e-9 * sd);
    }
  }
}

// The PERT solved from (p10, p50, p90) has those percentiles, by Boost's beta
// quantile of its shapes, within 1e-9·(p90 − p10) (the root is found to
// 2^-50 relative; beta quantiles are good to ~1e-15).
TEST(DistributionPertPercentiles, SolvedPertHasThePercentiles) {
  const auto [lo, hi] = pert_p50_ratio_range();
  // Beta(1, 5) and Beta(5, 1), by their closed-form quantiles 1 − (1 − p)^(1/5).
  auto q15 = [](double p) { return 1 - std::pow(1 - p, 0.2); };
  EXPECT_NEAR(lo, (q15(0.5) - q15(0.1)) / (q15(0.9) - q15(0.1)), 1e-14);
  EXPECT_NEAR(hi, 1 - lo, 1e-14);
  const std::vector<std::array<double, 3>> triples = {{10, 20, 40}, {-5, 0, 5},        {100, 160, 200},     {0, lo, 1},
                                                      {0, hi, 1},   {1e6, 1.8e6, 3e6}, {-3e-9, -1e-9, 2e-9}};
  for (const auto& t : triples) {
    SCOPED_TRACE(fmt::format("pert_p10_p50_p90({}, {}, {})", t[0], t[1], t[2]));
    const Distribution d = prepared(DistributionKind::PertP10P50P90, {t[0], t[1], t[2]});
    const std::vector<double>& b = d.components.at(0).args;
    const double alpha = 1 + 4 * (b[1] - b[0]) / (b[2] - b[0]), beta = 1 + 4 * (b[2] - b[1]) / (b[2] - b[0]);
    const bm::beta_distribution<double> law(alpha, beta);
    const double tolerance = 1e-9 * (t[2] - t[0]);
    for (int i = 0; i < 3; ++i) {
      const double p = 0.1 + 0.4 * i;
      EXPECT_NEAR(b[0] + (b[2] - b[0]) * bm::quantile(law, p), t[i], tolerance) << "p = " << p;
      EXPECT_NEAR(d.quantile(p), t[i], tolerance) << "p = " << p;
    }
  }
  // The ratio rises with the mode's position, so the root is unique.
  auto ratio = [](double t) {
    const bm::beta_distribution<double> b(1 + 4 * t, 5 - 4 * t);
    return (bm::quantile(b, 0.5) - bm::quantile(b, 0.1)) / (bm::quantile(b, 0.9) - bm::quantile(b, 0.1));
  };
  for (int i = 1; i <= 100; ++i) EXPECT_GT(ratio(i / 100.0), ratio((i - 1) / 100.0)) << i;
  // Outside the range: no PERT.
  EXPECT_FALSE(pert_from_p10_p50_p90(0, 0.99 * lo, 1));
  EXPECT_FALSE(pert_from_p10_p50_p90(0, 1.01 * hi, 1));
  EXPECT_FALSE(pert_from_p10_p50_p90(0, 0.2, 1));
}

}  // namespace
}  // namespace riskcast

namespace riskcast {
namespace {

Distribution parsed(const std::string& text) {
  Diagnostics d("t");
  const std::optional<Distribution> dist = parse_distribution(text, {1, 1}, d);
  EXPECT_TRUE(dist) << text << ": " << d.format();
  return dist ? *dist : Distribution{};
}

// Constant in effect: the one predicate correlations refuse (and scenarios
// drop pairs on); laws with ties that still vary are not.
TEST(DistributionShape, DegenerateIsASinglePointSupport) {
  for (const char* text : {"3", "constant(3)", "binomial(10, 0)", "binomial(0, 0.5)", "binomial(4, 1)", "poisson(0)",
                           "bernoulli(0)", "bernoulli(1)", "discrete([7], [1])", "discrete([7, 8], [1, 0])",
                           "mixture([3, 3], [1, 1])", "mixture([3, poisson(0), 3], [1, 0, 2])"})
    EXPECT_TRUE(parsed(text).is_degenerate()) << text;
  for (const char* text :
       {"bernoulli(0.5)", "bernoulli(1e-300)", "binomial(1, 0.01)", "poisson(1e-9)", "discrete([7, 8], [1, 1])",
        "mixture([3, 4], [1, 1])", "uniform(0, 1e-300)", "cumulative([0, 1, 2], [0, 0, 1])"})
    EXPECT_FALSE(parsed(text).is_degenerate()) << text;
  // bernoulli(0) and (1): one point, and the CDF says so.
  EXPECT_EQ(parsed("bernoulli(1)").support(), (std::pair{1.0, 1.0}));
  EXPECT_EQ(parsed("bernoulli(1)").cdf(0.5), 0.0);
  EXPECT_EQ(parsed("bernoulli(0)").cdf(0.0), 1.0);
}

TEST(DistributionShape, FiniteMomentsOfHeavyTails) {
  EXPECT_EQ(parsed("student_t(1, 0, 1)").finite_moments(), 0);
  EXPECT_EQ(parsed("student_t(1.5, 0, 1)").finite_moments(), 1);
  EXPECT_EQ(parsed("student_t(2, 0, 1)").finite_moments(), 1);
  EXPECT_EQ(parsed("student_t(2.0000001, 0, 1)").finite_moments(), 2);
  EXPECT_EQ(parsed("mixture([normal(0, 1), student_t(1, 0, 1)], [1, 1])").finite_moments(), 0);
  EXPECT_EQ(parsed("mixture([normal(0, 1), student_t(1, 0, 1)], [1, 0])").finite_moments(), 2);
  for (const char* text : {"normal(0, 1)", "lognormal(0, 3)", "weibull(0.01, 1)", "cumulative([0, 1], [0, 1])",
                           "pert_p10_p50_p90(0, 40, 100)"})
    EXPECT_EQ(parsed(text).finite_moments(), 2) << text;
}

// The kinds given in other terms show the law they solve to; weights show
// as written, not normalised.
TEST(DistributionShape, SolvedFormsAndWrittenWeights) {
  EXPECT_EQ(parsed("lognormal_ci90(1, 100)").solved()->to_string(6), "lognormal(2.30259, 1.39987)");
  EXPECT_EQ(parsed("normal_percentiles(0.1, 800, 0.9, 1200)").solved()->to_string(6), "normal(1000, 156.061)");
  EXPECT_EQ(parsed("pert_p10_p50_p90(0, 31.3, 100)").solved()->to_string(3), "pert(-6.08, -5.63, 280)");
  EXPECT_FALSE(parsed("normal(0, 1)").solved());
  EXPECT_FALSE(parsed("mixture([lognormal_mean_sd(1, 1)], [1])").solved());
  EXPECT_EQ(parsed("discrete([1, 2, 3], [1, 1, 1])").to_string(), "discrete([1, 2, 3], [1, 1, 1])");
  EXPECT_EQ(parsed("mixture([0, normal(0, 1)], [3, 1])").to_string(), "mixture([0, normal(0, 1)], [3, 1])");
  const Distribution d = parsed("discrete([1, 2], [1, 3])");
  EXPECT_EQ(d.weights, (std::vector<double>{0.25, 0.75}));  // what the draws use
}

}  // namespace
}  // namespace riskcast
