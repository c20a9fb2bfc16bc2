// Reading innovations (docs/language.md "innovation"): the law with constant
// or formula arguments, what its arguments may read, scenario overrides, and
// the errors `check` reports with their positions.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "model/model_test_support.hpp"
#include "riskcast/distribution.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast::testing {
namespace {

const std::string kHeader = R"yaml(horizon: 12
parameters:
  sigma: uniform(0.01, 0.03)
events:
  r:
    kind: regime
    states: [open, ban]
    initial: {open: 1}
    transitions: {open: {ban: 0.1}}
  sw: {kind: switch, on: 0.1}
  arr: {kind: arrivals, rate: 1, size: 1}
  other: {kind: innovation, dist: "normal(0, 1)"}
)yaml";

// The header, one more event line, and the sections after it.
std::string model_with(const std::string& event, const std::string& rest = "") {
  return kHeader + event + rest + "monthly:\n  m: month\noutputs:\n  o: sum(m)\n";
}

const Innovation& innovation(const Model& m, const std::string& name) {
  for (const Event& e : m.events)
    if (e.name == name) return std::get<Innovation>(e.definition);
  throw std::out_of_range(name);
}

TEST(InnovationModel, ConstantArgumentsArePreparedAsAParametersLaw) {
  const Model m = load_ok(model_with("  shock: {kind: innovation, dist: \"lognormal_mean_sd(1, 0.5)\", unit: USD}\n"));
  const Innovation& i = innovation(m, "shock");
  EXPECT_FALSE(i.has_formulas());
  EXPECT_EQ(i.law.kind, DistributionKind::LognormalMeanSd);
  ASSERT_EQ(i.law.components.size(), 1u);  // solved once, as a parameter's
  EXPECT_EQ(i.law.components[0].kind, DistributionKind::Lognormal);
  EXPECT_EQ(m.events.back().metadata.unit, "USD");
  EXPECT_EQ(to_string(m.events.back().kind()), "innovation");
  // A number is a law too: the same value every month.
  const Model k = load_ok(model_with("  shock: {kind: innovation, dist: 0.5}\n"));
  EXPECT_EQ(innovation(k, "shock").law.kind, DistributionKind::Constant);
}

TEST(InnovationModel, FormulaArgumentsReadParametersMonthAndTheMonthsEvents) {
  const Model m =
      load_ok(model_with("  shock:\n    kind: innovation\n    dist: \"normal(r == ban ? 0.01 : 0, sigma * (1 + sw + "
                         "arr) + month / 1000)\"\n"));
  const Innovation& i = innovation(m, "shock");
  ASSERT_TRUE(i.has_formulas());
  ASSERT_EQ(i.arguments.size(), 2u);
  EXPECT_EQ(i.law.kind, DistributionKind::Normal);
  EXPECT_EQ(i.to_string(), "normal(((r == ban) ? 0.01 : 0), ((sigma * ((1 + sw) + arr)) + (month / 1000)))");
  // A constant argument among formulas is kept as a number.
  const Model k = load_ok(model_with("  shock: {kind: innovation, dist: \"uniform(-1, month)\"}\n"));
  EXPECT_EQ(innovation(k, "shock").arguments[0].kind, ExprKind::Number);
  EXPECT_EQ(innovation(k, "shock").law.args[0], -1.0);
}

TEST(InnovationModel, MonthlyFormulasPrevHazardsAndOutputsReadIt) {
  load_ok(kHeader + R"yaml(  shock: {kind: innovation, dist: "normal(0, 1)"}
  s2: {kind: switch, on: "shock > 1 ? 0.5 : 0", off: "abs(shock) / 10"}
monthly:
  walk: prev(walk, 0) + shock
  lag: prev(shock, 0)
outputs:
  o: last(walk) + sum(shock) + mean(shock * 2) + max(lag) + sum(s2)
)yaml");
}

TEST(InnovationModel, ErrorsArePositioned) {
  struct Case {
    std::string event, rest, fragment;
    std::uint32_t line, column;
  };
  // The event line is line 13 of the model; a `dist:` value in `{kind: innovation, dist: "…"}` starts at column 36.
  const std::vector<Case> cases = {
      {"  shock: {kind: innovation}\n", "", "event `shock` needs `dist:`", 13, 3},
      {"  shock: {kind: innovation, dist: \"nromal(0, 1)\"}\n", "", "unknown distribution `nromal`", 13, 36},
      {"  shock: {kind: innovation, dist: \"normal(0, -1)\"}\n", "", "normal(mean, sd) needs sd > 0, got sd = -1", 13,
       36},
      {"  shock: {kind: innovation, dist: \"normal(month, -1)\"}\n", "", "normal(mean, sd) needs sd > 0, got sd = -1",
       13, 50},
      {"  shock: {kind: innovation, dist: \"bernoulli(1.5 + 0 * month)\"}\n", "", "", 0, 0},
      {"  shock: {kind: innovation, dist: \"beta(month, 0)\"}\n", "",
       "beta(alpha, beta) needs beta from 1e-300 to 1e10", 13, 48},
      {"  shock: {kind: innovation, dist: \"binomial(2.5, month / 12)\"}\n", "",
       "needs n to be a whole number from 0 to 1e10, got n = 2.5", 13, 45},
      {"  shock: {kind: innovation, dist: \"normal(0, m)\"}\n", "",
       "an innovation's distribution cannot use monthly formula `m`", 13, 46},
      {"  shock: {kind: innovation, dist: \"normal(0, abs(other))\"}\n", "",
       "an innovation's distribution cannot depend on innovation `other`", 13, 50},
      {"  shock: {kind: innovation, dist: \"normal(prev(m, 0), 1)\"}\n", "",
       "prev(x, initial) is only allowed in monthly formulas", 13, 43},
      {"  shock: {kind: innovation, dist: \"normal(sum(arr), 1)\"}\n", "", "is only allowed in outputs", 13, 43},
      {"  shock: {kind: innovation, dist: \"sigma * 2\"}\n", "",
       "expected a number or a distribution such as `normal(0, 0.02)`", 13, 42},
      {"  shock: {kind: innovation, dist: \"discrete([month, 2], [1, 1])\"}\n", "",
       "discrete values and weights must be numbers", 13, 46},
      {"  shock: {kind: innovation, dist: \"normal(0, 1)\", rate: 2}\n", "", "unknown key `rate` in event `shock`", 13,
       51},
      {"  a2: {kind: arrivals, rate: \"other > 0 ? 1 : 0\", size: 1}\n", "",
       "an arrival rate cannot depend on innovations (`other`)", 13, 31},
      {"  shock: {kind: innovaton, dist: 1}\n", "", "did you mean `innovation`?", 13, 17},
  };
  for (const Case& c : cases) {
    const std::string text = model_with(c.event, c.rest);
    if (c.fragment.empty()) {
      // A formula argument is checked when run, not when loaded.
      load_ok(text);
      continue;
    }
    const Diagnostic d = expect_error(text, c.fragment);
    EXPECT_EQ(d.pos, (SourcePos{c.line, c.column})) << c.fragment << "\n" << c.event;
  }
}

TEST(InnovationModel, ScenariosOverrideTheLaw) {
  const std::string text = model_with("  shock: {kind: innovation, dist: \"normal(0, 0.02)\", unit: USD}\n",
                                      "scenarios:\n"
                                      "  calm: {events: {shock: {dist: \"normal(0, sigma / 2)\", source: desk}}}\n"
                                      "  off: {events: {shock: {dist: 0}}}\n");
  const Model m = load_ok(text);
  const Model calm = apply_scenario(m, *m.find_scenario("calm"));
  EXPECT_TRUE(innovation(calm, "shock").has_formulas());
  EXPECT_EQ(calm.events.back().metadata.unit, "USD");
  EXPECT_EQ(calm.events.back().metadata.source, "desk");
  const Model off = apply_scenario(m, *m.find_scenario("off"));
  EXPECT_EQ(innovation(off, "shock").law.kind, DistributionKind::Constant);
  // Keys of other kinds, and an override's formula reading what it may not.
  expect_error(model_with("  shock: {kind: innovation, dist: \"normal(0, 1)\"}\n",
                          "scenarios:\n  x: {events: {shock: {fix: 0}}}\n"),
               "unknown key `fix` in override of event `shock`");
  expect_error(model_with("  shock: {kind: innovation, dist: \"normal(0, 1)\"}\n",
                          "scenarios:\n  x: {events: {shock: {dist: \"normal(0, m)\"}}}\n"),
               "cannot use monthly formula `m`");
}

// argument_requirement names conditions one argument must meet whatever the
// others are: every tuple it flags, validate_distribution refuses.
TEST(InnovationModel, OneArgumentRequirementsAreNecessary) {
  std::mt19937_64 random(7);
  const std::vector<double> values = {-2, -1, -0.5, 0, 1e-310, 0.005, 0.3, 0.5, 1, 1.5, 2, 2.5, 7, 1e11, 1e300};
  int flagged = 0;
  for (const DistributionSignature& s : distribution_signatures()) {
    if (takes_lists(s.kind)) continue;
    for (int trial = 0; trial < 2000; ++trial) {
      Distribution d;
      d.kind = s.kind;
      for (std::size_t i = 0; i < s.arity; ++i) d.args.push_back(values[random() % values.size()]);
      bool any = false;
      for (std::size_t i = 0; i < s.arity; ++i) any |= !argument_requirement(s.kind, i, d.args[i]).empty();
      if (!any) continue;
      ++flagged;
      Diagnostics diagnostics("m.yaml");
      EXPECT_FALSE(validate_distribution(d, diagnostics)) << d.to_string() << " is flagged but valid";
    }
  }
  EXPECT_GT(flagged, 1000);
}

}  // namespace
}  // namespace riskcast::testing
