// Probability outputs (`kind: probability`, docs/language.md "Probability
// outputs"): the declaration and its errors, the run-time 0/1 check, the
// estimate and the paired difference between scenarios, and how every
// writer shows them.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/assumptions.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/report.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/sensitivity_report.hpp"
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
  EXPECT_EQ(near.pos.column, 31u);
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
  EXPECT_EQ(d.pos.column, 16u);
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
  const RunResult kept = m.run(values);
  const std::vector<double>& x = kept.scenarios[0].columns[0].values;
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
  EXPECT_NE(r.err.find("/bad.yaml:4:3: error: output `share_high` is a probability, 0 or 1 in every sample, but is "),
            std::string::npos)
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

// docs/language.md's example, read from the page: its stated exact values
// within four standard errors sqrt(p(1 − p)/n) of the estimates (a bound a
// correct engine misses with probability 6e−5 per value).
TEST(ProbabilityOutput, TheLanguageReferenceExampleGivesItsExactValues) {
  const std::string page = testing::read_text(testing::source_path("docs/language.md"));
  const std::size_t start = page.find("```yaml\nmodel: indicators\n");
  ASSERT_NE(start, std::string::npos);
  const std::size_t from = start + std::string("```yaml\n").size();
  const std::string text = page.substr(from, page.find("```", from) - from);
  const LoadedModel m = LoadedModel::from_text(text, "indicators.yaml");
  RunOptions run;
  run.samples = 200000;
  const RunResult r = m.run(run);
  const auto check = [&](std::size_t scenario, std::size_t output, double exact) {
    const ProportionEstimate& p = *r.scenarios.at(scenario).outputs.at(output).summary.probability;
    EXPECT_NEAR(p.estimate, exact, 4.0 * std::sqrt(exact * (1 - exact) / 200000.0))
        << r.scenarios[scenario].name << " " << r.scenarios[scenario].outputs[output].name;
  };
  check(0, 1, 1 - 0.9 * std::pow(0.97, 5));
  check(1, 1, 1 - 0.5 * std::pow(0.97, 5));
  check(0, 2, 0.420175);  // 1 − I_0.3(2, 5) = 0.7^6 + 6·0.3·0.7^5
  check(1, 2, 0.420175);
  EXPECT_EQ(r.scenarios[1].outputs[2].difference->gained + r.scenarios[1].outputs[2].difference->lost, 0u);
}

// ---- the writers -------------------------------------------------------------

// A run of two probability outputs in two scenarios, built by hand: `ban`
// is 1 in 300 of 1000 samples in base and 380 in strict (90 samples gained,
// 10 lost); `rare` in 0 and 2 (2 gained).
OutputResult indicator(const std::string& name, std::uint64_t ones, std::uint64_t n = 1000) {
  std::vector<double> values(n, 0.0);
  std::fill_n(values.begin(), ones, 1.0);
  OutputResult o;
  o.name = name;
  o.metadata.kind = OutputKind::Probability;
  o.summary = summarize(values);
  o.summary.probability = estimate_proportion(ones, n);
  return o;
}

RunResult indicators_result() {
  RunResult r;
  r.model = "m";
  r.samples = 1000;
  r.seed = 7;
  ScenarioResult base, strict;
  base.name = "base";
  strict.name = "strict";
  base.outputs = {indicator("ban", 300), indicator("rare", 0)};
  strict.outputs = {indicator("ban", 380), indicator("rare", 2)};
  strict.outputs[0].difference = paired_proportion_difference(90, 10, 1000);
  strict.outputs[1].difference = paired_proportion_difference(2, 0, 1000);
  r.scenarios = {base, strict};
  return r;
}

// The expected numbers, from scipy.stats.beta's quantiles independently of
// Boost: ban's intervals [0.2717, 0.3295] and [0.3498, 0.4109], rare's
// [0, 0.00368] and [0.000242, 0.00721]; the strict − base difference of ban
// (+8 points) [0.0498, 0.1125] and of rare (+0.2 points) [−0.00629, 0.00810].
TEST(ProbabilityWriters, TableShowsPWithItsInterval) {
  EXPECT_EQ(format_result(indicators_result(), Format::Table),
            "m · scenario base · 1000 samples, seed 7\n"
            "probability      P          95% CI\n"
            "ban          30.0%  [27.2%, 32.9%]\n"
            "rare          0.0%   [0.0%, 0.37%]\n"
            "\n"
            "m · scenario strict · 1000 samples, seed 7\n"
            "probability      P          95% CI\n"
            "ban          38.0%  [35.0%, 41.1%]\n"
            "rare         0.20%  [0.02%, 0.72%]\n"
            "\n"
            "P: the share of samples in which the output is 1; 95% CI: exact binomial (Clopper–Pearson) interval\n");
}

TEST(ProbabilityWriters, MarkdownHasATableOfP) {
  EXPECT_EQ(format_result(indicators_result(), Format::Markdown),
            "**m** — 1000 samples, seed 7\n"
            "\n"
            "| scenario | probability | P | 95% CI |\n"
            "|---|---|---:|---:|\n"
            "| base | ban | 30.0% | [27.2%, 32.9%] |\n"
            "| base | rare | 0.0% | [0.0%, 0.37%] |\n"
            "| strict | ban | 38.0% | [35.0%, 41.1%] |\n"
            "| strict | rare | 0.20% | [0.02%, 0.72%] |\n");
}

TEST(ProbabilityWriters, CsvHasPInsteadOfMeanAndPercentiles) {
  const RunResult r = indicators_result();
  std::string expected =
      "scenario,output,mean,sd,P1,P5,P10,P25,P50,P75,P90,P95,P99,probability,probability ci_low,probability ci_high\n";
  for (const ScenarioResult& s : r.scenarios)
    for (const OutputResult& o : s.outputs)
      expected +=
          fmt::format("{},{},,,,,,,,,,,,{},{},{}\n", s.name, o.name, format_exact(o.summary.probability->estimate),
                      format_exact(o.summary.probability->ci_low), format_exact(o.summary.probability->ci_high));
  EXPECT_EQ(format_result(r, Format::Csv), expected);
  EXPECT_NE(expected.find("base,ban,,,,,,,,,,,,0.3,0.2717"), std::string::npos) << expected;
}

// A value output beside a probability output: each in its own table, and
// the CSV's probability columns empty for the value.
TEST(ProbabilityWriters, ValueAndProbabilityOutputsSideBySide) {
  RunResult r = indicators_result();
  r.scenarios.resize(1);
  OutputResult level;
  level.name = "level";
  std::vector<double> values = {1, 2, 3, 4};
  level.summary = summarize(values);
  r.scenarios[0].outputs.insert(r.scenarios[0].outputs.begin(), level);
  const std::string table = format_result(r, Format::Table);
  EXPECT_NE(table.find("\nlevel         2.5  1.291"), std::string::npos) << table;
  EXPECT_NE(table.find("\n\nprobability      P          95% CI\nban          30.0%  [27.2%, 32.9%]\n"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("\nban  "), table.find("\nban          30.0%")) << "ban has no row of mean and percentiles";
  EXPECT_NE(table.find("\n±: half-width"), std::string::npos);
  EXPECT_NE(table.find("\nP: the share of samples in which the output is 1"), std::string::npos);
  const std::string csv = format_result(r, Format::Csv);
  EXPECT_NE(csv.find("\nbase,level,2.5,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",3.9699999999999998,,,\n"), std::string::npos) << csv;  // P99, then no P
  const std::string markdown = format_result(r, Format::Markdown);
  EXPECT_NE(markdown.find("| base | level | 2.5 |"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("| base | ban | 0.3"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| base | ban | 30.0% | [27.2%, 32.9%] |"), std::string::npos) << markdown;
}

TEST(ProbabilityWriters, JsonAddsKindProbabilityAndDifferenceAndKeepsEveryKey) {
  const RunResult r = indicators_result();
  const nlohmann::ordered_json doc = to_json(r);
  const auto& base = doc["scenarios"][0]["outputs"]["ban"];
  EXPECT_EQ(base["kind"], "probability");
  EXPECT_EQ(base["probability"]["estimate"], 0.3);
  EXPECT_EQ(base["probability"]["ci_low"], r.scenarios[0].outputs[0].summary.probability->ci_low);
  EXPECT_EQ(base["probability"]["ci_high"], r.scenarios[0].outputs[0].summary.probability->ci_high);
  EXPECT_EQ(base["probability"]["successes"], 300);
  EXPECT_EQ(base["probability"]["method"], "clopper-pearson");
  EXPECT_FALSE(base.contains("difference"));
  // riskcast.result/1's keys keep their meaning: those of the 0/1 values.
  for (const char* key : {"n", "mean", "sd", "mean_se", "min", "max", "percentiles", "mean_ci_low", "mean_ci_high"})
    EXPECT_TRUE(base.contains(key)) << key;
  EXPECT_EQ(base["percentiles"].size(), kStandardPercentiles.size());
  const auto& strict = doc["scenarios"][1]["outputs"]["ban"];
  EXPECT_EQ(strict["difference"]["from"], "base");
  EXPECT_EQ(strict["difference"]["estimate"], 0.08);
  EXPECT_EQ(strict["difference"]["gained"], 90);
  EXPECT_EQ(strict["difference"]["lost"], 10);
  EXPECT_NEAR(strict["difference"]["ci_low"].get<double>(), 0.049804386041571454, 1e-9);
  EXPECT_NEAR(strict["difference"]["ci_high"].get<double>(), 0.11246811441333117, 1e-9);
  EXPECT_EQ(strict["difference"]["method"], "paired: Bonferroni-combined Clopper-Pearson");
  // A value output has none of the three.
  RunResult values = r;
  values.scenarios.resize(1);
  values.scenarios[0].outputs.resize(1);
  values.scenarios[0].outputs[0].metadata.kind = OutputKind::Value;
  values.scenarios[0].outputs[0].summary.probability.reset();
  const nlohmann::ordered_json plain = to_json(values)["scenarios"][0]["outputs"]["ban"];
  EXPECT_FALSE(plain.contains("kind"));
  EXPECT_FALSE(plain.contains("probability"));
}

TEST(ProbabilityWriters, CompareShowsBothAndTheDifference) {
  RunResult r = indicators_result();
  for (ScenarioResult& s : r.scenarios) s.outputs.resize(1);
  EXPECT_EQ(format_comparison(r, Format::Table),
            "m · ban (probability) by scenario · 1000 samples, seed 7\n"
            "scenario      P          95% CI    vs base                  95% CI\n"
            "base      30.0%  [27.2%, 32.9%]\n"
            "strict    38.0%  [35.0%, 41.1%]  +8.00 pts  [+4.98 pts, +11.2 pts]\n"
            "P: the share of samples in which the output is 1; 95% CI: exact binomial (Clopper–Pearson) interval\n"
            "vs base: P minus P in base, sample by sample (scenarios share random numbers); 95% CI: exact binomial "
            "intervals of the share of samples that differ and of the share of those that gained, combined "
            "(Bonferroni)\n");
  EXPECT_EQ(format_comparison(r, Format::Markdown),
            "**m** — `ban` (probability) by scenario, 1000 samples, seed 7\n"
            "\n"
            "| scenario | P | 95% CI | vs base | 95% CI |\n"
            "|---|---:|---:|---:|---:|\n"
            "| base | 30.0% | [27.2%, 32.9%] |  |  |\n"
            "| strict | 38.0% | [35.0%, 41.1%] | +8.00 pts | [+4.98 pts, +11.2 pts] |\n");
  const PairedProportionDifference& d = *r.scenarios[1].outputs[0].difference;
  const ProportionEstimate& b = *r.scenarios[0].outputs[0].summary.probability;
  const ProportionEstimate& s = *r.scenarios[1].outputs[0].summary.probability;
  EXPECT_EQ(format_comparison(r, Format::Csv),
            fmt::format("scenario,output,probability,probability ci_low,probability ci_high,difference,"
                        "difference ci_low,difference ci_high\n"
                        "base,ban,0.3,{},{},,,\nstrict,ban,0.38,{},{},0.08,{},{}\n",
                        format_exact(b.ci_low), format_exact(b.ci_high), format_exact(s.ci_low),
                        format_exact(s.ci_high), format_exact(d.ci_low), format_exact(d.ci_high)));
  // One scenario: no difference column.
  r.scenarios.resize(1);
  EXPECT_EQ(format_comparison(r, Format::Table),
            "m · ban (probability) by scenario · 1000 samples, seed 7\n"
            "scenario      P          95% CI\n"
            "base      30.0%  [27.2%, 32.9%]\n"
            "P: the share of samples in which the output is 1; 95% CI: exact binomial (Clopper–Pearson) interval\n");
}

TEST(ProbabilityWriters, BatchSummaryHasPInsteadOfMeanAndPercentiles) {
  RunResult r = indicators_result();
  r.scenarios.resize(1);
  OutputResult level;
  level.name = "level";
  level.metadata.unit = "units";
  std::vector<double> values = {1, 2, 3, 4};
  level.summary = summarize(values);
  r.scenarios[0].outputs.push_back(level);
  std::ostringstream csv, markdown;
  write_summary_csv({{"r1", r, {}}}, csv);
  const ProportionEstimate& p = *r.scenarios[0].outputs[0].summary.probability;
  EXPECT_EQ(csv.str(), fmt::format("run,model,scenario,output,unit,samples,seed,mean,p5,p50,p95,probability,"
                                   "probability_ci_low,probability_ci_high\n"
                                   "r1,m,base,ban,,1000,7,,,,,0.3,{},{}\n"
                                   "r1,m,base,rare,,1000,7,,,,,0,0,{}\n"
                                   "r1,m,base,level,units,1000,7,2.5,1.15,2.5,{},,,\n",
                                   format_exact(p.ci_low), format_exact(p.ci_high),
                                   format_exact(r.scenarios[0].outputs[1].summary.probability->ci_high),
                                   format_exact(level.summary.percentile(0.95).value)));
  write_summary_markdown("", {{"r1", r, {}}}, {}, markdown);
  EXPECT_NE(markdown.str().find("| r1 | m | base | ban |  | 1,000 | 7 | P = 30.0% [27.2%, 32.9%] | | | |\n"),
            std::string::npos)
      << markdown.str();
  EXPECT_NE(markdown.str().find("| r1 | m | base | level | units | 1,000 | 7 | 2.5 | 1.15 | 2.5 | 3.85 |\n"),
            std::string::npos)
      << markdown.str();
  // Without a probability output the summary is as it always was.
  std::ostringstream plain;
  r.scenarios[0].outputs.erase(r.scenarios[0].outputs.begin(), r.scenarios[0].outputs.begin() + 2);
  write_summary_csv({{"r1", r, {}}}, plain);
  EXPECT_EQ(plain.str(),
            "run,model,scenario,output,unit,samples,seed,mean,p5,p50,p95\nr1,m,base,level,units,1000,7,"
            "2.5,1.15,2.5,3.8499999999999996\n");
}

// ---- charts, the HTML report, describe ---------------------------------------

TEST(ProbabilityCharts, BarsOfPInsteadOfHistogramsAndFans) {
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  RunOptions options;
  options.samples = 2000;
  const RunCharts charts(m, options, false);
  options.visit_column = charts.collector();
  const RunResult r = m.run(options);
  std::vector<std::string> paths;
  std::string high_chart, scenarios_chart;
  for (const ChartFile& f : charts.files(r)) {
    paths.push_back(f.path);
    if (f.path == "base/high.svg") high_chart = f.svg;
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"base/level.svg", "base/high.svg", "base/early.svg", "strict/level.svg",
                                             "strict/high.svg", "strict/early.svg", "scenarios_level.svg"}));
  EXPECT_EQ(high_chart.find("samples per bin"), std::string::npos);
  EXPECT_NE(high_chart.find("P(high = 1) (%)"), std::string::npos);
  const ProportionEstimate& p = *r.scenarios[0].outputs[1].summary.probability;
  EXPECT_NE(high_chart.find(format_probability_estimate(p)), std::string::npos) << high_chart;
  // The first output a probability: the scenarios compared as bars.
  const std::string bars = chart::probability_svg(chart::scenario_probabilities(r, 1));
  EXPECT_NE(bars.find(">base<"), std::string::npos);
  EXPECT_NE(bars.find(">strict<"), std::string::npos);
}

TEST(ProbabilityCharts, AQuarterlyGroupOfProbabilitiesIsABarPerQuarter) {
  const std::string text =
      "horizon: 6\nparameters:\n  x: uniform(0, 1)\noutputs:\n  hit_q1: {formula: x > 0.5, kind: probability}\n"
      "  hit_q2: {formula: x > 0.7, kind: probability}\n  mixed_q1: {formula: x > 0.5, kind: probability}\n"
      "  mixed_q2: x\n";
  const LoadedModel m = LoadedModel::from_text(text, "q.yaml");
  RunOptions options;
  options.samples = 500;
  const RunCharts charts(m, options, false);
  options.visit_column = charts.collector();
  const RunResult r = m.run(options);
  std::vector<std::string> paths;
  for (const ChartFile& f : charts.files(r)) paths.push_back(f.path);
  // hit: a bar per quarter; mixed (one of each kind): neither chart.
  EXPECT_NE(std::find(paths.begin(), paths.end(), "base/hit_quarters.svg"), paths.end());
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "base/hit_fan.svg"), paths.end());
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "base/mixed_fan.svg"), paths.end());
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "base/mixed_quarters.svg"), paths.end());
}

TEST(ProbabilityReport, HeadlineHasPAndTheDifferenceAndNoHistogram) {
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  ReportOptions options;
  options.samples = 2000;
  options.output = "high";
  const ReportPage page = m.report(options);
  const std::string& html = page.html;
  const ProportionEstimate& base = *page.result.scenarios[0].outputs[1].summary.probability;
  const PairedProportionDifference& d = *page.result.scenarios[1].outputs[1].difference;
  EXPECT_NE(html.find("<th>scenario</th><th class=\"num\">P</th><th class=\"num\">vs base</th>"), std::string::npos);
  EXPECT_NE(html.find(fmt::format("{}<small>{}</small>", format_proportion(base.estimate),
                                  format_proportion_interval(base.ci_low, base.ci_high))),
            std::string::npos);
  EXPECT_NE(html.find(fmt::format("{}<small>[{}, {}]</small>", format_difference(d.estimate, "share"),
                                  format_difference(d.ci_low, "share"), format_difference(d.ci_high, "share"))),
            std::string::npos);
  EXPECT_EQ(html.find("samples per bin"), std::string::npos) << "no histogram of a 0/1 output";
  EXPECT_NE(html.find("<h3>Probability outputs</h3>"), std::string::npos);
  EXPECT_NE(html.find("<td>high</td><td>(x &gt; cap)</td><td>probability</td>"), std::string::npos);
}

TEST(ProbabilityDescribe, ListsEveryOutputWithItsKind) {
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  const std::string table = m.describe("base", Format::Table);
  EXPECT_NE(table.find("output  formula                  kind         unit   source\n"
                       "level   x                        value        share\n"
                       "high    (x > cap)                probability         note: above the cap\n"
                       "early   (sum(policy, 1, 3) > 0)  probability\n"),
            std::string::npos)
      << table;
  const std::string csv = m.describe("base", Format::Csv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "section,name,definition,median,p5,p95,unit,source,note,kind");
  EXPECT_NE(csv.find("\noutput,high,(x > cap),,,,,,above the cap,probability\n"), std::string::npos) << csv;
  const std::string markdown = m.describe("base", Format::Markdown);
  EXPECT_NE(markdown.find("| `high` | `(x > cap)` | probability |  | note: above the cap |\n"), std::string::npos)
      << markdown;
}

// ---- sensitivity (docs/analysis.md, "A probability output") --------------

// The analysis of `high` (x > cap) over 4000 samples, and the run of the
// same samples with x and `early` (policy on in months 1 … 3, which is the
// switch's outcome "on by month 3") kept per sample.
struct SensitivityOfHigh {
  SensitivityResult analysis;
  RunResult run;
};
const SensitivityOfHigh& sensitivity_of_high() {
  static const SensitivityOfHigh result = [] {
    const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
    SensitivityOptions options;
    options.samples = 4000;
    options.seed = 3;
    options.output = "high";
    RunOptions run;
    run.samples = options.samples;
    run.seed = options.seed;
    run.columns = {"x", "early"};
    return SensitivityOfHigh{m.sensitivity(options), m.run(run)};
  }();
  return result;
}

// Each outcome's P is the share of its samples that are 1, with the exact
// interval of those counts; each scenario's difference is paired: every
// sample that gains or loses is counted, from the plain run's samples.
TEST(ProbabilitySensitivity, EachOutcomeHasItsPAndEachScenarioItsPairedDifference) {
  const auto& [r, run] = sensitivity_of_high();
  const std::vector<double>& x = run.scenarios[0].columns[0].values;
  const std::vector<double>& early = run.scenarios[0].columns[1].values;
  ASSERT_TRUE(r.output_summary.probability.has_value());
  EXPECT_EQ(*r.output_summary.probability, *run.scenarios[0].outputs[1].summary.probability);
  std::uint64_t on = 0, on_high = 0, off_high = 0, gained = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    on += early[i] == 1;
    on_high += early[i] == 1 && x[i] > 0.3;
    off_high += early[i] == 0 && x[i] > 0.3;
    gained += x[i] > 0.2 && x[i] <= 0.3;
  }
  ASSERT_GT(on, 100u);
  std::vector<const ConditionalOutcome*> policy;
  for (const ConditionalOutcome& c : r.conditionals) {
    ASSERT_TRUE(c.output_probability.has_value()) << c.event << ": " << c.outcome;
    if (c.event == "policy") policy.push_back(&c);
  }
  ASSERT_EQ(policy.size(), 2u);
  EXPECT_EQ(policy[0]->outcome, "on by month 3");
  EXPECT_EQ(*policy[0]->output_probability, estimate_proportion(on_high, on));
  EXPECT_EQ(policy[1]->outcome, "not on by month 3");
  EXPECT_EQ(*policy[1]->output_probability, estimate_proportion(off_high, x.size() - on));
  ASSERT_EQ(r.deltas.size(), 1u);
  ASSERT_TRUE(r.deltas[0].probability_difference.has_value());
  EXPECT_EQ(*r.deltas[0].probability_difference, paired_proportion_difference(gained, 0, x.size()));
  EXPECT_EQ(*r.deltas[0].probability_difference, *run.scenarios[1].outputs[1].difference);
}

// A value output's analysis has neither.
TEST(ProbabilitySensitivity, AValueOutputHasNoP) {
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  SensitivityOptions options;
  options.samples = 500;
  options.output = "level";
  const SensitivityResult r = m.sensitivity(options);
  EXPECT_FALSE(r.output_summary.probability.has_value());
  for (const ConditionalOutcome& c : r.conditionals) EXPECT_FALSE(c.output_probability.has_value());
  ASSERT_EQ(r.deltas.size(), 1u);
  EXPECT_FALSE(r.deltas[0].probability_difference.has_value());
}

// What no view of a probability output may show: a percentile or a mean of
// its 0/1 values, or a ± Monte Carlo error (its intervals are exact). The
// words found in `text`, each with what follows it.
std::vector<std::string> percentile_words(const std::string& text) {
  std::vector<std::string> found;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool word_start = i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1]));
    const bool percentile =
        text[i] == 'P' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]));
    if (word_start && (percentile || text.compare(i, 4, "mean") == 0 || text.compare(i, 2, "±") == 0))
      found.push_back(text.substr(i, 12));
  }
  return found;
}

// Every format of the analysis of a probability output shows P, per outcome
// and per scenario, and nothing of the 0/1 values' distribution.
TEST(ProbabilitySensitivity, EveryFormatShowsPAndNoPercentiles) {
  const SensitivityResult& r = sensitivity_of_high().analysis;
  const ConditionalOutcome& c = r.conditionals.front();
  const PairedProportionDifference& d = *r.deltas[0].probability_difference;
  const std::string p = format_proportion(c.output_probability->estimate);
  const std::string p_interval =
      format_proportion_interval(c.output_probability->ci_low, c.output_probability->ci_high);
  const std::string difference = format_difference(d.estimate, "share");
  for (Format format : {Format::Table, Format::Markdown}) {
    const std::string text = format_sensitivity(r, format);
    EXPECT_EQ(percentile_words(text), std::vector<std::string>{}) << text;
    EXPECT_NE(text.find(fmt::format("high: P = {}", format_probability_estimate(*r.output_summary.probability))),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("P(high)"), std::string::npos) << text;
    EXPECT_NE(text.find(p), std::string::npos) << text;
    EXPECT_NE(text.find(p_interval), std::string::npos) << text;
    EXPECT_NE(text.find(difference), std::string::npos) << text;
    EXPECT_NE(text.find(format_difference_interval(d)), std::string::npos) << text;
    EXPECT_NE(text.find(std::string(kProbabilityNote)), std::string::npos) << text;
    EXPECT_NE(text.find(probability_difference_note("base")), std::string::npos) << text;
  }
  EXPECT_NE(format_sensitivity(r, Format::Table)
                .find(fmt::format("strict    {}  {}\n", difference, format_difference_interval(d))),
            std::string::npos);
  // CSV: statistic P in the output, conditional and delta rows, and no other statistic but ρ.
  const std::string csv = format_sensitivity(r, Format::Csv);
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> sections;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    if (line.ends_with(',')) fields.emplace_back();  // getline drops a last empty field
    ASSERT_GE(fields.size(), 11u) << line;
    const std::string& statistic = fields[7];
    EXPECT_EQ(statistic, fields[0] == "tornado" ? "rho" : "P") << line;
    if (fields[0] == "conditional" && fields[3] == c.outcome) {
      EXPECT_EQ(line.substr(line.find(",P,")),
                fmt::format(",P,{},{},{}", format_exact(c.output_probability->estimate),
                            format_exact(c.output_probability->ci_low), format_exact(c.output_probability->ci_high)));
    }
    if (fields[0] == "delta") {
      EXPECT_EQ(line.substr(line.find(",P,")),
                fmt::format(",P,{},{},{}", format_exact(d.estimate), format_exact(d.ci_low), format_exact(d.ci_high)));
    }
    if (sections.empty() || sections.back() != fields[0]) sections.push_back(fields[0]);
  }
  EXPECT_EQ(sections, (std::vector<std::string>{"output", "tornado", "conditional", "delta"}));
}

// JSON adds P where it applies and keeps every key a value output's has, so
// readers of value outputs are unaffected.
TEST(ProbabilitySensitivity, JsonAddsPAndKeepsEveryKey) {
  const SensitivityResult& r = sensitivity_of_high().analysis;
  const nlohmann::json doc = nlohmann::json::parse(format_sensitivity(r, Format::Json));
  EXPECT_EQ(doc["kind"], "probability");
  EXPECT_EQ(doc["output_summary"]["probability"]["successes"], r.output_summary.probability->successes);
  for (std::size_t i = 0; i < r.conditionals.size(); ++i) {
    const nlohmann::json& c = doc["conditionals"][i];
    const ProportionEstimate& p = *r.conditionals[i].output_probability;
    EXPECT_TRUE(c.contains("percentiles"));
    EXPECT_EQ(c["output_probability"], nlohmann::json({{"estimate", p.estimate},
                                                       {"ci_low", p.ci_low},
                                                       {"ci_high", p.ci_high},
                                                       {"successes", p.successes},
                                                       {"method", "clopper-pearson"}}));
  }
  const PairedProportionDifference& d = *r.deltas[0].probability_difference;
  const nlohmann::json& delta = doc["deltas"][0];
  EXPECT_TRUE(delta.contains("difference"));
  EXPECT_EQ(delta["probability_difference"]["from"], "base");
  EXPECT_EQ(delta["probability_difference"]["estimate"], d.estimate);
  EXPECT_EQ(delta["probability_difference"]["ci_low"], d.ci_low);
  EXPECT_EQ(delta["probability_difference"]["ci_high"], d.ci_high);
  EXPECT_EQ(delta["probability_difference"]["gained"], d.gained);
  EXPECT_EQ(delta["probability_difference"]["lost"], d.lost);

  // A value output's document has none of the three.
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  SensitivityOptions options;
  options.samples = 500;
  options.output = "level";
  const nlohmann::json value = nlohmann::json::parse(format_sensitivity(m.sensitivity(options), Format::Json));
  EXPECT_FALSE(value.contains("kind"));
  for (const nlohmann::json& c : value["conditionals"]) EXPECT_FALSE(c.contains("output_probability"));
  for (const nlohmann::json& delta : value["deltas"]) EXPECT_FALSE(delta.contains("probability_difference"));
}

// The report page's sensitivity section, likewise.
TEST(ProbabilitySensitivity, TheReportShowsPAndNoPercentiles) {
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  ReportOptions options;
  options.samples = 2000;
  options.output = "high";
  const ReportPage page = m.report(options);
  const std::size_t start = page.html.find("<section id=\"sensitivity\">");
  ASSERT_NE(start, std::string::npos);
  std::string section = page.html.substr(start, page.html.find("</section>", start) - start);
  // The tornado chart's axis and ρ are not about the output's values.
  for (std::size_t svg; (svg = section.find("<svg")) != std::string::npos;)
    section.erase(svg, section.find("</svg>", svg) + 6 - svg);
  EXPECT_EQ(percentile_words(section), std::vector<std::string>{}) << section;
  EXPECT_NE(section.find("<h3>P(high) given each event outcome</h3>"), std::string::npos) << section;
  EXPECT_NE(section.find("<th class=\"num\">P(high)</th>"), std::string::npos) << section;
  EXPECT_NE(section.find("<th class=\"num\">vs base</th>"), std::string::npos) << section;
  EXPECT_NE(section.find(" pts<small>[+"), std::string::npos) << section;
}

// `--exceed` of a probability output would only repeat P.
TEST(ProbabilityOutput, AnExceedanceOfAProbabilityOutputIsRefused) {
  const LoadedModel m = LoadedModel::from_text(kModel, "indicators.yaml");
  RunOptions run;
  run.samples = 10;
  run.exceedances = {{"high", 0.5}};
  try {
    m.run(run);
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "exceedance of 'high': a probability output is reported by its P already; it has no other "
              "exceedance");
  }
}

}  // namespace
}  // namespace riskcast
