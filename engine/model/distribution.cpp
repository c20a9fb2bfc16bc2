#include "riskcast/distribution.hpp"

#include <fmt/format.h>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/weibull.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "riskcast/expr.hpp"
#include "riskcast/math_policies.hpp"

namespace riskcast {

const std::vector<DistributionSignature>& distribution_signatures() {
  static const std::vector<DistributionSignature> signatures = {
      {"constant", DistributionKind::Constant, 1, "value"},
      {"uniform", DistributionKind::Uniform, 2, "a, b"},
      {"triangular", DistributionKind::Triangular, 3, "min, mode, max"},
      {"pert", DistributionKind::Pert, 3, "min, mode, max"},
      {"normal", DistributionKind::Normal, 2, "mean, sd"},
      {"truncated_normal", DistributionKind::TruncatedNormal, 4, "mean, sd, lo, hi"},
      {"lognormal", DistributionKind::Lognormal, 2, "mu, sigma"},
      {"lognormal_ci90", DistributionKind::LognormalCi90, 2, "lo, hi"},
      {"beta", DistributionKind::Beta, 2, "alpha, beta"},
      {"gamma", DistributionKind::Gamma, 2, "shape, scale"},
      {"bernoulli", DistributionKind::Bernoulli, 1, "p"},
      {"discrete", DistributionKind::Discrete, 2, "[values], [weights]"},
      {"poisson", DistributionKind::Poisson, 1, "lambda"},
      {"lognormal_mean_sd", DistributionKind::LognormalMeanSd, 2, "mean, sd"},
      {"normal_percentiles", DistributionKind::NormalPercentiles, 4, "p_lo, x_lo, p_hi, x_hi"},
      {"lognormal_percentiles", DistributionKind::LognormalPercentiles, 4, "p_lo, x_lo, p_hi, x_hi"},
      {"pert_p10_p50_p90", DistributionKind::PertP10P50P90, 3, "p10, p50, p90"},
      {"student_t", DistributionKind::StudentT, 3, "df, loc, scale"},
      {"weibull", DistributionKind::Weibull, 2, "shape, scale"},
      {"exponential", DistributionKind::Exponential, 1, "rate"},
      {"binomial", DistributionKind::Binomial, 2, "n, p"},
      {"mixture", DistributionKind::Mixture, 2, "[distributions], [weights]"},
      {"cumulative", DistributionKind::Cumulative, 2, "[x], [p]"},
  };
  return signatures;
}

bool given_in_other_parameters(DistributionKind kind) {
  return kind == DistributionKind::LognormalMeanSd || kind == DistributionKind::NormalPercentiles ||
         kind == DistributionKind::LognormalPercentiles || kind == DistributionKind::PertP10P50P90;
}

std::string_view distribution_name(DistributionKind kind) {
  for (const auto& s : distribution_signatures())
    if (s.kind == kind) return s.name;
  return "constant";
}

Distribution Distribution::constant(double value, SourcePos pos) {
  Distribution d;
  d.kind = DistributionKind::Constant;
  d.args = {value};
  d.pos = pos;
  return d;
}

double Distribution::log_mu() const {
  if (kind == DistributionKind::LognormalCi90) return 0.5 * (std::log(args[0]) + std::log(args[1]));
  return args[0];
}

double Distribution::log_sigma() const {
  if (kind == DistributionKind::LognormalCi90) return (std::log(args[1]) - std::log(args[0])) / (2.0 * kZ95);
  return args[1];
}

double Distribution::pert_alpha() const {
  const ScaledRange r(*this);
  return 1.0 + 4.0 * (r.mode - r.min) / (r.max - r.min);
}
double Distribution::pert_beta() const {
  const ScaledRange r(*this);
  return 1.0 + 4.0 * (r.max - r.mode) / (r.max - r.min);
}

double gamma_draw_bound(double shape) {
  return shape + 39.0 * std::sqrt(shape) + 1460.0;
}

double weibull_bound(double shape) {
  return std::max(std::pow(kMaxExponentialDraw, 1.0 / shape), std::tgamma(1.0 + 1.0 / shape));
}

double student_t_draw_bound(double df) {
  return boost::math::quantile(
      boost::math::complement(boost::math::students_t_distribution<double>(df), kStudentTailProbability / 2));
}

ScaledRange::ScaledRange(const Distribution& d) {
  const bool uniform = d.kind == DistributionKind::Uniform;
  lo = d.args[0];
  hi = uniform ? d.args[1] : d.args[2];
  const double written_mode = uniform ? lo : d.args[1];
  const double width = hi - lo;
  int e = 0;  // 2^e ≤ width < 2^(e + 1)
  if (!std::isfinite(width))
    e = std::ilogb(hi / 2 - lo / 2) + 1;
  else if (width < 0x1p-480 || width > 0x1p480)
    e = std::ilogb(width);
  exponent = -e;
  min = std::ldexp(lo, exponent);
  mode = std::ldexp(written_mode, exponent);
  max = std::ldexp(hi, exponent);
  mode_cdf = (mode - min) / (max - min);
}

namespace {
using math_policies::IgnoreOverflow;
using math_policies::RoundUp;
using Normal = boost::math::normal_distribution<double, IgnoreOverflow>;
}  // namespace

TruncatedNormalInverse::TruncatedNormalInverse(const Distribution& d)
    : mu_(d.args[0]), sigma_(d.args[1]), lo_(d.args[2]), hi_(d.args[3]), upper_(lo_ > mu_) {
  const Normal n(mu_, sigma_);
  if (upper_) {
    small_ = boost::math::cdf(boost::math::complement(n, hi_));
    large_ = boost::math::cdf(boost::math::complement(n, lo_));
  } else {
    small_ = boost::math::cdf(n, lo_);
    large_ = boost::math::cdf(n, hi_);
  }
}

double TruncatedNormalInverse::operator()(double u) const {
  const Normal n(mu_, sigma_);
  if (!upper_) return std::clamp(boost::math::quantile(n, small_ + (large_ - small_) * u), lo_, hi_);
  return std::clamp(boost::math::quantile(boost::math::complement(n, large_ - (large_ - small_) * u)), lo_, hi_);
}

double TruncatedNormalInverse::cdf(double x) const {
  if (x < lo_) return 0.0;
  if (x >= hi_) return 1.0;
  const Normal n(mu_, sigma_);
  if (upper_) return (large_ - boost::math::cdf(boost::math::complement(n, x))) / (large_ - small_);
  return (boost::math::cdf(n, x) - small_) / (large_ - small_);
}

double TruncatedNormalInverse::mean() const {
  const double mass = large_ - small_;
  if (mass < 0.01 * large_) {
    // A narrow interval (relative to the tail beyond it): the closed form
    // below would divide by a mass known to few digits, while the inverse
    // is nearly linear in u, which 30-point Gauss–Legendre integrates to
    // rounding.
    const double m =
        boost::math::quadrature::gauss<double, 30>::integrate([&](double u) { return (*this)(u); }, 0.0, 1.0);
    return std::clamp(m, lo_, hi_);
  }
  // E[Y | a < Y < b] = (φ(a) − φ(b)) / P(a < Y < b) for Y ~ N(0, 1).
  const boost::math::normal_distribution<double> n;
  const double a = (lo_ - mu_) / sigma_, b = (hi_ - mu_) / sigma_;
  const double z =
      upper_ ? boost::math::cdf(boost::math::complement(n, a)) - boost::math::cdf(boost::math::complement(n, b))
             : boost::math::cdf(n, b) - boost::math::cdf(n, a);
  return std::clamp(mu_ + sigma_ * (boost::math::pdf(n, a) - boost::math::pdf(n, b)) / z, lo_, hi_);
}

std::int64_t ordered_bits(double x) {
  std::int64_t i;
  std::memcpy(&i, &x, sizeof i);
  return i < 0 ? std::numeric_limits<std::int64_t>::min() - i : i;
}
double from_ordered_bits(std::int64_t i) {
  if (i < 0) i = std::numeric_limits<std::int64_t>::min() - i;
  double x;
  std::memcpy(&x, &i, sizeof x);
  return x;
}

namespace {
double mixture_quantile(const Distribution& d, double q) {
  // Every component's quantile at q brackets the mixture's: F_i(Q_i(q)) ≥ q
  // for all i at the largest, and F_i(x) < q for all i below the smallest.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < d.components.size(); ++i) {
    if (d.weights[i] <= 0.0) continue;
    const double x = d.components[i].quantile(q);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  if (d.cdf(lo) >= q) return lo;
  return smallest_double_reaching([&](double x) { return d.cdf(x); }, lo, hi, q);
}

// min{x : F(x) ≥ q} over the doubles of the support, by bisection.
double generalised_inverse(const Distribution& d, double q) {
  constexpr double largest = std::numeric_limits<double>::max();
  const auto [first, last] = d.support();
  const double lo = std::max(first, -largest), hi = std::min(last, largest);
  if (d.cdf(lo) >= q) return lo;
  return smallest_double_reaching([&](double x) { return d.cdf(x); }, lo, hi, q);
}
}  // namespace

SortedDiscrete::SortedDiscrete(const Distribution& d) {
  std::vector<std::pair<double, double>> sorted;
  for (std::size_t i = 0; i < d.values.size(); ++i) sorted.emplace_back(d.values[i], d.weights[i]);
  std::sort(sorted.begin(), sorted.end());
  double cumulative = 0.0;
  for (auto [v, w] : sorted) {
    cumulative += w;
    values.push_back(v);
    reach.push_back(cumulative + 1e-12);
  }
}

double SortedDiscrete::quantile(double q) const {
  // The first running sum with q ≤ sum + 1e-12; the sums never decrease.
  const auto i = static_cast<std::size_t>(std::lower_bound(reach.begin(), reach.end(), q) - reach.begin());
  return i < values.size() ? values[i] : values.back();
}

double cumulative_inverse(const Distribution& d, double u) {
  const std::vector<double>& x = d.values;
  const std::vector<double>& p = d.weights;
  // The first point whose probability reaches u: p_i < u ≤ p_(i+1).
  std::size_t i = static_cast<std::size_t>(std::lower_bound(p.begin() + 1, p.end(), u) - p.begin());
  if (i >= p.size()) i = p.size() - 1;
  const double fraction = (u - p[i - 1]) / (p[i] - p[i - 1]);
  return std::clamp(x[i - 1] + (x[i] - x[i - 1]) * fraction, x[i - 1], x[i]);
}

namespace {
// min{k : F(k) ≥ q} over the counts of poisson and binomial, from Boost.Math's
// quantile `k` (integer_round_up). Boost's root finder runs on the CDF
// continued between the counts and stops once its bracket rounds up to a
// single count; where q lies within the resolution of the doubles near a
// count of that count's CDF value (in the far tails, up to hundreds of ulps
// of q), it ends one count off. A step or two on F itself puts it right.
double smallest_count_reaching(const Distribution& d, double k, double q) {
  while (k > 0.0 && d.cdf(k - 1.0) >= q) k -= 1.0;
  while (d.cdf(k) < q) k += 1.0;
  return k;
}

double boost_quantile(const Distribution& d, double q) {
  namespace bm = boost::math;
  const std::vector<double>& args = d.args;
  switch (d.kind) {
    case DistributionKind::Constant:
      return args[0];
    case DistributionKind::Uniform:
      return uniform_inverse(ScaledRange(d), q);
    case DistributionKind::Triangular:
      return triangular_inverse(ScaledRange(d), q);
    case DistributionKind::Pert: {
      const ScaledRange r(d);
      return r.unscale(r.min +
                       (r.max - r.min) * bm::quantile(bm::beta_distribution<double>(d.pert_alpha(), d.pert_beta()), q));
    }
    case DistributionKind::Normal:
      return bm::quantile(bm::normal_distribution<double>(args[0], args[1]), q);
    case DistributionKind::TruncatedNormal:
      return TruncatedNormalInverse(d)(q);
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return bm::quantile(bm::lognormal_distribution<double>(d.log_mu(), d.log_sigma()), q);
    case DistributionKind::Beta:
      return bm::quantile(bm::beta_distribution<double>(args[0], args[1]), q);
    case DistributionKind::Gamma:
      return bm::quantile(bm::gamma_distribution<double>(args[0], args[1]), q);
    case DistributionKind::Bernoulli:
      return q <= 1.0 - args[0] ? 0.0 : 1.0;
    case DistributionKind::Discrete:
      return SortedDiscrete(d).quantile(q);
    case DistributionKind::Poisson:
      if (args[0] == 0.0) return 0.0;
      return smallest_count_reaching(d, bm::quantile(bm::poisson_distribution<double, RoundUp>(args[0]), q), q);
    case DistributionKind::LognormalMeanSd:
    case DistributionKind::NormalPercentiles:
    case DistributionKind::LognormalPercentiles:
    case DistributionKind::PertP10P50P90:
      return d.components.front().quantile(q);
    case DistributionKind::StudentT:
      return args[1] + args[2] * bm::quantile(bm::students_t_distribution<double>(args[0]), q);
    case DistributionKind::Weibull:
      return bm::quantile(bm::weibull_distribution<double>(args[0], args[1]), q);
    case DistributionKind::Exponential:
      return bm::quantile(bm::exponential_distribution<double>(args[0]), q);
    case DistributionKind::Binomial:
      if (args[1] == 0.0 || args[1] == 1.0) return args[0] * args[1];
      return smallest_count_reaching(d, bm::quantile(bm::binomial_distribution<double, RoundUp>(args[0], args[1]), q),
                                     q);
    case DistributionKind::Mixture:
      return mixture_quantile(d, q);
    case DistributionKind::Cumulative:
      return cumulative_inverse(d, q);
  }
  return 0.0;
}
}  // namespace

double Distribution::quantile(double q) const {
  try {
    return boost_quantile(*this, q);
  } catch (const boost::math::evaluation_error&) {
    // Boost.Math's inversion gives up in some far tails (pert(1, 2, 4)
    // below q = 1e-92: its Halley iteration on the incomplete beta passes
    // 200 steps); the CDF there is still exact.
    return generalised_inverse(*this, q);
  }
}

double Distribution::cdf(double x) const {
  namespace bm = boost::math;
  if (std::isnan(x)) return x;
  const auto [lo, hi] = support();
  if (x < lo || x == -std::numeric_limits<double>::infinity()) return 0.0;
  if (x >= hi) return 1.0;
  // Here lo ≤ x < hi, x finite.
  switch (kind) {
    case DistributionKind::Constant:
      return 1.0;  // not reached: lo = hi
    case DistributionKind::Uniform:
    case DistributionKind::Triangular:
    case DistributionKind::Pert: {
      const ScaledRange r(*this);
      const double v = std::ldexp(x, r.exponent);
      if (kind == DistributionKind::Uniform) return (v - r.min) / (r.max - r.min);
      if (kind == DistributionKind::Pert)
        return bm::cdf(bm::beta_distribution<double, IgnoreOverflow>(pert_alpha(), pert_beta()),
                       std::clamp((v - r.min) / (r.max - r.min), 0.0, 1.0));
      if (v < r.mode) return (v - r.min) * (v - r.min) / ((r.max - r.min) * (r.mode - r.min));
      return 1.0 - (r.max - v) * (r.max - v) / ((r.max - r.min) * (r.max - r.mode));
    }
    case DistributionKind::Normal:
      return bm::cdf(bm::normal_distribution<double, IgnoreOverflow>(args[0], args[1]), x);
    case DistributionKind::TruncatedNormal:
      return TruncatedNormalInverse(*this).cdf(x);
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return bm::cdf(bm::lognormal_distribution<double, IgnoreOverflow>(log_mu(), log_sigma()), x);
    case DistributionKind::Beta:
      return bm::cdf(bm::beta_distribution<double, IgnoreOverflow>(args[0], args[1]), x);
    case DistributionKind::Gamma:
      return bm::cdf(bm::gamma_distribution<double, IgnoreOverflow>(args[0], args[1]), x);
    case DistributionKind::Bernoulli:
      return 1.0 - args[0];  // 0 ≤ x < 1
    case DistributionKind::Discrete: {
      double total = 0.0;
      for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] <= x) total += weights[i];
      return std::min(total, 1.0);
    }
    case DistributionKind::Poisson:
      return bm::cdf(bm::poisson_distribution<double, IgnoreOverflow>(args[0]), std::floor(x));
    case DistributionKind::LognormalMeanSd:
    case DistributionKind::NormalPercentiles:
    case DistributionKind::LognormalPercentiles:
    case DistributionKind::PertP10P50P90:
      return components.front().cdf(x);
    case DistributionKind::StudentT: {
      const double t = (x - args[1]) / args[2];
      if (!std::isfinite(t)) return t < 0 ? 0.0 : 1.0;
      return bm::cdf(bm::students_t_distribution<double, IgnoreOverflow>(args[0]), t);
    }
    case DistributionKind::Weibull:
      return bm::cdf(bm::weibull_distribution<double, IgnoreOverflow>(args[0], args[1]), x);
    case DistributionKind::Exponential:
      return bm::cdf(bm::exponential_distribution<double, IgnoreOverflow>(args[0]), x);
    case DistributionKind::Binomial:
      return bm::cdf(bm::binomial_distribution<double, IgnoreOverflow>(args[0], args[1]), std::floor(x));
    case DistributionKind::Mixture: {
      double total = 0.0;
      for (std::size_t i = 0; i < components.size(); ++i)
        if (weights[i] > 0.0) total += weights[i] * components[i].cdf(x);
      return std::min(total, 1.0);
    }
    case DistributionKind::Cumulative: {
      // The segment [x_i, x_(i+1)) holding x; lo ≤ x < hi keeps i in range.
      const std::size_t i =
          static_cast<std::size_t>(std::upper_bound(values.begin(), values.end(), x) - values.begin()) - 1;
      if (i + 1 >= values.size()) return 1.0;
      const double fraction = (x - values[i]) / (values[i + 1] - values[i]);
      return std::clamp(weights[i] + (weights[i + 1] - weights[i]) * fraction, weights[i], weights[i + 1]);
    }
  }
  return 0.0;
}

std::pair<double, double> Distribution::support() const {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::vector<double>& a = args;
  switch (kind) {
    case DistributionKind::Constant:
      return {a[0], a[0]};
    case DistributionKind::Uniform:
      return {a[0], a[1]};
    case DistributionKind::Triangular:
    case DistributionKind::Pert:
      return {a[0], a[2]};
    case DistributionKind::Normal:
    case DistributionKind::NormalPercentiles:
    case DistributionKind::StudentT:
      return {-inf, inf};
    case DistributionKind::TruncatedNormal:
      return {a[2], a[3]};
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
    case DistributionKind::LognormalMeanSd:
    case DistributionKind::LognormalPercentiles:
    case DistributionKind::Gamma:
    case DistributionKind::Weibull:
    case DistributionKind::Exponential:
      return {0.0, inf};
    case DistributionKind::Poisson:
      return {0.0, a[0] == 0.0 ? 0.0 : inf};
    case DistributionKind::Beta:
      return {0.0, 1.0};
    case DistributionKind::Bernoulli:
      return {a[0] == 1.0 ? 1.0 : 0.0, a[0] == 0.0 ? 0.0 : 1.0};
    case DistributionKind::PertP10P50P90:
      return components.front().support();
    case DistributionKind::Binomial:
      return {a[1] == 1.0 ? a[0] : 0.0, a[1] == 0.0 ? 0.0 : a[0]};
    case DistributionKind::Discrete:
    case DistributionKind::Mixture: {
      double lo = inf, hi = -inf;
      for (std::size_t i = 0; i < weights.size(); ++i) {
        if (weights[i] <= 0.0) continue;
        const auto [l, h] =
            kind == DistributionKind::Discrete ? std::pair{values[i], values[i]} : components[i].support();
        lo = std::min(lo, l);
        hi = std::max(hi, h);
      }
      return {lo, hi};
    }
    case DistributionKind::Cumulative: {
      // From the start of the first segment that rises to the end of the last.
      std::size_t first = 0, last = values.size() - 1;
      while (weights[first + 1] == 0.0) ++first;
      while (weights[last - 1] == 1.0) --last;
      return {values[first], values[last]};
    }
  }
  return {-inf, inf};
}

double Distribution::mean() const {
  switch (kind) {
    case DistributionKind::Constant:
      return args[0];
    case DistributionKind::Uniform: {
      const ScaledRange r(*this);
      return r.unscale(0.5 * (r.min + r.max));
    }
    case DistributionKind::Triangular: {
      const ScaledRange r(*this);
      return r.unscale((r.min + r.mode + r.max) / 3.0);
    }
    case DistributionKind::Pert: {
      const ScaledRange r(*this);
      return r.unscale((r.min + 4.0 * r.mode + r.max) / 6.0);
    }
    case DistributionKind::Normal:
      return args[0];
    case DistributionKind::TruncatedNormal:
      return TruncatedNormalInverse(*this).mean();
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return std::exp(log_mu() + 0.5 * log_sigma() * log_sigma());
    case DistributionKind::Beta:
      return args[0] / (args[0] + args[1]);
    case DistributionKind::Gamma:
      return args[0] * args[1];
    case DistributionKind::Bernoulli:
      return args[0];
    case DistributionKind::Discrete: {
      double m = 0.0;
      for (std::size_t i = 0; i < values.size(); ++i) m += values[i] * weights[i];
      return m;
    }
    case DistributionKind::Poisson:
      return args[0];
    case DistributionKind::LognormalMeanSd:
      return args[0];
    case DistributionKind::NormalPercentiles:
    case DistributionKind::LognormalPercentiles:
    case DistributionKind::PertP10P50P90:
      return components.front().mean();
    case DistributionKind::StudentT:
      return args[0] > 1.0 ? args[1] : std::numeric_limits<double>::quiet_NaN();
    case DistributionKind::Weibull:
      return args[1] * std::tgamma(1.0 + 1.0 / args[0]);
    case DistributionKind::Exponential:
      return 1.0 / args[0];
    case DistributionKind::Binomial:
      return args[0] * args[1];
    case DistributionKind::Mixture: {
      double m = 0.0;
      for (std::size_t i = 0; i < components.size(); ++i)
        if (weights[i] > 0.0) m += weights[i] * components[i].mean();
      return m;
    }
    case DistributionKind::Cumulative: {
      // Each segment holds p_(i+1) − p_i uniformly on [x_i, x_(i+1)]; halves
      // first, so that x_i + x_(i+1) cannot overflow.
      double m = 0.0;
      for (std::size_t i = 0; i + 1 < values.size(); ++i)
        m += (weights[i + 1] - weights[i]) * (0.5 * values[i] + 0.5 * values[i + 1]);
      return m;
    }
  }
  return 0.0;
}

bool Distribution::is_degenerate() const {
  const auto [lo, hi] = support();
  return lo == hi;
}

int Distribution::finite_moments() const {
  if (kind == DistributionKind::StudentT) return args[0] > 2.0 ? 2 : args[0] > 1.0 ? 1 : 0;
  int least = 2;
  for (std::size_t i = 0; i < components.size(); ++i)
    if (kind != DistributionKind::Mixture || weights[i] > 0.0) least = std::min(least, components[i].finite_moments());
  return least;
}

std::optional<Distribution> Distribution::solved() const {
  if (kind == DistributionKind::LognormalCi90) {
    Distribution d;
    d.kind = DistributionKind::Lognormal;
    d.args = {log_mu(), log_sigma()};
    d.pos = pos;
    return d;
  }
  if (components.size() == 1 && kind != DistributionKind::Mixture) return components.front();
  return std::nullopt;
}

namespace {
std::string distribution_text(const Distribution& d, const std::function<std::string(double)>& number) {
  std::string_view name = "constant";
  for (const auto& s : distribution_signatures())
    if (s.kind == d.kind) name = s.name;
  auto list = [&](const std::vector<double>& v) {
    std::vector<std::string> parts;
    for (double x : v) parts.push_back(number(x));
    return fmt::format("[{}]", fmt::join(parts, ", "));
  };
  if (d.kind == DistributionKind::Discrete)
    return fmt::format("discrete({}, {})", list(d.values),
                       list(d.written_weights.empty() ? d.weights : d.written_weights));
  if (d.kind == DistributionKind::Cumulative) return fmt::format("cumulative({}, {})", list(d.values), list(d.weights));
  if (d.kind == DistributionKind::Mixture) {
    std::vector<std::string> parts;
    for (const Distribution& c : d.components) parts.push_back(distribution_text(c, number));
    return fmt::format("mixture([{}], {})", fmt::join(parts, ", "),
                       list(d.written_weights.empty() ? d.weights : d.written_weights));
  }
  if (d.kind == DistributionKind::Constant) return number(d.args[0]);
  std::vector<std::string> parts;
  for (double x : d.args) parts.push_back(number(x));
  return fmt::format("{}({})", name, fmt::join(parts, ", "));
}
}  // namespace

std::string Distribution::to_string() const {
  return distribution_text(*this, [](double x) { return fmt::format("{}", x); });
}

std::string Distribution::to_string(int digits) const {
  return distribution_text(*this, [digits](double x) { return fmt::format("{:.{}g}", x, digits); });
}

namespace {

// (Q(0.5) − Q(0.1)) / (Q(0.9) − Q(0.1)) of the PERT whose mode lies at t ∈ [0, 1]
// of its range: Beta(1 + 4t, 5 − 4t).
double pert_p50_ratio(double t) {
  const boost::math::beta_distribution<double> b(1.0 + 4.0 * t, 5.0 - 4.0 * t);
  const double q10 = boost::math::quantile(b, 0.1), q50 = boost::math::quantile(b, 0.5),
               q90 = boost::math::quantile(b, 0.9);
  return (q50 - q10) / (q90 - q10);
}

}  // namespace

std::pair<double, double> pert_p50_ratio_range() {
  static const std::pair<double, double> range{pert_p50_ratio(0.0), pert_p50_ratio(1.0)};
  return range;
}

std::optional<PertBounds> pert_from_p10_p50_p90(double p10, double p50, double p90) {
  const double width = p90 - p10;
  if (!(p10 < p50 && p50 < p90) || !std::isfinite(width)) return std::nullopt;
  const double ratio = (p50 - p10) / width;
  const auto [lo, hi] = pert_p50_ratio_range();
  if (!(ratio >= lo && ratio <= hi)) return std::nullopt;
  // The ratio rises with t (tested over a grid); TOMS 748 brackets the root
  // to 2^-50 relative (eps_tolerance(50)), within at most 100 evaluations.
  double t = ratio == lo ? 0.0 : 1.0;
  if (ratio > lo && ratio < hi) {
    std::uintmax_t iterations = 100;
    const auto f = [&](double x) { return pert_p50_ratio(x) - ratio; };
    const auto [a, b] = boost::math::tools::toms748_solve(f, 0.0, 1.0, lo - ratio, hi - ratio,
                                                          boost::math::tools::eps_tolerance<double>(50), iterations);
    t = 0.5 * (a + b);
  }
  const boost::math::beta_distribution<double> beta(1.0 + 4.0 * t, 5.0 - 4.0 * t);
  const double q10 = boost::math::quantile(beta, 0.1), q90 = boost::math::quantile(beta, 0.9);
  const double range = width / (q90 - q10);
  const double min = p10 - range * q10, max = p90 + range * (1.0 - q90);
  if (!std::isfinite(min) || !std::isfinite(max) || !(min < max)) return std::nullopt;
  return PertBounds{min, std::clamp(min + t * (max - min), min, max), max};
}

namespace {

constexpr double kLargest = std::numeric_limits<double>::max();

Distribution standard(DistributionKind kind, std::vector<double> args, SourcePos pos) {
  Distribution d;
  d.kind = kind;
  d.args = std::move(args);
  d.pos = pos;
  return d;
}

// The same law in standard parameters (sources: docs/language.md).
std::optional<Distribution> standard_form(const Distribution& d) {
  const auto& a = d.args;
  switch (d.kind) {
    case DistributionKind::LognormalMeanSd: {
      // sigma² = ln(1 + (sd/mean)²), mu = ln(mean) − sigma²/2 (the moments
      // of exp(N(mu, sigma²))); in logs where (sd/mean)² overflows.
      const double r = a[1] / a[0];
      const double s2 = std::isfinite(r * r) ? std::log1p(r * r) : 2.0 * (std::log(a[1]) - std::log(a[0]));
      return standard(DistributionKind::Lognormal, {std::log(a[0]) - 0.5 * s2, std::sqrt(s2)}, d.pos);
    }
    case DistributionKind::NormalPercentiles:
    case DistributionKind::LognormalPercentiles: {
      // x = mean + sd·z at both points, z = Φ⁻¹(p); on ln x for the lognormal.
      const boost::math::normal_distribution<double> n;
      const double z_lo = boost::math::quantile(n, a[0]), z_hi = boost::math::quantile(n, a[2]);
      const bool log = d.kind == DistributionKind::LognormalPercentiles;
      const double x_lo = log ? std::log(a[1]) : a[1], x_hi = log ? std::log(a[3]) : a[3];
      const double sd = (x_hi - x_lo) / (z_hi - z_lo);
      if (!std::isfinite(sd)) return std::nullopt;
      return standard(log ? DistributionKind::Lognormal : DistributionKind::Normal, {x_lo - sd * z_lo, sd}, d.pos);
    }
    case DistributionKind::PertP10P50P90: {
      const std::optional<PertBounds> b = pert_from_p10_p50_p90(a[0], a[1], a[2]);
      if (!b) return std::nullopt;
      return standard(DistributionKind::Pert, {b->min, b->mode, b->max}, d.pos);
    }
    default:
      return std::nullopt;
  }
}

// mean + sd·z stays within the double range for |z| ≤ kNormalDrawBound:
// normal's draws, and the arithmetic of truncated_normal's inversion.
bool normal_draws_fit(double mean, double sd) {
  return std::fabs(mean) + kNormalDrawBound * sd <= kLargest;
}
std::string normal_limit_message(std::string_view call, std::string_view what, double mean, double sd) {
  return fmt::format("{} needs |mean| + 38·sd <= 1.797e308 (the largest double), so that {}; got mean = {}, sd = {}",
                     call, what, mean, sd);
}
bool lognormal_draws_fit(double mu, double sigma) {
  return mu + kNormalDrawBound * sigma <= kLogLargestDouble;
}
bool shape_supported(double shape) {
  return shape >= kMinShape && shape <= kMaxShape;
}
// lo < hi by more than their rounding can account for (kMinRelativeGap).
bool values_apart(double lo, double hi) {
  return hi - lo >= kMinRelativeGap * std::max(std::fabs(lo), std::fabs(hi));
}

}  // namespace

bool validate_distribution(const Distribution& d, Diagnostics& diagnostics, const ItemPositions* items) {
  const std::size_t before = diagnostics.size();
  // The message is formatted only on failure: a run validates the
  // distribution of an innovation with formula arguments every month.
  auto require = [&](bool ok, auto&& message) {
    if (!ok) diagnostics.error(d.pos, std::string(message()));
  };
  // The list item at fault (discrete, cumulative, mixture), else the call.
  auto value_at = [&](std::size_t i) { return items && i < items->values.size() ? items->values[i] : d.pos; };
  auto weight_at = [&](std::size_t i) { return items && i < items->weights.size() ? items->weights[i] : d.pos; };
  for (double a : d.args) {
    if (!std::isfinite(a)) {
      diagnostics.error(d.pos, "distribution arguments must be finite numbers");
      return false;
    }
  }
  const auto& a = d.args;
  switch (d.kind) {
    case DistributionKind::Constant:
      break;
    case DistributionKind::Uniform:
      require(a[0] < a[1], [&] { return fmt::format("uniform(a, b) needs a < b, got a = {}, b = {}", a[0], a[1]); });
      break;
    case DistributionKind::Triangular:
    case DistributionKind::Pert: {
      std::string_view name = d.kind == DistributionKind::Pert ? "pert" : "triangular";
      require(a[0] <= a[1] && a[1] <= a[2] && a[0] < a[2], [&] {
        return fmt::format("{}(min, mode, max) needs min <= mode <= max and min < max, got {}, {}, {}", name, a[0],
                           a[1], a[2]);
      });
      break;
    }
    case DistributionKind::Normal:
      if (a[1] <= 0) {
        require(false, [&] { return fmt::format("normal(mean, sd) needs sd > 0, got sd = {}", a[1]); });
        break;
      }
      require(normal_draws_fit(a[0], a[1]),
              [&] { return normal_limit_message("normal(mean, sd)", "no draw overflows", a[0], a[1]); });
      break;
    case DistributionKind::TruncatedNormal: {
      require(a[1] > 0, [&] { return fmt::format("truncated_normal needs sd > 0, got sd = {}", a[1]); });
      require(a[2] < a[3],
              [&] { return fmt::format("truncated_normal needs lo < hi, got lo = {}, hi = {}", a[2], a[3]); });
      if (!(a[1] > 0 && a[2] < a[3])) break;
      if (!normal_draws_fit(a[0], a[1])) {
        require(false, [&] {
          return normal_limit_message("truncated_normal(mean, sd, lo, hi)", "mean + sd·z stays finite in its inversion",
                                      a[0], a[1]);
        });
        break;
      }
      // How many sd the bound nearer the mean lies from it, where the whole
      // interval is on one side.
      const double reach = a[2] > a[0] ? (a[2] - a[0]) / a[1] : a[3] < a[0] ? (a[0] - a[3]) / a[1] : 0.0;
      require(reach <= kTruncationReach, [&] {
        return fmt::format(
            "truncated_normal(mean, sd, lo, hi) needs [lo, hi] to come within 36·sd of the mean (its "
            "probability underflows farther out); got {} {} mean {} {}·sd",
            a[2] > a[0] ? "lo" : "hi", std::isfinite(reach) ? "=" : "beyond", a[2] > a[0] ? "+" : "-",
            std::isfinite(reach) ? fmt::format("{:.4g}", reach) : std::string("1.8e308"));
      });
      require(a[3] - a[2] >= kMinTruncationWidth * a[1], [&] {
        return fmt::format(
            "truncated_normal(mean, sd, lo, hi) needs hi - lo >= 1e-9·sd to be drawn accurately; got "
            "hi - lo = {}, sd = {}",
            a[3] - a[2], a[1]);
      });
      break;
    }
    case DistributionKind::Lognormal:
      if (a[1] <= 0) {
        require(false, [&] { return fmt::format("lognormal(mu, sigma) needs sigma > 0, got sigma = {}", a[1]); });
        break;
      }
      require(lognormal_draws_fit(a[0], a[1]), [&] {
        return fmt::format(
            "lognormal(mu, sigma) needs mu + 38·sigma <= 709.78 (ln of the largest double), so that no "
            "draw overflows; got mu = {}, sigma = {}",
            a[0], a[1]);
      });
      break;
    case DistributionKind::LognormalCi90:
      if (!(0 < a[0] && a[0] < a[1])) {
        require(false, [&] {
          return fmt::format("lognormal_ci90(lo, hi) needs 0 < lo < hi, got lo = {}, hi = {}", a[0], a[1]);
        });
        break;
      }
      // ln(hi) − ln(lo) carries an error up to about 2.3e-13 (two ulps of
      // ln near ±745); a ratio of at least 1 + 1e-9 keeps sigma positive and
      // within 0.03 % of exact (so draws within 1e-13 of exact).
      if (!(a[1] >= a[0] * (1.0 + 1e-9))) {
        require(false, [&] {
          return fmt::format("lognormal_ci90(lo, hi) needs hi >= lo·(1 + 1e-9), got lo = {}, hi = {}", a[0], a[1]);
        });
        break;
      }
      require(lognormal_draws_fit(d.log_mu(), d.log_sigma()), [&] {
        return fmt::format(
            "lognormal_ci90({}, {}) is lognormal(mu = {:.6g}, sigma = {:.6g}), which needs mu + 38·sigma "
            "<= 709.78 (ln of the largest double) so that no draw overflows",
            a[0], a[1], d.log_mu(), d.log_sigma());
      });
      break;
    case DistributionKind::Beta:
      if (!(a[0] > 0 && a[1] > 0)) {
        require(false, [&] { return fmt::format("beta(alpha, beta) needs both shapes > 0, got {}, {}", a[0], a[1]); });
        break;
      }
      require(shape_supported(a[0]) && shape_supported(a[1]), [&] {
        return fmt::format("beta(alpha, beta) supports shapes from 1e-300 to 1e10, got {}, {}", a[0], a[1]);
      });
      break;
    case DistributionKind::Gamma:
      if (!(a[0] > 0 && a[1] > 0)) {
        require(false, [&] {
          return fmt::format("gamma(shape, scale) needs shape > 0 and scale > 0, got {}, {}", a[0], a[1]);
        });
        break;
      }
      if (!shape_supported(a[0])) {
        require(false,
                [&] { return fmt::format("gamma(shape, scale) supports shapes from 1e-300 to 1e10, got {}", a[0]); });
        break;
      }
      require(a[1] * gamma_draw_bound(a[0]) <= kLargest, [&] {
        return fmt::format(
            "gamma(shape, scale) with shape {} needs scale <= {:.4g}, so that no draw overflows "
            "(scale·(shape + 39·√shape + 1460) <= 1.797e308, the largest double); got scale = {}",
            a[0], kLargest / gamma_draw_bound(a[0]), a[1]);
      });
      break;
    case DistributionKind::Bernoulli:
      require(a[0] >= 0 && a[0] <= 1,
              [&] { return fmt::format("bernoulli(p) needs a probability in [0, 1], got {}", a[0]); });
      break;
    case DistributionKind::Poisson:
      require(a[0] >= 0, [&] { return fmt::format("poisson(lambda) needs lambda >= 0, got {}", a[0]); });
      require(a[0] <= kMaxPoissonMean,
              [&] { return fmt::format("poisson(lambda) supports lambda <= 1e10, got {}", a[0]); });
      break;
    case DistributionKind::Discrete:
    case DistributionKind::Mixture: {
      const bool discrete = d.kind == DistributionKind::Discrete;
      const std::string_view name = discrete ? "discrete" : "mixture";
      const std::size_t n = discrete ? d.values.size() : d.components.size();
      const std::string_view singular_items = discrete ? "value" : "distribution";
      const std::string_view plural_items = discrete ? "values" : "distributions";
      if (n == 0) {
        require(false,
                [&] { return fmt::format("{} needs at least one {}", name, discrete ? "value" : "distribution"); });
        break;
      }
      require(n == d.weights.size(), [&] {
        return fmt::format("{} has {} but {}", name, counted(n, singular_items, plural_items),
                           counted(d.weights.size(), "weight"));
      });
      for (std::size_t i = 0; i < d.weights.size(); ++i) {
        if (!(d.weights[i] >= 0) || !std::isfinite(d.weights[i])) {
          diagnostics.error(weight_at(i),
                            fmt::format("{} weights must be finite and >= 0, got {}", name, d.weights[i]));
          break;
        }
      }
      for (std::size_t i = 0; i < d.values.size(); ++i) {
        if (!std::isfinite(d.values[i])) {
          diagnostics.error(value_at(i), "discrete values must be finite numbers");
          break;
        }
      }
      for (const Distribution& c : d.components)
        require(c.kind != DistributionKind::Mixture, [&] {
          return "a mixture's components cannot be mixtures: list their components in one mixture, each weight "
                 "multiplied by its mixture's";
        });
      if (diagnostics.size() != before) break;
      double total = 0.0;
      for (double w : d.weights) total += w;
      require(total > 0.0, [&] { return fmt::format("{} weights must not all be zero", name); });
      require(std::isfinite(total), [&] { return fmt::format("{} weights are too large: their sum overflows", name); });
      break;
    }
    case DistributionKind::LognormalMeanSd:
      if (!(a[0] > 0 && a[1] > 0)) {
        require(false, [&] {
          return fmt::format("lognormal_mean_sd(mean, sd) needs mean > 0 and sd > 0, got mean = {}, sd = {}", a[0],
                             a[1]);
        });
        break;
      }
      // sigma² = ln(1 + (sd/mean)²) keeps its precision while (sd/mean)²
      // is a normal double.
      require(a[1] >= 1e-150 * a[0], [&] {
        return fmt::format("lognormal_mean_sd(mean, sd) needs sd >= 1e-150·mean, got mean = {}, sd = {}", a[0], a[1]);
      });
      break;
    case DistributionKind::NormalPercentiles:
    case DistributionKind::LognormalPercentiles: {
      const bool log = d.kind == DistributionKind::LognormalPercentiles;
      const std::string_view call =
          log ? "lognormal_percentiles(p_lo, x_lo, p_hi, x_hi)" : "normal_percentiles(p_lo, x_lo, p_hi, x_hi)";
      if (!(0 < a[0] && a[0] < a[2] && a[2] < 1)) {
        std::string hint;
        if (a[0] > 1 || a[2] > 1)
          hint = "probabilities are fractions: the 10th percentile is p = 0.1";
        else if (a[0] <= 0 || a[2] >= 1)
          hint = fmt::format("{} has no finite percentile at p = 0 or 1: give one inside, such as 0.01 or 0.99",
                             log ? "a lognormal" : "a normal");
        diagnostics.error(
            d.pos,
            fmt::format("{} needs probabilities 0 < p_lo < p_hi < 1, got p_lo = {}, p_hi = {}", call, a[0], a[2]),
            std::move(hint));
        break;
      }
      if (!(a[2] - a[0] >= kMinPercentileGap)) {
        require(false, [&] {
          return fmt::format(
              "{} needs p_hi - p_lo >= 1e-6, or the fit is left to the rounding of the "
              "probabilities; got p_lo = {}, p_hi = {}",
              call, a[0], a[2]);
        });
        break;
      }
      if (!(a[1] < a[3]) || (log && !(a[1] > 0))) {
        require(false, [&] {
          return fmt::format("{} needs {}x_lo < x_hi, got x_lo = {}, x_hi = {}", call, log ? "0 < " : "", a[1], a[3]);
        });
        break;
      }
      // As for lognormal_ci90: ln(x_hi) − ln(x_lo) must stay positive (and
      // x_hi − x_lo, for the normal, keep its digits).
      require(values_apart(a[1], a[3]), [&] {
        return fmt::format(
            "{} needs x_hi - x_lo >= 1e-9·max(|x_lo|, |x_hi|), or the fit is left to the rounding of "
            "the values; got x_lo = {}, x_hi = {}",
            call, a[1], a[3]);
      });
      break;
    }
    case DistributionKind::PertP10P50P90: {
      if (!(a[0] < a[1] && a[1] < a[2])) {
        require(false, [&] {
          return fmt::format("pert_p10_p50_p90(p10, p50, p90) needs p10 < p50 < p90, got {}, {}, {}", a[0], a[1], a[2]);
        });
        break;
      }
      if (!std::isfinite(a[2] - a[0])) {
        require(false, [&] {
          return fmt::format(
              "pert_p10_p50_p90(p10, p50, p90) needs p90 - p10 <= 1.797e308 (the largest "
              "double), got {}, {}, {}",
              a[0], a[1], a[2]);
        });
        break;
      }
      if (!values_apart(a[0], a[1]) || !values_apart(a[1], a[2])) {
        require(false, [&] {
          return fmt::format(
              "pert_p10_p50_p90(p10, p50, p90) needs neighbouring percentiles apart by at "
              "least 1e-9 of their size, or the fit is left to their rounding; got {}, {}, {}",
              a[0], a[1], a[2]);
        });
        break;
      }
      if (pert_from_p10_p50_p90(a[0], a[1], a[2])) break;
      const auto [lo, hi] = pert_p50_ratio_range();
      const double ratio = (a[1] - a[0]) / (a[2] - a[0]);
      // As many decimals as it takes for the position to differ from the
      // bound it misses, as printed.
      const double bound = ratio < lo ? lo : hi;
      int decimals = 1;
      while (decimals < 12 &&
             fmt::format("{:.{}f}", 100 * ratio, decimals) == fmt::format("{:.{}f}", 100 * bound, decimals))
        ++decimals;
      decimals = std::max(decimals, 2);
      diagnostics.error(
          d.pos,
          fmt::format("no PERT has these percentiles: pert_p10_p50_p90(p10, p50, p90) needs p50 between {:.{}f} % "
                      "and {:.{}f} % of the way from p10 to p90, got {:.{}f} % ({}, {}, {})",
                      100 * lo, decimals, 100 * hi, decimals, 100 * ratio, decimals, a[0], a[1], a[2]),
          "for a more skewed judgement use lognormal_percentiles(p_lo, x_lo, p_hi, x_hi) or cumulative([x], [p])");
      break;
    }
    case DistributionKind::StudentT:
      if (!(a[0] >= kMinStudentDf && a[0] <= kMaxStudentDf)) {
        require(false,
                [&] { return fmt::format("student_t(df, loc, scale) supports df from 1 to 1e10, got df = {}", a[0]); });
        break;
      }
      if (!(a[2] > 0)) {
        require(false, [&] { return fmt::format("student_t(df, loc, scale) needs scale > 0, got scale = {}", a[2]); });
        break;
      }
      require(std::fabs(a[1]) + a[2] * student_t_draw_bound(a[0]) <= kLargest, [&] {
        return fmt::format(
            "student_t(df, loc, scale) with df {} needs |loc| + {:.4g}·scale <= 1.797e308 (the largest "
            "double), so that no draw overflows; got loc = {}, scale = {}",
            a[0], student_t_draw_bound(a[0]), a[1], a[2]);
      });
      break;
    case DistributionKind::Weibull:
      if (!(a[0] >= kMinWeibullShape && a[1] > 0)) {
        require(false, [&] {
          return fmt::format("weibull(shape, scale) needs shape >= 0.01 and scale > 0, got shape = {}, scale = {}",
                             a[0], a[1]);
        });
        break;
      }
      require(a[1] * weibull_bound(a[0]) <= kLargest, [&] {
        return fmt::format(
            "weibull(shape, scale) with shape {} needs scale <= {:.4g}, so that no draw and not the "
            "mean overflows (scale·max(36.74^(1/shape), Γ(1 + 1/shape)) <= 1.797e308); got scale = {}",
            a[0], kLargest / weibull_bound(a[0]), a[1]);
      });
      break;
    case DistributionKind::Exponential:
      require(a[0] > 0 && kMaxExponentialDraw / a[0] <= kLargest, [&] {
        return fmt::format(
            "exponential(rate) needs rate >= 2.1e-307 (the largest draw, 36.74/rate, within the "
            "largest double), got rate = {}",
            a[0]);
      });
      break;
    case DistributionKind::Binomial:
      require(a[0] >= 0 && a[0] <= kMaxBinomialTrials && a[0] == std::floor(a[0]), [&] {
        return fmt::format("binomial(n, p) needs a whole number of trials n from 0 to 1e10, got n = {}", a[0]);
      });
      require(a[1] >= 0 && a[1] <= 1,
              [&] { return fmt::format("binomial(n, p) needs a probability p in [0, 1], got p = {}", a[1]); });
      break;
    case DistributionKind::Cumulative: {
      const auto& x = d.values;
      const auto& p = d.weights;
      if (x.size() < 2 || x.size() != p.size()) {
        require(false, [&] {
          return fmt::format(
              "cumulative([x], [p]) needs at least 2 points and as many probabilities as points, "
              "got {} points and {} probabilities",
              x.size(), p.size());
        });
        break;
      }
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(p[i])) {
          diagnostics.error(std::isfinite(x[i]) ? weight_at(i) : value_at(i),
                            "cumulative points and probabilities must be finite numbers");
          return false;
        }
      }
      // Percentages for probabilities (0 … 100): one error, with the hint,
      // rather than one per point.
      if (std::any_of(p.begin(), p.end(), [](double v) { return v > 1; })) {
        const std::size_t i =
            static_cast<std::size_t>(std::find_if(p.begin(), p.end(), [](double v) { return v > 1; }) - p.begin());
        diagnostics.error(weight_at(i),
                          fmt::format("cumulative([x], [p]) needs probabilities from 0 to 1, got {}", p[i]),
                          "probabilities are fractions: the 10th percentile is p = 0.1");
        break;
      }
      for (std::size_t i = 1; i < x.size(); ++i) {
        if (!(x[i - 1] < x[i])) {
          diagnostics.error(value_at(i),
                            fmt::format("cumulative([x], [p]) needs x increasing, got {} after {}", x[i], x[i - 1]));
          break;
        }
      }
      for (std::size_t i = 1; i < p.size(); ++i) {
        if (!(p[i - 1] <= p[i])) {
          diagnostics.error(weight_at(i), fmt::format("cumulative([x], [p]) needs p non-decreasing, got {} after {}",
                                                      p[i], p[i - 1]));
          break;
        }
      }
      if (p.front() != 0)
        diagnostics.error(
            weight_at(0),
            fmt::format("cumulative([x], [p]) needs p to start at 0 (the CDF at the first point), got {}", p.front()));
      if (p.back() != 1)
        diagnostics.error(
            weight_at(p.size() - 1),
            fmt::format("cumulative([x], [p]) needs p to end at 1 (the CDF at the last point), got {}", p.back()));
      require(std::isfinite(x.back() - x.front()), [&] {
        return fmt::format(
            "cumulative([x], [p]) needs the last x minus the first <= 1.797e308 (the largest double), got "
            "{} and {}",
            x.front(), x.back());
      });
      break;
    }
  }
  // The kinds given in other parameters: the law they stand for must be
  // valid in its own terms (say lognormal_mean_sd(1, 1e100), a lognormal
  // whose draws overflow).
  if (diagnostics.size() == before && given_in_other_parameters(d.kind)) {
    Diagnostics inner(diagnostics.file());
    const std::optional<Distribution> standard = standard_form(d);
    if (!standard) {
      diagnostics.error(
          d.pos, fmt::format("{} stands for a law whose parameters are beyond the largest double", d.to_string()));
    } else if (!validate_distribution(*standard, inner)) {
      diagnostics.error(
          d.pos, fmt::format("{} is {}, and {}", d.to_string(), standard->to_string(), inner.items().front().message));
    }
  }
  return diagnostics.size() == before;
}

std::string argument_requirement(DistributionKind kind, std::size_t index, double value) {
  using K = DistributionKind;
  const double v = value;
  if (!std::isfinite(v)) return "to be finite";
  auto unless = [](bool ok, std::string_view requirement) { return ok ? std::string{} : std::string(requirement); };
  switch (kind) {
    case K::Normal:
    case K::TruncatedNormal:
    case K::Lognormal:
      return index == 1 ? unless(v > 0, "> 0") : "";
    case K::LognormalCi90:
    case K::LognormalMeanSd:
      return unless(v > 0, "> 0");
    case K::Beta:
      return unless(shape_supported(v), "from 1e-300 to 1e10");
    case K::Gamma:
      return index == 0 ? unless(shape_supported(v), "from 1e-300 to 1e10") : unless(v > 0, "> 0");
    case K::Bernoulli:
      return unless(v >= 0 && v <= 1, "in [0, 1]");
    case K::Poisson:
      return unless(v >= 0 && v <= kMaxPoissonMean, "from 0 to 1e10");
    case K::NormalPercentiles:
    case K::LognormalPercentiles:
      if (index % 2 == 0) return unless(v > 0 && v < 1, "in (0, 1) (a fraction: the 10th percentile is 0.1)");
      return kind == K::LognormalPercentiles ? unless(v > 0, "> 0") : "";
    case K::StudentT:
      if (index == 0) return unless(v >= kMinStudentDf && v <= kMaxStudentDf, "from 1 to 1e10");
      return index == 2 ? unless(v > 0, "> 0") : "";
    case K::Weibull:
      return index == 0 ? unless(v >= kMinWeibullShape, ">= 0.01") : unless(v > 0, "> 0");
    case K::Exponential:
      return unless(v > 0 && kMaxExponentialDraw / v <= kLargest, ">= 2.1e-307");
    case K::Binomial:
      if (index == 0)
        return unless(v >= 0 && v <= kMaxBinomialTrials && v == std::floor(v), "to be a whole number from 0 to 1e10");
      return unless(v >= 0 && v <= 1, "in [0, 1]");
    default:
      return "";
  }
}

std::optional<Distribution> prepare_distribution(Distribution d, Diagnostics& diagnostics, const ItemPositions* items) {
  if (!validate_distribution(d, diagnostics, items)) return std::nullopt;
  if (d.kind == DistributionKind::Discrete || d.kind == DistributionKind::Mixture) {
    d.written_weights = d.weights;
    double total = 0.0;
    for (double w : d.weights) total += w;
    for (double& w : d.weights) w /= total;
  }
  if (given_in_other_parameters(d.kind)) d.components = {*standard_form(d)};
  return d;
}

bool takes_lists(DistributionKind kind) {
  return kind == DistributionKind::Discrete || kind == DistributionKind::Cumulative ||
         kind == DistributionKind::Mixture;
}

std::optional<Distribution> distribution_from_lists(
    const Expr& call, const DistributionSignature& signature, Diagnostics& diagnostics,
    const std::function<std::optional<Distribution>(const Expr&)>& component) {
  Distribution d;
  d.kind = signature.kind;
  d.pos = call.pos;
  const bool mixture = d.kind == DistributionKind::Mixture;
  const std::string_view numbers = mixture                                ? "weights"
                                   : d.kind == DistributionKind::Discrete ? "values and weights"
                                                                          : "points and probabilities";
  std::vector<double>* targets[2] = {&d.values, &d.weights};
  ItemPositions items;
  std::vector<SourcePos>* places[2] = {&items.values, &items.weights};
  for (int i = 0; i < 2; ++i) {
    const Expr& list = call.operands[i];
    if (list.kind != ExprKind::List) {
      diagnostics.error(list.pos,
                        fmt::format("{0} takes two lists: {0}({1})", signature.name, signature.argument_names));
      return std::nullopt;
    }
    for (const Expr& item : list.operands) {
      places[i]->push_back(item.pos);
      if (mixture && i == 0) {
        std::optional<Distribution> c = component(item);
        if (!c) return std::nullopt;
        if (c->kind == DistributionKind::Mixture) {
          diagnostics.error(item.pos, "a mixture's components cannot be mixtures",
                            "list their components in one mixture, each weight multiplied by its mixture's");
          return std::nullopt;
        }
        d.components.push_back(std::move(*c));
        continue;
      }
      std::optional<double> v = constant_value(item);
      if (!v) {
        diagnostics.error(item.pos, fmt::format("{} {} must be numbers", signature.name, numbers));
        return std::nullopt;
      }
      targets[i]->push_back(*v);
    }
  }
  return prepare_distribution(std::move(d), diagnostics, &items);
}

}  // namespace riskcast
