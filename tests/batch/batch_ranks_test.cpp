// A batch over ranks (docs/scale.md, "MPI"): with at least
// as many runs as ranks, whole runs are dealt out and rank 0 writes what
// each rank computed; with fewer, each run's samples are split. Either way
// every file — results, summaries, sweep charts — is byte-identical to one
// process's, failed runs fail alike, and rank 0 reports the same warnings
// and progress in the same order. Ranks are threads here
// (support/thread_ranks.hpp); tests/mpi/ runs the same under mpirun.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "riskcast/batch.hpp"
#include "riskcast/ranks.hpp"
#include "support/cli_runner.hpp"
#include "support/failing_models.hpp"
#include "support/thread_ranks.hpp"

namespace riskcast {
namespace {

namespace fs = std::filesystem;
using testing::names_in;
using testing::on_thread_ranks;
using testing::read_text;
using testing::source_path;
using testing::TempDir;

// A share that leaves [0, 1] in some samples: a warning of its results.
constexpr const char* kOverflowingShare = R"(model: overflowing
horizon: 1
parameters:
  x:
    dist: normal(0.9, 0.2)
outputs:
  share:
    formula: x
    unit: share
)";

// Listed runs of every kind — two models, a probability output, extra
// percentiles and exceedances, every format, a model that cannot be read,
// a run whose samples fail, a run with warnings — and a sweep of two
// levers with its chart: 11 runs.
std::string batch_text(const TempDir& dir) {
  const std::string reference = source_path("bench/models/reference.yaml");
  const std::string flagship = source_path("configs/china-2026.yaml");
  const std::string failing = dir.write("failing.yaml", testing::kLaterScenarioFailsEarlier);
  const std::string overflowing = dir.write("overflowing.yaml", kOverflowingShare);
  return fmt::format(R"b(batch: over ranks
defaults:
  samples: 3_000
  seed: 5
runs:
  - name: reference
    model: {0}
    formats: [json, csv, markdown, table]
    percentiles: [0.1, 99.9]
  - name: flagship
    model: {1}
    scenarios: [base, h200_open]
    formats: [json]
  - name: unread
    model: {2}/absent.yaml
  - name: failing
    model: {3}
    formats: [json, csv]
  - name: warned
    model: {4}
  - name: flagship-lhs
    model: {1}
    scenarios: [base]
    method: lhs
    formats: [csv]
  - name: reference-more
    model: {0}
    samples: 5_000
sweeps:
  - name: grid
    model: {1}
    scenarios: [base, h200_open]
    samples: 2_000
    formats: [json]
    output: nvidia_share_value
    levers:
      ban_scope: [0.6, 0.9]
      h200_china_cap: [100_000, 400_000]
)b",
                     reference, flagship, dir.path(), failing, overflowing);
}

// What rank 0 reported while the batch ran, seconds left out.
struct Reported {
  std::vector<std::string> lines;
  BatchOutcome outcome;
};

BatchOptions options_into(const std::string& out, Reported& reported) {
  BatchOptions options;
  options.out = out;
  options.plot = out + "/charts";
  options.threads = 1;
  options.warnings = [&reported](const std::string& text) { reported.lines.push_back("warning " + text); };
  options.progress = [&reported](const BatchProgress& p) {
    reported.lines.push_back(
        fmt::format("progress {}/{} {} {} {} {}", p.index, p.runs, p.run->name, p.scenarios, p.finished, p.failed));
  };
  return options;
}

void expect_outcomes_equal(const BatchOutcome& got, const BatchOutcome& want, const std::string& what) {
  EXPECT_EQ(got.runs, want.runs) << what;
  EXPECT_EQ(got.models, want.models) << what;
  ASSERT_EQ(got.failed.size(), want.failed.size()) << what;
  for (std::size_t i = 0; i < want.failed.size(); ++i) {
    EXPECT_EQ(got.failed[i].run, want.failed[i].run) << what;
    EXPECT_EQ(got.failed[i].error, want.failed[i].error) << what;
  }
}

// Every file under `got` equal to the same file under `want`, and no other.
void expect_same_files(const std::string& got, const std::string& want, const std::string& what) {
  const std::vector<std::string> names = names_in(want);
  EXPECT_EQ(names_in(got), names) << what;
  for (const std::string& name : names)
    if (fs::is_regular_file(fs::path(want) / name)) {
      EXPECT_EQ(read_text(got + "/" + name), read_text(want + "/" + name)) << what << ": " << name;
    }
}

void expect_batch_same_on_ranks(const std::string& text, const std::vector<int>& rank_counts) {
  TempDir dir;
  const std::string batch_path = dir.write("b.yaml", text);
  const BatchFile batch = load_batch_file(batch_path);
  Reported alone;
  alone.outcome = run_batch(batch, options_into(dir.path() + "/alone", alone));
  for (int ranks : rank_counts) {
    const std::string what = fmt::format("{} ranks, {} runs", ranks, batch.runs.size());
    const std::string out = fmt::format("{}/ranks{}", dir.path(), ranks);
    std::vector<Reported> reported(static_cast<std::size_t>(ranks));
    const auto thrown =
        on_thread_ranks(ranks, [&](int r) { reported[r].outcome = run_batch(batch, options_into(out, reported[r])); });
    for (int r = 0; r < ranks; ++r) {
      EXPECT_FALSE(thrown[r]) << what << ": rank " << r << " threw";
      expect_outcomes_equal(reported[r].outcome, alone.outcome, what);
    }
    EXPECT_EQ(reported[0].lines, alone.lines) << what;
    expect_same_files(out, dir.path() + "/alone", what);
  }
}

TEST(BatchOverRanks, WholeRunsDealtOutGiveTheFilesOfOneProcess) {
  TempDir models;
  const std::string text = batch_text(models);
  // 11 runs: rounds of 2, 3 and 5 (the last round short), and 11 (one round).
  expect_batch_same_on_ranks(text, {2, 3, 5, 11});
}

TEST(BatchOverRanks, FewerRunsThanRanksSplitEachRunsSamples) {
  TempDir models;
  const std::string reference = source_path("bench/models/reference.yaml");
  const std::string failing = models.write("failing.yaml", testing::kLaterScenarioFailsEarlier);
  expect_batch_same_on_ranks(fmt::format(R"b(defaults:
  samples: 3_001
runs:
  - name: reference
    model: {}
    formats: [json, csv]
  - name: failing
    model: {}
)b",
                                         reference, failing),
                             {3, 4});
}

TEST(BatchOverRanks, TheOneProcessBatchIsWhatWasChecked) {
  // So that the comparisons above are not of empty folders: the batch
  // has runs that fail, runs that warn, files of every format and charts.
  TempDir dir;
  const BatchFile batch = load_batch_file(dir.write("b.yaml", batch_text(dir)));
  ASSERT_EQ(batch.runs.size(), 11u);
  Reported alone;
  const BatchOutcome outcome = run_batch(batch, options_into(dir.path() + "/out", alone));
  ASSERT_EQ(outcome.failed.size(), 2u);
  EXPECT_EQ(outcome.failed[0].run, "unread");
  EXPECT_EQ(outcome.failed[1].run, "failing");
  const std::vector<std::string> files = names_in(dir.path() + "/out");
  for (const char* name : {"reference.json", "reference.csv", "reference.md", "reference.txt", "flagship-lhs.csv",
                           "summary.csv", "summary.md", "charts/grid.base.svg", "charts/grid.h200_open.svg"})
    EXPECT_NE(std::find(files.begin(), files.end(), name), files.end()) << name;
  EXPECT_TRUE(std::any_of(alone.lines.begin(), alone.lines.end(),
                          [](const std::string& l) { return l.starts_with("warning ") && l.find("share") != l.npos; }));
}

TEST(BatchOverRanks, AFailedRunsStaleFilesAreRemovedByRankZero) {
  TempDir dir;
  const std::string failing = dir.write("failing.yaml", testing::kLaterScenarioFailsEarlier);
  const std::string reference = source_path("bench/models/reference.yaml");
  const BatchFile batch = load_batch_file(dir.write("b.yaml", fmt::format(R"b(defaults:
  samples: 1_000
runs:
  - name: ok
    model: {}
  - name: failing
    model: {}
    formats: [json]
)b",
                                                                          reference, failing)));
  fs::create_directories(dir.path() + "/out");
  dir.write("out/failing.json", "left by an earlier batch");
  const auto thrown = on_thread_ranks(2, [&](int) {
    BatchOptions options;
    options.out = dir.path() + "/out";
    run_batch(batch, options);
  });
  EXPECT_FALSE(thrown[0] || thrown[1]);
  EXPECT_FALSE(fs::exists(dir.path() + "/out/failing.json"));
  EXPECT_TRUE(fs::exists(dir.path() + "/out/ok.json"));
}

}  // namespace
}  // namespace riskcast
