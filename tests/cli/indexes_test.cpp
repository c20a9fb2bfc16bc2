// Outputs over an index, one per element named `name[element]`, in every
// format, chart, baseline, regress, export and sensitivity of the command
// line (docs/language.md, "Indexes").
#include <gtest/gtest.h>

#include <filesystem>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

const std::string kModel =
    "indexes:\n"
    "  vendor: [huawei, cambricon]\n"
    "  product: [h20, h200]\n"
    "parameters:\n"
    "  capacity: {over: vendor, dist: [\"uniform(1, 2)\", \"uniform(3, 4)\"]}\n"
    "  price: {over: [vendor, product], dist: \"uniform(5, 6)\"}\n"
    "outputs:\n"
    "  cap: {over: vendor, formula: capacity}\n"
    "  revenue: {over: [vendor, product], formula: capacity * price}\n";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(IndexesCli, EveryFormatNamesEachElement) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", kModel);
  const CommandResult table = run_riskcast({"run", model, "-n", "2000"});
  ASSERT_EQ(table.exit_status, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "\ncap[cambricon] ")) << table.out;
  EXPECT_TRUE(contains(table.out, "\nrevenue[cambricon,h200] ")) << table.out;
  // CSV quotes the name with a comma (RFC 4180), not the one without.
  const CommandResult csv = run_riskcast({"run", model, "-n", "2000", "--format", "csv"});
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  EXPECT_TRUE(contains(csv.out, "\nbase,cap[huawei],")) << csv.out;
  EXPECT_TRUE(contains(csv.out, "\nbase,\"revenue[huawei,h20]\",")) << csv.out;
  const CommandResult json = run_riskcast({"run", model, "-n", "2000", "--format", "json"});
  ASSERT_EQ(json.exit_status, 0) << json.err;
  EXPECT_TRUE(contains(json.out, "\"revenue[huawei,h20]\"")) << json.out;
}

// An entry's name stands for all its elements where a list is asked for
// (--output, --export-columns), and says how to name one where one is.
TEST(IndexesCli, AnEntrysNameStandsForItsElements) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", kModel);
  const CommandResult run = run_riskcast({"run", model, "-n", "200", "--output", "revenue", "--format", "csv"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "\nbase,\"revenue[huawei,h20]\",")) << run.out;
  EXPECT_TRUE(contains(run.out, "\nbase,\"revenue[cambricon,h200]\",")) << run.out;
  EXPECT_FALSE(contains(run.out, "cap[")) << run.out;
  const std::string out = dir.path() + "/s.csv";
  const CommandResult exported =
      run_riskcast({"run", model, "-n", "200", "--export", out, "--export-columns", "capacity,cap"});
  ASSERT_EQ(exported.exit_status, 0) << exported.err;
  const std::string header = read_text(out).substr(0, read_text(out).find('\n'));
  EXPECT_EQ(header, "sample,scenario,capacity[huawei],capacity[cambricon],cap[huawei],cap[cambricon]");
  const CommandResult one = run_riskcast({"compare", model, "-n", "200", "--output", "cap"});
  EXPECT_EQ(one.exit_status, 2);
  EXPECT_TRUE(contains(one.err, "`cap` is over an index: name one element, `cap[huawei]`, `cap[cambricon]`"))
      << one.err;
}

TEST(IndexesCli, ChartsExportBaselinesAndSensitivity) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", kModel);
  const std::string plots = dir.path() + "/plots", exported = dir.path() + "/samples.csv";
  const CommandResult run = run_riskcast({"run", model, "-n", "2000", "--plot", plots, "--export", exported,
                                          "--export-columns", "revenue[huawei,h200],capacity[cambricon]"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  // Brackets and commas are dots in file names.
  EXPECT_TRUE(std::filesystem::exists(plots + "/base/cap.huawei.svg"));
  EXPECT_TRUE(std::filesystem::exists(plots + "/base/revenue.cambricon.h200.svg"));
  EXPECT_TRUE(std::filesystem::exists(plots + "/tornado_cap.huawei.svg"));
  EXPECT_TRUE(read_text(exported).starts_with("sample,scenario,\"revenue[huawei,h200]\",capacity[cambricon]\n"))
      << read_text(exported).substr(0, 200);

  const std::string baseline = dir.path() + "/baseline.json";
  const CommandResult recorded = run_riskcast({"baseline", model, "-n", "2000", "--out", baseline});
  ASSERT_EQ(recorded.exit_status, 0) << recorded.err;
  EXPECT_TRUE(contains(read_text(baseline), "\"revenue[cambricon,h20]\""));
  const CommandResult regress = run_riskcast({"regress", baseline});
  EXPECT_EQ(regress.exit_status, 0) << regress.out << regress.err;
  EXPECT_TRUE(contains(regress.out, "bit-identical")) << regress.out;

  const CommandResult sensitivity =
      run_riskcast({"sensitivity", model, "-n", "2000", "--output", "revenue[cambricon,h20]"});
  ASSERT_EQ(sensitivity.exit_status, 0) << sensitivity.err;
  EXPECT_TRUE(contains(sensitivity.out, "capacity[cambricon]")) << sensitivity.out;
  EXPECT_TRUE(contains(sensitivity.out, "price[cambricon,h20]")) << sensitivity.out;
}

}  // namespace
}  // namespace riskcast::testing
