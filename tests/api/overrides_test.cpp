// LoadedModel::with_parameters (engine/api/overrides.cpp): parameters
// redefined from outside the file, read and checked as `dist:` is.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "riskcast/riskcast.hpp"

namespace riskcast::testing {
namespace {

constexpr const char* kModel = R"(model: tiny
horizon: 3
parameters:
  a: normal(10, 2)
  b: uniform(0, 1)
outputs:
  total: a + b
scenarios:
  high:
    parameters:
      a: normal(20, 2)
)";

LoadedModel tiny_with_event() {
  return LoadedModel::from_text(std::string(kModel) + R"(events:
  ban:
    kind: switch
    initial: 0.3
    on: 0.1
monthly:
  m: a * ban
)",
                                "tiny.yaml");
}

RunOptions options_keeping(std::vector<std::string> columns) {
  RunOptions options;
  options.samples = 2000;
  options.seed = 3;
  options.columns = std::move(columns);
  return options;
}

// A correlated parameter cannot become constant (or constant in effect)
// through an override any more than in the file: the same error, in
// <overrides>; a scenario that redefines the parameter keeps its own, so
// its pairs do not count.
TEST(ParameterOverrides, ACorrelatedParameterCannotBecomeConstant) {
  const LoadedModel model = LoadedModel::from_text(R"(parameters:
  labour: pert(80, 100, 150)
  materials: lognormal_mean_sd(200, 40)
  other: uniform(0, 1)
correlations:
  - [labour, materials, 0.6]
outputs:
  cost: labour + materials + other
scenarios:
  s:
    parameters:
      other: uniform(0, 2)
    correlations:
      - [other, materials, 0.3]
)",
                                                   "corr.yaml");
  for (const auto& [name, definition, tie] :
       {std::tuple<std::string, std::string, std::string>{"labour", "100", "the constant 100"},
        {"materials", "binomial(10, 0)", "binomial(10, 0), always 0"}}) {
    try {
      model.with_parameters({{"other", "uniform(0, 3)"}, {name, definition}});
      ADD_FAILURE() << name << " was fixed";
    } catch (const ModelError& e) {
      ASSERT_EQ(e.diagnostics().items().size(), 1u);
      const Diagnostic& d = e.diagnostics().items()[0];
      EXPECT_EQ(d.pos, (SourcePos{2, static_cast<std::uint32_t>(name.size() + 3)}));
      EXPECT_EQ(d.message, "`" + name + "` is " + tie +
                               ", which cannot be correlated: the correlations at corr.yaml line 6 tie it to `" +
                               (name == "labour" ? "materials" : "labour") + "`");
    }
  }
  // `other` is correlated only in scenario s, which redefines it: it may be fixed.
  const LoadedModel fixed = model.with_parameters({{"other", "0.5"}});
  EXPECT_EQ(fixed.correlations().size(), 1u);
}

TEST(ParameterOverrides, ANumberFixesTheParameterUnlessAScenarioOverridesIt) {
  const LoadedModel model = LoadedModel::from_text(kModel, "tiny.yaml");
  const LoadedModel fixed = model.with_parameters({{"a", "5"}, {"b", "0.25"}});
  const RunResult r = fixed.run(options_keeping({"a", "b"}));
  for (double v : r.scenarios[0].column("a")->values) ASSERT_EQ(v, 5.0);
  for (const ScenarioResult& s : r.scenarios)
    for (double v : s.column("b")->values) ASSERT_EQ(v, 0.25);
  // `high` keeps its own a ~ normal(20, 2).
  EXPECT_GT(r.scenarios[1].outputs[0].summary.mean, 20.0);
  EXPECT_EQ(fixed.parameters()[0].definition, "5");
  // The model it came from is unchanged.
  EXPECT_EQ(model.parameters()[0].definition, "normal(10, 2)");
}

TEST(ParameterOverrides, GiveTheNumbersOfTheEditedFile) {
  std::string edited = kModel;
  edited.replace(edited.find("uniform(0, 1)"), 13, "uniform(0.5, 1)");
  const RunResult by_file = LoadedModel::from_text(edited, "tiny.yaml").run(options_keeping({"total"}));
  const RunResult by_override = LoadedModel::from_text(kModel, "tiny.yaml")
                                    .with_parameters({{"b", "uniform(0.5, 1)"}})
                                    .run(options_keeping({"total"}));
  EXPECT_EQ(format_result(by_file, Format::Json), format_result(by_override, Format::Json));
  for (std::size_t s = 0; s < by_file.scenarios.size(); ++s)
    EXPECT_EQ(by_file.scenarios[s].columns[0].values, by_override.scenarios[s].columns[0].values);
}

TEST(ParameterOverrides, EveryErrorIsPositionedInItsOverrideLine) {
  const LoadedModel model = LoadedModel::from_text(kModel, "tiny.yaml");
  try {
    model.with_parameters({{"a", "normal(1, -1)"}, {"bb", "1"}, {"b", "unifrom(0, 1)"}, {"a", "1 +"}});
    FAIL() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.diagnostics().file(), "<overrides>");
    std::set<std::uint32_t> lines;
    for (const Diagnostic& d : e.diagnostics().items()) {
      lines.insert(d.pos.line);
      if (d.pos.line == 2) {
        EXPECT_EQ(d.pos.column, 1u);
        EXPECT_NE(d.message.find("not a parameter"), std::string::npos) << d.message;
        EXPECT_NE(d.hint.find("`b`"), std::string::npos) << d.hint;
      }
      // "b: unifrom(0, 1)": the definition starts at column 4.
      if (d.pos.line == 3) {
        EXPECT_EQ(d.pos.column, 4u);
        EXPECT_NE(d.hint.find("uniform"), std::string::npos) << d.hint;
      }
    }
    EXPECT_EQ(lines, (std::set<std::uint32_t>{1, 2, 3, 4}));
  }
}

TEST(ParameterOverrides, WarningsAreThoseOfTheNewModel) {
  const char* text = "model: w\nparameters:\n  s:\n    dist: uniform(0, 1)\n    unit: share\noutputs:\n  y: s\n";
  const LoadedModel model = LoadedModel::from_text(text, "w.yaml");
  EXPECT_TRUE(model.warnings().empty());
  const LoadedModel wide = model.with_parameters({{"s", "uniform(0, 2)"}});
  ASSERT_EQ(wide.warnings().size(), 1u);
  // The override caused it: "s: uniform(0, 2)", line 1 of <overrides>, the definition at column 4.
  EXPECT_EQ(wide.warnings()[0].file, "<overrides>");
  EXPECT_EQ(wide.warnings()[0].pos, (SourcePos{1, 4}));
  EXPECT_EQ(wide.format_warnings().rfind("<overrides>:1:4: warning: parameter `s` is a share", 0), 0u)
      << wide.format_warnings();
  // A warning the override did not cause stays in the model file.
  std::string with_unread = text;
  with_unread.insert(with_unread.find("outputs:"), "  z: 1\n");
  const LoadedModel unread = LoadedModel::from_text(with_unread, "w.yaml").with_parameters({{"s", "uniform(0, 2)"}});
  ASSERT_EQ(unread.warnings().size(), 2u);
  for (const Diagnostic& w : unread.warnings())
    EXPECT_EQ(w.file, w.message.find("never read") != std::string::npos ? "" : "<overrides>") << w.message;
}

// Naming something that is not a parameter says what it is; a number the
// engine cannot hold is shown as the text it became.
TEST(ParameterOverrides, ErrorsSayWhatANameIsAndShowTheText) {
  const LoadedModel model = tiny_with_event();
  auto first_message = [&](const std::vector<ParameterOverride>& overrides) -> std::string {
    try {
      model.with_parameters(overrides);
    } catch (const ModelError& e) {
      return e.diagnostics().items().at(0).message;
    }
    return "no ModelError";
  };
  EXPECT_EQ(first_message({{"ban", "0.5"}}), "`ban` is an event, not a parameter of tiny.yaml");
  EXPECT_EQ(first_message({{"total", "0.5"}}), "`total` is an output, not a parameter of tiny.yaml");
  EXPECT_EQ(first_message({{"m", "0.5"}}), "`m` is a monthly formula, not a parameter of tiny.yaml");
  for (const char* text : {"nan", "inf", "-inf", "1e400"})
    EXPECT_NE(first_message({{"a", text}}).find(text), std::string::npos) << first_message({{"a", text}});
}

}  // namespace
}  // namespace riskcast::testing
