#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "riskcast/statistics.hpp"
#include "riskcast/version.hpp"
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
  // A Latin hypercube keeps its design's samples: it cannot stream (docs/scale.md).
  const CommandResult r = run_riskcast({"run", kReference, "--samples", "1099511627776", "--method", "lhs"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("bytes per sample"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(the run cannot be streamed: a Latin hypercube"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace riskcast::testing

namespace riskcast::testing {
namespace {

// The model: u ~ uniform(0, 1), output x = u. At 1 and 2 samples
// every interval the data cannot bound is shown open in every format that
// shows intervals, never as ±0 or a narrower finite end.
TEST(RunCommand, OpenIntervalsAreShownAsSuch) {
  TempDir dir;
  const std::string model = dir.write("u.yaml", "parameters:\n  u: uniform(0, 1)\noutputs:\n  x: u\n");
  const CommandResult one = run_riskcast({"run", model, "--samples", "1"});
  ASSERT_EQ(one.exit_status, 0) << one.err;
  EXPECT_EQ(one.out.find("±0 "), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("±∞"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("∞: too few samples"), std::string::npos) << one.out;
  // The sd of one sample is undefined.
  EXPECT_NE(one.out.find("  —  "), std::string::npos) << one.out;

  const CommandResult json = run_riskcast({"run", model, "--samples", "2", "--format", "json"});
  ASSERT_EQ(json.exit_status, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  const auto& x = doc["scenarios"][0]["outputs"]["x"];
  // P1 of 2: open below, closed above at the larger sample (which holds the estimate).
  EXPECT_TRUE(x["percentiles"][0]["ci_low"].is_null());
  EXPECT_EQ(x["percentiles"][0]["ci_high"].get<double>(), x["max"].get<double>());
  EXPECT_LE(x["percentiles"][0]["value"].get<double>(), x["percentiles"][0]["ci_high"].get<double>());
  // P50 of 2: open on both sides.
  EXPECT_TRUE(x["percentiles"][4]["ci_low"].is_null());
  EXPECT_TRUE(x["percentiles"][4]["ci_high"].is_null());
  // The mean's Student-t interval at n = 2 is finite.
  EXPECT_LT(x["mean_ci_low"].get<double>(), x["mean"].get<double>());

  const auto single = nlohmann::json::parse(run_riskcast({"run", model, "--samples", "1", "--format", "json"}).out);
  const auto& s = single["scenarios"][0]["outputs"]["x"];
  EXPECT_TRUE(s["sd"].is_null());
  EXPECT_TRUE(s["mean_se"].is_null());
  EXPECT_TRUE(s["mean_ci_low"].is_null());
  EXPECT_TRUE(s["mean_ci_high"].is_null());

  // The CSV carries no intervals; its undefined sd is an empty field.
  const CommandResult csv = run_riskcast({"run", model, "--samples", "1", "--format", "csv"});
  const std::size_t row = csv.out.find("\nbase,x,");
  ASSERT_NE(row, std::string::npos) << csv.out;
  const std::size_t mean_end = csv.out.find(',', row + 8);
  EXPECT_EQ(csv.out.substr(mean_end, 2), ",,") << csv.out;
}

// A constant output has exactly its value as mean and 0 as sd (it printed
// mean 0.10000000000009417 and sd 9.4e−14 at 10^6 samples).
TEST(RunCommand, ConstantOutputHasExactMoments) {
  TempDir dir;
  const std::string model = dir.write("c.yaml", "outputs:\n  c: 0.1\n");
  const auto doc = nlohmann::json::parse(run_riskcast({"run", model, "--samples", "1000000", "--format", "json"}).out);
  const auto& c = doc["scenarios"][0]["outputs"]["c"];
  EXPECT_EQ(c["mean"].get<double>(), 0.1);
  EXPECT_EQ(c["sd"].get<double>(), 0.0);
  EXPECT_EQ(c["mean_ci_low"].get<double>(), 0.1);
  EXPECT_EQ(c["mean_ci_high"].get<double>(), 0.1);
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& extra) {
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// --percentiles adds columns between the standard ones; --exceed adds
// P(X > t) with its exact binomial interval; every format shows both, and
// the probability is the share of the exported samples strictly above t.
TEST(RunCommand, ChosenPercentilesAndExceedancesShowInEveryFormat) {
  TempDir dir;
  const std::string exported = dir.path() + "/samples.csv";
  const std::vector<std::string> args = {
      "run",      kReference,          "--samples", "2000",     "--scenario",
      "base",     "--percentiles",     "97.5, 80",  "--exceed", "nvidia_share_value=30%",
      "--exceed", "domestic_units=1e6"};
  const CommandResult json =
      run_riskcast(with(args, {"--format", "json", "--export", exported, "--export-columns", "nvidia_share_value"}));
  ASSERT_EQ(json.exit_status, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["engine_version"], kVersion);
  EXPECT_EQ(doc["numerics_version"], kNumericsVersion);
  EXPECT_EQ(doc["first_sample"], 0);
  const auto& share = doc["scenarios"][0]["outputs"]["nvidia_share_value"];
  std::vector<double> ps;
  for (const auto& q : share["percentiles"]) ps.push_back(q["p"]);
  EXPECT_EQ(ps, (std::vector<double>{0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.8, 0.90, 0.95, 0.975, 0.99}));
  ASSERT_EQ(share["exceedances"].size(), 1u);
  const auto& e = share["exceedances"][0];
  EXPECT_EQ(e["threshold"], 0.3);
  std::ifstream in(exported);
  std::string line;
  std::getline(in, line);  // header
  std::uint64_t above = 0, n = 0;
  while (std::getline(in, line)) {
    ++n;
    above += std::stod(line.substr(line.rfind(',') + 1)) > 0.3;
  }
  ASSERT_EQ(n, 2000u);
  EXPECT_EQ(e["probability"], static_cast<double>(above) / 2000.0);
  const auto [low, high] = proportion_interval(above, 2000);
  EXPECT_EQ(e["ci_low"], low);
  EXPECT_EQ(e["ci_high"], high);
  EXPECT_FALSE(doc["scenarios"][0]["outputs"]["nvidia_share_units"].contains("exceedances"));

  const CommandResult table = run_riskcast(with(args, {"--format", "table"}));
  ASSERT_EQ(table.exit_status, 0) << table.err;
  const std::string header = table.out.substr(
      table.out.find("output "), table.out.find('\n', table.out.find("output ")) - table.out.find("output "));
  EXPECT_LT(header.find(" P75 "), header.find(" P80 ")) << header;
  EXPECT_LT(header.find(" P80 "), header.find(" P90 ")) << header;
  EXPECT_LT(header.find(" P95 "), header.find(" P97.5 ")) << header;
  EXPECT_NE(table.out.find("nvidia_share_value > 30.0%"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("domestic_units > 1M"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("P(X > t): the share of samples strictly above t"), std::string::npos) << table.out;

  const CommandResult csv = run_riskcast(with(args, {"--format", "csv"}));
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
            "scenario,output,mean,sd,P1,P5,P10,P25,P50,P75,P80,P90,P95,P97.5,P99,P(>0.3),P(>0.3) ci_low,P(>0.3) "
            "ci_high,P(>1000000),P(>1000000) ci_low,P(>1000000) ci_high");
  // An output without a threshold leaves its fields empty.
  const std::size_t units = csv.out.find("base,nvidia_share_units,");
  ASSERT_NE(units, std::string::npos);
  EXPECT_NE(csv.out.substr(units, csv.out.find('\n', units) - units).find(",,,,,,"), std::string::npos);

  const CommandResult md = run_riskcast(with(args, {"--format", "markdown"}));
  ASSERT_EQ(md.exit_status, 0) << md.err;
  EXPECT_NE(md.out.find("| P80 | P90 | P95 | P97.5 | P99 |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| scenario | exceedance | P(X > t) | 95% CI |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| base | nvidia_share_value > 30.0% | "), std::string::npos) << md.out;
}

// Asking for a standard percentile changes nothing: the default output, byte for byte.
TEST(RunCommand, AStandardPercentileAddsNothing) {
  for (const char* format : {"table", "csv", "json", "markdown"}) {
    const std::vector<std::string> args = {"run", kReference, "--samples", "500", "--format", format};
    const CommandResult plain = run_riskcast(args);
    const CommandResult asked = run_riskcast(with(args, {"--percentiles", "50,5,99"}));
    ASSERT_EQ(plain.exit_status, 0) << plain.err;
    EXPECT_EQ(plain.out, asked.out) << format;
  }
}

TEST(RunCommand, BadPercentilesAndThresholdsExitTwoWithOneClearLine) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--percentiles", "0"},
       "--percentiles '0': '0' is outside 2.2250738585072014e-306 … 99.99999999999999, the percentiles strictly "
       "between 0 and 100 that riskcast can hold; give percentiles in percent, as in 80,97.5"},
      {{"--percentiles", "80,100"}, "'100' is outside 2.2250738585072014e-306 … 99.99999999999999"},
      {{"--percentiles", "0.975x"}, "'0.975x' is not a number"},
      {{"--percentiles", "80,,90"}, "--percentiles '80,,90': '' is empty"},
      {{"--exceed", "nvidia_share_valeu=0.3"},
       "--exceed 'nvidia_share_valeu=0.3': 'nvidia_share_valeu' is not an output of " + kReference +
           " (did you mean `nvidia_share_value`? outputs: "},
      {{"--exceed", "nvidia_share_value"},
       "--exceed 'nvidia_share_value' must be OUTPUT=VALUE, as in share=0.3 or share=0.3,0.5"},
      {{"--exceed", "nvidia_share_value=abc"},
       "--exceed 'nvidia_share_value=abc': the value 'abc' is not a number (a number in the output's units, as in "
       "0.3, 1e6 or 30%)"},
      {{"--exceed", "nvidia_share_value="}, "the value '' is empty"},
      {{"--exceed", "nvidia_share_value=1e999"}, "'1e999' is beyond the range of a double"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_riskcast(with({"run", kReference, "--samples", "100"}, c.args));
    expect_one_line_usage_error(r, c.args[1]);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace riskcast::testing
