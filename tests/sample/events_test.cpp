// Events against their exact laws (docs/language.md "Month by month",
// shared/models/reference-model.md "Events"): month 1 from the initial
// distribution; for m ≥ 2 every hazard and transition probability sees the
// month m − 1 states and all events move at once; arrivals in every month.
//
// Each statistical test uses a fixed seed and a tolerance derived from the
// Monte Carlo error, stated where it is used.
#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/poisson.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {
namespace {

namespace bm = boost::math;

constexpr std::uint64_t kSeed = 4242;
constexpr std::uint64_t kSamples = 20000;
constexpr double kAlpha = 0.001;  // significance of every goodness-of-fit test

SampleColumns run_text(const std::string& yaml, std::uint64_t samples = kSamples, std::uint64_t seed = kSeed) {
  Model model;
  try {
    model = load_model_text(yaml, "events_test.yaml");
  } catch (const ModelError& e) {
    ADD_FAILURE() << e.diagnostics().format();
    throw;
  }
  const Program program = compile_program(apply_scenario(model, *model.find_scenario("base")));
  RunSettings settings;
  settings.samples = samples;
  settings.seed = seed;
  settings.threads = 2;
  return sample_program(program, settings);
}

std::vector<double> column(const SampleColumns& c, const std::string& name) {
  for (std::size_t i = 0; i < c.names.size(); ++i)
    if (c.names[i] == name) return c.values[i];
  ADD_FAILURE() << "no output " << name;
  return {};
}

// "prefix" followed by the number m (built without std::string operator+,
// which trips GCC 12's -Wrestrict false positive).
std::string numbered(const char* prefix, int m) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s%d", prefix, m);
  return buffer;
}

double fraction_equal(const std::vector<double>& x, double value) {
  double k = 0;
  for (double v : x) k += v == value;
  return k / static_cast<double>(x.size());
}

double mean_of_vector(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double variance_of_vector(const std::vector<double>& x) {
  const double m = mean_of_vector(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size() - 1);
}

// 4 standard errors of a binomial proportion p estimated from n trials
// (normal approximation; used only to size effects, see expect_frequency).
double binomial_tolerance(double p, double n = static_cast<double>(kSamples)) {
  return 4.0 * std::sqrt(p * (1.0 - p) / n);
}

// The count behind `fraction` (of n trials) lies in the central interval of
// Binomial(n, p) holding all but 6.3e-5 of its mass, the mass a normal law
// has beyond ±4σ: "4 standard errors", exact also when n·p is small.
void expect_frequency(double fraction, double p, double n = static_cast<double>(kSamples)) {
  const double tail = std::erfc(4.0 / std::sqrt(2.0)) / 2.0;  // 3.17e-5 each side
  const bm::binomial_distribution<double> law(n, p);
  const double count = std::round(fraction * n);
  EXPECT_GE(count, bm::quantile(law, tail)) << "p = " << p << ", n = " << n;
  EXPECT_LE(count, bm::quantile(bm::complement(law, tail))) << "p = " << p << ", n = " << n;
}

double chi_square_critical(std::size_t df) {
  return bm::quantile(bm::complement(bm::chi_squared_distribution<double>(static_cast<double>(df)), kAlpha));
}

using Matrix3 = std::array<std::array<double, 3>, 3>;
using Row3 = std::array<double, 3>;

Row3 step(const Row3& pi, const Matrix3& p) {
  Row3 out{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) out[j] += pi[i] * p[i][j];
  return out;
}

TEST(RegimeEvent, StateFrequenciesFollowInitialTimesPowersOfP) {
  const std::string yaml = R"yaml(
horizon: 12
events:
  r:
    kind: regime
    states: [a, b, c]
    initial: {a: 0.5, b: 0.3, c: 0.2}
    transitions:
      a: {b: 0.3, c: 0.1}
      b: {a: 0.2, c: 0.25}
      c: {a: 0.05, b: 0.4}
outputs:
  a1: sum(r == a, 1, 1)
  b1: sum(r == b, 1, 1)
  c1: sum(r == c, 1, 1)
  a2: sum(r == a, 2, 2)
  b2: sum(r == b, 2, 2)
  c2: sum(r == c, 2, 2)
  a12: last(r == a)
  b12: last(r == b)
  c12: last(r == c)
)yaml";
  const Matrix3 p = {{{0.6, 0.3, 0.1}, {0.2, 0.55, 0.25}, {0.05, 0.4, 0.55}}};
  // Month 1 is the initial draw; month m is m − 1 transitions later, so
  // month 12 is initial · P^11.
  std::array<Row3, 13> expected;
  expected[1] = {0.5, 0.3, 0.2};
  for (int m = 2; m <= 12; ++m) expected[m] = step(expected[m - 1], p);

  const SampleColumns c = run_text(yaml);
  for (int m : {1, 2, 12}) {
    SCOPED_TRACE(m);
    double stat = 0.0, total = 0.0;
    const char* names[] = {"a", "b", "c"};
    for (int s = 0; s < 3; ++s) {
      const std::vector<double> in_state = column(c, numbered(names[s], m));
      const double f = fraction_equal(in_state, 1.0);
      total += f;
      SCOPED_TRACE(names[s]);
      expect_frequency(f, expected[m][s]);  // exact binomial, "4 standard errors"
      stat += kSamples * (f - expected[m][s]) * (f - expected[m][s]) / expected[m][s];
    }
    EXPECT_DOUBLE_EQ(total, 1.0);
    // Chi-square over the three states (df = 2) below its 0.1 % critical value.
    EXPECT_LT(stat, chi_square_critical(2));
  }
  // The test can tell the two readings of "month 2" apart: initial · P
  // differs from initial (no move yet) and from initial · P² by more than
  // 8 binomial standard errors in some state.
  double gap_none = 0, gap_two = 0;
  const Row3 two = step(expected[2], p);
  for (int s = 0; s < 3; ++s) {
    gap_none = std::max(gap_none, std::fabs(expected[2][s] - expected[1][s]) / binomial_tolerance(expected[2][s]));
    gap_two = std::max(gap_two, std::fabs(expected[2][s] - two[s]) / binomial_tolerance(expected[2][s]));
  }
  EXPECT_GT(gap_none, 2.0);
  EXPECT_GT(gap_two, 2.0);
}

// Constant transition probabilities may take a faster path than formulas;
// both must make the same move from the same uniform. `0 * month` keeps a
// cell a formula without changing its value.
TEST(RegimeEvent, ConstantAndFormulaTransitionsMoveAlike) {
  auto model = [](const std::string& extra) {
    return std::string(R"yaml(
horizon: 30
events:
  r:
    kind: regime
    states: [a, b, c]
    initial: {a: 0.5, b: 0.3, c: 0.2}
    transitions:
      a: {b: ")yaml") +
           "0.3" + extra + R"yaml(", c: 0.1}
      b: {a: 0.2, c: 0.25}
      c: {a: 0.05, b: 0.4}
outputs:
  months_a: sum(r == a)
  months_b: sum(r == b)
  last_c: last(r == c)
)yaml";
  };
  const SampleColumns constant = run_text(model(""), 5000), formula = run_text(model(" + 0 * month"), 5000);
  for (std::size_t o = 0; o < constant.values.size(); ++o)
    EXPECT_EQ(constant.values[o], formula.values[o]) << constant.names[o];
}

// Horizons 12 and 40: the second crosses the runner's 16-month refills of
// event uniforms.
TEST(SwitchEvent, OnsetMonthIsGeometricFromMonthTwo) {
  for (int horizon : {12, 40}) {
    SCOPED_TRACE(horizon);
    const std::string yaml = numbered("horizon: ", horizon) + R"yaml(
events:
  s: {kind: switch, initial: 0, on: 0.1}
outputs:
  months_on: sum(s)
)yaml";
    const double h = 0.1;
    const std::vector<double> months_on = column(run_text(yaml), "months_on");
    // Absorbing switch: on from its onset month m to the horizon H, so
    // m = H + 1 − months on (H + 1: never on).
    // P(m) = (1 − h)^(m − 2)·h for 2 ≤ m ≤ H, P(H + 1) = (1 − h)^(H − 1).
    std::vector<double> observed(horizon + 2, 0.0);
    for (double v : months_on) {
      ASSERT_EQ(v, std::floor(v));
      ASSERT_GE(v, 0.0);
      ASSERT_LE(v, horizon - 1.0) << "a switch with initial 0 cannot be on in month 1";
      observed[static_cast<std::size_t>(horizon + 1 - v)] += 1;
    }
    double stat = 0.0;
    for (int m = 2; m <= horizon + 1; ++m) {
      const double p = m <= horizon ? std::pow(1 - h, m - 2) * h : std::pow(1 - h, horizon - 1);
      const double e = p * kSamples;
      ASSERT_GE(e, 5.0);  // Cochran's rule holds in every cell
      stat += (observed[m] - e) * (observed[m] - e) / e;
    }
    // Chi-square over onset months 2 … H + 1 (df = H − 1) below its 0.1 %
    // critical value.
    EXPECT_LT(stat, chi_square_critical(horizon - 1));
  }
}

TEST(SwitchEvent, OnAndOffFollowTheTwoStateChain) {
  const std::string yaml = R"yaml(
horizon: 12
events:
  s: {kind: switch, initial: 0.3, on: 0.1, off: 0.2}
outputs:
  on1: sum(s, 1, 1)
  on2: sum(s, 2, 2)
  on12: last(s)
)yaml";
  // P(on) evolves as p' = p·(1 − off) + (1 − p)·on.
  std::array<double, 13> p{};
  p[1] = 0.3;
  for (int m = 2; m <= 12; ++m) p[m] = p[m - 1] * 0.8 + (1 - p[m - 1]) * 0.1;
  const SampleColumns c = run_text(yaml);
  expect_frequency(fraction_equal(column(c, "on1"), 1.0), p[1]);
  expect_frequency(fraction_equal(column(c, "on2"), 1.0), p[2]);
  expect_frequency(fraction_equal(column(c, "on12"), 1.0), p[12]);
}

TEST(ArrivalsEvent, MonthlyTotalsAreCompoundPoisson) {
  const std::string yaml = R"yaml(
horizon: 12
events:
  a: {kind: arrivals, rate: 0.7, size: "gamma(2, 1.5)"}
outputs:
  m1: sum(a, 1, 1)
  m7: sum(a, 7, 7)
  total: sum(a)
)yaml";
  // Size S ~ gamma(k = 2, θ = 1.5): E[S^r] = θ^r·k(k+1)…(k+r−1).
  const double lambda = 0.7, th = 1.5;
  const double s1 = th * 2, s2 = th * th * 2 * 3, s4 = std::pow(th, 4) * 2 * 3 * 4 * 5;
  const SampleColumns c = run_text(yaml);
  const double n = static_cast<double>(kSamples);
  for (const char* name : {"m1", "m7", "total"}) {
    SCOPED_TRACE(name);
    const double months = std::string(name) == "total" ? 12.0 : 1.0;
    // A sum of months independent compound Poisson totals is compound
    // Poisson with rate months·λ: cumulants κ_r = months·λ·E[S^r].
    const double rate = months * lambda;
    const double mean = rate * s1, var = rate * s2, k4 = rate * s4;
    const std::vector<double> x = column(c, name);
    // Mean within 4 standard errors √(var/n).
    EXPECT_NEAR(mean_of_vector(x), mean, 4.0 * std::sqrt(var / n));
    // Variance within 4 standard errors of the sample variance,
    // √((μ4 − σ⁴)/n) with μ4 = κ4 + 3κ2².
    EXPECT_NEAR(variance_of_vector(x), var, 4.0 * std::sqrt((k4 + 2.0 * var * var) / n));
    // No burst: probability exp(−rate) (2.2e-4 over 12 months, a few
    // expected counts: hence the exact binomial interval).
    const double p0 = std::exp(-rate);
    expect_frequency(fraction_equal(x, 0.0), p0);
  }
}

TEST(ArrivalsEvent, CountsArePoissonEveryMonthWithTheMonthsRate) {
  // size 1: a month's total is its count. The rate reads `month` = m.
  const std::string yaml = R"yaml(
horizon: 12
events:
  a: {kind: arrivals, rate: "0.3 * month", size: 1}
outputs:
  m1: sum(a, 1, 1)
  m5: sum(a, 5, 5)
  m12: sum(a, 12, 12)
)yaml";
  const SampleColumns c = run_text(yaml);
  for (int m : {1, 5, 12}) {
    SCOPED_TRACE(m);
    const bm::poisson_distribution<double> law(0.3 * m);
    const std::vector<double> x = column(c, numbered("m", m));
    // Chi-square over counts 0 … K − 1 and ≥ K, K the first count whose
    // tail expects fewer than 5 draws; df = cells − 1.
    int cells = 0;
    while (kSamples * bm::cdf(bm::complement(law, cells)) >= 5.0) ++cells;
    ++cells;  // the tail cell
    std::vector<double> observed(cells, 0.0);
    for (double v : x) observed[std::min<std::size_t>(static_cast<std::size_t>(v), cells - 1)] += 1;
    double stat = 0.0;
    for (int k = 0; k < cells; ++k) {
      const double p = k + 1 < cells ? bm::pdf(law, k) : bm::cdf(bm::complement(law, k - 1));
      const double e = p * kSamples;
      EXPECT_GE(e, 5.0);  // Cochran's rule
      stat += (observed[k] - e) * (observed[k] - e) / e;
    }
    EXPECT_LT(stat, chi_square_critical(cells - 1));
  }
}

// Rates that differ from sample to sample, on both sides of λ = 30 (where
// counts switch from inversion to PTRS): conditionally on the rate, the
// month's count is Poisson(rate).
TEST(ArrivalsEvent, CountsFollowEachSamplesRate) {
  const std::string yaml = R"yaml(
horizon: 3
parameters:
  lam: discrete([2, 45], [1, 1])
events:
  a: {kind: arrivals, rate: lam, size: 1}
outputs:
  rate: lam
  count: sum(a, 3, 3)
)yaml";
  const SampleColumns c = run_text(yaml);
  const std::vector<double> rate = column(c, "rate"), count = column(c, "count");
  for (double lambda : {2.0, 45.0}) {
    SCOPED_TRACE(lambda);
    std::vector<double> x;
    for (std::size_t i = 0; i < rate.size(); ++i)
      if (rate[i] == lambda) x.push_back(count[i]);
    const double n = static_cast<double>(x.size());
    ASSERT_GT(n, 9000.0);
    // Mean within 4 standard errors √(λ/n); variance within 4 standard
    // errors of the sample variance √((κ4 + 2κ2²)/n), κ2 = κ4 = λ.
    EXPECT_NEAR(mean_of_vector(x), lambda, 4.0 * std::sqrt(lambda / n));
    EXPECT_NEAR(variance_of_vector(x), lambda, 4.0 * std::sqrt((lambda + 2.0 * lambda * lambda) / n));
    // P(count = ⌊λ⌋): exact binomial interval ("4 standard errors").
    const double p_mode = bm::pdf(bm::poisson_distribution<double>(lambda), std::floor(lambda));
    double hits = 0;
    for (double v : x) hits += v == std::floor(lambda);
    expect_frequency(hits / n, p_mode, n);
  }
}

TEST(ParameterSum, TwoUniformsSumToTheTriangularLaw) {
  const std::string yaml = R"yaml(
parameters:
  u1: uniform(0, 1)
  u2: uniform(0, 1)
outputs:
  s: u1 + u2
)yaml";
  std::vector<double> s = column(run_text(yaml), "s");
  // Independent slots: u1 + u2 ~ triangular(0, 1, 2).
  const double d = ks_statistic(s, [](double x) {
    if (x <= 0) return 0.0;
    if (x <= 1) return x * x / 2;
    if (x < 2) return 1 - (2 - x) * (2 - x) / 2;
    return 1.0;
  });
  // KS critical value at 0.1 %: 1.9495/√n.
  EXPECT_LT(d, ks_critical_value(s.size(), kAlpha)) << "KS distance " << d;
}

// Deterministic: r alternates a, b, a, b, … (month 1 is a). s turns on at
// the first month m ≥ 2 whose *previous* month had r == b: month 3, so it is
// on in months 3 … 12. Reading month m's state instead would give month 2.
// Declaration order must not matter.
TEST(SimultaneousMoves, HazardSeesTheRegimeOfThePreviousMonth) {
  const std::string regime = R"yaml(
  r:
    kind: regime
    states: [a, b]
    initial: {a: 1}
    transitions:
      a: {b: 1}
      b: {a: 1}
)yaml";
  const std::string sw = R"yaml(
  s: {kind: switch, initial: 0, on: "r == b ? 1 : 0"}
)yaml";
  const std::string outputs = R"yaml(
outputs:
  s_months: sum(s)
  s_month2: sum(s, 2, 2)
  b_months: sum(r == b)
)yaml";
  for (const std::string& events : {regime + sw, sw + regime}) {
    const SampleColumns c = run_text("horizon: 12\nevents:" + events + outputs, 500);
    for (double v : column(c, "b_months")) ASSERT_EQ(v, 6.0);
    for (double v : column(c, "s_month2")) ASSERT_EQ(v, 0.0);
    for (double v : column(c, "s_months")) ASSERT_EQ(v, 10.0);
  }
}

// And the other way: a regime's transition reads a switch of the previous
// month. w is on from month 2; q leaves x for good in month 3.
TEST(SimultaneousMoves, TransitionSeesTheSwitchOfThePreviousMonth) {
  const std::string w = "\n  w: {kind: switch, initial: 0, on: 1}\n";
  const std::string q = R"yaml(
  q:
    kind: regime
    states: [x, y]
    initial: {x: 1}
    transitions:
      x: {y: "w == 1 ? 1 : 0"}
)yaml";
  const std::string outputs = "\noutputs:\n  y_months: sum(q == y)\n  w_months: sum(w)\n";
  for (const std::string& events : {w + q, q + w}) {
    const SampleColumns c = run_text("horizon: 12\nevents:" + events + outputs, 500);
    for (double v : column(c, "w_months")) ASSERT_EQ(v, 11.0);
    for (double v : column(c, "y_months")) ASSERT_EQ(v, 10.0);
  }
}

// A hazard that is just another switch's name (a valid 0/1 probability)
// must also see that switch's previous month, whichever is declared first:
// a is on from month 2, so b turns on in month 3 (on in 10 months).
TEST(SimultaneousMoves, BareSwitchNameAsHazardSeesThePreviousMonth) {
  const std::string a = "\n  a: {kind: switch, initial: 0, on: 1}\n";
  const std::string b = "\n  b: {kind: switch, initial: 0, on: a}\n";
  const std::string outputs = "\noutputs:\n  a_months: sum(a)\n  b_months: sum(b)\n";
  for (const std::string& events : {b + a, a + b}) {
    SCOPED_TRACE(events);
    const SampleColumns c = run_text("horizon: 12\nevents:" + events + outputs, 100);
    EXPECT_EQ(column(c, "a_months")[0], 11.0);
    EXPECT_EQ(column(c, "b_months")[0], 10.0);
  }
}

// Statistical version: r is a random two-state chain, s's hazard depends on
// r's previous state. P(s on in month m) from the exact forward recursion of
// the joint chain (r, s) under simultaneous moves.
TEST(SimultaneousMoves, SwitchOnsetMatchesTheJointChain) {
  const std::string yaml = R"yaml(
horizon: 12
events:
  s: {kind: switch, initial: 0, on: "r == b ? 0.4 : 0.02"}
  r:
    kind: regime
    states: [a, b]
    initial: {a: 0.8, b: 0.2}
    transitions:
      a: {b: 0.7}
      b: {a: 0.6}
outputs:
  on2: sum(s, 2, 2)
  on4: sum(s, 4, 4)
  on12: last(s)
)yaml";
  const double pr[2][2] = {{0.3, 0.7}, {0.6, 0.4}};
  const double hazard[2] = {0.02, 0.4};
  // joint[r][s]; `lagged` = true: hazard on month m − 1's r (the
  // semantics); false: on month m's r (what a sequential update would do).
  auto on_probabilities = [&](bool lagged) {
    std::array<double, 13> on{};
    double joint[2][2] = {{0.8, 0.0}, {0.2, 0.0}};
    for (int m = 2; m <= 12; ++m) {
      double next[2][2] = {{0, 0}, {0, 0}};
      for (int r = 0; r < 2; ++r)
        for (int s = 0; s < 2; ++s)
          for (int r2 = 0; r2 < 2; ++r2) {
            const double mass = joint[r][s] * pr[r][r2];
            const double h = hazard[lagged ? r : r2];
            if (s == 1) {
              next[r2][1] += mass;
            } else {
              next[r2][1] += mass * h;
              next[r2][0] += mass * (1 - h);
            }
          }
      std::memcpy(joint, next, sizeof joint);
      on[m] = joint[0][1] + joint[1][1];
    }
    return on;
  };
  const std::array<double, 13> expected = on_probabilities(true), sequential = on_probabilities(false);
  const SampleColumns c = run_text(yaml);
  for (int m : {2, 4, 12}) {
    SCOPED_TRACE(m);
    const double f = fraction_equal(column(c, numbered("on", m)), 1.0);
    expect_frequency(f, expected[m]);
  }
  // The test has the power to reject the sequential reading: in month 2 it
  // differs from the right one by more than 8 standard errors.
  EXPECT_GT(std::fabs(expected[2] - sequential[2]), 2.0 * binomial_tolerance(expected[2]));
}

// docs/language.md's worked example, numbers as documented.
TEST(SimultaneousMoves, LanguageGuideExample) {
  const std::string yaml = R"yaml(
horizon: 4
events:
  s1: {kind: switch, initial: 1, on: 0, off: 1}
  s2: {kind: switch, on: "s1 ? 1 : 0"}
  late: {kind: switch, on: "month == 3 ? 1 : 0"}
  burst: {kind: arrivals, rate: "s1 ? 1000 : 0", size: 1}
outputs:
  s2_months: sum(s2)
  late_months: sum(late)
  burst_m1: sum(burst, 1, 1)
  burst_m2: sum(burst, 2, 2)
)yaml";
  const SampleColumns c = run_text(yaml, 2000);
  for (double v : column(c, "s2_months")) ASSERT_EQ(v, 3.0);
  for (double v : column(c, "late_months")) ASSERT_EQ(v, 2.0);
  for (double v : column(c, "burst_m2")) ASSERT_EQ(v, 0.0);
  // Poisson(1000) in month 1: mean within 4 standard errors √(1000/n).
  const std::vector<double> m1 = column(c, "burst_m1");
  EXPECT_NEAR(mean_of_vector(m1), 1000.0, 4.0 * std::sqrt(1000.0 / static_cast<double>(m1.size())));
  // Variance within 4 standard errors √((κ4 + 2κ2²)/n), κ2 = κ4 = 1000.
  EXPECT_NEAR(variance_of_vector(m1), 1000.0,
              4.0 * std::sqrt((1000.0 + 2.0 * 1000.0 * 1000.0) / static_cast<double>(m1.size())));
}

}  // namespace
}  // namespace riskcast
