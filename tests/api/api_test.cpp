// The public API (riskcast.hpp): loading, listing, running, kept columns,
// progress, cancellation and the limits the engine itself enforces.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "api/tiny_model.hpp"
#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"

// Internal headers, for cross-checks against the engine underneath.
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast::testing {
namespace {

TEST(Api, ListsParametersEventsOutputsAndScenarios) {
  const LoadedModel m = tiny();
  EXPECT_EQ(m.name(), "tiny");
  EXPECT_EQ(m.title(), "A tiny model");
  EXPECT_EQ(m.horizon(), 3u);
  const std::vector<ParameterInfo> parameters = m.parameters();
  ASSERT_EQ(parameters.size(), 2u);
  EXPECT_EQ(parameters[0].name, "a");
  EXPECT_EQ(parameters[0].definition, "normal(10, 2)");
  EXPECT_EQ(parameters[0].metadata.unit, "widgets");
  EXPECT_EQ(parameters[0].pos.line, 5u);
  ASSERT_TRUE(parameters[0].has_numbers);
  EXPECT_DOUBLE_EQ(parameters[0].median, 10.0);
  const std::vector<EventInfo> events = m.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "switch");
  const std::vector<FormulaInfo> outputs = m.outputs();
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[1].name, "shifted");
  EXPECT_EQ(outputs[0].formula, "(2 * a)");
  const std::vector<ScenarioInfo> scenarios = m.scenarios();
  ASSERT_EQ(scenarios.size(), 2u);
  EXPECT_EQ(scenarios[0].name, "base");
  EXPECT_EQ(scenarios[1].name, "high");
  EXPECT_EQ(scenarios[1].parameters, std::vector<std::string>{"a"});
}

TEST(Api, ListsAnInnovationWithItsKindAndLaw) {
  const LoadedModel m = LoadedModel::from_text(
      "horizon: 12\nevents:\n  shock: {kind: innovation, dist: \"normal(0, 0.02)\", unit: USD}\n"
      "monthly:\n  walk: prev(walk, 0) + shock\noutputs:\n  end: last(walk)\n",
      "walk.yaml");
  const std::vector<EventInfo> events = m.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "innovation");
  EXPECT_EQ(events[0].definition, "innovation; every month normal(0, 0.02)");
  EXPECT_EQ(events[0].metadata.unit, "USD");
  EXPECT_NE(m.disassemble("base").find("step innovation shock"), std::string::npos);
}

// Correlations, a scenario's own, solved forms and weights as written: what
// the assumptions views show, listed.
TEST(Api, ListsCorrelationsAndSolvedForms) {
  const LoadedModel m = LoadedModel::from_text(R"y(parameters:
  labour: pert_p10_p50_p90(14, 18, 26)
  materials: lognormal_mean_sd(200, 40)
  delay: "mixture([0, uniform(1, 6)], [1, 3])"
  share: beta(8, 2)
correlations:
  - [materials, labour, 0.6]
  - [share, delay, -0.5]
outputs:
  cost: labour + materials + delay + share
scenarios:
  loose:
    correlations:
      - [materials, labour, 0.2]
      - [share, delay, 0]
)y",
                                               "corr.yaml");
  const std::vector<CorrelationInfo> pairs = m.correlations();
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].first, "labour");  // in parameter order, whatever the order written
  EXPECT_EQ(pairs[0].second, "materials");
  EXPECT_EQ(pairs[0].rank_correlation, 0.6);
  EXPECT_EQ(pairs[0].pos, (SourcePos{7, 5}));
  const std::vector<ScenarioInfo> scenarios = m.scenarios();
  ASSERT_EQ(scenarios[1].correlations.size(), 2u);
  EXPECT_EQ(scenarios[1].correlations[1].first, "delay");
  EXPECT_EQ(scenarios[1].correlations[1].rank_correlation, 0.0);
  EXPECT_TRUE(scenarios[0].correlations.empty());
  const std::vector<ParameterInfo> parameters = m.parameters();
  EXPECT_EQ(parameters[0].definition, "pert_p10_p50_p90(14, 18, 26)");
  EXPECT_EQ(parameters[0].solved.rfind("pert(13.047", 0), 0u) << parameters[0].solved;
  // lognormal_mean_sd(200, 40): sigma² = ln(1 + 0.04), mu = ln(200) − sigma²/2, to the last digit.
  const double r = 40.0 / 200.0, s2 = std::log1p(r * r);
  EXPECT_EQ(parameters[1].solved, fmt::format("lognormal({}, {})", std::log(200.0) - 0.5 * s2, std::sqrt(s2)));
  EXPECT_EQ(parameters[2].definition, "mixture([0, uniform(1, 6)], [1, 3])");
  EXPECT_EQ(parameters[2].solved, "");
  EXPECT_EQ(parameters[3].solved, "");
  // describe: the pairs per scenario, a scenario's marked, the solved forms.
  const std::string base = m.describe("base", Format::Table);
  EXPECT_NE(base.find("pert_p10_p50_p90(14, 18, 26) = pert(13.0471, 14.1091, 45.3381)"), std::string::npos) << base;
  EXPECT_NE(base.find("lognormal_mean_sd(200, 40) = lognormal(5.27871, 0.198042)"), std::string::npos) << base;
  EXPECT_NE(base.find("mixture([0, uniform(1, 6)], [1, 3])"), std::string::npos) << base;
  EXPECT_NE(base.find("correlated parameters  rank correlation (Spearman; Gaussian copula)\n"
                      "labour – materials     0.6\n"
                      "delay – share          -0.5\n"),
            std::string::npos)
      << base;
  const std::string loose = m.describe("loose", Format::Table);
  EXPECT_NE(loose.find("labour – materials *   0.2\ndelay – share *        0\n"), std::string::npos) << loose;
  EXPECT_NE(loose.find("*: overridden by scenario loose"), std::string::npos) << loose;
  const std::string csv = m.describe("loose", Format::Csv);
  EXPECT_NE(csv.find("correlation,labour – materials,0.2,,,,,,,\n"), std::string::npos) << csv;
  const std::string markdown = m.describe("base", Format::Markdown);
  EXPECT_NE(markdown.find("| `delay` – `share` | -0.5 |"), std::string::npos) << markdown;
  // A model without correlations shows no such table.
  EXPECT_EQ(tiny().describe("base", Format::Table).find("correlated parameters"), std::string::npos);
}

TEST(Api, LoadErrorsCarryEveryDiagnosticWithItsPosition) {
  try {
    LoadedModel::from_text("model: x\noutputs:\n  y:\n    formula: nope + alsono\n", "bad.yaml");
    FAIL() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.diagnostics().file(), "bad.yaml");
    ASSERT_GE(e.diagnostics().items().size(), 2u);
    for (const Diagnostic& d : e.diagnostics().items()) EXPECT_EQ(d.pos.line, 4u) << d.message;
  }
  EXPECT_THROW(LoadedModel::from_file("/nonexistent/model.yaml"), ModelError);
}

TEST(Api, SummariesAreTheEngineRunsBitForBit) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 3000;
  options.seed = 7;
  const RunResult api = m.run(options);
  RunRequest request;
  request.settings.samples = 3000;
  request.settings.seed = 7;
  const RunResult engine = run_model(m.ir(), request);
  ASSERT_EQ(api.scenarios.size(), 2u);
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t o = 0; o < 2; ++o) {
      const OutputSummary& x = api.scenarios[s].outputs[o].summary;
      const OutputSummary& y = engine.scenarios[s].outputs[o].summary;
      EXPECT_EQ(x.mean, y.mean);
      EXPECT_EQ(x.sd, y.sd);
      for (std::size_t p = 0; p < x.percentiles.size(); ++p) EXPECT_EQ(x.percentiles[p].value, y.percentiles[p].value);
    }
  EXPECT_EQ(api.engine_version, std::string(kVersion));
  EXPECT_EQ(api.numerics_version, kNumericsVersion);
  EXPECT_TRUE(api.scenarios[0].columns.empty());
}

// A kept output column is the column the summary came from; a parameter
// column holds the very draws: twice = 2·a exactly in every sample and
// scenario, and in `high` the draws are the scenario's.
TEST(Api, KeptColumnsAreTheRunsValuesAndTheParametersDraws) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 2000;
  options.seed = 3;
  options.columns = {"twice", "a", "b", "shifted"};
  const RunResult r = m.run(options);
  for (const ScenarioResult& s : r.scenarios) {
    ASSERT_EQ(s.columns.size(), 4u);
    const SampleColumn* twice = s.column("twice");
    const SampleColumn* a = s.column("a");
    ASSERT_TRUE(twice && a);
    EXPECT_EQ(a->kind, SampleColumn::Kind::Parameter);
    EXPECT_EQ(a->metadata.unit, "widgets");
    ASSERT_EQ(a->values.size(), 2000u);
    for (std::size_t i = 0; i < 2000; ++i) ASSERT_EQ(twice->values[i], 2 * a->values[i]) << s.name << " " << i;
    std::vector<double> copy = twice->values;
    const OutputSummary again = summarize(copy);
    EXPECT_EQ(again.mean, s.outputs[0].summary.mean);
    EXPECT_EQ(again.percentiles[4].value, s.outputs[0].summary.percentiles[4].value);
  }
  // The scenario's own parameter: normal(20, 2) against base's normal(10, 2),
  // paired (common random numbers): a_high − a_base = 10 exactly up to rounding.
  const std::vector<double>& base = r.scenarios[0].column("a")->values;
  const std::vector<double>& high = r.scenarios[1].column("a")->values;
  for (std::size_t i = 0; i < 2000; ++i) ASSERT_NEAR(high[i] - base[i], 10.0, 1e-12);
}

TEST(Api, AStarKeepsEveryOutputThenEveryParameter) {
  const LoadedModel m = tiny();
  EXPECT_EQ(m.resolve_columns({"*"}), (std::vector<std::string>{"twice", "shifted", "a", "b"}));
  EXPECT_EQ(m.resolve_columns({"b", "twice"}), (std::vector<std::string>{"b", "twice"}));
  try {
    m.resolve_columns({"twcie"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean `twice`?"), std::string::npos) << e.what();
  }
  EXPECT_THROW(m.resolve_columns({"ban"}), std::invalid_argument);  // an event is not a column
}

// Evaluating only some outputs changes none of their numbers.
TEST(Api, ChosenOutputsAreTheFullRunsBitForBit) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 2000;
  const RunResult all = m.run(options);
  options.outputs = {"shifted"};
  options.columns = {"shifted", "a"};
  const RunResult one = m.run(options);
  for (std::size_t s = 0; s < 2; ++s) {
    ASSERT_EQ(one.scenarios[s].outputs.size(), 1u);
    EXPECT_EQ(one.scenarios[s].outputs[0].name, "shifted");
    EXPECT_EQ(one.scenarios[s].outputs[0].summary.mean, all.scenarios[s].outputs[1].summary.mean);
    EXPECT_EQ(one.scenarios[s].outputs[0].summary.percentiles[4].value,
              all.scenarios[s].outputs[1].summary.percentiles[4].value);
  }
  options.columns = {"twice"};  // not evaluated
  EXPECT_THROW(m.run(options), std::invalid_argument);
  options.columns.clear();
  options.outputs = {"shifed"};
  EXPECT_THROW(m.run(options), std::invalid_argument);
}

// Columns do not depend on the thread count, the block size or how the
// sample range is split.
TEST(Api, KeptColumnsDoNotDependOnThreadsBlocksOrSplits) {
  const LoadedModel m = tiny();
  RunOptions whole;
  whole.samples = 1000;
  whole.columns = {"*"};
  whole.threads = 1;
  const RunResult one = m.run(whole);
  whole.threads = 2;
  whole.block_size = 7;
  const RunResult two = m.run(whole);
  RunOptions tail = whole;
  tail.first_sample = 400;
  tail.samples = 600;
  const RunResult split = m.run(tail);
  EXPECT_EQ(split.first_sample, 400u);
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t c = 0; c < 4; ++c) {
      const std::vector<double>& a = one.scenarios[s].columns[c].values;
      EXPECT_EQ(a, two.scenarios[s].columns[c].values);
      EXPECT_EQ(std::vector<double>(a.begin() + 400, a.end()), split.scenarios[s].columns[c].values);
    }
}

TEST(Api, RunErrorsAreModelErrorsAtTheFormula) {
  const LoadedModel m = LoadedModel::from_text(
      "model: x\nparameters:\n  a:\n    dist: uniform(-1, 1)\noutputs:\n  r:\n    formula: sqrt(a)\n", "sqrt.yaml");
  RunOptions options;
  options.samples = 100;
  try {
    m.run(options);
    FAIL() << "no ModelError";
  } catch (const ModelError& e) {
    ASSERT_EQ(e.diagnostics().items().size(), 1u);
    EXPECT_EQ(e.diagnostics().file(), "sqrt.yaml");
    EXPECT_EQ(e.diagnostics().items()[0].pos.line, 7u);
  }
}

// The engine, not only the command line, keeps sample indices within the
// 40 bits of the random-stream layout and refuses what would not fit.
TEST(Api, LimitsAreEnforcedByTheEngine) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 0;
  EXPECT_THROW(m.run(options), std::invalid_argument);
  options.samples = 10;
  options.first_sample = kMaxSamples - 9;
  EXPECT_THROW(m.run(options), std::invalid_argument);
  options.first_sample = kMaxSamples - 10;  // the last ten indices: allowed
  EXPECT_EQ(m.run(options).scenarios.size(), 2u);
  options.first_sample = 0;
  options.block_size = kMaxBlockSize + 1;
  EXPECT_THROW(m.run(options), std::invalid_argument);
  options.block_size = 256;
  options.scenarios = {"hihg"};
  EXPECT_THROW(m.run(options), std::invalid_argument);

  // The sampler underneath checks the same range.
  RunSettings settings;
  settings.samples = 2;
  settings.first_sample = kMaxSamples - 1;
  double a = 0, b = 0;
  std::vector<double*> columns = {&a, &b};
  EXPECT_THROW(sample_program_into(compile_program(m.ir()), settings, columns), std::invalid_argument);
  // And months: a horizon the loader would refuse, set on the IR directly.
  Model long_horizon = m.ir();
  long_horizon.horizon = kMaxHorizon + 1;
  settings.first_sample = 0;
  EXPECT_THROW(sample_program_into(compile_program(long_horizon), settings, columns), std::invalid_argument);
  long_horizon.horizon = kMaxHorizon;
  EXPECT_NO_THROW(sample_program_into(compile_program(long_horizon), settings, columns));

  // Every sample index, kept: far beyond any machine's memory, refused
  // before any sampling.
  RunOptions huge;
  huge.samples = kMaxSamples;
  huge.columns = {"*"};
  EXPECT_THROW(m.run(huge), ResourceError);
  EXPECT_GT(m.estimate_memory(huge).total(huge.samples), huge.samples * 8 * 4 * 2);
}

// Chosen percentiles join the standard ones in every summary; exceedances
// go to the output they name; nothing else moves (the standard percentiles
// and moments are the plain run's, bit for bit).
TEST(Api, ChosenPercentilesAndExceedances) {
  const LoadedModel m = tiny();
  RunOptions plain;
  plain.samples = 3000;
  RunOptions asked = plain;
  asked.percentiles = {0.975, 0.8, 0.5};
  asked.exceedances = {{"twice", 20.0}, {"twice", 24.0}, {"twice", 20.0}, {"shifted", 11.0}};
  const RunResult a = m.run(plain), b = m.run(asked);
  EXPECT_EQ(b.percentiles, with_standard_percentiles(asked.percentiles));
  ASSERT_EQ(b.scenarios.size(), 2u);
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t o = 0; o < 2; ++o) {
      const OutputSummary& x = a.scenarios[s].outputs[o].summary;
      const OutputSummary& y = b.scenarios[s].outputs[o].summary;
      EXPECT_EQ(x.mean, y.mean);
      EXPECT_EQ(y.percentiles.size(), kStandardPercentiles.size() + 2);
      for (const PercentileEstimate& q : x.percentiles) EXPECT_EQ(q.value, y.percentile(q.p).value);
      EXPECT_TRUE(x.exceedances.empty());
    }
  const OutputSummary& twice = b.scenarios[0].outputs[0].summary;
  ASSERT_EQ(twice.exceedances.size(), 2u);  // the repeat dropped, in the order asked
  EXPECT_EQ(twice.exceedances[0].threshold, 20.0);
  EXPECT_EQ(twice.exceedances[1].threshold, 24.0);
  // twice = 2·normal(10, 2): P(twice > 20) = 1/2, P(twice > 24) = P(Z > 1) = 0.1587;
  // 3000 samples: standard errors 0.009 and 0.007, so 0.04 is over four.
  EXPECT_NEAR(twice.exceedances[0].probability, 0.5, 0.04);
  EXPECT_NEAR(twice.exceedances[1].probability, 0.1587, 0.04);
  EXPECT_LT(twice.exceedances[0].ci_low, twice.exceedances[0].probability);
  EXPECT_GT(twice.exceedances[0].ci_high, twice.exceedances[0].probability);
  EXPECT_EQ(b.scenarios[0].outputs[1].summary.exceedances.size(), 1u);

  RunOptions bad = plain;
  for (double p : {0.0, 1.0, -0.5, 97.5, std::numeric_limits<double>::quiet_NaN()}) {
    bad.percentiles = {p};
    EXPECT_THROW(m.run(bad), std::invalid_argument) << p;
  }
  bad.percentiles = {};
  bad.exceedances = {{"twcie", 1.0}};
  try {
    m.run(bad);
    ADD_FAILURE() << "an unknown output";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean `twice`?"), std::string::npos) << e.what();
  }
  bad.exceedances = {{"twice", std::numeric_limits<double>::infinity()}};
  EXPECT_THROW(m.run(bad), std::invalid_argument);
  bad.exceedances = {{"twice", 1.0}};
  bad.outputs = {"shifted"};
  EXPECT_THROW(m.run(bad), std::invalid_argument);  // an output the run does not evaluate
}

TEST(Api, AStopRequestCancelsTheRun) {
  const LoadedModel m = tiny();
  std::stop_source stop;
  stop.request_stop();
  RunOptions options;
  options.samples = 100000;
  options.stop = stop.get_token();
  EXPECT_THROW(m.run(options), RunCancelled);
}

// Progress starts and ends every scenario, in order, and an exception from
// the callback stops the run and comes out of run().
TEST(Api, ProgressReportsEachScenarioAndItsExceptionStopsTheRun) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 5000;
  std::vector<std::pair<std::size_t, std::uint64_t>> calls;
  options.progress = [&](const RunProgress& p) {
    EXPECT_EQ(p.scenarios, 2u);
    EXPECT_EQ(p.total, 5000u);
    if (p.done == 0 || p.done == p.total) calls.emplace_back(p.scenario, p.done);
  };
  m.run(options);
  const std::vector<std::pair<std::size_t, std::uint64_t>> expected = {{0, 0}, {0, 5000}, {1, 0}, {1, 5000}};
  EXPECT_EQ(calls, expected);

  struct Stop {};
  options.progress = [](const RunProgress&) { throw Stop{}; };
  EXPECT_THROW(m.run(options), Stop);
}

// The periodic progress report must not repeat a scenario's end: a column
// visitor that takes 350 ms holds the run between the end of sampling and
// the end of the scenario, while the 100 ms reporter sees every sample done.
TEST(Api, ProgressReportsEachDoneOnceAndEachEndExactlyOnce) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 5000;
  options.outputs = {"twice"};
  options.visit_column = [](std::size_t, std::size_t, std::span<const double>) {
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
  };
  std::vector<std::pair<std::size_t, std::uint64_t>> calls;
  options.progress = [&](const RunProgress& p) { calls.emplace_back(p.scenario, p.done); };
  m.run(options);
  // Per scenario: 0 first, done rising, the total exactly once and last.
  std::size_t at = 0;
  for (std::size_t scenario = 0; scenario < 2; ++scenario) {
    ASSERT_LT(at, calls.size());
    EXPECT_EQ(calls[at], std::make_pair(scenario, std::uint64_t{0}));
    for (++at; at < calls.size() && calls[at].first == scenario && calls[at].second < 5000; ++at)
      EXPECT_GT(calls[at].second, calls[at - 1].second);
    ASSERT_LT(at, calls.size());
    EXPECT_EQ(calls[at], std::make_pair(scenario, std::uint64_t{5000}));
    ++at;
  }
  EXPECT_EQ(at, calls.size()) << "calls after the last scenario's end";
}

// Threads and block size are checked by the engine with their range, before
// any memory estimate (which counts each thread's registers) could refuse.
TEST(Api, ThreadsAndBlockSizeAreCheckedWithTheirRange) {
  const LoadedModel m = tiny();
  auto message = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no std::invalid_argument";
  };
  RunOptions run;
  run.samples = 10;
  run.threads = kMaxThreads + 1;
  EXPECT_EQ(message([&] { m.run(run); }), "threads must be 0 … 1024 (0: every hardware thread), not 1025");
  run.threads = std::numeric_limits<unsigned>::max();
  EXPECT_NE(message([&] { m.estimate_memory(run); }).find("threads must be 0 … 1024"), std::string::npos);
  run.threads = 0;
  run.block_size = 0;
  EXPECT_EQ(message([&] { m.run(run); }), "block size must be 1 … 4096, not 0");
  SensitivityOptions sensitivity;
  sensitivity.samples = 10;
  sensitivity.threads = kMaxThreads + 1;
  EXPECT_NE(message([&] { m.sensitivity(sensitivity); }).find("threads must be 0 … 1024"), std::string::npos);
  sensitivity.threads = 0;
  sensitivity.block_size = kMaxBlockSize + 1;
  EXPECT_EQ(message([&] { m.sensitivity(sensitivity); }), "block size must be 1 … 4096, not 4097");
  ReportOptions report;
  report.samples = 10;
  report.threads = kMaxThreads + 1;
  EXPECT_NE(message([&] { m.report(report); }).find("threads must be 0 … 1024"), std::string::npos);
}

TEST(Api, ANameListedTwiceIsRefused) {
  const LoadedModel m = tiny();
  auto message = [&](const RunOptions& options) -> std::string {
    try {
      m.run(options);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no std::invalid_argument";
  };
  RunOptions options;
  options.samples = 10;
  options.scenarios = {"base", "high", "base"};
  EXPECT_EQ(message(options), "scenario 'base' is listed twice");
  options.scenarios = {};
  options.outputs = {"twice", "twice"};
  EXPECT_EQ(message(options), "output 'twice' is listed twice");
  options.outputs = {};
  options.columns = {"a", "twice", "a"};
  EXPECT_EQ(message(options), "column 'a' is listed twice");
  EXPECT_THROW(m.resolve_columns({"b", "b"}), std::invalid_argument);
}

TEST(Api, SensitivityIsTheEnginesAnalysis) {
  const LoadedModel m = tiny();
  SensitivityOptions options;
  options.samples = 3000;
  options.output = "shifted";
  std::uint64_t last_total = 0;
  options.progress = [&](const RunProgress& p) { last_total = p.total; };
  const SensitivityResult api = m.sensitivity(options);
  EXPECT_EQ(last_total, 3000u * 2);  // base, then `high` for its delta
  SensitivityRequest request;
  request.settings.samples = 3000;
  request.output = "shifted";
  const SensitivityResult engine = analyze_sensitivity(m.ir(), request);
  ASSERT_EQ(api.tornado.size(), engine.tornado.size());
  for (std::size_t i = 0; i < api.tornado.size(); ++i) {
    EXPECT_EQ(api.tornado[i].label, engine.tornado[i].label);
    EXPECT_EQ(api.tornado[i].rho, engine.tornado[i].rho);
  }
  ASSERT_EQ(api.deltas.size(), 1u);
  EXPECT_EQ(api.deltas[0].difference.mean, engine.deltas[0].difference.mean);
  options.output = "shifed";
  EXPECT_THROW(m.sensitivity(options), std::invalid_argument);
  options.output.clear();
  options.samples = kMaxSensitivitySamples + 1;
  EXPECT_THROW(m.sensitivity(options), std::invalid_argument);
  options.samples = 1000;
  std::stop_source stop;
  stop.request_stop();
  options.stop = stop.get_token();
  EXPECT_THROW(m.sensitivity(options), RunCancelled);
}

TEST(Api, WarningsAreKeptAndFormatted) {
  const LoadedModel m = LoadedModel::from_text(
      "model: x\nparameters:\n  unused:\n    dist: uniform(0, 1)\n  a:\n    dist: uniform(0, 1)\noutputs:\n  y:\n "
      "   formula: a\n",
      "warn.yaml");
  ASSERT_FALSE(m.warnings().empty());
  EXPECT_NE(m.format_warnings().find("warn.yaml:3:3: warning:"), std::string::npos) << m.format_warnings();
}

}  // namespace
}  // namespace riskcast::testing
