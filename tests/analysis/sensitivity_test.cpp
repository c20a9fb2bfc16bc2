// Sensitivity analysis: rank statistics on hand-checked data, the tornado,
// conditional outcomes and scenario deltas on small models with known answers,
// and the claim the design rests on: the extra outputs leave the analysed
// output's samples bit-identical to a plain run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include <fmt/format.h>
#include <functional>
#include <numeric>
#include <tuple>

#include "model/model_test_support.hpp"
#include "riskcast/random.hpp"
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
  // Five samples cannot bound ρ at 95 %: the interval is open.
  EXPECT_EQ(r.ci_low, kOpenLow);
  EXPECT_EQ(r.ci_high, kOpenHigh);
  // Reversed order: exactly −1; a constant side: undefined.
  const std::vector<double> down = {9, 8, 7, 6, 5}, flat = {2, 2, 2, 2, 2};
  EXPECT_EQ(spearman(x, down).rho, -1.0);
  EXPECT_FALSE(spearman(x, flat).defined);
  // The issue's case: four samples in perfect order gave ρ = 1 with the
  // interval [1, 1]; they happen by chance once in 24 rankings.
  const std::vector<double> four = {1, 2, 3, 4};
  EXPECT_EQ(spearman(four, four).rho, 1.0);
  EXPECT_EQ(spearman(four, four).ci_low, kOpenLow);
  // A perfect ranking of a million: the interval ends at ±1 and starts just
  // inside it, never the point itself, and never the whole range (the
  // nearest attainable ρ, 1 − 1.2e−17, is not a double below 1).
  std::vector<double> many(1'000'000);
  std::iota(many.begin(), many.end(), 0.0);
  std::vector<double> reversed(many.rbegin(), many.rend());
  const RankCorrelation rising = spearman(many, many), falling = spearman(many, reversed);
  EXPECT_EQ(rising.rho, 1.0);
  EXPECT_EQ(rising.ci_high, 1.0);
  EXPECT_LT(rising.ci_low, 1.0);
  EXPECT_GT(rising.ci_low, 0.999);
  EXPECT_EQ(falling.rho, -1.0);
  EXPECT_EQ(falling.ci_low, -1.0);
  EXPECT_GT(falling.ci_high, -1.0);
  EXPECT_LT(falling.ci_high, -0.999);
}

// Mid-distribution transforms of a weighted sample: F̃(v) = Σ_j w_j·(1{x_j < v} + ½·1{x_j = v}).
std::vector<double> weighted_mid_cdf(const std::vector<double>& x, const std::vector<double>& w) {
  std::vector<double> f(x.size(), 0.0);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < x.size(); ++j) f[i] += w[j] * (x[j] < x[i] ? 1.0 : x[j] == x[i] ? 0.5 : 0.0);
  return f;
}

// The rank correlation of a weighted sample: the weighted correlation of the
// weighted mid-distribution transforms (with equal weights, Spearman's ρ).
double weighted_rank_correlation(const std::vector<double>& x, const std::vector<double>& y,
                                 const std::vector<double>& w) {
  const std::vector<double> f = weighted_mid_cdf(x, w), g = weighted_mid_cdf(y, w);
  double mf = 0, mg = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mf += w[i] * f[i], mg += w[i] * g[i];
  double c = 0, a = 0, b = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    c += w[i] * (f[i] - mf) * (g[i] - mg);
    a += w[i] * (f[i] - mf) * (f[i] - mf);
    b += w[i] * (g[i] - mg) * (g[i] - mg);
  }
  return c / std::sqrt(a * b);
}

// The interval as docs/analysis.md states it, with the influence function
// taken independently of the engine's closed form: by differentiating ρ of
// the sample reweighted towards each point in turn, (ρ(ε) − ρ(0))/ε.
std::pair<double, double> documented_interval(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  const double size = static_cast<double>(n);
  const std::vector<double> equal(n, 1.0 / size);
  const double rho = weighted_rank_correlation(x, y, equal);
  constexpr double kEps = 1e-7;
  std::vector<double> influence(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> w(n, (1.0 - kEps) / size);
    w[i] += kEps;
    influence[i] = (weighted_rank_correlation(x, y, w) - rho) / kEps;
  }
  double mean = 0;
  for (double v : influence) mean += v / size;
  double squares = 0;
  for (double v : influence) squares += (v - mean) * (v - mean);
  const double se_influence = std::sqrt(squares / (size - 1) / size);
  const double se_normal = (1 - rho * rho) * std::sqrt((1 + rho * rho / 2) / (size - 3));
  const double se_z = std::max(se_influence, se_normal) / (1 - rho * rho) * std::sqrt(size / (size - 3));
  const double low = std::tanh(std::atanh(rho) - 1.959963984540054 * se_z);
  const double high = std::tanh(std::atanh(rho) + 1.959963984540054 * se_z);
  return {std::max(-1.0, ((size + 1) * low - 1) / size), std::min(1.0, ((size + 1) * high + 1) / size)};
}

TEST(RankStatistics, IntervalMatchesItsDefinition) {
  // A non-monotone relation (the influence-function error is the larger)
  // and a tied, nearly linear one (the normal-theory error is).
  const std::vector<double> x = {0.3, -1.2, 0.8, 2.0, -0.4, 1.1, -2.2, 0.05, 1.6, -0.9, 0.6, -1.7};
  std::vector<double> square, tied;
  for (std::size_t i = 0; i < x.size(); ++i) {
    square.push_back(x[i] * x[i] + 0.1 * std::sin(7.0 * static_cast<double>(i)));
    tied.push_back(std::round(x[i]) + 0.3 * std::cos(5.0 * static_cast<double>(i)));
  }
  for (const std::vector<double>* y : {&square, &tied}) {
    const RankCorrelation r = spearman(x, *y);
    const auto [low, high] = documented_interval(x, *y);
    EXPECT_NEAR(r.ci_low, low, 1e-5);
    EXPECT_NEAR(r.ci_high, high, 1e-5);
    EXPECT_LT(r.ci_low, r.rho);
    EXPECT_GT(r.ci_high, r.rho);
  }
}

// Coverage of ρ's interval over repeated seeds at small and large n: at
// least 95 % for bivariate normal data (ρ_S = (6/π)·asin(r/2)), an input with
// ties (a 30 % bernoulli, ρ = 0.41313 from the mid-distribution transforms,
// worked out in the comment below) and a non-monotone dependence (y = x²
// plus noise: ρ = 0 by symmetry, where the normal-theory interval alone
// covers 85–88 %). Below 10 samples the interval is open, so it covers.
// Tolerance: one-sided, 4 binomial standard errors at 95 % over R = 2000
// runs (0.0195).
//
// Bernoulli x (p = 0.3), y = x + N(0, 1): F̃(x) is 0.35 or 0.85, Var = 0.0525;
// G(Y) is uniform, Var 1/12; Cov = ½·0.21·(E[G(Y)|x=1] − E[G(Y)|x=0]) with
// that difference 0.7Φ(1/√2) − 0.3Φ(−1/√2) − 0.2 = 0.26025: ρ = 0.027326 /
// √(0.0525/12) = 0.41313.
TEST(RankStatistics, IntervalsCoverTheTrueRankCorrelation) {
  constexpr int kRuns = 2000;
  const boost::math::normal_distribution<double> standard;
  auto normal = [&](std::uint64_t run, std::uint64_t k) {
    return boost::math::quantile(standard, RandomStream(500 + run, k, 1, 0).uniform());
  };
  struct Shape {
    const char* name;
    double rho;
    std::function<std::pair<double, double>(double, double)> draw;  // from two standard normals
  };
  const double phi = boost::math::cdf(standard, 1.0 / std::sqrt(2.0));
  const std::vector<Shape> shapes = {
      {"normal 0.5", 6 / M_PI * std::asin(0.25),
       [](double a, double b) {
         return std::pair{a, 0.5 * a + std::sqrt(0.75) * b};
       }},
      {"normal 0.99", 6 / M_PI * std::asin(0.495),
       [](double a, double b) {
         return std::pair{a, 0.99 * a + std::sqrt(1 - 0.99 * 0.99) * b};
       }},
      {"bernoulli x", 0.5 * 0.21 * (0.7 * phi - 0.3 * (1 - phi) - 0.2) / std::sqrt(0.0525 / 12),
       [&](double a, double b) {
         const double x = boost::math::cdf(standard, a) < 0.3 ? 1.0 : 0.0;
         return std::pair{x, x + b};
       }},
      {"y = x^2", 0.0,
       [](double a, double b) {
         return std::pair{a, a * a + 0.1 * b};
       }},
  };
  for (const Shape& shape : shapes) {
    for (std::size_t n : {5u, 10u, 30u, 100u}) {
      int covered = 0;
      std::vector<double> x(n), y(n);
      for (int run = 0; run < kRuns; ++run) {
        for (std::size_t i = 0; i < n; ++i)
          std::tie(x[i], y[i]) = shape.draw(normal(static_cast<std::uint64_t>(run), 2 * i),
                                            normal(static_cast<std::uint64_t>(run), 2 * i + 1));
        const RankCorrelation r = spearman(x, y);
        // Undefined (a constant side, e.g. all bernoulli draws equal): nothing is claimed.
        covered += !r.defined || (r.ci_low <= shape.rho && shape.rho <= r.ci_high);
      }
      const double rate = static_cast<double>(covered) / kRuns;
      RecordProperty(fmt::format("{} n={}", shape.name, n), fmt::format("{:.3f}", rate));
      EXPECT_GE(rate, kConfidence - 4 * std::sqrt(0.95 * 0.05 / kRuns)) << shape.name << " n " << n;
    }
  }
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
    // The interval is about ±1.96 sd wide, plus the allowance for ρ̂'s bias,
    // ((1 − low) + (1 + high))/n ≈ 2/n.
    const double width = 2 * 1.96 * sd + 2.0 / static_cast<double>(n);
    EXPECT_NEAR(d->ci_high - d->ci_low, width, 0.2 * width) << d->label;
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
  // The interval ends at 1 and starts just below, from the nearest
  // attainable ρ, 1 − 12/(n³ − n) ≈ 1 − 10⁻¹⁰.
  EXPECT_EQ(r.tornado[0].ci_high, 1.0);
  EXPECT_LT(r.tornado[0].ci_low, 1.0);
  EXPECT_GT(r.tornado[0].ci_low, 1.0 - 1e-8);
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

// An innovation is summarised by its mean over the horizon: a random walk's
// end is 12 times it (the same additions in the same order), so ρ = 1; its
// outcomes split the samples at the median mean, half on either side.
TEST(Sensitivity, InnovationIsRankedByItsMean) {
  const Model model = load_ok(R"yaml(horizon: 12
parameters:
  x: uniform(0, 1)
events:
  shock: {kind: innovation, dist: "normal(0, 1)", unit: USD}
monthly:
  walk: prev(walk, 0) + shock
outputs:
  walk_end: last(walk)
  mixed: last(walk) + 10 * x
)yaml");
  const SensitivityResult r = analyze(model, 2000);
  const Driver& d = driver(r, "shock: mean over the year");
  EXPECT_EQ(d.kind, "innovation mean");
  EXPECT_EQ(d.unit, "USD");
  EXPECT_EQ(d.rho, 1.0);
  std::vector<std::string> outcomes;
  for (const ConditionalOutcome& c : r.conditionals) {
    if (c.event != "shock") continue;
    EXPECT_EQ(c.kind, "innovation");
    EXPECT_EQ(c.probability, 0.5) << c.outcome;
    outcomes.push_back(c.outcome.substr(0, c.outcome.find(" USD") == std::string::npos ? 0 : c.outcome.find(" USD")));
  }
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].rfind("mean below ", 0), 0u) << outcomes[0];
  EXPECT_EQ(outcomes[1].rfind("mean at least ", 0), 0u) << outcomes[1];
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

// The issue's case: a varying input and a constant output. The output is
// what is constant, not the input.
TEST(Sensitivity, AConstantOutputIsReportedAsSuch) {
  const Model model = load_ok(R"yaml(model: flat
parameters:
  demand: pert(800, 1000, 1500)
  fixed: 3
outputs:
  price: demand * 0 + 192.53
)yaml");
  const SensitivityResult r = analyze(model, 2000);
  EXPECT_TRUE(r.output_constant);
  EXPECT_EQ(r.output_summary.sd, 0.0);
  EXPECT_EQ(r.output_summary.mean, 192.53);
  const Driver& demand = driver(r, "demand");
  EXPECT_FALSE(demand.constant) << "demand varies; the output does not";
  EXPECT_TRUE(std::isnan(demand.rho));
  EXPECT_TRUE(driver(r, "fixed").constant);
  // A varying output is not constant.
  EXPECT_FALSE(analyze(load_ok(kLinear), 200).output_constant);
}

// Probes are syntax trees, not text parsed again: state names that would
// not survive a round trip through the formula parser (here the keywords
// `and`, `or`, `not`, set on the loaded model) still work.
TEST(Sensitivity, ProbesAreBuiltAsSyntaxTrees) {
  Model model = load_ok(R"yaml(model: words
parameters:
  x: uniform(0, 1)
events:
  r:
    kind: regime
    states: [a, b, c]
    initial: {a: 0.2, b: 0.3, c: 0.5}
outputs:
  y: x
)yaml");
  std::get<Regime>(model.events[0].definition).states = {"and", "or", "not"};
  const SensitivityResult r = analyze(model, 2000);
  EXPECT_EQ(driver(r, "r: months in and").state, "and");
  EXPECT_EQ(driver(r, "r: months in not").kind, "regime months");
  // Months in `not` are 12 with probability 0.5 (no transitions).
  EXPECT_NEAR(outcome(r, "r", "not held most months").probability, 0.5, 4 * std::sqrt(0.25 / 2000));
}

TEST(Sensitivity, UnknownScenarioOrOutputIsRejected) {
  const Model model = load_ok(kRich);
  EXPECT_THROW(analyze(model, 100, "nope"), std::invalid_argument);
  EXPECT_THROW(analyze(model, 100, "base", 1, "nope"), std::invalid_argument);
}

}  // namespace
}  // namespace riskcast
