// riskcast run --export: every sample's values, the run's own.
#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "riskcast/sensitivity.hpp"
#include "riskcast/statistics.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

const std::string kReference = source_path("bench/models/reference.yaml");

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<double> column(const std::string& name, const std::string& scenario) const {
    const auto at = static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    EXPECT_LT(at, header.size()) << name;
    std::vector<double> values;
    for (const auto& row : rows) {
      if (row[1] != scenario) continue;
      double v = 0;
      const auto [end, ec] = std::from_chars(row[at].data(), row[at].data() + row[at].size(), v);
      EXPECT_TRUE(ec == std::errc() && end == row[at].data() + row[at].size()) << row[at];
      values.push_back(v);
    }
    return values;
  }
};

Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  Csv csv;
  std::string line;
  auto split = [](const std::string& text) {
    std::vector<std::string> cells;
    std::stringstream ss(text);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    return cells;
  };
  if (std::getline(in, line)) csv.header = split(line);
  while (std::getline(in, line)) csv.rows.push_back(split(line));
  return csv;
}

// The exported output column is the column the run summarised: its mean
// and percentiles, recomputed from the file, are the run's to the bit.
TEST(ExportCommand, ValuesAreTheRunsOwn) {
  TempDir dir;
  const std::string file = dir.path() + "/samples.csv";
  const CommandResult r = run_riskcast({"run", source_path("configs/china-2026.yaml"), "--samples", "3000", "--seed",
                                        "5", "--scenario", "base", "--scenario", "h200_open", "--format", "json",
                                        "--export", file, "--export-columns", "nvidia_share_value,demand_total"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const Csv csv = read_csv(file);
  ASSERT_EQ(csv.header, (std::vector<std::string>{"sample", "scenario", "nvidia_share_value", "demand_total"}));
  const nlohmann::json result = nlohmann::json::parse(r.out);
  const std::size_t scenarios = result["scenarios"].size();
  ASSERT_EQ(scenarios, 2u);
  ASSERT_EQ(csv.rows.size(), 3000 * scenarios);
  for (std::size_t i = 0; i < 3000; ++i) ASSERT_EQ(csv.rows[i][0], std::to_string(i));
  for (const auto& scenario : result["scenarios"]) {
    const std::string name = scenario["name"];
    std::vector<double> column = csv.column("nvidia_share_value", name);
    ASSERT_EQ(column.size(), 3000u);
    const OutputSummary summary = summarize(column);
    const auto& expected = scenario["outputs"]["nvidia_share_value"];
    EXPECT_EQ(summary.mean, expected["mean"].get<double>()) << name;
    for (std::size_t p = 0; p < summary.percentiles.size(); ++p)
      EXPECT_EQ(summary.percentiles[p].value, expected["percentiles"][p]["value"].get<double>()) << name;
  }
}

// Spearman's ρ of each parameter against the output, computed from the
// exported samples, is `riskcast sensitivity`'s for the same samples.
TEST(ExportCommand, SpearmanFromTheFileIsSensitivitysRho) {
  TempDir dir;
  const std::string file = dir.path() + "/samples.csv";
  const std::vector<std::string> common = {"--samples", "4000", "--seed", "11", "--scenario", "base"};
  std::vector<std::string> run = {"run", kReference, "--export", file};
  run.insert(run.end(), common.begin(), common.end());
  const CommandResult exported = run_riskcast(run);
  ASSERT_EQ(exported.exit_status, 0) << exported.err;
  std::vector<std::string> analyse = {"sensitivity", kReference, "--format", "json"};
  analyse.insert(analyse.end(), common.begin(), common.end());
  const CommandResult sensitivity = run_riskcast(analyse);
  ASSERT_EQ(sensitivity.exit_status, 0) << sensitivity.err;
  const nlohmann::json doc = nlohmann::json::parse(sensitivity.out);
  const Csv csv = read_csv(file);
  const std::vector<double> output = csv.column(doc["output"].get<std::string>(), "base");
  std::size_t compared = 0;
  for (const auto& driver : doc["tornado"]) {
    if (driver["kind"] != "parameter" || driver["rho"].is_null()) continue;
    const std::vector<double> input = csv.column(driver["name"].get<std::string>(), "base");
    EXPECT_EQ(spearman(input, output).rho, driver["rho"].get<double>()) << driver["name"];
    ++compared;
  }
  EXPECT_GE(compared, 10u);
}

TEST(ExportCommand, BadColumnsAndRefusalsWriteNothing) {
  TempDir dir;
  const std::string file = dir.path() + "/samples.csv";
  expect_one_line_usage_error(
      run_riskcast({"run", kReference, "-n", "100", "--export", file, "--export-columns", "demand_totl"}),
      "unknown column");
  expect_one_line_usage_error(run_riskcast({"run", kReference, "-n", "100", "--export-columns", "demand_total"}),
                              "columns without --export");
  expect_one_line_usage_error(
      run_riskcast({"run", kReference, "-n", "100", "--export", file, "--export-columns", "demand_total,,x"}),
      "empty name");
  // Every sample kept: far more memory than any machine has, refused before sampling.
  const CommandResult huge = run_riskcast({"run", kReference, "-n", "1e12", "--export", file});
  EXPECT_EQ(huge.exit_status, 2);
  EXPECT_NE(huge.err.find("riskcast: error:"), std::string::npos) << huge.err;
  // A model that fails while sampling leaves no file.
  const std::string model = dir.write("sqrt.yaml",
                                      "model: x\nparameters:\n  a:\n    dist: uniform(-1, 1)\noutputs:\n  r:\n    "
                                      "formula: sqrt(a)\n");
  const CommandResult failed = run_riskcast({"run", model, "-n", "100", "--export", file});
  EXPECT_EQ(failed.exit_status, 2);
  EXPECT_NE(failed.err.find(model + ":7:"), std::string::npos) << failed.err;
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()),
            1);  // sqrt.yaml alone: no temporary file left either
}

// `*` stands for the run's outputs (those --output names) and every
// parameter, wherever it is in the list; a name that is not a column says
// what it is, or what it resembles whatever its case; a column named like
// the file's own `sample` or `scenario` columns is refused.
TEST(ExportCommand, StarNamesAndClashes) {
  TempDir dir;
  const std::string file = dir.path() + "/samples.csv";
  auto header_of = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", kReference, "-n", "20", "--scenario", "base", "--export", file};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 0) << r.err;
    return read_csv(file).header;
  };
  const std::vector<std::string> all = header_of({});
  EXPECT_EQ(header_of({"--export-columns", "*"}), all);
  // Every output, then every parameter from the first, demand_total.
  const auto parameters = std::find(all.begin(), all.end(), "demand_total");
  ASSERT_NE(parameters, all.end());
  ASSERT_GT(parameters - all.begin(), 7);
  EXPECT_EQ(std::vector<std::string>(all.begin(), all.begin() + 7),
            (std::vector<std::string>{"sample", "scenario", "nvidia_share_value", "nvidia_share_units",
                                      "domestic_units", "nvidia_units", "unmet_demand"}));
  // With --output, `*` is the outputs run, then every parameter.
  const std::vector<std::string> one = header_of({"--output", "nvidia_share_value", "--export-columns", "*"});
  EXPECT_EQ(one, header_of({"--output", "nvidia_share_value"}));
  std::vector<std::string> expected = {"sample", "scenario", "nvidia_share_value"};
  expected.insert(expected.end(), parameters, all.end());
  EXPECT_EQ(one, expected);
  // Among names: each named column where it is, `*` the rest where it stands.
  const std::vector<std::string> mixed = header_of({"--export-columns", "demand_total, *,domestic_units"});
  ASSERT_EQ(mixed.size(), all.size());
  EXPECT_EQ(mixed[2], "demand_total");
  EXPECT_EQ(mixed.back(), "domestic_units");
  EXPECT_EQ(mixed[3], "nvidia_share_value");

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--export-columns", "us_export"},
       "--export-columns: 'us_export' is an event of " + kReference +
           ", not an output or a parameter: only those are columns"},
      {{"--export-columns", "nv_legal"}, "'nv_legal' is a monthly formula of"},
      {{"--export-columns", "NVIDIA_share_value"}, "(did you mean `nvidia_share_value`?)"},
      {{"--export-columns", "*,*"}, "column '*' is listed twice"},
      {{"--output", "domestic_units", "--export-columns", "*,nvidia_units"},
       "column 'nvidia_units' is an output that the run does not evaluate"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", kReference, "-n", "20", "--export", dir.path() + "/x.csv"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CommandResult r = run_riskcast(args);
    expect_one_line_usage_error(r, c.args.back());
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }

  // A parameter `sample` and an output `scenario` would give a header
  // `sample,scenario,scenario,sample`.
  const std::string names = dir.write("names.yaml",
                                      "model: names\nparameters:\n  sample: uniform(0, 1)\n  x: uniform(0, 1)\n"
                                      "outputs:\n  scenario: sample * 2\n  y: x\n");
  const std::string out = dir.path() + "/names.csv";
  const CommandResult clash = run_riskcast({"run", names, "-n", "10", "--export", out});
  expect_one_line_usage_error(clash, "default columns of names.yaml");
  EXPECT_NE(clash.err.find("--export: 'sample' cannot be a column of the export, whose first two columns are "
                           "`sample` and `scenario`: the file would hold two columns named `sample`; choose the "
                           "columns with --export-columns"),
            std::string::npos)
      << clash.err;
  const CommandResult named =
      run_riskcast({"run", names, "-n", "10", "--export", out, "--export-columns", "y,scenario"});
  expect_one_line_usage_error(named, "--export-columns y,scenario");
  EXPECT_NE(named.err.find("'scenario' cannot be a column of the export"), std::string::npos) << named.err;
  EXPECT_NE(named.err.find("leave it out of --export-columns"), std::string::npos) << named.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  const CommandResult other = run_riskcast({"run", names, "-n", "10", "--export", out, "--export-columns", "y,x"});
  ASSERT_EQ(other.exit_status, 0) << other.err;
  EXPECT_EQ(read_csv(out).header, (std::vector<std::string>{"sample", "scenario", "y", "x"}));
}

}  // namespace
}  // namespace riskcast::testing
