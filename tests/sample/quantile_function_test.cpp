// The prepared quantile functions of correlated parameters
// (quantile_function.hpp) against Distribution::quantile, the reference:
// the same bits for every kind whose method keeps the reference's
// arithmetic (discrete tables included, at and around every CDF value), and
// for beta, pert, gamma and student_t, evaluated in double precision, within
// a stated tolerance over a grid of probabilities from 1e-300 to 1 − 2⁻⁵³
// and a range of shapes.
#include <gtest/gtest.h>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "riskcast/distribution.hpp"
#include "riskcast/quantile_function.hpp"

namespace riskcast {
namespace {

namespace bm = boost::math;
using K = DistributionKind;

Distribution prepared(DistributionKind kind, std::vector<double> args, std::vector<double> values = {},
                      std::vector<double> weights = {}, std::vector<Distribution> components = {}) {
  Distribution d;
  d.kind = kind;
  d.args = std::move(args);
  d.values = std::move(values);
  d.weights = std::move(weights);
  d.components = std::move(components);
  Diagnostics diagnostics("m.yaml");
  std::optional<Distribution> p = prepare_distribution(std::move(d), diagnostics);
  EXPECT_TRUE(p) << diagnostics.format();
  return p ? *p : Distribution::constant(0.0);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Probabilities from 1e-300 to 1 − 2⁻⁵³ (the copula's range, but for the
// last 37 sd below the mean, where a normal marginal at its limits would
// overflow): every power of ten (below 1e-4 every `decades`-th) with a second
// point per decade, a linear
// grid with irregular offsets, points approaching 1/2 and 1 by halving,
// and the bounds of the double-precision region with their neighbours.
std::vector<double> probability_grid(int decades = 1) {
  std::vector<double> q;
  for (int e = -300; e <= -1; e += e < -4 ? decades : 1) {
    q.push_back(std::pow(10.0, e));
    q.push_back(3.7 * std::pow(10.0, e));
  }
  for (int i = 1; i < 256; ++i) q.push_back(i / 256.0 + 1e-4 * std::sin(i));
  for (int k = 2; k <= 40; ++k) {
    q.push_back(0.5 + std::ldexp(1.0, -k));
    q.push_back(0.5 - std::ldexp(1.0, -k));
  }
  for (int k = 1; k <= 53; ++k) q.push_back(1.0 - std::ldexp(1.0, -k));
  for (int k = 2; k <= 52; ++k) q.push_back(1.0 - 1.5 * std::ldexp(1.0, -k));
  for (double edge :
       {kDoublePrecisionTail, 1.0 - kDoublePrecisionTail, 0.5 - kStudentMedianBand, 0.5 + kStudentMedianBand}) {
    q.push_back(edge);
    q.push_back(std::nextafter(edge, 0.0));
    q.push_back(std::nextafter(edge, 1.0));
  }
  std::sort(q.begin(), q.end());
  q.erase(std::unique(q.begin(), q.end()), q.end());
  return q;
}

// Probabilities at and next to every value a discrete law's CDF takes up to
// the quantile of 1 − 2⁻⁵³, and 64 ulps either side (where Boost.Math's own
// inversion can end a count off), with the general grid.
std::vector<double> count_grid(const Distribution& d) {
  std::vector<double> q = probability_grid();
  const double top = d.quantile(1.0 - 0x1p-53);
  for (double k = 0; k <= top; ++k) {
    const double f = d.cdf(k);
    for (int ulps : {-64, -1, 0, 1, 64}) {
      const double p = from_ordered_bits(ordered_bits(f) + ulps);
      if (p > 0.0 && p < 1.0) q.push_back(p);
    }
  }
  return q;
}

void expect_reference_bits(const Distribution& d, const std::vector<double>& grid) {
  SCOPED_TRACE(d.to_string());
  const QuantileFunction quantile(d);
  int failures = 0;
  for (double q : grid) {
    const double expected = d.quantile(q), got = quantile(q);
    if (!same_bits(got, expected) && ++failures <= 5)
      ADD_FAILURE() << fmt::format("q = {}: prepared {} against {}", q, got, expected);
  }
  EXPECT_EQ(failures, 0);
}

TEST(QuantileFunction, KindsKeepingTheReferenceArithmeticGiveItsBits) {
  const std::vector<double> grid = probability_grid();
  const double largest = std::numeric_limits<double>::max();
  const std::vector<Distribution> laws = {
      Distribution::constant(3.5),
      prepared(K::Uniform, {-1, 3}),
      prepared(K::Uniform, {-largest, largest}),
      prepared(K::Triangular, {1, 2, 4}),
      prepared(K::Triangular, {0, 0, 1e-310}),
      prepared(K::Normal, {10, 2}),
      prepared(K::TruncatedNormal, {0, 1, -0.5, 2}),
      prepared(K::TruncatedNormal, {0, 1, 20, 21}),
      prepared(K::Lognormal, {0, 0.5}),
      prepared(K::LognormalCi90, {2, 30}),
      prepared(K::LognormalMeanSd, {200, 40}),
      prepared(K::NormalPercentiles, {0.1, 5, 0.9, 9}),
      prepared(K::LognormalPercentiles, {0.05, 1, 0.95, 10}),
      prepared(K::Bernoulli, {0.3}),
      prepared(K::Weibull, {1.5, 2}),
      prepared(K::Exponential, {0.25}),
      prepared(K::Cumulative, {}, {0, 1, 3, 10}, {0, 0.2, 0.2, 1}),
      // Outside the double-precision ranges: Distribution::quantile itself.
      prepared(K::Beta, {2, 2e3}),
      prepared(K::Gamma, {2e4, 1}),
      prepared(K::StudentT, {1, 0, 1}),
      prepared(K::StudentT, {2, 5, 3}),
      prepared(K::StudentT, {4, -1, 0.5}),
      prepared(K::Poisson, {0}),
      prepared(K::Poisson, {1e5}),
      prepared(K::Binomial, {1e6, 0.3}),
      prepared(K::Binomial, {7, 0}),
      prepared(K::Binomial, {7, 1}),
  };
  for (const Distribution& d : laws) expect_reference_bits(d, grid);
}

// Discrete values unsorted, repeated, with zero weights and weights that do
// not sum to 1 in floating point; q right at each running sum ± 1e-12 and
// one ulp either side.
TEST(QuantileFunction, DiscreteTableGivesTheReferenceValues) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {{3, 1, 2}, {0.2, 0.5, 0.3}},
      {{5, -1, 5, 0, 2}, {0.1, 0.0, 0.3, 0.2, 0.4}},
      {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}},
      {{42}, {1}},
  };
  for (const auto& [values, weights] : cases) {
    const Distribution d = prepared(K::Discrete, {}, values, weights);
    std::vector<double> grid = probability_grid();
    const SortedDiscrete table(d);
    for (double reach : table.reach)
      for (double v : {reach - 1e-12, reach, reach + 1e-12})
        for (double p : {std::nextafter(v, 0.0), v, std::nextafter(v, 1.0)})
          if (p > 0.0 && p < 1.0) grid.push_back(p);
    expect_reference_bits(d, grid);
  }
}

// Poisson and binomial counts are the first count whose CDF reaches q, as
// Distribution::quantile's, at and around every tabulated CDF value, and
// over the general grid.
TEST(QuantileFunction, CountTablesGiveTheReferenceCounts) {
  std::vector<Distribution> laws;
  for (double lambda : {1e-3, 0.5, 4.0, 29.5, 250.0, 3000.0}) laws.push_back(prepared(K::Poisson, {lambda}));
  for (auto [n, p] : std::vector<std::pair<double, double>>{
           {1, 0.5}, {20, 0.3}, {20, 0.999}, {100, 0.01}, {1000, 0.3}, {4000, 0.5}, {1e9, 1e-9}})
    laws.push_back(prepared(K::Binomial, {n, p}));
  for (const Distribution& d : laws) {
    const std::vector<double> grid = count_grid(d);
    expect_reference_bits(d, grid);
    SCOPED_TRACE(d.to_string());
    const QuantileFunction quantile(d);
    for (double q : grid) {
      const double k = quantile(q);
      ASSERT_GE(d.cdf(k), q);
      ASSERT_TRUE(k == 0.0 || d.cdf(k - 1) < q) << q;
    }
  }
}

// Boost.Math's own inversion returns 14 here, one ulp of q above F(14): its
// root finder cannot tell the count's CDF value from q. The quantile is the
// smallest count that reaches q.
TEST(QuantileFunction, CountQuantileIsExactWhereBoostEndsACountOff) {
  const Distribution d = prepared(K::Poisson, {250});
  const double q = std::nextafter(d.cdf(14), 1.0);
  EXPECT_EQ(d.quantile(q), 15.0);
  EXPECT_EQ(QuantileFunction(d)(q), 15.0);
  EXPECT_LT(d.cdf(14), q);
  EXPECT_GE(d.cdf(15), q);
}

// beta, pert, gamma and student_t in double precision against the long
// double reference: within kUlps ulps, or, where the quantile is
// ill-conditioned (a relative change of q moves x by far more, as for beta
// and gamma shapes below 1, or t near its median where x nears 0), the exact
// quantile of a probability within kBackward·ε relative of q (the backward
// error, measured with Boost's long double CDF, through 1 − F above 1/2).
// Outside the region the double precision is used in, the reference's bits.
// Measured worst cases on this grid are stated by kUlps and kBackward.
constexpr double kUlps = 16;
constexpr double kBackward = 8;

// The largest errors met: in ulps where the backward error exceeds
// kBackward (well-conditioned points), and backward where the error exceeds
// kUlps (ill-conditioned points).
struct Worst {
  double ulps = 0, ulps_q = 0, backward = 0, backward_q = 0;
  std::string ulps_law, backward_law;
};

template <typename Law>
void expect_within_tolerance(const Distribution& d, const Law& law, Worst& worst) {
  SCOPED_TRACE(d.to_string());
  const QuantileFunction quantile(d);
  int failures = 0;
  // Every third decade below 1e-4: there the reference, at up to 64 CDF
  // evaluations where Boost's inversion gives up, is what the prepared
  // function returns.
  for (double q : probability_grid(3)) {
    const double expected = d.quantile(q), got = quantile(q);
    if (same_bits(got, expected)) continue;
    const bool body = q >= kDoublePrecisionTail && q <= 1.0 - kDoublePrecisionTail;
    EXPECT_TRUE(body) << fmt::format("q = {}: prepared {} against {} outside the double-precision region", q, got,
                                     expected);
    const double ulps = std::fabs(static_cast<double>(ordered_bits(got) - ordered_bits(expected)));
    const double tail = std::min(q, 1.0 - q);
    const double reached = q <= 0.5 ? bm::cdf(law, got) : bm::cdf(bm::complement(law, got));
    const double backward = std::fabs(reached - tail) / (std::numeric_limits<double>::epsilon() * tail);
    if (backward > kBackward && ulps > worst.ulps)
      std::tie(worst.ulps, worst.ulps_q, worst.ulps_law) = std::tuple(ulps, q, d.to_string());
    if (ulps > kUlps && backward > worst.backward)
      std::tie(worst.backward, worst.backward_q, worst.backward_law) = std::tuple(backward, q, d.to_string());
    if (ulps > kUlps && backward > kBackward && ++failures <= 5)
      ADD_FAILURE() << fmt::format("q = {}: prepared {} against {}: {} ulps, backward {}·ε", q, got, expected, ulps,
                                   backward);
  }
  EXPECT_EQ(failures, 0);
}

TEST(QuantileFunction, DoublePrecisionKindsWithinTolerance) {
  Worst worst;
  // pert(0, mode, 1) is beta(1 + 4·mode, 5 − 4·mode) itself (the range needs
  // no scaling).
  for (int i = 0; i <= 20; ++i) {
    const Distribution d = prepared(K::Pert, {0, i / 20.0, 1});
    expect_within_tolerance(d, bm::beta_distribution<double>(d.pert_alpha(), d.pert_beta()), worst);
  }
  const std::vector<double> shapes = {0.1, 0.5, 1, 3, 10, kDoublePrecisionMaxBetaShape};
  for (double a : shapes)
    for (double b : shapes)
      expect_within_tolerance(prepared(K::Beta, {a, b}), bm::beta_distribution<double>(a, b), worst);
  for (double shape : {1e-3, 0.01, 0.1, 0.5, 1.0, 2.0, 3.5, 10.0, 100.0, 1e3, kDoublePrecisionMaxGammaShape})
    expect_within_tolerance(prepared(K::Gamma, {shape, 1}), bm::gamma_distribution<double>(shape, 1), worst);
  for (double df : {1.01, 1.5, 2.5, 3.0, 3.7, 5.0, 6.0, 7.5, 15.0, 30.0, 100.0, 1e4, 1e10})
    expect_within_tolerance(prepared(K::StudentT, {df, 0, 1}), bm::students_t_distribution<double>(df), worst);
  std::printf(
      "worst: %g ulps (%s at q = %g) where the backward error is above %g·ε; %g·ε (%s at q = %g) where the "
      "error is above %g ulps\n",
      worst.ulps, worst.ulps_law.c_str(), worst.ulps_q, kBackward, worst.backward, worst.backward_law.c_str(),
      worst.backward_q, kUlps);
}

// A mixture's quantile is the smallest double whose CDF reaches q, the same
// double as Distribution::quantile's bisection finds.
TEST(QuantileFunction, MixturesGiveTheReferenceBits) {
  const std::vector<double> grid = probability_grid();
  const Distribution normal = prepared(K::Normal, {0, 1});
  const std::vector<Distribution> mixtures = {
      prepared(K::Mixture, {}, {}, {0.5, 0.5}, {normal, prepared(K::Uniform, {0, 1})}),
      prepared(K::Mixture, {}, {}, {0.7, 0.3}, {prepared(K::Lognormal, {0, 1}), prepared(K::Weibull, {2, 10})}),
      prepared(K::Mixture, {}, {}, {0.5, 0.5}, {normal, normal}),
      prepared(K::Mixture, {}, {}, {0.9, 0.1}, {prepared(K::Poisson, {3}), prepared(K::Normal, {20, 2})}),
      prepared(K::Mixture, {}, {}, {0.5, 0.0, 0.5}, {prepared(K::Exponential, {1}), normal, Distribution::constant(2)}),
      prepared(K::Mixture, {}, {}, {0.6, 0.4},
               {prepared(K::Normal, {-1e300, 1e299}), prepared(K::Normal, {1e300, 1e299})}),
  };
  for (const Distribution& d : mixtures) expect_reference_bits(d, grid);
}

// Where Boost.Math's own inversion gives up (its Halley iteration on the
// incomplete beta passes 200 steps for pert(1, 2, 4) below q = 1e-92),
// Distribution::quantile is
// the generalised inverse min{x : F(x) ≥ q} over the doubles, and so is the
// prepared function.
TEST(QuantileFunction, FarTailsWhereBoostGivesUpAreTheGeneralisedInverse) {
  const Distribution pert = prepared(K::Pert, {1, 2, 4});
  for (double q : {1e-100, 1e-200, 1e-300, std::numeric_limits<double>::denorm_min()}) {
    SCOPED_TRACE(q);
    double x = 0;
    ASSERT_NO_THROW(x = pert.quantile(q));
    EXPECT_GE(pert.cdf(x), q);
    EXPECT_LT(pert.cdf(std::nextafter(x, 0.0)), q);
    EXPECT_TRUE(same_bits(QuantileFunction(pert)(q), x));
  }
}

// The bulk form gives what one call per probability gives, in place too.
TEST(QuantileFunction, BulkFormMatchesSingleCalls) {
  const std::vector<double> grid = probability_grid();
  for (const Distribution& d :
       {prepared(K::Pert, {1, 2, 4}), prepared(K::Poisson, {4}), prepared(K::Discrete, {}, {1, 2}, {0.5, 0.5})}) {
    const QuantileFunction quantile(d);
    std::vector<double> out(grid.size()), in_place = grid;
    quantile.quantiles(grid.data(), grid.size(), out.data());
    quantile.quantiles(in_place.data(), in_place.size(), in_place.data());
    for (std::size_t i = 0; i < grid.size(); ++i) {
      EXPECT_TRUE(same_bits(out[i], quantile(grid[i]))) << grid[i];
      EXPECT_TRUE(same_bits(in_place[i], out[i])) << grid[i];
    }
  }
}

}  // namespace
}  // namespace riskcast
