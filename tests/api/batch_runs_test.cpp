// Batch execution through the public API (batch_runs.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api/tiny_model.hpp"
#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBatch = R"(batch: two runs and a missing model
runs:
  - name: one
    model: tiny.yaml
    samples: 1500
    seed: 3
    formats: [json, csv]
  - name: gone
    model: missing.yaml
    samples: 1500
  - name: two
    model: tiny.yaml
    scenarios: [high]
    samples: 1000
    formats: [markdown]
)";

TEST(BatchApi, EachRunsFilesAreItsResultAndFailuresAreCollected) {
  TempDir dir;
  dir.write("tiny.yaml", kTinyModel);
  const BatchFile batch = load_batch_file(dir.write("b.yaml", kBatch));
  ASSERT_EQ(batch.runs.size(), 3u);
  fs::create_directories(dir.path() + "/out");
  dir.write("out/gone.json", "left by an earlier batch");
  BatchOptions options;
  options.out = dir.path() + "/out";
  options.threads = 2;
  std::vector<std::string> events;
  options.progress = [&](const BatchProgress& p) {
    events.push_back(p.run->name + (p.finished ? (p.failed ? " failed" : " done") : " starts") + " " +
                     std::to_string(p.index + 1) + "/" + std::to_string(p.runs) + " " + std::to_string(p.scenarios));
  };
  const BatchOutcome outcome = run_batch(batch, options);
  EXPECT_EQ(events, (std::vector<std::string>{"one starts 1/3 2", "one done 1/3 2", "gone starts 2/3 0",
                                              "gone failed 2/3 0", "two starts 3/3 1", "two done 3/3 1"}));
  EXPECT_EQ(outcome.runs, 3u);
  EXPECT_EQ(outcome.models, 2u);
  ASSERT_EQ(outcome.failed.size(), 1u);
  EXPECT_EQ(outcome.failed[0].run, "gone");
  EXPECT_EQ(outcome.failed[0].pos.line, 8u);
  EXPECT_NE(outcome.failed[0].error.find("missing.yaml: error: cannot read the model file"), std::string::npos)
      << outcome.failed[0].error;

  // Each file is exactly what a run with the same settings formats.
  const LoadedModel m = LoadedModel::from_file(dir.path() + "/tiny.yaml");
  RunOptions one;
  one.samples = 1500;
  one.seed = 3;
  const RunResult first = m.run(one);
  const fs::path out = options.out;
  EXPECT_EQ(read_text(out / "one.json"), format_result(first, Format::Json));
  EXPECT_EQ(read_text(out / "one.csv"), format_result(first, Format::Csv));
  RunOptions two;
  two.samples = 1000;
  two.scenarios = {"high"};
  EXPECT_EQ(read_text(out / "two.md"), format_result(m.run(two), Format::Markdown));
  EXPECT_FALSE(fs::exists(out / "gone.json"));  // no file stands for a failed run
  EXPECT_NE(read_text(out / "summary.csv").find("\none,"), std::string::npos);
  EXPECT_NE(read_text(out / "summary.md").find("gone"), std::string::npos);
}

TEST(BatchApi, ADryRunWritesNothingAndAMisspeltScenarioStopsTheBatch) {
  TempDir dir;
  dir.write("tiny.yaml", kTinyModel);
  BatchOptions options;
  options.out = dir.path() + "/out";
  options.dry_run = true;
  int progress = 0;
  options.progress = [&](const BatchProgress&) { ++progress; };
  const BatchOutcome dry = run_batch(load_batch_file(dir.write("b.yaml", kBatch)), options);
  EXPECT_EQ(progress, 0);
  ASSERT_EQ(dry.failed.size(), 1u);
  EXPECT_EQ(dry.failed[0].run, "gone");
  EXPECT_FALSE(fs::exists(options.out));

  options.dry_run = false;
  const std::string misspelt =
      dir.write("bad.yaml", "runs:\n  - name: one\n    model: tiny.yaml\n    scenarios: [hgh]\n");
  try {
    run_batch(load_batch_file(misspelt), options);
    FAIL() << "a misspelt scenario was accepted";
  } catch (const ModelError& e) {
    ASSERT_EQ(e.diagnostics().items().size(), 1u);
    EXPECT_EQ(e.diagnostics().items()[0].pos.line, 4u);
    EXPECT_EQ(e.diagnostics().items()[0].hint, "did you mean `high`?");
  }
  EXPECT_FALSE(fs::exists(options.out));
}

TEST(BatchApi, WarningsReachTheCallback) {
  TempDir dir;
  // A share that can leave [0, 1] warns when the model is read.
  dir.write("w.yaml",
            "model: w\nhorizon: 1\nparameters:\n  a:\n    dist: normal(0.5, 1)\n    unit: share\n"
            "outputs:\n  s:\n    formula: a\n    unit: share\n");
  BatchOptions options;
  options.out = dir.path() + "/out";
  std::string warnings;
  options.warnings = [&](const std::string& text) { warnings += text; };
  const BatchOutcome outcome = run_batch(
      load_batch_file(dir.write("b.yaml", "runs:\n  - name: w\n    model: w.yaml\n    samples: 500\n")), options);
  EXPECT_TRUE(outcome.failed.empty());
  EXPECT_NE(warnings.find("warning:"), std::string::npos) << warnings;
}

}  // namespace
}  // namespace riskcast::testing
