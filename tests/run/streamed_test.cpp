// A streamed run (docs/scale.md) against the run that keeps its samples:
// the same result, bit for bit (compared as the JSON a user gets), on the
// shipped models and on budgets that force more passes; errors, refusals
// and the choice between the two.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/run.hpp"
#include "support/cli_runner.hpp"
#include "support/failing_models.hpp"

namespace riskcast {
namespace {

using testing::source_path;

// The sanitizer build (RISKCAST_SANITIZED=1) runs about ten times slower:
// there the largest comparisons use fewer models and sizes (each kind of
// case is still run: several chunks, windows, threads, first samples).
bool sanitized() {
  const char* flag = std::getenv("RISKCAST_SANITIZED");
  return flag && std::string(flag) == "1";
}

RunOptions options_for(std::uint64_t samples, SampleStorage storage) {
  RunOptions o;
  o.samples = samples;
  o.seed = 11;
  o.storage = storage;
  o.percentiles = {0.001, 0.025, 0.975, 0.999};
  return o;
}

std::string json_of(const LoadedModel& model, const RunOptions& options) {
  return format_result(model.run(options), Format::Json);
}

// 150,001 samples: three chunks, the last of one sample; every scenario,
// probability outputs paired with the first scenario, exceedances.
TEST(StreamedRun, EqualsTheRunThatKeepsItsSamples) {
  std::vector<const char*> paths = {"bench/models/reference.yaml", "configs/china-2026.yaml",
                                    "configs/examples/project-risk.yaml"};
  if (sanitized()) paths.resize(1);
  for (const char* path : paths) {
    const LoadedModel model = LoadedModel::from_file(source_path(path));
    RunOptions kept = options_for(150'001, SampleStorage::in_memory), streamed = kept;
    streamed.storage = SampleStorage::streamed;
    const std::string first_output = model.outputs().front().name;
    kept.exceedances = streamed.exceedances = {{first_output, 0.3}, {first_output, -1}};
    EXPECT_EQ(json_of(model, kept), json_of(model, streamed)) << path;
  }
  // Chunk sums folded window by window (here one chunk at a time).
  const LoadedModel model = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  RunRequest request;
  request.settings.samples = 150'001;
  request.settings.threads = 2;
  request.percentiles = with_standard_percentiles({});
  SelectionBudget one_chunk;
  one_chunk.window_chunks = 1;
  EXPECT_EQ(format_result(run_model_streamed(model.ir(), request, one_chunk), Format::Json),
            format_result(run_model(model.ir(), request), Format::Json));
}

// Thread counts, split runs (a first sample that is not a chunk boundary)
// and sizes below one chunk.
TEST(StreamedRun, EqualForAnyThreadCountFirstSampleAndSize) {
  const LoadedModel model = LoadedModel::from_file(source_path("configs/china-2026.yaml"));
  for (std::uint64_t samples : {1u, 2u, 5000u, 70'000u})
    for (unsigned threads : {1u, 2u, 3u}) {
      if (sanitized() && samples > 5000 && threads != 3) continue;
      RunOptions kept = options_for(samples, SampleStorage::in_memory);
      kept.threads = threads;
      kept.first_sample = 12'345;
      RunOptions streamed = kept;
      streamed.storage = SampleStorage::streamed;
      EXPECT_EQ(json_of(model, kept), json_of(model, streamed)) << samples << " samples, " << threads << " threads";
    }
}

// Budgets that leave no room to keep values force finer counting passes.
TEST(StreamedRun, EqualWhenTheBudgetForcesMorePasses) {
  const LoadedModel model = LoadedModel::from_file(source_path("configs/china-2026.yaml"));
  RunRequest request;
  request.settings.samples = sanitized() ? 10'000 : 30'000;
  request.settings.seed = 5;
  request.settings.threads = 2;
  request.percentiles = with_standard_percentiles(std::vector<double>{0.0001, 0.9999});
  const std::string kept = format_result(run_model(model.ir(), request), Format::Json);
  for (const SelectionBudget& budget : {SelectionBudget{4, 64, 0}, SelectionBudget{64, 8, 1000}}) {
    unsigned passes = 0;
    const RunResult r = run_model_streamed(model.ir(), request, budget, [&](unsigned pass) { passes = pass; });
    EXPECT_EQ(format_result(r, Format::Json), kept);
    EXPECT_GT(passes, 2u) << "the budget should have forced refinement";
  }
}

// A model that fails in some sample fails the same way streamed: the first
// scenario with an error, its lowest sample.
TEST(StreamedRun, RunErrorsAreTheSame) {
  const LoadedModel model = LoadedModel::from_text(testing::kLaterScenarioFailsEarlier, "failing.yaml");
  auto message = [&](SampleStorage storage) {
    try {
      model.run(options_for(200'000, storage));
    } catch (const ModelError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string kept = message(SampleStorage::in_memory);
  EXPECT_NE(kept, "no error");
  EXPECT_EQ(message(SampleStorage::streamed), kept);
}

TEST(StreamedRun, RunsThatNeedTheirSamplesAreRefusedClearly) {
  const LoadedModel model = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  RunOptions o = options_for(1000, SampleStorage::streamed);
  o.columns = {"nvidia_share_value"};
  EXPECT_THROW(model.run(o), std::invalid_argument);
  o.storage = SampleStorage::automatic;
  o.memory_limit = 1;  // nothing fits
  try {
    model.run(o);
    ADD_FAILURE() << "expected a ResourceError";
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be streamed: it keeps per-sample columns"), std::string::npos)
        << e.what();
  }
  RunOptions lhs = options_for(1000, SampleStorage::streamed);
  lhs.method = SamplingMethod::lhs;
  EXPECT_THROW(model.run(lhs), std::invalid_argument);
}

// Automatic storage streams when the estimate exceeds the limit, and the
// progress callback says so (RunProgress::pass).
TEST(StreamedRun, AutomaticStorageStreamsBeyondTheLimit) {
  const LoadedModel model = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  RunOptions o = options_for(300'000, SampleStorage::automatic);
  const std::uint64_t in_memory = model.estimate_memory(o).total(o.samples);
  std::atomic<unsigned> last_pass{0};
  o.progress = [&](const RunProgress& p) { last_pass = p.pass; };
  o.memory_limit = in_memory;  // fits: kept
  const std::string kept = json_of(model, o);
  EXPECT_EQ(last_pass.load(), 0u);
  o.memory_limit = in_memory - 1;  // does not: streamed
  EXPECT_EQ(json_of(model, o), kept);
  EXPECT_GE(last_pass.load(), 2u);
  o.memory_limit = 1000;
  EXPECT_THROW(model.run(o), ResourceError) << "even streaming needs its working set";
}

// The commands: --stream and --memory give the in-memory run's bytes.
TEST(StreamedRun, TheCommandWritesTheSameBytes) {
  const std::string model = source_path("configs/china-2026.yaml");
  const std::vector<std::string> run = {"run", model, "--samples", "80000", "--format", "json", "--threads", "2"};
  const testing::CommandResult kept = testing::run_riskcast(run);
  ASSERT_EQ(kept.exit_status, 0) << kept.err;
  std::vector<std::string> streamed = run;
  streamed.push_back("--stream");
  EXPECT_EQ(testing::run_riskcast(streamed).out, kept.out);
  const std::vector<std::string> compare = {"compare", model, "--samples", "20000", "--threads", "2"};
  const testing::CommandResult compared = testing::run_riskcast(compare);
  ASSERT_EQ(compared.exit_status, 0) << compared.err;
  std::vector<std::string> compare_streamed = compare;
  compare_streamed.push_back("--stream");
  EXPECT_EQ(testing::run_riskcast(compare_streamed).out, compared.out);
  // A limit one byte below what keeping the samples needs: streamed.
  const std::string reference = source_path("bench/models/reference.yaml");
  RunOptions o = options_for(300'000, SampleStorage::automatic);
  const std::uint64_t in_memory = LoadedModel::from_file(reference).estimate_memory(o).total(o.samples);
  const std::vector<std::string> big = {"run", reference, "--samples", "300000", "--format", "json", "--threads", "2"};
  const testing::CommandResult all = testing::run_riskcast(big);
  ASSERT_EQ(all.exit_status, 0) << all.err;
  std::vector<std::string> limited = big;
  limited.insert(limited.end(), {"--memory", std::to_string(in_memory - 1)});
  const testing::CommandResult r = testing::run_riskcast(limited);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, all.out);
  for (const char* bad : {"1x", "-5M", "G", "0", "1e30"}) {
    std::vector<std::string> wrong = run;
    wrong.insert(wrong.end(), {"--memory", bad});
    const testing::CommandResult e = testing::run_riskcast(wrong);
    EXPECT_EQ(e.exit_status, 2) << bad;
    EXPECT_NE(e.err.find("--memory must be a size in bytes"), std::string::npos) << e.err;
    EXPECT_TRUE(e.out.empty());
  }
}

}  // namespace
}  // namespace riskcast
