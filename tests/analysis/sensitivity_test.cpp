// Sensitivity analysis: rank statistics on hand-checked data, the tornado,
// conditional outcomes and scenario deltas on small models with known answers,
// and the claim the design rests on: the extra outputs leave the analysed
// output's samples bit-identical to a plain run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast {
namespace {

using testing::load_ok;

SensitivityResult analyze(const Model& model, std::uint64_t samples, const std::string& scenario = "base",
                          std::uint64_t seed = 1, const std::string& output = "") {
  SensitivityRequest request;
  request.settings.samples = samples;
  request.settings.seed = seed;
  request.scenario = scenario;
  request.output = output;
  return analyze_sensitivity(model, request);
}

const Driver& driver(const SensitivityResult& r, const std::string& label) {
  for (const Driver& d : r.tornado)
    if (d.label == label) return d;
  ADD_FAILURE() << "no driver labelled " << label;
  static const Driver none;
  return none;
}

const ConditionalOutcome& outcome(const SensitivityResult& r, const std::string& event, const std::string& what) {
  for (const ConditionalOutcome& c : r.conditionals)
    if (c.event == event && c.outcome == what) return c;
  ADD_FAILURE() << "no outcome " << event << ": " << what;
  static const ConditionalOutcome none;
  return none;
}

double percentile_value(const std::vector<PercentileEstimate>& ps, double p) {
  for (const PercentileEstimate& q : ps)
    if (std::fabs(q.p - p) < 1e-12) return q.value;
  ADD_FAILURE() << "no percentile " << p;
  return NAN;
}

TEST(RankStatistics, DoubledMidRanksAverageTies) {
  const std::vector<double> values = {7, 5, 9, 7};
  EXPECT_EQ(doubled_mid_ranks(values), (std::vector<std::uint32_t>{5, 2, 8, 5}));
  const std::vector<double> same = {3, 3, 3};
  EXPECT_EQ(doubled_mid_ranks(same), (std::vector<std::uint32_t>{4, 4, 4}));
  EXPECT_TRUE(doubled_mid_ranks(std::vector<double>{}).empty());
}

TEST(RankStatistics, SpearmanOnHandCheckedData) {
  // x ranks 1 2 3 4 5; y = 5 6 7 8 7 ranks 1 2 3.5 5 3.5. Centred: x −2 −1 0 1 2,
  // y −2 −1 0.5 2 0.5; Σxy = 4 + 1 + 0 + 2 + 1 = 8, Σx² = 10, Σy² = 4 + 1 + 0.25 + 4 + 0.25 = 9.5.
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {5, 6, 7, 8, 7};
  const RankCorrelation r = spearman(x, y);
  ASSERT_TRUE(r.defined);
  EXPECT_NEAR(r.rho, 8.0 / std::sqrt(10.0 * 9.5), 1e-15);
  // Fisher z with the Bonett–Wright standard error, n = 5.
  const double se = std::sqrt((1 + r.rho * r.rho / 2) / 2.0);
  EXPECT_NEAR(r.ci_low, std::tanh(std::atanh(r.rho) - 1.959963984540054 * se), 1e-12);
  EXPECT_NEAR(r.ci_high, std::tanh(std::atanh(r.rho) + 1.959963984540054 * se), 1e-12);
  // Reversed order: exactly −1; a constant side: undefined.
  const std::vector<double> down = {9, 8, 7, 6, 5}, flat = {2, 2, 2, 2, 2};
  EXPECT_EQ(spearman(x, down).rho, -1.0);
  EXPECT_EQ(spearman(x, down).ci_low, -1.0);
  EXPECT_FALSE(spearman(x, flat).defined);
}

const char* kLinear = R"yaml(model: linear
parameters:
  a: uniform(0, 1)
  b: uniform(0, 1)
  fixed: 3
outputs:
  y: a + 0.1 * b
  growth: exp(a) + fixed
)yaml";

// Spearman ρ of A and of B with Y = A + 0.1·B, A and B independent U(0, 1):
// ρ = 12·E[U·F_Y(Y)] − 3 with F_Y the trapezoid CDF of Y, integrated on a
// 3000 × 3000 midpoint grid (error below 1e-6): 0.99520 and 0.09700.
constexpr double kRhoA = 0.99520, kRhoB = 0.09700;

TEST(Sensitivity, TornadoRanksTheDominantParameterFirst) {
  const Model model = load_ok(kLinear);
  const std::uint64_t n = 20000;
  const SensitivityResult r = analyze(model, n);
  EXPECT_EQ(r.output, "y");
  ASSERT_EQ(r.tornado.size(), 3u);
  EXPECT_EQ(r.tornado[0].label, "a");
  EXPECT_EQ(r.tornado[1].label, "b");
  EXPECT_EQ(r.tornado[2].label, "fixed");
  EXPECT_TRUE(r.tornado[2].constant);
  EXPECT_TRUE(std::isnan(r.tornado[2].rho));
  EXPECT_EQ(r.tornado[0].kind, "parameter");
  // Monte Carlo error of ρ̂: sd ≈ (1 − ρ²)·sqrt((1 + ρ²/2) / n): 8e-5 for a,
  // 8.5e-3 for b at n = 20,000; the tolerance is four of them.
  for (const auto& [d, rho] : {std::pair{&r.tornado[0], kRhoA}, std::pair{&r.tornado[1], kRhoB}}) {
    const double sd = (1 - rho * rho) * std::sqrt((1 + rho * rho / 2) / static_cast<double>(n));
    EXPECT_NEAR(d->rho, rho, 4 * sd) << d->label;
    EXPECT_LT(d->ci_low, d->rho);
    EXPECT_GT(d->ci_high, d->rho);
    // The interval is about ±1.96 sd wide.
    EXPECT_NEAR(d->ci_high - d->ci_low, 2 * 1.96 * sd, 0.2 * 2 * 1.96 * sd) << d->label;
  }
}

TEST(Sensitivity, RhoIntervalsCoverTheTrueValue) {
  // 50 independent runs (seeds 1 … 50) of 2,000 samples: a calibrated 95 %
  // interval covers in Binomial(50, 0.95) runs, mean 47.5, sd 1.54; fewer
  // than 42 (3.6 sd below) would mean the intervals are too narrow.
  const Model model = load_ok(kLinear);
  int covered_a = 0, covered_b = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const SensitivityResult r = analyze(model, 2000, "base", seed);
    const Driver& a = driver(r, "a");
    const Driver& b = driver(r, "b");
    covered_a += a.ci_low <= kRhoA && kRhoA <= a.ci_high;
    covered_b += b.ci_low <= kRhoB && kRhoB <= b.ci_high;
  }
  EXPECT_GE(covered_a, 42);
  EXPECT_GE(covered_b, 42);
}

TEST(Sensitivity, MonotoneOutputHasRhoExactlyOne) {
  const Model model = load_ok(kLinear);
  const SensitivityResult r = analyze(model, 5000, "base", 7, "growth");
  ASSERT_FALSE(r.tornado.empty());
  EXPECT_EQ(r.tornado[0].label, "a");
  EXPECT_EQ(r.tornado[0].rho, 1.0);
  EXPECT_EQ(r.tornado[0].ci_low, 1.0);
  EXPECT_EQ(r.tornado[0].ci_high, 1.0);
}

const char* kEvents = R"yaml(model: events
horizon: 12
parameters:
  x: uniform(0, 1)
events:
  r:
    kind: regime
    states: [a, b]
    initial: {a: 0.3, b: 0.7}
  s: {kind: switch, initial: 0, on: 0.1}
  arr: {kind: arrivals, rate: 0.1, size: 1, unit: crates}
  busy: {kind: arrivals, rate: 2, size: 1}
outputs:
  y: x + 10 * sum(r == b) / 12
  onset: "min(s ? month : 13)"
  crates: sum(arr)
scenarios:
  only_a:
    events:
      r: {fix: a}
)yaml";

TEST(Sensitivity, EventSummariesAreLabelledWithUnits) {
  const Model model = load_ok(kEvents);
  const SensitivityResult r = analyze(model, 2000);
  EXPECT_EQ(driver(r, "r: months in b").kind, "regime months");
  EXPECT_EQ(driver(r, "r: months in b").state, "b");
  EXPECT_EQ(driver(r, "r: months in b").unit, "months");
  EXPECT_EQ(driver(r, "s: month turned on (13 = never)").kind, "switch onset");
  EXPECT_EQ(driver(r, "arr: total over the year").unit, "crates");
  EXPECT_EQ(driver(r, "arr: total over the year").kind, "arrivals total");
  // Months in b are 12·D, D = 1{b all year} (no transitions), and every y
  // with D = 1 exceeds every y with D = 0, so y's rank is U ~ U(0, 1) and
  // D = 1{U > 0.3}: ρ = Cov(U, D) / (sd U · sd D) = 0.105 / (sqrt(1/12) ·
  // sqrt(0.21)) = 0.7937. ρ̂'s sd at n = 2,000 is about (1 − ρ²) / sqrt(n) ≈
  // 0.008; the tolerance is five of them. Months in a mirror months in b.
  EXPECT_NEAR(driver(r, "r: months in b").rho, 0.105 / std::sqrt(0.21 / 12), 0.04);
  EXPECT_EQ(driver(r, "r: months in a").rho, -driver(r, "r: months in b").rho);
  EXPECT_EQ(r.tornado.size(), 6u);  // x, r (2 states), s, arr, busy
}

TEST(Sensitivity, RegimeFixedByTheScenarioIsConstant) {
  const Model model = load_ok(kEvents);
  const SensitivityResult r = analyze(model, 2000, "only_a");
  EXPECT_EQ(r.scenario, "only_a");
  EXPECT_TRUE(driver(r, "r: months in a").constant);
  EXPECT_TRUE(driver(r, "r: months in b").constant);
  // Constant inputs come last, whatever their place in the model.
  const auto first_constant =
      std::find_if(r.tornado.begin(), r.tornado.end(), [](const Driver& d) { return d.constant; });
  EXPECT_TRUE(std::all_of(first_constant, r.tornado.end(), [](const Driver& d) { return d.constant; }));
  EXPECT_EQ(r.tornado.front().label, "x");
  EXPECT_EQ(r.tornado.front().rho, 1.0);  // y = x + 0 in this scenario
  // Only the outcome that happens is listed.
  std::vector<std::string> regime_outcomes;
  for (const ConditionalOutcome& c : r.conditionals)
    if (c.event == "r") regime_outcomes.push_back(c.outcome);
  EXPECT_EQ(regime_outcomes, std::vector<std::string>{"a held most months"});
}

TEST(Sensitivity, SwitchOnsetTiesGiveRhoOne) {
  // onset takes 13 values with heavy ties; the probe measures the same thing.
  const Model model = load_ok(kEvents);
  const SensitivityResult r = analyze(model, 5000, "base", 3, "onset");
  EXPECT_EQ(r.tornado.front().label, "s: month turned on (13 = never)");
  EXPECT_EQ(r.tornado.front().rho, 1.0);
  // And the arrivals total, with an atom at 0, likewise.
  const SensitivityResult c = analyze(model, 5000, "base", 3, "crates");
  EXPECT_EQ(c.tornado.front().label, "arr: total over the year");
  EXPECT_EQ(c.tornado.front().rho, 1.0);
}

TEST(Sensitivity, ConditionalProbabilitiesMatchTheModel) {
  const Model model = load_ok(kEvents);
  const std::uint64_t n = 20000;
  const SensitivityResult r = analyze(model, n);
  // Each tolerance is four binomial standard errors sqrt(p (1 − p) / n), ≤ 0.0035 here.
  auto tolerance = [&](double p) { return 4 * std::sqrt(p * (1 - p) / static_cast<double>(n)); };
  // Regime without transitions: b all year with probability 0.7.
  const ConditionalOutcome& b = outcome(r, "r", "b held most months");
  EXPECT_NEAR(b.probability, 0.7, tolerance(0.7));
  EXPECT_EQ(b.kind, "regime");
  // Switch off in month 1, hazard 0.1 in months 2 … 6: on by 6 with 1 − 0.9^5.
  const double on_by_6 = 1 - std::pow(0.9, 5);
  EXPECT_NEAR(outcome(r, "s", "on by month 6").probability, on_by_6, tolerance(on_by_6));
  EXPECT_NEAR(outcome(r, "s", "not on by month 6").probability, 1 - on_by_6, tolerance(on_by_6));
  // Arrivals at 0.1 a month: none all year with e^−1.2 ≈ 0.30.
  const double none = std::exp(-1.2);
  EXPECT_NEAR(outcome(r, "arr", "no bursts all year").probability, none, tolerance(none));
  EXPECT_NEAR(outcome(r, "arr", "any bursts").probability, 1 - none, tolerance(none));
  // Arrivals at 2 a month almost always come: split at the median total
  // (Poisson(24), median 24).
  const ConditionalOutcome& low = outcome(r, "busy", "total below 24");
  const ConditionalOutcome& high = outcome(r, "busy", "total at least 24");
  EXPECT_EQ(low.samples + high.samples, n);
  // The probabilities of one event's outcomes add up.
  EXPECT_DOUBLE_EQ(b.probability + outcome(r, "r", "a held most months").probability, 1.0);
  // Given b all year, y = x + 10: P50 ≈ 10.5; given a, y = x: P50 ≈ 0.5.
  // The median of U(0, 1) from ~6,000 samples has sd 0.5 / sqrt(6000) ≈ 0.0065; 0.03 is over four.
  EXPECT_NEAR(percentile_value(b.percentiles, 0.5), 10.5, 0.03);
  EXPECT_NEAR(percentile_value(outcome(r, "r", "a held most months").percentiles, 0.5), 0.5, 0.03);
  EXPECT_NEAR(percentile_value(b.percentiles, 0.1), 10.1, 0.03);
  EXPECT_NEAR(percentile_value(b.percentiles, 0.9), 10.9, 0.03);
  EXPECT_FALSE(b.few_samples);
}

TEST(Sensitivity, FewSamplesAreFlagged) {
  const Model model = load_ok(kEvents);
  const SensitivityResult r = analyze(model, 300);
  // "a held most months" has ~90 of 300 samples.
  const ConditionalOutcome& a = outcome(r, "r", "a held most months");
  EXPECT_EQ(a.few_samples, a.samples < kFewConditionalSamples);
  const ConditionalOutcome& b = outcome(r, "r", "b held most months");
  EXPECT_FALSE(b.few_samples);
}

const char* kShift = R"yaml(model: shift
parameters:
  k: poisson(20)
  c: 0
outputs:
  y: k + c
scenarios:
  plus5: {parameters: {c: 5}}
  same:
)yaml";

TEST(Sensitivity, PairedDeltaOfAConstantShiftIsExact) {
  const Model model = load_ok(kShift);
  for (const std::string scenario : {"base", "plus5"}) {
    const SensitivityResult r = analyze(model, 5000, scenario);
    ASSERT_EQ(r.deltas.size(), 2u) << scenario;
    const ScenarioDelta& d = r.deltas[0];
    EXPECT_EQ(d.scenario, "plus5");
    // Paired: every sample moves by exactly 5 (k is a whole number); unpaired
    // differences of two Poisson(20) would spread by sd 6.3.
    EXPECT_EQ(d.difference.mean, 5.0);
    EXPECT_EQ(d.difference.sd, 0.0);
    EXPECT_EQ(d.difference.min, 5.0);
    EXPECT_EQ(d.difference.max, 5.0);
    ASSERT_EQ(d.difference.percentiles.size(), kDeltaPercentiles.size());
    for (const PercentileEstimate& q : d.difference.percentiles) {
      EXPECT_EQ(q.value, 5.0);
      EXPECT_EQ(q.ci_low, 5.0);
      EXPECT_EQ(q.ci_high, 5.0);
    }
    EXPECT_EQ(r.deltas[1].scenario, "same");
    EXPECT_EQ(r.deltas[1].difference.max, 0.0);
  }
}

// run --plot asks for drivers only: no delta rows and no pass over the
// other scenarios, while the drivers are those of the full analysis.
TEST(Sensitivity, DriversOnlyLeavesOutTheDeltas) {
  const Model model = load_ok(kShift);
  SensitivityRequest request;
  request.settings.samples = 3000;
  request.settings.seed = 3;
  const SensitivityResult full = analyze_sensitivity(model, request);
  request.scenario_deltas = false;
  const SensitivityResult drivers = analyze_sensitivity(model, request);
  EXPECT_FALSE(full.deltas.empty());
  EXPECT_TRUE(drivers.deltas.empty());
  ASSERT_EQ(drivers.tornado.size(), full.tornado.size());
  for (std::size_t i = 0; i < full.tornado.size(); ++i) {
    EXPECT_EQ(drivers.tornado[i].label, full.tornado[i].label);
    EXPECT_EQ(drivers.tornado[i].constant, full.tornado[i].constant);
    if (!full.tornado[i].constant) {
      EXPECT_EQ(drivers.tornado[i].rho, full.tornado[i].rho);
    }
  }
}

const char* kRich = R"yaml(model: rich
horizon: 9
parameters:
  demand: pert(80, 100, 150)
  price: lognormal_ci90(8, 14)
events:
  policy:
    kind: regime
    states: [open, tight, closed]
    initial: {open: 0.6, tight: 0.3, closed: 0.1}
    transitions:
      open: {tight: "month > 4 ? 0.1 : 0.02"}
      tight: {closed: 0.05, open: 0.05}
  strike: {kind: switch, initial: 0.1, on: "policy == tight ? 0.2 : 0.02", off: 0.3}
  smuggling: {kind: arrivals, rate: "policy == closed ? 1.5 : 0.2", size: "gamma(2, 5)"}
monthly:
  sold: "(strike ? 0.5 : 1) * demand * (policy == closed ? 0.2 : 1) + smuggling"
  stock: prev(stock, 10) + sold - 90
outputs:
  revenue: sum(sold * price)
  worst: min(stock)
scenarios:
  same:
  open_all_year: {events: {policy: {fix: open}}}
)yaml";

TEST(Sensitivity, ExtraOutputsLeaveTheOutputBitIdentical) {
  const Model model = load_ok(kRich);
  for (const std::string output : {"revenue", "worst"}) {
    SensitivityRequest request;
    request.settings.samples = 3000;
    request.settings.seed = 11;
    request.output = output;
    const SensitivityResult r = analyze_sensitivity(model, request);
    // `same` is base again, run as a plain model: a delta of exactly 0 in
    // every sample says the augmented run drew the same samples.
    ASSERT_EQ(r.deltas.front().scenario, "same");
    EXPECT_EQ(r.deltas.front().difference.min, 0.0) << output;
    EXPECT_EQ(r.deltas.front().difference.max, 0.0) << output;
    // And the summary equals a plain run's, bit for bit.
    RunRequest plain;
    plain.settings = request.settings;
    plain.scenarios = {"base"};
    const RunResult run = run_model(model, plain);
    const OutputSummary* expected = nullptr;
    for (const OutputResult& o : run.scenarios[0].outputs)
      if (o.name == output) expected = &o.summary;
    ASSERT_NE(expected, nullptr);
    EXPECT_EQ(r.output_summary.mean, expected->mean) << output;
    EXPECT_EQ(r.output_summary.sd, expected->sd) << output;
    ASSERT_EQ(r.output_summary.percentiles.size(), expected->percentiles.size());
    for (std::size_t i = 0; i < expected->percentiles.size(); ++i)
      EXPECT_EQ(r.output_summary.percentiles[i].value, expected->percentiles[i].value) << output << " " << i;
  }
}

TEST(Sensitivity, SameNumbersForAnyThreadCount) {
  const Model model = load_ok(kRich);
  SensitivityRequest request;
  request.settings.samples = 3000;
  request.settings.threads = 1;
  const SensitivityResult one = analyze_sensitivity(model, request);
  request.settings.threads = 4;
  const SensitivityResult four = analyze_sensitivity(model, request);
  ASSERT_EQ(one.tornado.size(), four.tornado.size());
  for (std::size_t i = 0; i < one.tornado.size(); ++i) {
    EXPECT_EQ(one.tornado[i].label, four.tornado[i].label);
    EXPECT_EQ(one.tornado[i].rho, four.tornado[i].rho);
  }
  ASSERT_EQ(one.conditionals.size(), four.conditionals.size());
  for (std::size_t i = 0; i < one.conditionals.size(); ++i)
    EXPECT_EQ(one.conditionals[i].percentiles[1].value, four.conditionals[i].percentiles[1].value);
  EXPECT_EQ(one.deltas.back().difference.mean, four.deltas.back().difference.mean);
}

TEST(Sensitivity, UnknownScenarioOrOutputIsRejected) {
  const Model model = load_ok(kRich);
  EXPECT_THROW(analyze(model, 100, "nope"), std::invalid_argument);
  EXPECT_THROW(analyze(model, 100, "base", 1, "nope"), std::invalid_argument);
}

}  // namespace
}  // namespace riskcast
