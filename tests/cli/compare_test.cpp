// riskcast compare: one output across scenarios, one line each.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

const char* kModel = R"yaml(model: tiny
parameters:
  demand: uniform(100, 200)
events:
  policy:
    kind: regime
    states: [open, ban]
    initial: {open: 1}
outputs:
  sold:
    formula: "sum(policy == open ? demand : 0)"
    unit: units
  share:
    formula: "sum(policy == open ? 0.5 : 0) / 12"
    unit: share
scenarios:
  ban:
    description: banned all year
    events:
      policy: {fix: ban}
  half:
    parameters:
      demand: uniform(50, 100)
)yaml";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CompareCommand, OneLinePerScenarioOfTheFirstOutput) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult r = run_riskcast({"compare", model, "--samples", "20000", "--format", "csv"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], "scenario,output,mean,P5,P50,P95");
  EXPECT_EQ(lines[1].rfind("base,sold,", 0), 0u);
  EXPECT_EQ(lines[2], "ban,sold,0,0,0,0");
  EXPECT_EQ(lines[3].rfind("half,sold,", 0), 0u);
  // 12 months of uniform(100, 200): mean 1800, P50 near 1800, P5 near 1260.
  double mean = 0, p5 = 0, p50 = 0, p95 = 0;
  char comma = 0;
  std::istringstream base(lines[1].substr(std::string("base,sold,").size()));
  base >> mean >> comma >> p5 >> comma >> p50 >> comma >> p95;
  // Tolerances: sd of the output is 12 · 100/√12 ≈ 346; with 20,000 samples the
  // mean's SE is 2.4 and the quantiles' about 4–5; 30 is over six SEs.
  EXPECT_NEAR(mean, 1800, 30);
  EXPECT_NEAR(p5, 1260, 30);
  EXPECT_NEAR(p50, 1800, 30);
  EXPECT_NEAR(p95, 2340, 30);
}

TEST(CompareCommand, TableFormatsSharesAndNamesTheOutput) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult r = run_riskcast({"compare", model, "--samples", "1000", "--output", "share"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_NE(lines[0].find("share (share) by scenario · 1000 samples, seed 1"), std::string::npos) << r.out;
  EXPECT_EQ(lines[1], "scenario   mean     P5    P50    P95");
  EXPECT_EQ(lines[2], "base      50.0%  50.0%  50.0%  50.0%");
  EXPECT_EQ(lines[3], "ban        0.0%   0.0%   0.0%   0.0%");
  EXPECT_NE(lines[5].find("Monte Carlo error"), std::string::npos);
}

// Ten samples cannot bound P5's lower or P95's upper end: the error line
// says some intervals are open instead of a finite "at most".
TEST(CompareCommand, OpenIntervalsAreSaid) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  const CommandResult r = run_riskcast({"compare", model, "--samples", "10"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("some 95 % intervals of the numbers above are open"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("at most"), std::string::npos) << r.out;
}

TEST(CompareCommand, SameNumbersAsRunAndAnyThreadCount) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult one = run_riskcast({"compare", model, "--samples", "5000", "--threads", "1", "--format", "json"});
  CommandResult two = run_riskcast({"compare", model, "--samples", "5000", "--threads", "2", "--format", "json"});
  CommandResult run = run_riskcast({"run", model, "--samples", "5000", "--format", "csv"});
  CommandResult cmp = run_riskcast({"compare", model, "--samples", "5000", "--format", "csv"});
  ASSERT_EQ(one.exit_status, 0) << one.err;
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out.find("\"schema\": \"riskcast.result/1\""), std::string::npos);
  EXPECT_EQ(one.out.find("\"share\""), std::string::npos) << "json carries only the compared output";
  // compare's mean and P50 for base equal run's (same seed, same samples).
  const auto run_lines = lines_of(run.out), cmp_lines = lines_of(cmp.out);
  ASSERT_GE(run_lines.size(), 2u);
  ASSERT_GE(cmp_lines.size(), 2u);
  // run: scenario,output,mean,sd,P1,P5,P10,P25,P50,...; compare: scenario,output,mean,P5,P50,P95
  auto field = [](const std::string& line, int index) {
    std::istringstream in(line);
    std::string f;
    for (int i = 0; i <= index; ++i) std::getline(in, f, ',');
    return f;
  };
  EXPECT_EQ(field(run_lines[1], 0), "base");
  EXPECT_EQ(field(run_lines[1], 2), field(cmp_lines[1], 2));  // mean
  EXPECT_EQ(field(run_lines[1], 5), field(cmp_lines[1], 3));  // P5
  EXPECT_EQ(field(run_lines[1], 8), field(cmp_lines[1], 4));  // P50
}

TEST(CompareCommand, BadArgumentsExitTwo) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult bad_output = run_riskcast({"compare", model, "--output", "sould"});
  EXPECT_EQ(bad_output.exit_status, 2);
  EXPECT_NE(bad_output.err.find("`sold`"), std::string::npos) << bad_output.err;
  CommandResult bad_format = run_riskcast({"compare", model, "--format", "xml"});
  EXPECT_EQ(bad_format.exit_status, 2);
  CommandResult bad_samples = run_riskcast({"compare", model, "--samples", "0"});
  EXPECT_EQ(bad_samples.exit_status, 2);
  CommandResult bad_scenario = run_riskcast({"compare", model, "--scenario", "nope"});
  EXPECT_EQ(bad_scenario.exit_status, 2);
  CommandResult no_model = run_riskcast({"compare"});
  EXPECT_EQ(no_model.exit_status, 2);
  CommandResult help = run_riskcast({"compare", "--help"});
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("usage: riskcast compare"), std::string::npos);
}

// --percentiles adds columns to P5, P50, P95; --exceed of the compared
// output adds P(>t) per scenario: 0 exactly where the output never gets there.
TEST(CompareCommand, ChosenPercentilesAndExceedances) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  const std::vector<std::string> args = {"compare",       model, "--samples", "4000",
                                         "--percentiles", "80",  "--exceed",  "sold=1800"};
  std::vector<std::string> csv_args = args;
  csv_args.insert(csv_args.end(), {"--format", "csv"});
  CommandResult csv = run_riskcast(csv_args);
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  const auto lines = lines_of(csv.out);
  ASSERT_EQ(lines.size(), 4u) << csv.out;
  EXPECT_EQ(lines[0], "scenario,output,mean,P5,P50,P80,P95,P(>1800),P(>1800) ci_low,P(>1800) ci_high");
  // Never above: 0 with the exact upper end 1 − 0.025^(1/4000).
  ASSERT_EQ(lines[2].rfind("ban,sold,0,0,0,0,0,0,0,", 0), 0u) << lines[2];
  EXPECT_NEAR(std::stod(lines[2].substr(lines[2].rfind(',') + 1)), 1 - std::pow(0.025, 1.0 / 4000), 1e-12);
  // 12 months of uniform(100, 200) exceed their mean 1800 half the time;
  // 4000 samples give a standard error of 0.008, so 0.05 is six of them.
  std::istringstream base(lines[1]);
  std::string field;
  for (int i = 0; i < 8; ++i) std::getline(base, field, ',');
  EXPECT_NEAR(std::stod(field), 0.5, 0.05);

  std::vector<std::string> table_args = args;
  CommandResult table = run_riskcast(table_args);
  ASSERT_EQ(table.exit_status, 0) << table.err;
  const std::string header = lines_of(table.out).at(1);
  EXPECT_LT(header.find(" P50 "), header.find(" P80 ")) << header;
  EXPECT_LT(header.find(" P80 "), header.find(" P95 ")) << header;
  EXPECT_LT(header.find(" P95 "), header.find(" P(>1800)")) << header;
  EXPECT_NE(header.find(" P(>1800)"), std::string::npos) << header;
  EXPECT_NE(table.out.find("P(>t): the share of samples strictly above t"), std::string::npos) << table.out;

  std::vector<std::string> md_args = args;
  md_args.insert(md_args.end(), {"--format", "markdown"});
  CommandResult md = run_riskcast(md_args);
  ASSERT_EQ(md.exit_status, 0) << md.err;
  EXPECT_NE(md.out.find("| scenario | mean | P5 | P50 | P80 | P95 | P(>1800) | 95% CI |"), std::string::npos) << md.out;

  // Only the compared output can have an exceedance.
  CommandResult other = run_riskcast({"compare", model, "--exceed", "share=0.5"});
  expect_one_line_usage_error(other, "--exceed of another output");
  EXPECT_NE(other.err.find("--exceed names 'share', but compare shows only 'sold'"), std::string::npos) << other.err;
  CommandResult bad = run_riskcast({"compare", model, "--percentiles", "150"});
  expect_one_line_usage_error(bad, "--percentiles 150");
}

// Percentiles asked for show in every format, standard ones too: before,
// `--percentiles 1,99` showed nothing, compare keeping only P5, P50, P95
// and percentiles outside the standard set.
TEST(CompareCommand, EveryPercentileAskedForIsAColumn) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  auto compare = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"compare", model, "--samples", "500"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 0) << r.err;
    return lines_of(r.out);
  };
  EXPECT_EQ(compare({"--percentiles", "99,1", "--format", "csv"}).at(0), "scenario,output,mean,P1,P5,P50,P95,P99");
  EXPECT_EQ(compare({"--percentiles", "10,25", "--percentiles", "75,90,97.5", "--format", "csv"}).at(0),
            "scenario,output,mean,P5,P10,P25,P50,P75,P90,P95,P97.5");
  EXPECT_EQ(compare({"--percentiles", "1,99", "--format", "markdown"}).at(2),
            "| scenario | mean | P1 | P5 | P50 | P95 | P99 |");
  const std::string header = compare({"--percentiles", "90,10"}).at(1);
  EXPECT_LT(header.find(" P5 "), header.find(" P10 ")) << header;
  EXPECT_LT(header.find(" P10 "), header.find(" P50 ")) << header;
  EXPECT_LT(header.find(" P50 "), header.find(" P90 ")) << header;
  EXPECT_LT(header.find(" P90 "), header.find(" P95")) << header;
  // The values are the run's.
  const CommandResult run = run_riskcast({"run", model, "--samples", "500", "--output", "sold", "--format", "csv"});
  const std::vector<std::string> run_lines = lines_of(run.out);
  const std::vector<std::string> cmp = compare({"--percentiles", "1,99", "--format", "csv"});
  ASSERT_EQ(run_lines.at(0), "scenario,output,mean,sd,P1,P5,P10,P25,P50,P75,P90,P95,P99");
  auto fields = [](const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; std::getline(in, f, ',');) out.push_back(f);
    return out;
  };
  const std::vector<std::string> r = fields(run_lines.at(1)), c = fields(cmp.at(1));
  EXPECT_EQ(c.at(3), r.at(4));   // P1
  EXPECT_EQ(c.at(7), r.at(12));  // P99
}

}  // namespace
}  // namespace riskcast::testing
