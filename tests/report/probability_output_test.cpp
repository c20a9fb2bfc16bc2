// Probability outputs (`kind: probability`, docs/language.md "Probability
// outputs"): the declaration and its errors, the run-time 0/1 check, the
// estimate and the paired difference between scenarios, and how every
// writer shows them.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/assumptions.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/report.hpp"
#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"

namespace riskcast {
namespace {

using testing::expect_error;
using testing::load_ok;

// x is uniform: `high` is 1 with probability 0.7 in base (x > 0.3) and 0.8
// in `strict` (x > 0.2); a sample can only gain, never lose, in `strict`.
constexpr const char* kModel = R"yaml(model: indicators
horizon: 6
parameters:
  x: uniform(0, 1)
  cap: 0.3
events:
  policy:
    kind: switch
    initial: 0
    on: 0.1
outputs:
  level: {formula: x, unit: share}
  high: {formula: x > cap, kind: probability, note: above the cap}
  early: {formula: "sum(policy, 1, 3) > 0", kind: probability}
scenarios:
  strict:
    parameters:
      cap: 0.2
)yaml";

// ---- the declaration -------------------------------------------------------

TEST(ProbabilityOutput, KindIsReadFromTheOutputsMapping) {
  const Model m = load_ok(kModel);
  ASSERT_EQ(m.outputs.size(), 3u);
  EXPECT_EQ(m.outputs[0].metadata.kind, OutputKind::Value);
  EXPECT_EQ(m.outputs[1].metadata.kind, OutputKind::Probability);
  EXPECT_EQ(m.outputs[1].metadata.note, "above the cap");
  EXPECT_EQ(m.outputs[2].metadata.kind, OutputKind::Probability);
  const Model explicit_value = load_ok("parameters:\n  x: uniform(0, 1)\noutputs:\n  o: {formula: x, kind: value}\n");
  EXPECT_EQ(explicit_value.outputs[0].metadata.kind, OutputKind::Value);
  // The public API lists it.
  const LoadedModel loaded = LoadedModel::from_text(kModel, "indicators.yaml");
  EXPECT_EQ(loaded.outputs()[1].metadata.kind, OutputKind::Probability);
  EXPECT_EQ(to_string(OutputKind::Probability), "probability");
  EXPECT_EQ(parse_output_kind("value"), OutputKind::Value);
  EXPECT_EQ(parse_output_kind("Probability"), std::nullopt);
}

TEST(ProbabilityOutput, AnUnknownKindIsAPositionedErrorWithAHint) {
  const Diagnostic near = expect_error(
      "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: {formula: x > 0.5, kind: probabilty}\n", "unknown kind");
  EXPECT_EQ(near.message, "unknown kind `probabilty` of output `o`");
  EXPECT_EQ(near.hint, "did you mean `probability`?");
  EXPECT_EQ(near.pos.line, 4u);
  EXPECT_EQ(near.pos.column, 34u);
  const Diagnostic far = expect_error(
      "parameters:\n  x: uniform(0, 1)\noutputs:\n  o:\n    formula: x\n    kind: chance\n", "unknown kind");
  EXPECT_EQ(far.message, "unknown kind `chance` of output `o`");
  EXPECT_EQ(far.hint, "an output is a `value` (the default) or a `probability` (0 or 1 in every sample)");
  EXPECT_EQ(far.pos.line, 6u);
  EXPECT_EQ(far.pos.column, 11u);
  // A kind that is no word at all, and the formula's own error reported with it.
  const Diagnostics both = testing::load_errors(
      "parameters:\n  x: uniform(0, 1)\noutputs:\n  o:\n    formula: x +\n    kind: [probability]\n");
  EXPECT_TRUE(testing::find_diagnostic(both, "unknown kind ``").has_value()) << both.format();
  EXPECT_EQ(both.size(), 2u) << both.format();
}

TEST(ProbabilityOutput, OnlyAnOutputHasAKind) {
  const Diagnostic d = expect_error(
      "parameters:\n  x: uniform(0, 1)\nmonthly:\n  m: {formula: x, kind: probability}\noutputs:\n  o: sum(m)\n",
      "unknown key `kind`");
  EXPECT_EQ(d.pos.line, 4u);
}

TEST(ProbabilityOutput, AConstantOtherThanZeroOrOneIsRefusedAtCheck) {
  const Diagnostic d = expect_error("outputs:\n  o: {formula: 0.5, kind: probability}\n", "is a probability");
  EXPECT_EQ(d.message, "output `o` is a probability, 0 or 1 in every sample, but its formula is the constant 0.5");
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 17u);
  EXPECT_EQ(load_ok("outputs:\n  o: {formula: 1, kind: probability}\n").outputs[0].metadata.kind,
            OutputKind::Probability);
  load_ok("outputs:\n  o: {formula: 2 - 2, kind: probability}\n");
}

// ---- the run-time check ----------------------------------------------------

// `o` is 0 or 1 except where x > 0.99, where it is 0.5; the first such
// sample stops the run whatever the threads and block size.
TEST(ProbabilityOutput, AValueOtherThanZeroOrOneStopsTheRunAtTheLowestSample) {
  const std::string text =
      "parameters:\n  x: uniform(0, 1)\noutputs:\n  v: x\n  o: {formula: \"x > 0.99 ? 0.5 : x > 0.5\", kind: "
      "probability}\n";
  const LoadedModel m = LoadedModel::from_text(text, "p.yaml");
  // The first sample with x > 0.99, from the values themselves.
  RunOptions values;
  values.samples = 2000;
  values.outputs = {"v"};
  values.columns = {"v"};
  const std::vector<double>& x = m.run(values).scenarios[0].columns[0].values;
  const auto first = std::find_if(x.begin(), x.end(), [](double v) { return v > 0.99; });
  ASSERT_NE(first, x.end());
  const std::size_t sample = static_cast<std::size_t>(first - x.begin());
  ASSERT_GT(sample, 0u);
  std::vector<std::string> messages;
  for (auto [threads, block] : {std::pair{1u, 256u}, std::pair{3u, 7u}, std::pair{2u, 1u}}) {
    RunOptions run;
    run.samples = 2000;
    run.threads = threads;
    run.block_size = block;
    try {
      m.run(run);
      ADD_FAILURE() << "the run did not stop";
    } catch (const ModelError& e) {
      messages.push_back(e.diagnostics().format());
    }
  }
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0], fmt::format("p.yaml:5:3: error: output `o` is a probability, 0 or 1 in every sample, but is "
                                     "0.5 in sample {}\n",
                                     sample));
  EXPECT_EQ(messages[1], messages[0]);
  EXPECT_EQ(messages[2], messages[0]);
}

TEST(ProbabilityOutput, ANonFiniteValueIsReportedAsForAnyOutput) {
  const LoadedModel m = LoadedModel::from_text(
      "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: {formula: log(x - 2) > 0, kind: probability}\n  n: "
      "{formula: sqrt(x - 2), kind: probability}\n",
      "p.yaml");
  RunOptions run;
  run.samples = 10;
  try {
    m.run(run);
    ADD_FAILURE() << "the run did not stop";
  } catch (const ModelError& e) {
    // log(x − 2) > 0 is 0 (NaN compares false); sqrt(x − 2) is NaN itself.
    EXPECT_NE(e.diagnostics().format().find("output `n` is NaN in sample 0: sqrt("), std::string::npos)
        << e.diagnostics().format();
  }
}

TEST(ProbabilityOutput, TheCommandExitsTwoAndWritesNothing) {
  testing::TempDir dir;
  const std::string model = dir.write(
      "bad.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  share_high: {formula: x, kind: probability}\n");
  const std::string out = dir.path() + "/result.json";
  const testing::CommandResult r = testing::run_riskcast({"run", model, "--samples", "100", "--out", out});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(
      r.err.rfind("bad.yaml:4:3: error: output `share_high` is a probability, 0 or 1 in every sample, but is ", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find(" in sample 0\n"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  const testing::CommandResult check = testing::run_riskcast({"check", model});
  EXPECT_EQ(check.exit_status, 0) << check.err;  // only sampling finds it
}

// ---- the estimate and the difference ---------------------------------------

TEST(ProbabilityOutput, TheEstimateCountsTheOnesAndTheDifferenceIsPaired) {
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  RunOptions run;
  run.samples = 5000;
  run.columns = {"x"};
  const RunResult r = m.run(run);
  ASSERT_EQ(r.scenarios.size(), 2u);
  const std::vector<double>& x = r.scenarios[0].columns[0].values;
  const auto above = [&](double cap) {
    return static_cast<std::uint64_t>(std::count_if(x.begin(), x.end(), [cap](double v) { return v > cap; }));
  };
  const OutputResult& base = r.scenarios[0].outputs[1];
  const OutputResult& strict = r.scenarios[1].outputs[1];
  ASSERT_TRUE(base.summary.probability.has_value());
  EXPECT_EQ(base.summary.probability->successes, above(0.3));
  EXPECT_EQ(base.summary.probability->trials, 5000u);
  EXPECT_EQ(base.summary.probability->estimate, static_cast<double>(above(0.3)) / 5000);
  EXPECT_EQ(std::make_pair(base.summary.probability->ci_low, base.summary.probability->ci_high),
            proportion_interval(above(0.3), 5000));
  EXPECT_EQ(strict.summary.probability->successes, above(0.2));
  // The first scenario has no difference; the second, from the first, sample by sample.
  EXPECT_FALSE(base.difference.has_value());
  ASSERT_TRUE(strict.difference.has_value());
  EXPECT_EQ(strict.difference->gained, above(0.2) - above(0.3));
  EXPECT_EQ(strict.difference->lost, 0u);
  EXPECT_EQ(strict.difference->trials, 5000u);
  EXPECT_EQ(*strict.difference, paired_proportion_difference(above(0.2) - above(0.3), 0, 5000));
  // A value output has neither.
  EXPECT_FALSE(r.scenarios[1].outputs[0].summary.probability.has_value());
  EXPECT_FALSE(r.scenarios[1].outputs[0].difference.has_value());
  // Its mean is the same proportion (up to rounding); its percentiles are 0 or 1.
  EXPECT_NEAR(base.summary.mean, base.summary.probability->estimate, 1e-15);
  for (const PercentileEstimate& q : base.summary.percentiles) EXPECT_TRUE(q.value == 0 || q.value == 1);
}

}  // namespace
}  // namespace riskcast
