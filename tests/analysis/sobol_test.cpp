// Sobol indices (analyze_sobol): test functions with closed-form indices
// (a linear model of independent normals, Sobol's g-function, a product of
// two uniforms), an event's monthly randomness as one input, groups, the
// coverage of the delta-method intervals over replications, and the
// determinism contract.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast {
namespace {

using testing::load_ok;

SensitivityResult sobol(const Model& model, std::uint64_t n, std::uint64_t seed = 1, unsigned threads = 0,
                        std::size_t block = 256) {
  SensitivityRequest request;
  request.settings.samples = n;
  request.settings.seed = seed;
  request.settings.threads = threads;
  request.settings.block_size = block;
  return analyze_sobol(model, request);
}

const SobolIndex& index_of(const SensitivityResult& r, const std::string& name) {
  for (const SobolIndex& i : r.sobol->indices)
    if (i.name == name) return i;
  ADD_FAILURE() << "no Sobol row " << name;
  static const SobolIndex none;
  return none;
}

// Half-width of an interval is 1.96 se; a true value more than 4 se from
// the estimate has probability 6e-5 per index, so with the dozens of
// indices checked here a failure means a wrong estimator, not bad luck.
// (Intervals are cut at 0 and 1; the half-width of the side towards the
// truth is the one used.)
void expect_within(double estimate, double low, double high, double truth, const std::string& what) {
  const double z = confidence_z();
  const double half = truth >= estimate ? high - estimate : estimate - low;
  const double se = std::max(half / z, 1e-12);
  EXPECT_LE(std::fabs(estimate - truth), 4.0 * se + 1e-12)
      << what << ": estimate " << estimate << " [" << low << ", " << high << "], true " << truth;
}

void expect_indices(const SobolIndex& i, double first, double total) {
  expect_within(i.first, i.first_low, i.first_high, first, i.name + " first order");
  expect_within(i.total, i.total_low, i.total_high, total, i.name + " total");
}

// Y = x1 + 2·x2 + 3·x3, x ~ N(0, σ) with σ = 1, 1, 0.5: S_i = ST_i = a_i²σ_i² / Σ = 1, 4, 2.25 over 7.25.
TEST(Sobol, LinearModelOfIndependentNormals) {
  const Model m = load_ok(R"y(
parameters:
  x1: normal(0, 1)
  x2: normal(0, 1)
  x3: normal(0, 0.5)
outputs:
  y: x1 + 2 * x2 + 3 * x3
)y");
  const SensitivityResult r = sobol(m, 20'000);
  ASSERT_TRUE(r.sobol);
  EXPECT_EQ(r.sobol->base_samples, 20'000u);
  EXPECT_EQ(r.sobol->inputs, 3u);
  EXPECT_EQ(r.sobol->evaluations, 20'000u * 5);
  const double v = 7.25;
  expect_indices(index_of(r, "x1"), 1 / v, 1 / v);
  expect_indices(index_of(r, "x2"), 4 / v, 4 / v);
  expect_indices(index_of(r, "x3"), 2.25 / v, 2.25 / v);
}

// Sobol's g-function, g = Π (|4x_i − 2| + a_i)/(1 + a_i), x_i ~ U(0, 1):
// V_i = 1/(3(1 + a_i)²), V = Π(1 + V_i) − 1, S_i = V_i/V,
// ST_i = V_i·Π_{j≠i}(1 + V_j)/V; a group's closed index
// (Π_{i∈g}(1 + V_i) − 1)/V and total 1 − (Π_{i∉g}(1 + V_i) − 1)/V.
constexpr double kG[] = {0, 1, 4.5, 9, 99};

std::string g_function_model() {
  std::string text = "parameters:\n";
  for (int i = 0; i < 5; ++i) text += fmt::format("  x{}: uniform(0, 1)\n", i + 1);
  text += "outputs:\n  g: 1";
  for (int i = 0; i < 5; ++i) text += fmt::format(" * (abs(4 * x{} - 2) + {}) / (1 + {})", i + 1, kG[i], kG[i]);
  text += "\ngroups:\n  first_two: [x1, x2]\n";
  return text;
}

struct GFunction {
  double v_i[5], v = 1.0;
  GFunction() {
    for (int i = 0; i < 5; ++i) {
      v_i[i] = 1.0 / (3.0 * (1 + kG[i]) * (1 + kG[i]));
      v *= 1 + v_i[i];
    }
    v -= 1.0;
  }
  double first(int i) const { return v_i[i] / v; }
  double total(int i) const { return v_i[i] * (v + 1) / (1 + v_i[i]) / v; }
  double group_first() const { return ((1 + v_i[0]) * (1 + v_i[1]) - 1) / v; }
  double group_total() const { return 1 - ((v + 1) / ((1 + v_i[0]) * (1 + v_i[1])) - 1) / v; }
};

TEST(Sobol, GFunctionMatchesItsClosedForm) {
  const Model m = load_ok(g_function_model());
  const SensitivityResult r = sobol(m, 20'000);
  const GFunction g;
  for (int i = 0; i < 5; ++i) expect_indices(index_of(r, fmt::format("x{}", i + 1)), g.first(i), g.total(i));
  const SobolIndex& group = index_of(r, "first_two");
  EXPECT_EQ(group.kind, "group");
  EXPECT_EQ(group.members, (std::vector<std::string>{"x1", "x2"}));
  expect_indices(group, g.group_first(), g.group_total());
  EXPECT_EQ(r.sobol->evaluations, 20'000u * 8);
}

// Y = x1·x2, x ~ U(0, 1): Var Y = 1/9 − 1/16 = 7/144, V_i = Var(x_i/2) = 3/144:
// S_i = 3/7, ST_i = 4/7.
TEST(Sobol, ProductOfTwoUniforms) {
  const Model m = load_ok(R"y(
parameters:
  x1: uniform(0, 1)
  x2: uniform(0, 1)
outputs:
  y: x1 * x2
)y");
  const SensitivityResult r = sobol(m, 20'000);
  expect_indices(index_of(r, "x1"), 3.0 / 7, 4.0 / 7);
  expect_indices(index_of(r, "x2"), 3.0 / 7, 4.0 / 7);
}

// An event is one input: all its months at once. y = x + Σ 12 monthly
// N(0, 1) shocks with x ~ N(0, 2): S_shock = 12/16, S_x = 4/16.
TEST(Sobol, AnEventIsOneInputOverEveryMonth) {
  const Model m = load_ok(R"y(
parameters:
  x: normal(0, 2)
  fixed_one: 3
events:
  shock: {kind: innovation, dist: "normal(0, 1)"}
outputs:
  y: x + fixed_one + sum(shock)
)y");
  const SensitivityResult r = sobol(m, 20'000);
  EXPECT_EQ(index_of(r, "shock").kind, "innovation");
  expect_indices(index_of(r, "shock"), 0.75, 0.75);
  expect_indices(index_of(r, "x"), 0.25, 0.25);
  EXPECT_EQ(r.sobol->fixed, (std::vector<std::string>{"fixed_one"}));
  EXPECT_EQ(r.sobol->inputs, 2u);
}

// A and B are samples [0, 2N) of a plain run, so the output's summary is that run's.
TEST(Sobol, AAndBAreThePlainRun) {
  const Model m = load_ok(g_function_model());
  const SensitivityResult r = sobol(m, 500, 7);
  RunRequest plain;
  plain.settings.samples = 1000;
  plain.settings.seed = 7;
  const RunResult run = run_model(m, plain);
  EXPECT_EQ(r.output_summary.mean, run.scenarios.front().outputs.front().summary.mean);
  EXPECT_EQ(r.output_summary.percentiles.front().value,
            run.scenarios.front().outputs.front().summary.percentiles.front().value);
}

TEST(Sobol, BitIdenticalForAnyThreadCountAndBlockSize) {
  const Model m = load_ok(R"y(
parameters:
  x: normal(0, 2)
  c1: uniform(0, 1)
  c2: uniform(0, 1)
correlations:
  - [c1, c2, 0.5]
events:
  shock: {kind: innovation, dist: "normal(0, 1)"}
  ban:
    kind: regime
    states: [open, shut]
    initial: {open: 0.7, shut: 0.3}
    transitions: {open: {shut: 0.1}, shut: {open: 0.2}}
  raids: {kind: arrivals, rate: 0.5, size: "lognormal(0, 1)"}
outputs:
  y: x + c1 * c2 + sum(shock) + sum(ban == shut) + sum(raids)
)y");
  const SensitivityResult one = sobol(m, 3000, 3, 1, 256);
  const SensitivityResult two = sobol(m, 3000, 3, 2, 100);
  ASSERT_EQ(one.sobol->indices.size(), two.sobol->indices.size());
  for (std::size_t i = 0; i < one.sobol->indices.size(); ++i) {
    const SobolIndex &a = one.sobol->indices[i], &b = two.sobol->indices[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.first, b.first) << a.name;
    EXPECT_EQ(a.total, b.total) << a.name;
    EXPECT_EQ(a.first_low, b.first_low) << a.name;
    EXPECT_EQ(a.total_high, b.total_high) << a.name;
  }
  // Parameters, the correlated pair as one input, then the events in model order.
  std::vector<std::string> names;
  for (const SobolIndex& i : one.sobol->indices) names.push_back(i.name);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "c1 + c2", "shock", "ban", "raids"}));
  EXPECT_EQ(index_of(one, "c1 + c2").kind, "correlated parameters");
}

TEST(Sobol, AGroupTakesCorrelatedParametersWhole) {
  const Model m = load_ok(R"y(
parameters:
  c1: uniform(0, 1)
  c2: uniform(0, 1)
  x: uniform(0, 1)
correlations:
  - [c1, c2, 0.5]
outputs:
  y: c1 + c2 + x
groups:
  half: [c1, x]
)y");
  try {
    sobol(m, 100);
    ADD_FAILURE() << "a group with half a correlated pair was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("group `half` takes `c1` but not `c2`"), std::string::npos) << e.what();
  }
}

// Coverage of the 95 % delta-method intervals of the g-function's 12
// indices (5 inputs and the group, first and total) over R replications
// (seeds 1 … R). Measured: see docs/analysis.md (larger R there). The
// replications' 12·R intervals are not independent (one run's share A
// and B), so the tolerances are wider than binomial: at N = 2000, R = 60
// (720 intervals) coverage ≥ 0.92 — a binomial 3-se band around 0.95 even
// for an effective 360 independent intervals is ±0.035; at N = 100 the
// asymptotics are rougher and the measured coverage lower (0.92), so the
// check is ≥ 0.85.
double g_function_coverage(std::uint64_t n, int replications) {
  const Model m = load_ok(g_function_model());
  const GFunction g;
  int covered = 0, intervals = 0;
  for (int seed = 1; seed <= replications; ++seed) {
    const SensitivityResult r = sobol(m, n, static_cast<std::uint64_t>(seed));
    auto count = [&](const SobolIndex& i, double first, double total) {
      covered += (i.first_low <= first && first <= i.first_high) + (i.total_low <= total && total <= i.total_high);
      intervals += 2;
    };
    for (int i = 0; i < 5; ++i) count(index_of(r, fmt::format("x{}", i + 1)), g.first(i), g.total(i));
    count(index_of(r, "first_two"), g.group_first(), g.group_total());
  }
  return static_cast<double>(covered) / intervals;
}

TEST(Sobol, IntervalsCoverAtSmallAndLargeN) {
  EXPECT_GE(g_function_coverage(100, 60), 0.85);
  EXPECT_GE(g_function_coverage(2000, 60), 0.92);
}

// Below kMinSobolSamples the delta-method intervals under-cover (a trial:
// N = 3 gave ST1 = 3.16 with the interval [0, 1]): refused, not shown.
TEST(Sobol, TooFewBaseRowsAreRefused) {
  const Model m = load_ok("parameters:\n  x: uniform(0, 1)\noutputs:\n  y: x\n");
  EXPECT_THROW(sobol(m, kMinSobolSamples - 1), std::invalid_argument);
  EXPECT_NO_THROW(sobol(m, kMinSobolSamples));
}

TEST(Sobol, ConstantOutputHasNoIndices) {
  const Model m = load_ok(R"y(
parameters:
  x: uniform(0, 1)
outputs:
  y: 2
)y");
  const SensitivityResult r = sobol(m, 100);
  EXPECT_TRUE(r.output_constant);
  EXPECT_TRUE(std::isnan(index_of(r, "x").first));
}

TEST(Sobol, GroupsAreCheckedWhereWritten) {
  auto error_of = [](const std::string& groups) {
    try {
      load_model_text(
          "indexes:\n  vendor: [a, b]\nparameters:\n  k: {over: vendor, dist: \"uniform(0, 1)\"}\n"
          "  x: uniform(0, 1)\nevents:\n  shock: {kind: innovation, dist: \"normal(0, 1)\"}\n"
          "monthly:\n  m: x\noutputs:\n  y: x + sum(k over vendor) + sum(shock)\ngroups:\n" +
              groups,
          "m.yaml");
    } catch (const ModelError& e) {
      return e.diagnostics().format();
    }
    return std::string("loaded");
  };
  EXPECT_NE(error_of("  g: [x, nope]\n").find("m.yaml:13:10: error: unknown parameter or event `nope` in group `g`"),
            std::string::npos)
      << error_of("  g: [x, nope]\n");
  EXPECT_NE(error_of("  g: []\n").find("group `g` is empty"), std::string::npos);
  EXPECT_NE(error_of("  g: [x, x]\n").find("`x` is listed twice in group `g`"), std::string::npos);
  EXPECT_NE(error_of("  g: [m]\n").find("`m` is a monthly formula, not a parameter or event"), std::string::npos);
  EXPECT_NE(error_of("  x: [shock]\n").find("group `x` has the name of a parameter"), std::string::npos);
  EXPECT_NE(error_of("  g: x\n").find("group `g` must be a list"), std::string::npos);
  // An indexed entry's name stands for all its elements; a name may be in two groups.
  const Model m = load_model_text(
      "indexes:\n  vendor: [a, b]\nparameters:\n  k: {over: vendor, dist: \"uniform(0, 1)\"}\n  x: uniform(0, 1)\n"
      "outputs:\n  y: x + sum(k over vendor)\ngroups:\n  ks: [k]\n  both: [k, x]\n",
      "m.yaml");
  ASSERT_EQ(m.groups.size(), 2u);
  EXPECT_EQ(m.groups[0].members, (std::vector<std::string>{"k[a]", "k[b]"}));
  EXPECT_EQ(m.groups[1].members, (std::vector<std::string>{"k[a]", "k[b]", "x"}));
}

}  // namespace
}  // namespace riskcast
