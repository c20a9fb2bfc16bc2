// Where the commands write: links followed, devices and pipes written in
// place, `--out -` as stdout, every path checked before sampling, no two
// options writing one file, and --first-sample's splits.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

const std::string kModel = source_path("bench/models/reference.yaml");

// A small run's result as CSV, the text every --out below must hold.
std::vector<std::string> small_run(const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {"run", kModel, "--samples", "500", "--seed", "4", "--format", "csv"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string expected_csv() {
  const CommandResult r = run_riskcast(small_run());
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  return r.out;
}

TEST(OutputPaths, ASymlinkIsFollowedAndStaysALink) {
  TempDir dir;
  const std::string target = dir.write("target.txt", "old\n");
  const fs::path link = fs::path(dir.path()) / "link.csv";
  fs::create_symlink("target.txt", link);  // relative, as `ln -s target.txt link.csv` makes it
  const CommandResult r = run_riskcast(small_run({"--out", link.string()}));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(fs::read_symlink(link), fs::path("target.txt"));
  EXPECT_EQ(read_text(target), expected_csv());
  // A link to a file not there yet creates that file.
  const fs::path dangling = fs::path(dir.path()) / "new.csv";
  fs::create_symlink(fs::path(dir.path()) / "made.csv", dangling);
  ASSERT_EQ(run_riskcast(small_run({"--out", dangling.string()})).exit_status, 0);
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dangling)));
  EXPECT_EQ(read_text(fs::path(dir.path()) / "made.csv"), expected_csv());
}

TEST(OutputPaths, ANamedPipeIsWrittenInPlace) {
  TempDir dir;
  const std::string fifo = dir.path() + "/pipe.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read_text(fifo); });  // opening blocks until the writer opens
  const CommandResult r = run_riskcast(small_run({"--out", fifo}));
  reader.join();
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
  EXPECT_EQ(received, expected_csv());
}

TEST(OutputPaths, DevNullStaysADevice) {
  for (const std::vector<std::string>& args : {small_run({"--out", "/dev/null"}), small_run({"--export", "/dev/null"}),
                                               std::vector<std::string>{"describe", kModel, "--out", "/dev/null"}}) {
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 0) << args[0] << ": " << r.err;
    EXPECT_TRUE(fs::is_character_file(fs::symlink_status("/dev/null"))) << args[0];
  }
}

TEST(OutputPaths, DashAndDevStdoutAreStdout) {
  const std::string csv = expected_csv();
  for (const char* out : {"-", "/dev/stdout", "/dev/fd/1"}) {
    const CommandResult r = run_riskcast(small_run({"--out", out}));
    EXPECT_EQ(r.exit_status, 0) << out << ": " << r.err;
    EXPECT_EQ(r.out, csv) << out;
  }
  const CommandResult describe = run_riskcast({"describe", kModel, "--out", "-"});
  EXPECT_EQ(describe.exit_status, 0) << describe.err;
  EXPECT_EQ(describe.out, run_riskcast({"describe", kModel}).out);
  // A file-only option takes no "-".
  TempDir dir;
  expect_one_line_usage_error(run_riskcast(small_run({"--export", "-"})), "--export -");
}

// Each command refuses an output in a missing folder at once: the message
// comes from the check before sampling ("--out PATH: cannot write: …"), not from
// the write after it, and nothing is written.
TEST(OutputPaths, AMissingFolderIsFoundBeforeSampling) {
  TempDir dir;
  const std::string missing = dir.path() + "/nodir/x";
  const std::string samples = "100000000";  // minutes of sampling, were it not refused first
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", kModel, "-n", samples, "--out", missing + ".csv"}, "--out"},
      {{"run", kModel, "-n", samples, "--export", missing + ".csv"}, "--export"},
      {{"compare", kModel, "-n", samples, "--out", missing + ".csv"}, "--out"},
      {{"sensitivity", kModel, "-n", "1000", "--out", missing + ".csv"}, "--out"},
      {{"report", kModel, "-n", samples, "--out", missing + ".html"}, "--out"},
      {{"baseline", kModel, "-n", samples, "--out", missing + ".json"}, "--out"},
      {{"describe", kModel, "--out", missing + ".md"}, "--out"},
  };
  for (const auto& [args, option] : cases) {
    const CommandResult r = run_riskcast(args);
    expect_one_line_usage_error(r, args[0] + " " + option);
    EXPECT_EQ(r.err.rfind("riskcast: error: " + option + " " + missing, 0), 0u) << r.err;
    EXPECT_NE(r.err.find(": cannot write: folder '" + dir.path() + "/nodir' does not exist\n"), std::string::npos)
        << r.err;
  }
  EXPECT_FALSE(fs::exists(dir.path() + "/nodir"));

  // A --plot or batch --out folder under a file cannot be created.
  const std::string file = dir.write("file.txt", "x");
  expect_one_line_usage_error(run_riskcast({"run", kModel, "-n", samples, "--plot", file + "/charts"}), "--plot");
  const CommandResult batch =
      run_riskcast({"batch", source_path("configs/batches/china-2026.yaml"), "--out", file + "/results"});
  expect_one_line_usage_error(batch, "batch --out");
  EXPECT_NE(batch.err.find(": cannot write: '" + file + "' is not a folder"), std::string::npos) << batch.err;
}

TEST(OutputPaths, TwoOptionsNamingOneFileAreRefused) {
  TempDir dir;
  const std::string same = dir.path() + "/same.csv";
  const CommandResult r = run_riskcast(small_run({"--export", same, "--out", same}));
  expect_one_line_usage_error(r, "--export same --out same");
  EXPECT_EQ(r.err, "riskcast: error: --out and --export name the same file (" + same + " and " + same +
                       "); one would overwrite the other\n");
  EXPECT_FALSE(fs::exists(same));
  // The same file by another spelling, or through a link.
  expect_one_line_usage_error(run_riskcast(small_run({"--export", same, "--out", dir.path() + "/./same.csv"})),
                              "./same.csv");
  dir.write("target.csv", "");
  fs::create_symlink(dir.path() + "/target.csv", dir.path() + "/link.csv");
  expect_one_line_usage_error(
      run_riskcast(small_run({"--export", dir.path() + "/target.csv", "--out", dir.path() + "/link.csv"})),
      "a link to the export");
}

TEST(OutputPaths, AScenarioListedTwiceIsAUsageError) {
  const CommandResult r = run_riskcast(small_run({"--scenario", "base", "--scenario", "base"}));
  expect_one_line_usage_error(r, "--scenario base twice");
  EXPECT_NE(r.err.find("--scenario 'base' is listed twice"), std::string::npos) << r.err;
}

// Samples [0, 100) exported in one run are samples [0, 50) and [50, 100)
// exported by two, line for line (the header once).
TEST(OutputPaths, FirstSampleSplitsRejoin) {
  TempDir dir;
  auto exported = [&](const std::string& name, const std::string& first, const std::string& samples) {
    const std::string file = dir.path() + "/" + name;
    const CommandResult r = run_riskcast({"run", kModel, "--seed", "9", "--samples", samples, "--first-sample", first,
                                          "--export", file, "--out", "/dev/null"});
    EXPECT_EQ(r.exit_status, 0) << r.err;
    return read_text(file);
  };
  const std::string whole = exported("whole.csv", "0", "100");
  const std::string front = exported("front.csv", "0", "50");
  const std::string back = exported("back.csv", "50", "50");
  // Rows are by scenario, then sample: rejoin each scenario's rows.
  auto rows = [](const std::string& text) {
    std::istringstream in(text);
    std::string line, header;
    std::getline(in, header);
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    return std::make_pair(header, lines);
  };
  const auto [whole_header, whole_rows] = rows(whole);
  const auto [front_header, front_rows] = rows(front);
  const auto [back_header, back_rows] = rows(back);
  EXPECT_EQ(front_header, whole_header);
  EXPECT_EQ(back_header, whole_header);
  ASSERT_EQ(whole_rows.size(), front_rows.size() + back_rows.size());
  ASSERT_FALSE(back_rows.empty());
  EXPECT_EQ(back_rows.front().rfind("50,", 0), 0u) << back_rows.front();
  std::vector<std::string> rejoined;
  const std::size_t scenarios = whole_rows.size() / 100;
  for (std::size_t s = 0; s < scenarios; ++s) {
    rejoined.insert(rejoined.end(), front_rows.begin() + static_cast<std::ptrdiff_t>(50 * s),
                    front_rows.begin() + static_cast<std::ptrdiff_t>(50 * (s + 1)));
    rejoined.insert(rejoined.end(), back_rows.begin() + static_cast<std::ptrdiff_t>(50 * s),
                    back_rows.begin() + static_cast<std::ptrdiff_t>(50 * (s + 1)));
  }
  EXPECT_EQ(rejoined, whole_rows);
  // Beyond the last sample index: a usage error, not a run.
  expect_one_line_usage_error(run_riskcast({"run", kModel, "--samples", "10", "--first-sample", "1099511627775"}),
                              "--first-sample beyond the layout");
}

}  // namespace
}  // namespace riskcast::testing
