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
      {"normal(0, 1e308)", "normal(mean, sd) needs |mean| + 38·sd <= 1.797e308"},
      {"normal(1.7e308, 1e306)", "needs |mean| + 38·sd <= 1.797e308 (the largest double), so that no draw overflows"},
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

// The kinds of issue 14: every argument check, at the call's position.
TEST(DistributionLimits, NewKindsRefuseArgumentsBeyondTheirLimits) {
  const std::vector<Refusal> refusals = {
      {"lognormal_mean_sd(0, 1)", "lognormal_mean_sd(mean, sd) needs mean > 0 and sd > 0, got mean = 0, sd = 1"},
      {"lognormal_mean_sd(5, -1)", "needs mean > 0 and sd > 0"},
      {"lognormal_mean_sd(1, 1e-160)", "lognormal_mean_sd(mean, sd) needs sd >= 1e-150·mean"},
      {"lognormal_mean_sd(1e300, 1e308)", "lognormal_mean_sd(1e+300, 1e+308) is lognormal(672.3"},
      {"lognormal_mean_sd(1e300, 1e308)", "and lognormal(mu, sigma) needs mu + 38·sigma <= 709.78"},
      {"normal_percentiles(10, 80, 90, 120)",
       "normal_percentiles(p_lo, x_lo, p_hi, x_hi) needs probabilities 0 < p_lo < p_hi < 1, got p_lo = 10, p_hi = 90"},
      {"normal_percentiles(0.9, 80, 0.1, 120)", "needs probabilities 0 < p_lo < p_hi < 1"},
      {"normal_percentiles(0, 80, 0.9, 120)", "needs probabilities 0 < p_lo < p_hi < 1"},
      {"normal_percentiles(0.1, 120, 0.9, 80)", "normal_percentiles(p_lo, x_lo, p_hi, x_hi) needs x_lo < x_hi"},
      {"normal_percentiles(0.1, -1e308, 0.9, 1e308)",
       "normal_percentiles(0.1, -1e+308, 0.9, 1e+308) stands for a law whose parameters are beyond the largest double"},
      {"normal_percentiles(0.1, -1e307, 0.9, 1e307)", "and normal(mean, sd) needs |mean| + 38·sd <= 1.797e308"},
      {"lognormal_percentiles(0.1, 0, 0.9, 10)", "lognormal_percentiles(p_lo, x_lo, p_hi, x_hi) needs 0 < x_lo < x_hi"},
      {"lognormal_percentiles(0.1, 1, 0.9, 1.0000000001)", "needs x_hi - x_lo >= 1e-9·max(|x_lo|, |x_hi|)"},
      // Percentiles so close that rounding decides the fit (sd = 3.6e15).
      {"normal_percentiles(0.5, 0, 0.5000000000000001, 1)",
       "normal_percentiles(p_lo, x_lo, p_hi, x_hi) needs p_hi - p_lo >= 1e-6, or the fit is left to the rounding of "
       "the probabilities; got p_lo = 0.5, p_hi = 0.5000000000000001"},
      {"lognormal_percentiles(0.1, 1, 0.1000009, 2)", "needs p_hi - p_lo >= 1e-6"},
      {"normal_percentiles(0.1, 1e9, 0.9, 1000000000.5)", "needs x_hi - x_lo >= 1e-9·max(|x_lo|, |x_hi|)"},
      {"pert_p10_p50_p90(1e9, 1000000000.5, 2e9)", "needs neighbouring percentiles apart by at least 1e-9"},
      {"lognormal_percentiles(0.01, 1e-300, 0.02, 1e300)", "and lognormal(mu, sigma) needs mu + 38·sigma <= 709.78"},
      {"pert_p10_p50_p90(10, 10, 20)", "pert_p10_p50_p90(p10, p50, p90) needs p10 < p50 < p90, got 10, 10, 20"},
      {"pert_p10_p50_p90(0, 1, 10)",
       "no PERT has these percentiles: pert_p10_p50_p90(p10, p50, p90) needs p50 between 31.19 % and 68.81 % of the "
       "way from p10 to p90, got 10.00 %"},
      {"pert_p10_p50_p90(0, 9, 10)", "got 90.00 %"},
      // Just outside the range: as many decimals as it takes to differ from
      // the bound (31.189 %).
      {"pert_p10_p50_p90(0, 31.18, 100)",
       "needs p50 between 31.19 % and 68.81 % of the way from p10 to p90, got "
       "31.18 %"},
      {"pert_p10_p50_p90(0, 31.1888, 100)",
       "needs p50 between 31.1891 % and 68.8109 % of the way from p10 to p90, "
       "got 31.1888 %"},
      {"pert_p10_p50_p90(-1e308, 0, 1e308)", "needs p90 - p10 <= 1.797e308"},
      {"student_t(0.5, 0, 1)", "student_t(df, loc, scale) supports df from 1 to 1e10, got df = 0.5"},
      {"student_t(2e10, 0, 1)", "supports df from 1 to 1e10"},
      {"student_t(3, 0, 0)", "student_t(df, loc, scale) needs scale > 0, got scale = 0"},
      {"student_t(1, 0, 1e9)", "student_t(df, loc, scale) with df 1 needs |loc| + 6.366e+299·scale <= 1.797e308"},
      {"weibull(0.005, 1)", "weibull(shape, scale) needs shape >= 0.01 and scale > 0, got shape = 0.005"},
      {"weibull(2, 0)", "needs shape >= 0.01 and scale > 0"},
      {"weibull(0.01, 1e160)", "weibull(shape, scale) with shape 0.01 needs scale <= 1.926e+150"},
      {"exponential(0)", "exponential(rate) needs rate >= 2.1e-307"},
      {"exponential(1e-308)", "got rate = 1e-308"},
      {"binomial(10.5, 0.5)", "binomial(n, p) needs a whole number of trials n from 0 to 1e10, got n = 10.5"},
      {"binomial(-1, 0.5)", "a whole number of trials"},
      {"binomial(2e10, 0.5)", "from 0 to 1e10, got n = 20000000000"},
      {"binomial(10, 1.5)", "binomial(n, p) needs a probability p in [0, 1], got p = 1.5"},
      {"\"mixture([normal(0, 1), uniform(0, 1)], [1])\"", "mixture has 2 distributions but 1 weight"},
      {"\"discrete([1], [1, 2])\"", "discrete has 1 value but 2 weights"},
      {"\"mixture([normal(0, 1), 2], [0, 0])\"", "mixture weights must not all be zero"},
      {"\"mixture([normal(0, 1), 2], [1e308, 1e308])\"", "mixture weights are too large: their sum overflows"},
      {"\"mixture([], [])\"", "mixture needs at least one distribution"},
      {"\"cumulative([0, 1], [0, 0.5, 1])\"", "cumulative([x], [p]) needs at least 2 points and as many probabilities"},
      {"\"cumulative([1], [1])\"", "at least 2 points"},
      {"\"cumulative([-1e308, 1e308], [0, 1])\"", "needs the last x minus the first <= 1.797e308"},
  };
  for (const Refusal& r : refusals) {
    SCOPED_TRACE(r.dist);
    const Diagnostic d = expect_error(parameter_model(r.dist), r.fragment);
    EXPECT_EQ(d.pos, (SourcePos{2, r.dist[0] == '"' ? 7u : 6u}));
  }
  // Percentiles written as percentages get a hint; a probability of 0 or 1,
  // which is a fraction, gets the one about ends instead.
  const Diagnostic percent = expect_error(parameter_model("normal_percentiles(10, 80, 90, 120)"), "0 < p_lo");
  EXPECT_NE(percent.hint.find("the 10th percentile is p = 0.1"), std::string::npos) << percent.hint;
  const Diagnostic one = expect_error(parameter_model("normal_percentiles(0.1, 1, 1, 2)"), "0 < p_lo");
  EXPECT_EQ(one.hint, "a normal has no finite percentile at p = 0 or 1: give one inside, such as 0.01 or 0.99");
  const Diagnostic zero = expect_error(parameter_model("lognormal_percentiles(0, 1, 0.9, 2)"), "0 < p_lo");
  EXPECT_NE(zero.hint.find("a lognormal has no finite percentile at p = 0 or 1"), std::string::npos) << zero.hint;
}

// List arguments: each error at the item or list it is about.
TEST(DistributionLimits, ListArgumentsAreCheckedWhereWritten) {
  struct Case {
    std::string dist, fragment;
    SourcePos pos;
  };
  const std::vector<Case> cases = {
      {"\"mixture([normal(0, 1), mixture([1], [1])], [1, 1])\"", "a mixture's components cannot be mixtures", {2, 30}},
      {"\"mixture(normal(0, 1), [1])\"", "mixture takes two lists: mixture([distributions], [weights])", {2, 15}},
      {"\"mixture([normal(0, 1), pret(1, 2, 3)], [1, 1])\"", "unknown distribution `pret`", {2, 30}},
      {"\"mixture([normal(0, -1)], [1])\"", "normal(mean, sd) needs sd > 0", {2, 16}},
      {"\"mixture([normal(0, 1)], [w])\"", "mixture weights must be numbers", {2, 32}},
      {"\"cumulative([0, x], [0, 1])\"", "cumulative points and probabilities must be numbers", {2, 22}},
      {"\"cumulative(0, [0, 1])\"", "cumulative takes two lists: cumulative([x], [p])", {2, 18}},
      // Each at the item at fault: the second list starts at column 29.
      {"\"mixture([normal(0, 1)], [-1])\"", "mixture weights must be finite and >= 0, got -1", {2, 32}},
      {"\"discrete([1, 2], [1, -2])\"", "discrete weights must be finite and >= 0, got -2", {2, 28}},
      {"\"cumulative([0, 2, 1], [0, 0.5, 1])\"", "cumulative([x], [p]) needs x increasing, got 1 after 2", {2, 25}},
      {"\"cumulative([0, 1, 1], [0, 0.5, 1])\"", "needs x increasing, got 1 after 1", {2, 25}},
      {"\"cumulative([0, 1, 2], [0, 0.6, 0.5])\"",
       "cumulative([x], [p]) needs p non-decreasing, got 0.5 after 0.6",
       {2, 38}},
      {"\"cumulative([0, 1, 2], [0.1, 0.5, 1])\"",
       "cumulative([x], [p]) needs p to start at 0 (the CDF at the first point), got 0.1",
       {2, 30}},
      {"\"cumulative([0, 1, 2], [0, 0.5, 0.9])\"",
       "cumulative([x], [p]) needs p to end at 1 (the CDF at the last point), got 0.9",
       {2, 38}},
      // Percentages for probabilities: one error, at the first, with the hint.
      {"\"cumulative([0, 1, 2], [0, 50, 100])\"",
       "cumulative([x], [p]) needs probabilities from 0 to 1, got 50",
       {2, 33}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dist);
    const Diagnostic d = expect_error(parameter_model(c.dist), c.fragment);
    EXPECT_EQ(d.pos, c.pos);
  }
  const Diagnostic percent = expect_error(parameter_model("\"cumulative([0, 1, 2], [0, 50, 100])\""), "got 50");
  EXPECT_EQ(percent.hint, "probabilities are fractions: the 10th percentile is p = 0.1");
}

TEST(DistributionLimits, NewKindsAtTheirLimitsLoad) {
  load_ok(parameter_model("lognormal_mean_sd(1, 1e-150)"));
  load_ok(parameter_model("lognormal_mean_sd(2e5, 7e6)"));
  load_ok(parameter_model("normal_percentiles(1e-300, -1, 0.999999, 1)"));
  load_ok(parameter_model("lognormal_percentiles(0.5, 1, 0.9, 1.000000002)"));
  load_ok(parameter_model("pert_p10_p50_p90(0, 0.312, 1)"));
  load_ok(parameter_model("pert_p10_p50_p90(0, 0.688, 1)"));
  load_ok(parameter_model("student_t(1, 0, 2.8e8)"));
  load_ok(parameter_model("student_t(1e10, -1e308, 1e306)"));
  load_ok(parameter_model("weibull(0.01, 1.9e150)"));
  load_ok(parameter_model("weibull(1e300, 1e308)"));
  load_ok(parameter_model("exponential(2.1e-307)"));
  load_ok(parameter_model("binomial(1e10, 1)"));
  load_ok(parameter_model("binomial(0, 0)"));
  load_ok(parameter_model("\"mixture([normal(0, 1), 5, poisson(3)], [0, 1, 2])\""));
  load_ok(parameter_model("\"cumulative([-8.9e307, 8.9e307], [0, 1])\""));
  load_ok(parameter_model("\"cumulative([0, 1, 2, 3], [0, 0, 1, 1])\""));
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
  EXPECT_EQ(kMaxBinomialTrials, 1e10);
  EXPECT_EQ(kMinStudentDf, 1.0);
  EXPECT_EQ(kMaxStudentDf, 1e10);
  EXPECT_EQ(kMinWeibullShape, 0.01);
  // 53·ln 2: −ln of the smallest 1 − u a draw inverts (u ≤ 1 − 2^-53).
  EXPECT_DOUBLE_EQ(kMaxExponentialDraw, -std::log(0x1p-53));
  // exponential's "2.1e-307": 36.74 / rate fits from there.
  EXPECT_LE(kMaxExponentialDraw / 2.1e-307, std::numeric_limits<double>::max());
  EXPECT_GT(kMaxExponentialDraw / 2.0e-307, std::numeric_limits<double>::max());
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
