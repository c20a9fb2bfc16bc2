#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

TEST(RunCommand, JsonIsBitIdenticalForOneAndTwoThreads) {
  const std::string model = source_path("bench/models/reference.yaml");
  CommandResult one = run_riskcast({"run", model, "--samples", "20000", "--threads", "1", "--format", "json"});
  CommandResult two = run_riskcast({"run", model, "--samples", "20000", "--threads", "2", "--format", "json"});
  ASSERT_EQ(one.exit_status, 0) << one.err;
  ASSERT_EQ(two.exit_status, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out.find("\"schema\": \"riskcast.result/1\""), std::string::npos);
}

}  // namespace
}  // namespace riskcast::testing

namespace riskcast::testing {
namespace {

const std::string kReference = source_path("bench/models/reference.yaml");

TEST(RunCommand, BadValuesExitTwoWithOneClearLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"--samples", "abc"}, {"--samples", "0"},     {"--threads", "-1"},   {"--seed", "1.5"},
      {"--format", "xml"},  {"--scenario", "bsae"}, {"--block-size", "0"}, {"--bogus"}};
  for (const auto& extra : cases) {
    std::vector<std::string> args = {"run", kReference};
    args.insert(args.end(), extra.begin(), extra.end());
    expect_one_line_usage_error(run_riskcast(args), extra[0]);
  }
}

// NaN is named as such (fmt alone prints "-nan"), and min() of a series
// passes a NaN month on to the output check instead of hiding it.
// Every whole-number option is read exactly: a seed past 2^64 − 1 written
// as a decimal ran with seed 0 and exit status 0; a fraction was truncated.
TEST(RunCommand, WholeNumberOptionsAreExactOrRefused) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--seed", "18446744073709551616.0"},
       "--seed must be a whole number from 0 to 18446744073709551615 (1e6, 1_000_000 …); '18446744073709551616.0' is "
       "larger than 18446744073709551615"},
      {{"--seed", "1e20"}, "'1e20' is larger than 18446744073709551615"},
      {{"--seed", "-1"}, "'-1' is negative"},
      {{"--samples", "1e6.5"}, "'1e6.5' is not a number"},
      {{"--samples", "12.0000000001"}, "'12.0000000001' is not a whole number"},
      {{"--threads", "2.5"}, "'2.5' is not a whole number"},
      {{"--block-size", "1e4"},
       "--block-size must be a whole number from 1 to 4096 (1e6, 1_000_000 …); '1e4' is "
       "larger than 4096"},
      {{"--samples", "1,000"}, "'1,000' is not a number (group digits with `_`, as in 1_000_000, not with commas)"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", kReference};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CommandResult r = run_riskcast(args);
    expect_one_line_usage_error(r, c.args[0] + " " + c.args[1]);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  // Spellings that are whole numbers run, and give the same result as plain digits.
  const CommandResult plain = run_riskcast({"run", kReference, "--samples", "2000", "--seed", "12", "--format", "csv"});
  ASSERT_EQ(plain.exit_status, 0) << plain.err;
  for (const auto& [samples, seed] :
       std::vector<std::pair<std::string, std::string>>{{"2e3", "12.0"}, {"2_000", "1.2e1"}, {"2000.", "12_0e-1"}}) {
    const CommandResult r = run_riskcast({"run", kReference, "--samples", samples, "--seed", seed, "--format", "csv"});
    ASSERT_EQ(r.exit_status, 0) << r.err;
    EXPECT_EQ(r.out, plain.out) << samples << " " << seed;
  }
}

TEST(RunCommand, NonFiniteValuesAreNamedInErrors) {
  TempDir dir;
  const std::string output_nan = dir.write(
      "nan.yaml",
      "horizon: 3\nparameters:\n  a: uniform(1, 2)\nmonthly:\n  x: \"month == 2 ? sqrt(-a) : a\"\noutputs:\n  lo: "
      "min(x)\n");
  CommandResult r = run_riskcast({"run", output_nan, "--samples", "100"});
  EXPECT_EQ(r.exit_status, 2);
  // The error names its cause: the square root, where it stands in the formula.
  EXPECT_NE(r.err.find("nan.yaml:5:20: error: output `lo` is NaN in sample 0: sqrt(-"), std::string::npos) << r.err;
  const std::string hazard_nan =
      dir.write("hazard.yaml",
                "parameters:\n  a: uniform(1, 2)\nevents:\n  s:\n    kind: switch\n    initial: 0\n    on: sqrt(-a)\n"
                "outputs:\n  o: sum(s)\n");
  r = run_riskcast({"run", hazard_nan, "--samples", "100"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("evaluated to NaN in sample 0"), std::string::npos) << r.err;
}

TEST(RunCommand, AFailedRunLeavesNoOutputFile) {
  TempDir dir;
  // Every sample divides by zero: the run fails after sampling has started.
  const std::string model = dir.write("bad.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: x / 0\n");
  const std::string out = dir.path() + "/result.json";
  const CommandResult r = run_riskcast({"run", model, "--samples", "1000", "--out", out});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("bad.yaml:4:8: error: output `o` is infinite in sample 0: "), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename(), "bad.yaml") << "left behind: " << entry.path();
}

TEST(RunCommand, OutWritesTheFormatItsExtensionNames) {
  TempDir dir;
  const std::string csv = dir.path() + "/r.csv", md = dir.path() + "/r.md";
  ASSERT_EQ(run_riskcast({"run", kReference, "--samples", "2000", "--out", csv}).exit_status, 0);
  ASSERT_EQ(run_riskcast({"run", kReference, "--samples", "2000", "--out", md}).exit_status, 0);
  std::ifstream c(csv), m(md);
  std::string header, first;
  std::getline(c, header);
  EXPECT_EQ(header, "scenario,output,mean,sd,P1,P5,P10,P25,P50,P75,P90,P95,P99");
  std::getline(m, first);
  EXPECT_NE(first.find("2000 samples"), std::string::npos);
}

TEST(RunCommand, RefusesARunThatWouldNotFitInMemoryUpFront) {
  const CommandResult r = run_riskcast({"run", kReference, "--samples", "1099511627776"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("bytes per sample"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace riskcast::testing
