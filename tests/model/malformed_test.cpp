// Malformed models: each row is a model that must fail to load with an error
// at exactly one line:column whose text ("MESSAGE (HINT)") contains a fragment.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast::testing {
namespace {

struct MalformedCase {
  const char* name;  // test name suffix
  const char* text;  // the model file
  std::uint32_t line;
  std::uint32_t column;
  const char* fragment;  // part of "MESSAGE (HINT)"
};

std::string full_text(const Diagnostic& d) {
  return d.hint.empty() ? d.message : d.message + " (" + d.hint + ")";
}

const std::vector<MalformedCase>& malformed_cases() {
  static const std::vector<MalformedCase> cases = {
      // --- invalid distribution parameters ---------------------------------
      {"PertModeBelowMin", R"(parameters:
  p: pert(3, 2, 4)
outputs:
  o: p
)",
       2, 6, "pert(min, mode, max) needs min <= mode <= max and min < max, got 3, 2, 4"},
      {"PertMinEqualsMax", R"(parameters:
  p: pert(2, 2, 2)
outputs:
  o: p
)",
       2, 6, "min < max"},
      {"TriangularModeAboveMax", R"(parameters:
  t: triangular(0, 5, 4)
outputs:
  o: t
)",
       2, 6, "triangular(min, mode, max) needs min <= mode <= max"},
      {"BetaShapeZero", R"(parameters:
  b: beta(0, 1)
outputs:
  o: b
)",
       2, 6, "beta(alpha, beta) needs both shapes > 0"},
      {"BetaShapeNegative", R"(parameters:
  b: beta(2, -1)
outputs:
  o: b
)",
       2, 6, "both shapes > 0, got 2, -1"},
      {"GammaScaleZero", R"(parameters:
  g: gamma(2, 0)
outputs:
  o: g
)",
       2, 6, "gamma(shape, scale) needs shape > 0 and scale > 0"},
      {"LognormalCi90LoZero", R"(parameters:
  l: lognormal_ci90(0, 5)
outputs:
  o: l
)",
       2, 6, "lognormal_ci90(lo, hi) needs 0 < lo < hi"},
      {"LognormalCi90LoAboveHi", R"(parameters:
  l: lognormal_ci90(5, 2)
outputs:
  o: l
)",
       2, 6, "0 < lo < hi, got lo = 5, hi = 2"},
      {"NormalSdZero", R"(parameters:
  n: normal(1, 0)
outputs:
  o: n
)",
       2, 6, "normal(mean, sd) needs sd > 0"},
      {"NormalSdNegativeInDistKey", R"(parameters:
  n:
    dist: normal(1, -2)
    unit: widgets
outputs:
  o: n
)",
       3, 11, "needs sd > 0, got sd = -2"},
      {"UniformEmptyRange", R"(parameters:
  u: uniform(1, 1)
outputs:
  o: u
)",
       2, 6, "uniform(a, b) needs a < b"},
      {"TruncatedNormalBounds", R"(parameters:
  t: truncated_normal(0, 1, 2, 1)
outputs:
  o: t
)",
       2, 6, "truncated_normal needs lo < hi"},
      {"BernoulliAboveOne", R"(parameters:
  b: bernoulli(1.5)
outputs:
  o: b
)",
       2, 6, "bernoulli(p) needs a probability in [0, 1]"},
      {"PoissonNegativeRate", R"(parameters:
  k: poisson(-0.5)
outputs:
  o: k
)",
       2, 6, "poisson(lambda) needs lambda >= 0"},
      {"DiscreteNegativeWeight", R"(parameters:
  d: discrete([1, 2], [1, -1])
outputs:
  o: d
)",
       2, 27, "discrete weights must be finite and >= 0"},  // at the weight
      {"DistributionWrongArity", R"(parameters:
  u: uniform(1)
outputs:
  o: u
)",
       2, 6, "uniform takes 2 arguments (a, b), got 1"},
      {"DistributionArgumentNotANumber", R"(parameters:
  a: 1
  u: uniform(a, 2)
outputs:
  o: u
)",
       3, 14, "arguments of uniform must be numbers"},
      {"MisspeltDistribution", R"(parameters:
  p: pret(1, 2, 3)
outputs:
  o: p
)",
       2, 6, "unknown distribution `pret` (did you mean `pert`?)"},

      // --- probabilities and rates --------------------------------------------
      {"SwitchInitialAboveOne", R"(events:
  s:
    kind: switch
    initial: 1.2
    on: 0.1
outputs:
  o: sum(s)
)",
       4, 14, "initial probability of being on must be a probability in [0, 1], got 1.2"},
      {"SwitchHazardNegative", R"(events:
  s:
    kind: switch
    on: -0.1
outputs:
  o: sum(s)
)",
       4, 9, "hazard of turning on must be a probability in [0, 1], got -0.1"},
      {"SwitchHazardFoldsAboveOne", R"(events:
  s:
    kind: switch
    on: "0.5 + 0.6"
    off: 0.1
outputs:
  o: sum(s)
)",
       4, 10, "must be a probability in [0, 1], got 1.1"},
      {"ArrivalRateNegative", R"(events:
  a:
    kind: arrivals
    rate: -2
    size: 1
outputs:
  o: sum(a)
)",
       4, 11, "arrival rate must be a finite number >= 0, got -2"},
      {"RegimeInitialDoesNotSumToOne", R"(events:
  r:
    kind: regime
    states: [a, b]
    initial: {a: 0.5, b: 0.4}
outputs:
  o: sum(r == a)
)",
       5, 14, "initial probabilities of event `r` sum to 0.9, not 1"},
      {"RegimeInitialSlightlyAboveOne", R"(events:
  r:
    kind: regime
    states: [a, b]
    initial:
      a: 0.500001
      b: 0.5
outputs:
  o: sum(r == a)
)",
       6, 7, "sum to 1.000001, not 1"},
      {"RegimeInitialOutsideUnitInterval", R"(events:
  r:
    kind: regime
    states: [a, b]
    initial: {a: 1.5, b: -0.5}
outputs:
  o: sum(r == a)
)",
       5, 18, "initial probability of `a` must be a probability in [0, 1]"},
      {"TransitionRowAboveOne", R"(events:
  r:
    kind: regime
    states: [a, b, c]
    initial: {a: 1}
    transitions:
      a: {b: 0.6, c: 0.5}
outputs:
  o: sum(r == a)
)",
       7, 10, "transition probabilities out of `a` sum to 1.1, more than 1"},
      {"TransitionProbabilityAboveOne", R"(events:
  r:
    kind: regime
    states: [a, b]
    initial: {a: 1}
    transitions:
      a: {b: 1.5}
outputs:
  o: sum(r == a)
)",
       7, 14, "transition probability a → b must be a probability in [0, 1], got 1.5"},
      {"TransitionToItself", R"(events:
  r:
    kind: regime
    states: [a, b]
    initial: {a: 1}
    transitions:
      a: {a: 0.1}
outputs:
  o: sum(r == a)
)",
       7, 11, "no transition from `a` to itself"},

      // --- numbers that overflow or are not numbers ---------------------------------
      {"NanParameter", R"(parameters:
  p: .nan
outputs:
  o: p
)",
       2, 6, "parameter `p` is `.nan`, not a finite number"},
      {"OverflowingParameter", R"(parameters:
  p: 1e999
outputs:
  o: p
)",
       2, 6, "number `1e999` is out of range"},
      {"NegativeInfinityInitial", R"(events:
  s:
    kind: switch
    initial: -.inf
    on: 0.1
outputs:
  o: sum(s)
)",
       4, 14, "is `-.inf`, not a finite number"},
      {"OverflowInsideAFormula", R"(monthly:
  x: "1 + 2e308 * 10"
outputs:
  o: sum(x)
)",
       2, 11, "number `2e308` is out of range"},
      {"DivisionByZeroConstant", R"(parameters:
  p: 1 / 0
outputs:
  o: p
)",
       2, 6, "parameter `p` must be a finite number, got inf"},

      // --- duplicate keys and names ----------------------------------------------
      {"DuplicateTopLevelKey", R"(horizon: 12
horizon: 24
outputs:
  o: 1
)",
       2, 1, "duplicate key `horizon` in model (first given at line 1)"},
      {"DuplicateKeyInParameter", R"(parameters:
  p:
    dist: uniform(0, 1)
    dist: uniform(0, 2)
outputs:
  o: p
)",
       4, 5, "duplicate key `dist` in parameter `p`"},
      {"DuplicateKeyInFlowMapping", R"(events:
  r:
    kind: regime
    states: [a, b]
    initial: {a: 0.5, b: 0.5, a: 0.5}
outputs:
  o: sum(r == a)
)",
       5, 31, "duplicate key `a` in initial probabilities"},
      {"DuplicateNameInSection", R"(parameters:
  p: 1
  p: 2
outputs:
  o: p
)",
       3, 3, "duplicate name `p` in parameters (first defined at line 2)"},
      {"DuplicateNameAcrossSections", R"(parameters:
  x: 1
monthly:
  x: 2
outputs:
  o: sum(x)
)",
       4, 3, "`x` is already defined as a parameter at line 2"},
      {"OutputNamedLikeAnEvent", R"(events:
  s:
    kind: switch
    on: 0.1
outputs:
  s: 1
)",
       6, 3, "`s` is already defined as an event at line 2"},
      {"DuplicateState", R"(events:
  r:
    kind: regime
    states: [a, b, a]
    initial: {a: 1}
outputs:
  o: sum(r == a)
)",
       4, 20, "duplicate state `a`"},

      // --- unknown keys and misspelt names, with hints ----------------------------
      {"UnknownTopLevelKey", R"(horizon: 12
paramters:
  p: 1
outputs:
  o: 1
)",
       2, 1, "unknown key `paramters` in model (did you mean `parameters`?)"},
      {"UnknownEventKey", R"(events:
  a:
    kind: arrivals
    rates: 0.5
    size: 1
outputs:
  o: sum(a)
)",
       4, 5, "unknown key `rates` in event `a` (did you mean `rate`?)"},
      {"UnknownParameterKey", R"(parameters:
  p:
    dist: 1
    unti: widgets
outputs:
  o: p
)",
       4, 5, "unknown key `unti` in parameter `p` (did you mean `unit`?)"},
      {"UnknownOutputKey", R"(outputs:
  o:
    formla: 1
)",
       3, 5, "unknown key `formla` in output `o` (did you mean `formula`?)"},
      {"MisspeltNameInFormula", R"(parameters:
  ban_scope: 0.5
monthly:
  x: 1 - ban_scop
outputs:
  o: sum(x)
)",
       4, 10, "unknown name `ban_scop` (did you mean `ban_scope`?)"},
      {"MisspeltState", R"(events:
  us_export:
    kind: regime
    states: [h20, h200, ban]
    initial: {h200: 1}
monthly:
  x: "us_export == bann ? 1 : 0"
outputs:
  o: sum(x)
)",
       7, 20,
       "`bann` is not a state of regime `us_export` (states: h20, h200, ban) (did you mean "
       "`ban`?)"},
      {"UnknownStateInInitial", R"(events:
  r:
    kind: regime
    states: [low, high]
    initial: {low: 0.5, hihg: 0.5}
outputs:
  o: sum(r == low)
)",
       5, 25, "unknown key `hihg` in initial probabilities of event `r` (did you mean `high`?)"},
      {"UnknownEventKind", R"(events:
  e:
    kind: regim
outputs:
  o: 1
)",
       3, 11, "unknown event kind `regim` (did you mean `regime`?)"},
      {"UnknownEventKindWithoutHint", R"(events:
  e:
    kind: lottery
outputs:
  o: 1
)",
       3, 11, "unknown event kind `lottery` (expected regime, switch, arrivals or innovation)"},

      // --- scenario overrides that name nothing ------------------------------------
      {"ScenarioUnknownParameter", R"(parameters:
  p: 1
outputs:
  o: p
scenarios:
  high:
    parameters:
      pp: 2
)",
       8, 7, "scenario `high` overrides `pp`, which is not a parameter (did you mean `p`?)"},
      {"ScenarioUnknownEvent", R"(events:
  s:
    kind: switch
    on: 0.1
outputs:
  o: sum(s)
scenarios:
  x:
    events:
      ss: {fix: on}
)",
       10, 7, "scenario `x` overrides `ss`, which is not an event (did you mean `s`?)"},
      {"ScenarioFixUnknownState", R"(events:
  r:
    kind: regime
    states: [low, high]
    initial: {low: 1}
outputs:
  o: sum(r == low)
scenarios:
  x:
    events:
      r: {fix: hihg}
)",
       11, 16, "`hihg` is not a state of regime `r` (states: low, high) (did you mean `high`?)"},
      {"ScenarioFixSwitchNotOnOrOff", R"(events:
  s:
    kind: switch
    on: 0.1
outputs:
  o: sum(s)
scenarios:
  x:
    events:
      s: {fix: maybe}
)",
       10, 16, "`fix:` of a switch is `on` or `off`, got `maybe`"},
      {"ScenarioOnFromOutsideHorizon", R"(horizon: 6
events:
  s:
    kind: switch
    on: 0.1
outputs:
  o: sum(s)
scenarios:
  x:
    events:
      s: {on_from: 7}
)",
       11, 20, "on_from (a month) must be a whole number from 1 to 6; `7` is larger than 6"},
      {"ScenarioKeyNotAllowedInOverride", R"(events:
  s:
    kind: switch
    on: 0.1
outputs:
  o: sum(s)
scenarios:
  x:
    events:
      s: {kind: regime}
)",
       10, 11, "unknown key `kind` in override of event `s`"},
      {"ScenarioBadDistribution", R"(parameters:
  p: 1
outputs:
  o: p
scenarios:
  x:
    parameters:
      p: beta(1, 0)
)",
       8, 10, "beta(alpha, beta) needs both shapes > 0"},

      // --- arity, misplaced aggregates, cycles --------------------------------------
      {"FunctionWrongArity", R"(parameters:
  p: 1
monthly:
  x: clamp(p, 0)
outputs:
  o: sum(x)
)",
       4, 6, "clamp() takes 3 arguments, got 2 arguments"},
      {"PrevWrongArity", R"(monthly:
  x: prev(x) + 1
outputs:
  o: sum(x)
)",
       2, 6, "prev() takes 2 arguments"},
      {"AggregateInMonthlyFormula", R"(monthly:
  x: 1
  y: x / sum(x)
outputs:
  o: sum(y)
)",
       3, 10, "sum() aggregates a monthly series over the horizon; it is only allowed in outputs"},
      {"MonthlySeriesWithoutAggregate", R"(monthly:
  x: 1
outputs:
  o: x * 2
)",
       4, 6, "monthly series `x` needs an aggregate in an output"},
      {"AggregateOfAggregate", R"(monthly:
  x: 1
outputs:
  o: mean(sum(x))
)",
       4, 11, "sum() cannot be nested inside another aggregate"},
      {"Cycle", R"(monthly:
  a: b + 1
  b: a * 2
outputs:
  o: sum(a)
)",
       2, 3, "monthly formulas form a cycle: a → b → a"},
      {"CycleOfThree", R"(monthly:
  total: 1
  a: c
  b: a
  c: b + total
outputs:
  o: sum(a)
)",
       3, 3, "a → c → b → a"},

      // --- structure ---------------------------------------------------------------
      {"SwitchWithoutHazard", R"(events:
  s:
    kind: switch
    initial: 0
outputs:
  o: sum(s)
)",
       2, 3, "event `s` needs `on:`"},
      {"EventWithoutKind", R"(events:
  s:
    on: 0.1
outputs:
  o: sum(s)
)",
       2, 3, "event `s` needs `kind:`"},
      {"RegimeWithOneState", R"(events:
  r:
    kind: regime
    states: [only]
    initial: {only: 1}
outputs:
  o: 1
)",
       4, 13, "must be a list of at least two state names"},
      {"HorizonZero", R"(horizon: 0
outputs:
  o: 1
)",
       1, 10, "horizon (months) must be a whole number from 1 to 1200; `0` is less than 1"},
      {"HorizonFraction", R"(horizon: 12.5
outputs:
  o: 1
)",
       1, 10, "horizon (months) must be a whole number from 1 to 1200; `12.5` is not a whole number"},
      // Whole-number settings are read exactly (docs/language.md, "Whole numbers").
      {"HorizonNearlyWhole", R"(horizon: 12.0000000001
outputs:
  o: 1
)",
       1, 10, "horizon (months) must be a whole number from 1 to 1200; `12.0000000001` is not a whole number"},
      {"HorizonWholeOnlyInDoublePrecision", R"(horizon: 12.00000000000000000001
outputs:
  o: 1
)",
       1, 10, "`12.00000000000000000001` is not a whole number"},
      {"HorizonMalformedExponent", R"(horizon: 1e6.5
outputs:
  o: 1
)",
       1, 10, "horizon (months) must be a whole number from 1 to 1200; `1e6.5` is not a number"},
      {"HorizonBeyondTwoToThe64", R"(horizon: 18446744073709551616.0
outputs:
  o: 1
)",
       1, 10, "`18446744073709551616.0` is larger than 1200"},
      {"HorizonFormulaNotWhole", R"(horizon: 6 * 2.1
outputs:
  o: 1
)",
       1, 10, "horizon (months) must be a whole number from 1 to 1200, got 12.6"},
      {"OnFromFraction", R"(horizon: 6
events:
  s: {kind: switch, on: 0.1}
outputs:
  o: sum(s)
scenarios:
  x:
    events:
      s: {on_from: 2.5}
)",
       9, 20, "on_from (a month) must be a whole number from 1 to 6; `2.5` is not a whole number"},
      {"EmptyParameterValue", R"(parameters:
  p:
outputs:
  o: p
)",
       2, 3, "parameter `p` must be a number or a distribution, not nothing"},
      {"ReservedName", R"(parameters:
  month: 1
outputs:
  o: 1
)",
       2, 3, "`month` is a reserved word"},
      {"InvalidName", R"(parameters:
  2x: 1
outputs:
  o: 1
)",
       2, 3, "`2x` is not a valid name in parameters"},
      {"SectionNotAMapping", R"(parameters: [a, b]
outputs:
  o: 1
)",
       1, 13, "`parameters` must be a mapping of names, not a list"},
      {"NoOutputs", R"(parameters:
  p: 1
)",
       1, 1, "the model has no `outputs:` section"},
      {"EmptyOutputs", R"(parameters:
  p: 1
outputs:
)",
       3, 1, "`outputs:` is empty"},
      {"FormulaSyntaxError", R"(monthly:
  x: "month > 3 ? 1"
outputs:
  o: sum(x)
)",
       2, 20, "expected `:` of `c ? a : b` but the formula ended"},
      {"MalformedYaml", R"(outputs:
  o: [1, 2
)",
       3, 1, "malformed YAML"},
      {"TabIndentation", "outputs:\n\to: 1\n", 2, 3,
       "malformed YAML: illegal map value (YAML does not allow tabs for indentation; use spaces)"},
  };
  return cases;
}

class MalformedModel : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedModel, FailsWithAnErrorAtTheExpectedPlace) {
  const MalformedCase& c = GetParam();
  try {
    load_model_text(c.text, "bad.yaml");
    FAIL() << "the model loaded:\n" << c.text;
  } catch (const ModelError& e) {
    const Diagnostics& d = e.diagnostics();
    ASSERT_FALSE(d.empty());
    bool found = false;
    for (const Diagnostic& item : d.items())
      found |= item.pos == SourcePos{c.line, c.column} && full_text(item).find(c.fragment) != std::string::npos;
    EXPECT_TRUE(found) << "expected an error at " << c.line << ":" << c.column << " containing\n  " << c.fragment
                       << "\ngot:\n"
                       << d.format();
    // The formatted text carries the file name and position of every error.
    EXPECT_NE(d.format().find("bad.yaml:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": error: "),
              std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedModel, ::testing::ValuesIn(malformed_cases()),
                         [](const ::testing::TestParamInfo<MalformedCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(MalformedModelTable, CoversAtLeastThirtyModels) {
  EXPECT_GE(malformed_cases().size(), 30u);
}

// --- near misses that must load ------------------------------------------------------

TEST(MalformedModelBoundaries, InitialProbabilitiesWithinOneBillionthAreAccepted) {
  load_ok(R"(events:
  r:
    kind: regime
    states: [a, b, c]
    initial: {a: 0.1, b: 0.2, c: 0.7000000001}
outputs:
  o: sum(r == a)
)");
}

TEST(MalformedModelBoundaries, EdgeValuesOfDistributionsAreAccepted) {
  load_ok(R"(parameters:
  a: pert(1, 1, 2)
  b: triangular(1, 2, 2)
  c: bernoulli(0)
  d: bernoulli(1)
  e: poisson(0)
  f: discrete([1, 2, 3], [0, 0, 1])
  g: constant(-5)
outputs:
  o: a + b + c + d + e + f + g
)");
}

TEST(MalformedModelBoundaries, TransitionRowOfExactlyOneIsAccepted) {
  load_ok(R"(events:
  r:
    kind: regime
    states: [a, b, c]
    initial: {a: 1}
    transitions:
      a: {b: 0.25, c: 0.75}
      b: {a: "month > 6 ? 0.9 : 0.1", c: 0.5}
outputs:
  o: sum(r == a)
)");
}

TEST(MalformedModelDiagnostics, OneRunReportsManyErrorsSortedByPosition) {
  Diagnostics d = load_errors(R"(parameters:
  a: uniform(2, 1)
  b: beta(0, 0)
  c: pret(1, 2, 3)
outputs:
  o: 1
scenarios:
  s:
    parameters:
      zz: 1
)");
  EXPECT_GE(d.size(), 4u);
  const std::string text = d.format();
  EXPECT_LT(text.find("m.yaml:2:6"), text.find("m.yaml:3:6"));
  EXPECT_LT(text.find("m.yaml:3:6"), text.find("m.yaml:4:6"));
  EXPECT_LT(text.find("m.yaml:4:6"), text.find("m.yaml:10:7"));
}

TEST(MalformedModelDiagnostics, OverrideOfABrokenParameterIsNotReportedTwice) {
  Diagnostics d = load_errors(R"(parameters:
  p: uniform(2, 1)
outputs:
  o: 1
scenarios:
  s:
    parameters:
      p: 1
)");
  EXPECT_EQ(d.size(), 1u) << d.format();
}

TEST(MalformedModelDiagnostics, HugeRegimesAreRefused) {
  std::string states;
  for (int i = 0; i < 100000; ++i) states += (i ? ", s" : "s") + std::to_string(i);
  expect_error(
      "events:\n  r:\n    kind: regime\n    states: [" + states + "]\n    initial: {s0: 1}\noutputs:\n  o: 1\n",
      "at most 256 are allowed");
}

}  // namespace
}  // namespace riskcast::testing
