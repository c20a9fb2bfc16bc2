// Runs split over ranks (ranks.hpp, docs/scale.md "MPI") against one
// process: the same bytes for every command's result, on ranks simulated
// by threads (support/thread_ranks.hpp); the same error on every rank when
// a sample fails, whichever rank met it; files written by rank 0 alone.
// The MPI driver itself is tested under mpirun by tests/mpi/.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "riskcast/files.hpp"
#include "riskcast/ranks.hpp"
#include "riskcast/regress.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/run.hpp"
#include "support/cli_runner.hpp"
#include "support/failing_models.hpp"
#include "support/thread_ranks.hpp"

namespace riskcast {
namespace {

namespace fs = std::filesystem;
using testing::on_thread_ranks;
using testing::source_path;

bool sanitized() {
  const char* flag = std::getenv("RISKCAST_SANITIZED");
  return flag && std::string(flag) == "1";
}

// What `compute` returns on one process, then on each rank of `ranks`
// simulated ranks; every rank must return exactly the first.
template <typename Compute>
void expect_same_on_ranks(int ranks, Compute&& compute, const std::string& what) {
  const std::string alone = compute();
  std::vector<std::string> on_rank(static_cast<std::size_t>(ranks));
  const auto thrown = on_thread_ranks(ranks, [&](int r) { on_rank[r] = compute(); });
  for (int r = 0; r < ranks; ++r) {
    if (thrown[r]) {
      try {
        std::rethrow_exception(thrown[r]);
      } catch (const std::exception& e) {
        ADD_FAILURE() << what << ": rank " << r << " of " << ranks << " threw " << e.what();
      }
      continue;
    }
    EXPECT_EQ(on_rank[r], alone) << what << ": rank " << r << " of " << ranks;
  }
}

TEST(RankShare, ContiguousSharesDifferingByOneAtMost) {
  for (std::uint64_t n :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{7}, std::uint64_t{1'000'003}, kMaxSamples})
    for (int ranks : {1, 2, 3, 16, 1 << 30}) {
      std::uint64_t next = 0, least = ~std::uint64_t{0}, most = 0;
      for (int r = 0; r < std::min(ranks, 64); ++r) {
        const RankShare s = rank_share(n, r, ranks);
        EXPECT_EQ(s.first, next) << n << " over " << ranks;
        least = std::min(least, s.end - s.first);
        most = std::max(most, s.end - s.first);
        next = s.end;
      }
      if (ranks <= 64) {
        EXPECT_EQ(next, n);
      }
      EXPECT_LE(most - least, 1u) << n << " over " << ranks;
      EXPECT_EQ(rank_share(n, ranks - 1, ranks).end, n);
    }
  EXPECT_THROW(rank_share(10, 3, 3), std::invalid_argument);
}

// Every kind of run a command makes: plain, methods, a first sample, fewer
// samples than ranks, precision targets, and a streamed run (every rank
// streams the whole range; its result must not differ either).
TEST(RunsOnRanks, GiveTheBytesOfOneProcess) {
  const LoadedModel reference = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  const LoadedModel flagship = LoadedModel::from_file(source_path("configs/china-2026.yaml"));
  struct Case {
    const LoadedModel* model;
    RunOptions options;
    std::string what;
  };
  std::vector<Case> cases;
  RunOptions plain;
  plain.samples = sanitized() ? 10'001 : 30'001;
  plain.seed = 5;
  plain.threads = 1;
  cases.push_back({&reference, plain, "reference"});
  cases.push_back({&flagship, plain, "flagship"});
  RunOptions later = plain;
  later.first_sample = 12'345;
  cases.push_back({&flagship, later, "flagship from sample 12,345"});
  RunOptions lhs = plain;
  lhs.method = SamplingMethod::lhs;
  cases.push_back({&flagship, lhs, "flagship lhs"});
  RunOptions qmc = plain;
  qmc.method = SamplingMethod::qmc;
  qmc.samples = 4096;
  qmc.replicates = 8;
  cases.push_back({&reference, qmc, "reference qmc, 8 replicates"});
  RunOptions few = plain;
  few.samples = 2;
  cases.push_back({&reference, few, "2 samples"});
  RunOptions precise = plain;
  precise.samples = 60'000;
  precise.precision = {{reference.outputs().front().name, std::nullopt, 0.001, false}};
  cases.push_back({&reference, precise, "precision target"});
  RunOptions streamed = plain;
  streamed.samples = 70'001;
  streamed.storage = SampleStorage::streamed;
  cases.push_back({&reference, streamed, "streamed"});
  for (const Case& c : cases)
    for (int ranks : {2, 3})
      expect_same_on_ranks(
          ranks, [&] { return format_result(c.model->run(c.options), Format::Json); }, c.what);
  // More ranks than samples: some ranks sample nothing.
  expect_same_on_ranks(
      5, [&] { return format_result(reference.run(few), Format::Json); }, "2 samples over 5 ranks");
}

// A streamed run over ranks: each rank samples every R-th chunk; chunk
// sums, counts and kept values are merged after each window and pass.
// Windows of one chunk, budgets that force refinement passes, several
// scenarios with probability outputs (paired gains and losses),
// exceedances, and fewer chunks than ranks.
TEST(RunsOnRanks, StreamedRunsMergeWhatEachRankCounted) {
  const LoadedModel flagship = LoadedModel::from_file(source_path("configs/china-2026.yaml"));
  const std::string first_output = flagship.outputs().front().name;
  auto request_of = [&](std::uint64_t samples) {
    RunRequest request;  // made on the calling (rank's) thread: its settings take the rank's group
    request.settings.samples = samples;
    request.settings.seed = 5;
    request.settings.threads = 2;
    request.percentiles = with_standard_percentiles(std::vector<double>{0.0001, 0.9999});
    request.exceedances = {{first_output, 0.3}};
    request.scenarios = {"base", "h200_open", "us_full_ban"};  // paired with the first: gains and losses
    return request;
  };
  struct Case {
    std::uint64_t samples;
    SelectionBudget budget;
  };
  std::vector<Case> cases = {
      {70'000, SelectionBudget{4, 64, 0, 1}}, {70'000, SelectionBudget{64, 8, 1000, 2}}, {1'000, SelectionBudget{}}};
  if (!sanitized()) cases.push_back({140'000, SelectionBudget{}});
  for (const Case& c : cases) {
    const std::string kept = format_result(run_model(flagship.ir(), request_of(c.samples)), Format::Json);
    for (int ranks : {2, 3}) {
      std::vector<std::string> json(static_cast<std::size_t>(ranks));
      const auto thrown = on_thread_ranks(ranks, [&](int r) {
        json[r] = format_result(run_model_streamed(flagship.ir(), request_of(c.samples), c.budget), Format::Json);
      });
      for (int r = 0; r < ranks; ++r) {
        EXPECT_FALSE(thrown[r]) << "rank " << r;
        EXPECT_EQ(json[r], kept) << c.samples << " samples, rank " << r << " of " << ranks << ", budget "
                                 << c.budget.coarse_buckets << "/" << c.budget.gathered_values;
      }
    }
  }
}

// Ranks with different numbers of threads (machines of different sizes):
// the memory estimate counts threads, so a limit between one rank's
// estimate and another's would have one keep its samples and the other
// stream, and the two wait for each other for ever. The estimate takes
// the most threads of any rank, and every rank decides alike.
TEST(RunsOnRanks, RanksOfDifferentSizesDecideAlike) {
  const LoadedModel model = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  RunOptions options;
  options.samples = 100'001;
  RunOptions one = options;
  one.threads = 1;
  RunOptions four = options;
  four.threads = 4;
  const std::uint64_t low = model.estimate_memory(one).total(options.samples);
  const std::uint64_t high = model.estimate_memory(four).total(options.samples);
  ASSERT_LT(low, high);
  options.memory_limit = (low + high) / 2;
  std::vector<std::string> outcome(2);
  const auto thrown = on_thread_ranks(2, [&](int r) {
    tbb::task_arena arena(r == 0 ? 1 : 4);  // rank 0: 1 thread; rank 1: 4
    arena.execute([&] {
      try {
        outcome[r] = format_result(model.run(options), Format::Json);
      } catch (const std::exception& e) {
        outcome[r] = e.what();
      }
    });
  });
  EXPECT_FALSE(thrown[0]);
  EXPECT_FALSE(thrown[1]);
  EXPECT_EQ(outcome[0], outcome[1]);
  RunOptions streamed = options;
  streamed.memory_limit = 0;
  streamed.storage = SampleStorage::streamed;
  EXPECT_EQ(outcome[0], format_result(model.run(streamed), Format::Json)) << "the limit should make both stream";
}

// Ranks on one machine share its memory: each counts its share of what the
// machine has available (threads of one process: all of them), and a
// refusal says so; one process has no share to name.
TEST(RunsOnRanks, RanksOnOneMachineCountTheirShareOfItsMemory) {
  const LoadedModel model = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  RunOptions options;
  options.samples = kMaxSamples;
  options.storage = SampleStorage::in_memory;
  std::vector<std::string> said(3);
  const auto thrown = on_thread_ranks(3, [&](int r) {
    try {
      model.run(options);
    } catch (const ResourceError& e) {
      said[r] = e.what();
    }
  });
  for (int r = 0; r < 3; ++r) {
    EXPECT_FALSE(thrown[r]);
    EXPECT_NE(said[r].find(" is available to each of the 3 processes on this machine; "), std::string::npos) << said[r];
  }
  try {
    model.run(options);
    ADD_FAILURE() << "ran";
  } catch (const ResourceError& e) {
    EXPECT_EQ(std::string(e.what()).find("processes"), std::string::npos) << e.what();
  }
  // A group of one made from a rank (a batch's whole run): one process, its
  // share of the machine kept.
  on_thread_ranks(2, [&](int) {
    AloneOnMachine solo(*active_ranks());
    EXPECT_EQ(solo.size(), 1);
    EXPECT_EQ(solo.rank(), 0);
    EXPECT_EQ(solo.ranks_on_machine(), 2);
    std::string text = "kept";
    solo.broadcast(text, 0);
    std::uint64_t word = 7;
    solo.min(std::span(&word, 1));
    EXPECT_EQ(text, "kept");
    EXPECT_EQ(word, 7u);
    const RankScope scope(&solo);
    EXPECT_TRUE(writes_files());
    try {
      model.run(options);
    } catch (const ResourceError& e) {
      EXPECT_NE(std::string(e.what()).find("to each of the 2 processes"), std::string::npos) << e.what();
    }
  });
}

// A failing sample in a streamed run over ranks: the first scenario with
// an error, its lowest sample, on every rank, as one process reports it.
TEST(RunsOnRanks, StreamedRunErrorsAreTheSameOnEveryRank) {
  const LoadedModel model = LoadedModel::from_text(testing::kLaterScenarioFailsEarlier, "failing.yaml");
  auto message = [&](SampleStorage storage) {
    RunOptions options;
    options.samples = 300'000;
    options.threads = 1;
    options.storage = storage;
    try {
      model.run(options);
    } catch (const ModelError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string alone = message(SampleStorage::in_memory);
  ASSERT_NE(alone, "no error");
  for (int ranks : {2, 3}) {
    std::vector<std::string> on_rank(static_cast<std::size_t>(ranks));
    const auto thrown = on_thread_ranks(ranks, [&](int r) { on_rank[r] = message(SampleStorage::streamed); });
    for (int r = 0; r < ranks; ++r) {
      EXPECT_FALSE(thrown[r]) << "rank " << r;
      EXPECT_EQ(on_rank[r], alone) << "rank " << r << " of " << ranks;
    }
  }
}

TEST(RunsOnRanks, SensitivityAndBaselinesGiveTheBytesOfOneProcess) {
  const LoadedModel model = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  SensitivityOptions rank;
  rank.samples = 20'001;
  rank.threads = 1;
  SensitivityOptions sobol = rank;
  sobol.method = SensitivityMethod::sobol;
  sobol.samples = 2'000;
  RunOptions run;
  run.samples = 30'001;
  run.threads = 1;
  for (int ranks : {2, 3}) {
    expect_same_on_ranks(
        ranks, [&] { return format_sensitivity(model.sensitivity(rank), Format::Json); }, "rank");
    expect_same_on_ranks(
        ranks, [&] { return format_sensitivity(model.sensitivity(sobol), Format::Json); }, "sobol");
    expect_same_on_ranks(
        ranks, [&] { return format_baseline(record_baseline(model, run, "reference.yaml")); }, "baseline");
  }
}

// A sample that fails only in the last rank's share (seed 19: the first
// failing sample of 30,000 is 26,786, beyond 6/7 of them), and failures on
// every rank (the lowest one wins): every rank throws what one process
// throws, none hangs.
TEST(RunsOnRanks, AFailingSampleIsTheSameErrorOnEveryRank) {
  for (const char* threshold : {"0.9999", "0.999"}) {
    const LoadedModel model = LoadedModel::from_text(fmt::format(R"m(parameters:
  u: uniform(0, 1)
outputs:
  x: "u > {} ? log(-u) : u"
)m",
                                                                 threshold),
                                                     "failing.yaml");
    RunOptions options;
    options.samples = 30'000;
    options.seed = 19;
    options.threads = 1;
    auto error_of = [&]() -> std::string {
      try {
        model.run(options);
      } catch (const ModelError& e) {
        return e.diagnostics().format();
      }
      return "no error";
    };
    const std::string alone = error_of();
    ASSERT_NE(alone, "no error");
    if (std::string(threshold) == "0.9999") {
      ASSERT_NE(alone.find("in sample 26786"), std::string::npos) << alone;
    }
    for (int ranks : {2, 3, 7}) {
      std::vector<std::string> on_rank(static_cast<std::size_t>(ranks));
      const auto thrown = on_thread_ranks(ranks, [&](int r) { on_rank[r] = error_of(); });
      for (int r = 0; r < ranks; ++r) {
        EXPECT_FALSE(thrown[r]) << "rank " << r;
        EXPECT_EQ(on_rank[r], alone) << "rank " << r << " of " << ranks;
      }
    }
  }
}

TEST(RunsOnRanks, OnlyRankZeroWritesFiles) {
  const fs::path dir = fs::temp_directory_path() / fs::path("riskcast-ranks-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::mutex mutex;
  std::vector<bool> wrote;
  on_thread_ranks(3, [&](int r) {
    const std::string path = (dir / ("rank" + std::to_string(r) + ".txt")).string();
    write_file_atomically(path, "text");
    StagedFiles files;
    files.create_folders((dir / ("folder" + std::to_string(r))).string());
    files.commit();
    std::lock_guard lock(mutex);
    wrote.push_back(writes_files());
  });
  EXPECT_TRUE(fs::exists(dir / "rank0.txt"));
  EXPECT_TRUE(fs::is_directory(dir / "folder0"));
  for (const char* absent : {"rank1.txt", "rank2.txt", "folder1", "folder2"}) EXPECT_FALSE(fs::exists(dir / absent));
  EXPECT_EQ(std::count(wrote.begin(), wrote.end(), true), 1);
  EXPECT_TRUE(writes_files());  // no scope here: one process writes
  fs::remove_all(dir);
}

// Rank 0 alone checks output paths (it alone writes them); the others do
// not, so that no rank can take a step of the check the others skip.
TEST(RunsOnRanks, OutputPathsAreCheckedByRankZeroAlone) {
  std::vector<std::string> messages(3);
  const auto thrown = on_thread_ranks(3, [&](int r) {
    try {
      check_file_writable("/nonexistent-riskcast-folder/result.json");
      check_folder_writable("/proc/version/plots");
    } catch (const FileError& e) {
      messages[r] = e.what();
    }
  });
  EXPECT_NE(messages[0].find("/nonexistent-riskcast-folder/result.json"), std::string::npos) << messages[0];
  for (int r = 0; r < 3; ++r) EXPECT_FALSE(thrown[r]);
  EXPECT_EQ(messages[1], "");
  EXPECT_EQ(messages[2], "");
}

}  // namespace
}  // namespace riskcast
