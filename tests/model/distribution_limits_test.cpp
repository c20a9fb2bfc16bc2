// Arguments beyond a distribution's supported range are refused when the
// model is loaded (`riskcast check`), at the call's position, with the limit
// in the message; arguments at the limits load. The limits and why they are
// where they are: include/riskcast/distribution.hpp; docs/language.md.
#include <gtest/gtest.h>

#include <boost/math/distributions/poisson.hpp>

#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/distribution.hpp"
#include "riskcast/random.hpp"

namespace riskcast::testing {
namespace {

std::string parameter_model(const std::string& dist) {
  return "parameters:\n  p: " + dist + "\noutputs:\n  o: p\n";
}

struct Refusal {
  std::string dist;
  std::string fragment;
};

TEST(DistributionLimits, ArgumentsBeyondTheLimitsAreRefusedWithTheLimit) {
  const std::vector<Refusal> refusals = {
      // Counts of Boost's PTRS were saturated at 2^32 − 1; Boost.Math's
      // quantile (describe) fails from about 2e10.
      {"poisson(1e18)", "poisson(lambda) supports lambda <= 1e10, got 1e+18"},
      {"poisson(10000000001)", "poisson(lambda) supports lambda <= 1e10"},
      {"poisson(1e15)", "poisson(lambda) supports lambda <= 1e10, got 1000000000000000"},
      {"poisson(1e300)", "poisson(lambda) supports lambda <= 1e10, got 1e+300"},
      // Draws beyond the largest double.
      {"normal(0, 1e308)", "normal(mean, sd) needs |mean| + 38·sd <= 1.8e308"},
      {"normal(1.7e308, 1e306)", "needs |mean| + 38·sd <= 1.8e308 (the largest double), so that no draw overflows"},
      {"lognormal(0, 100)", "lognormal(mu, sigma) needs mu + 38·sigma <= 709.78 (ln of the largest double)"},
      {"lognormal(700, 1)", "got mu = 700, sigma = 1"},
      {"lognormal_ci90(1e-300, 1e300)",
       "lognormal_ci90(1e-300, 1e+300) is lognormal(mu = 0, sigma = 419.962), which "
       "needs mu + 38·sigma <= 709.78"},
      {"gamma(2, 1e306)", "gamma(shape, scale) with shape 2 needs scale <= 1.185e+305, so that no draw overflows"},
      // Shapes beyond where the sampler's 1/shape or Boost's quantile hold.
      {"gamma(1e11, 1)", "gamma(shape, scale) supports shapes from 1e-300 to 1e10, got 100000000000"},
      {"gamma(1e-310, 1)", "supports shapes from 1e-300 to 1e10"},
      {"beta(1e-310, 1e-310)", "beta(alpha, beta) supports shapes from 1e-300 to 1e10, got 1e-310, 1e-310"},
      {"beta(2, 1e30)", "beta(alpha, beta) supports shapes from 1e-300 to 1e10"},
      // Percentiles too close for ln(hi) − ln(lo) to be positive.
      {"lognormal_ci90(1e300, 1.0000000000001e300)", "lognormal_ci90(lo, hi) needs hi >= lo·(1 + 1e-9)"},
      // Truncation beyond 36 sd (was "holds no probability mass" from
      // 7 sd), intervals too narrow to invert accurately, sd too large for
      // Boost's normal arithmetic.
      {"truncated_normal(0, 1, 40, 41)",
       "truncated_normal(mean, sd, lo, hi) needs [lo, hi] to come within 36·sd of the mean (its probability "
       "underflows farther out); got lo = mean + 40·sd"},
      {"truncated_normal(10, 2, -100, -70)", "got hi = mean - 40·sd"},
      {"truncated_normal(-1e308, 1, 1e308, 1.5e308)", "got lo beyond mean + 1.8e308·sd"},
      {"truncated_normal(0, 1, 0, 1e-12)",
       "truncated_normal(mean, sd, lo, hi) needs hi - lo >= 1e-9·sd to be drawn accurately; got hi - lo = 1e-12, sd = "
       "1"},
      {"truncated_normal(1e308, 1e308, -1e308, 1e308)", "truncated_normal(mean, sd, lo, hi) needs |mean| + 38·sd"},
  };
  for (const Refusal& r : refusals) {
    SCOPED_TRACE(r.dist);
    const Diagnostic d = expect_error(parameter_model(r.dist), r.fragment);
    EXPECT_EQ(d.pos, (SourcePos{2, 6}));
  }
}

TEST(DistributionLimits, ArgumentsAtTheLimitsLoad) {
  load_ok(parameter_model("poisson(1e10)"));
  load_ok(parameter_model("normal(0, 4.7e306)"));  // 38 · 4.7e306 = 1.786e308
  load_ok(parameter_model("lognormal(700, 0.25)"));
  load_ok(parameter_model("lognormal_ci90(1e-320, 1e-310)"));
  load_ok(parameter_model("gamma(2, 1.18e305)"));
  load_ok(parameter_model("gamma(1e10, 1)"));
  load_ok(parameter_model("gamma(1e-300, 1e305)"));
  load_ok(parameter_model("beta(1e-300, 1e10)"));
  load_ok(parameter_model("truncated_normal(0, 1, 36, 37)"));
  load_ok(parameter_model("truncated_normal(0, 1, -37, -36)"));
  load_ok(parameter_model("truncated_normal(0, 1, 0, 1e-9)"));
  load_ok(parameter_model("uniform(-1.7e308, 1.7e308)"));
  load_ok(parameter_model("triangular(-1.7e308, 0, 1.7e308)"));
  load_ok(parameter_model("pert(-1e308, 0, 1e308)"));
}

// The number in the message is the limit the code enforces.
TEST(DistributionLimits, LimitsInMessagesAreTheEnforcedOnes) {
  EXPECT_EQ(kMaxPoissonMean, 1e10);
  EXPECT_EQ(kMinShape, 1e-300);
  EXPECT_EQ(kMaxShape, 1e10);
  EXPECT_EQ(kNormalDrawBound, 38.0);
  EXPECT_DOUBLE_EQ(kLogLargestDouble, std::log(std::numeric_limits<double>::max()));
  EXPECT_LE(kLogLargestDouble, std::log(std::numeric_limits<double>::max()));
  EXPECT_EQ(kMaxConstantArrivalRate, 7500.0);
}

std::string arrivals_model(const std::string& rate) {
  return "events:\n  a:\n    kind: arrivals\n    rate: " + rate + "\n    size: 1\noutputs:\n  o: sum(a)\n";
}

// A month holds at most kMaxBurstsPerMonth − 1 = 8191 bursts. A constant rate
// that exceeds it with probability above 1.8e-15 a month is refused at
// check; 7500 is the largest accepted, and Boost.Math's Poisson CDF confirms
// its probability of 8192 or more.
TEST(DistributionLimits, ConstantArrivalRatesThatOverflowAMonthAreRefused) {
  const Diagnostic d =
      expect_error(arrivals_model("8000"), "arrival rate must be at most 7500 bursts a month, got 8000");
  EXPECT_EQ(d.pos, (SourcePos{4, 11}));
  expect_error(arrivals_model("1e10"), "a month holds at most 8191 bursts");
  load_ok(arrivals_model("7500"));
  const double p = boost::math::cdf(boost::math::complement(
      boost::math::poisson_distribution<double>(kMaxConstantArrivalRate), kMaxBurstsPerMonth - 1));
  EXPECT_NEAR(p, 1.8e-15, 0.05e-15);  // the message's "1.8e-15" is this probability
}

}  // namespace
}  // namespace riskcast::testing
