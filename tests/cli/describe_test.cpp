// riskcast describe: the assumptions table, exact quantiles, formats, errors.
#include <gtest/gtest.h>

#include <boost/math/distributions/beta.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

const char* kModel = R"yaml(model: tiny
title: A tiny model
parameters:
  demand:
    dist: uniform(100, 200)
    unit: units
    source: 000 (a figure)
  pref:
    dist: beta(9, 1.5)
    unit: share
    source: assumption
    note: why the range is plausible
events:
  policy:
    kind: regime
    states: [open, ban]
    initial: {open: 0.9, ban: 0.1}
    transitions: {open: {ban: 0.02}}
    source: 002 (policy)
  gray: {kind: arrivals, rate: 0.5, size: "lognormal_ci90(10, 1000)", source: "003"}
monthly:
  sold: "policy == open ? demand * pref / 12 : gray"
outputs:
  total: sum(sold)
scenarios:
  closed:
    description: the policy is a ban all year
    parameters:
      demand: uniform(50, 60)
    events:
      policy: {fix: ban}
)yaml";

TEST(DescribeCommand, TableShowsExactQuantilesUnitsAndSources) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult r = run_riskcast({"describe", model});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  // uniform(100, 200): median 150, P5 105, P95 195.
  EXPECT_NE(r.out.find("150"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("105 – 195"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("000 (a figure)"), std::string::npos);
  EXPECT_NE(r.out.find("assumption — why the range is plausible"), std::string::npos);
  EXPECT_NE(r.out.find("002 (policy)"), std::string::npos);
  EXPECT_NE(r.out.find("regime (open, ban)"), std::string::npos);
  EXPECT_NE(r.out.find("the policy is a ban all year"), std::string::npos);
}

TEST(DescribeCommand, CsvCarriesExactQuantiles) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult r = run_riskcast({"describe", model, "--format", "csv"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "section,name,definition,median,p5,p95,unit,source,note,kind");
  std::istringstream lines(r.out);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    if (line.rfind("parameter,pref,", 0) != 0) continue;
    found = true;
    // parameter,pref,"beta(9, 1.5)",median,p5,p95,share,assumption,note,
    const std::size_t after = line.find("\",") + 2;
    std::istringstream fields(line.substr(after));
    double median = 0, p5 = 0, p95 = 0;
    char comma = 0;
    fields >> median >> comma >> p5 >> comma >> p95;
    const boost::math::beta_distribution<double> beta(9, 1.5);
    EXPECT_NEAR(median, boost::math::quantile(beta, 0.5), 1e-12);
    EXPECT_NEAR(p5, boost::math::quantile(beta, 0.05), 1e-12);
    EXPECT_NEAR(p95, boost::math::quantile(beta, 0.95), 1e-12);
  }
  EXPECT_TRUE(found) << r.out;
}

TEST(DescribeCommand, ScenarioOverridesAreShownAndMarked) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult r = run_riskcast({"describe", model, "--scenario", "closed", "--format", "markdown"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("| `demand` * | `uniform(50, 60)` | 55 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fixed: ban every month"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| parameter | distribution | median | 90 % interval (P5 – P95) | unit | source |"),
            std::string::npos);
}

// Splits one CSV record (RFC 4180 quoting; no line breaks inside fields).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

TEST(DescribeCommand, FlagshipHasASourceOnEveryParameterAndEvent) {
  CommandResult r = run_riskcast({"describe", source_path("configs/china-2026.yaml"), "--format", "csv"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);  // header: section,name,definition,median,p5,p95,unit,source,note,kind
  int parameters = 0, events = 0, outputs = 0;
  while (std::getline(lines, line)) {
    const std::vector<std::string> f = csv_fields(line);
    ASSERT_EQ(f.size(), 10u) << line;
    if (f[0] == "scenario") {
      EXPECT_FALSE(f[8].empty()) << "scenario without a description: " << f[1];
      continue;
    }
    if (f[0] == "output") {
      ++outputs;
      EXPECT_TRUE(f[9] == "value" || f[9] == "probability") << line;
      continue;
    }
    EXPECT_EQ(f[9], "") << "only an output has a kind: " << line;
    parameters += f[0] == "parameter";
    events += f[0] == "event";
    EXPECT_FALSE(f[7].empty()) << "no source: " << f[1];
    // An assumption, whole or in part, says why its range is plausible.
    if (f[0] == "parameter" && f[7].find("assumption") != std::string::npos) {
      EXPECT_FALSE(f[8].empty()) << "assumption without a note: " << f[1];
    }
  }
  EXPECT_EQ(parameters, 29);  // 19, and two weights for each of 5 vendors
  EXPECT_EQ(events, 5);
  EXPECT_EQ(outputs, 30);  // 19, two per vendor and p_huawei_outsells_nvidia
}

TEST(DescribeCommand, BadArgumentsExitTwo) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kModel);
  CommandResult no_model = run_riskcast({"describe"});
  EXPECT_EQ(no_model.exit_status, 2);
  EXPECT_NE(no_model.err.find("describe needs a model file"), std::string::npos);
  CommandResult bad_format = run_riskcast({"describe", model, "--format", "json"});
  EXPECT_EQ(bad_format.exit_status, 2);
  EXPECT_NE(bad_format.err.find("--format must be table, markdown or csv"), std::string::npos);
  CommandResult bad_scenario = run_riskcast({"describe", model, "--scenario", "closd"});
  EXPECT_EQ(bad_scenario.exit_status, 2);
  EXPECT_NE(bad_scenario.err.find("closed"), std::string::npos) << bad_scenario.err;
  CommandResult bad_file = run_riskcast({"describe", dir.write("bad.yaml", "model: x\noutputs: {a: nope}\n")});
  EXPECT_EQ(bad_file.exit_status, 2);
  EXPECT_NE(bad_file.err.find("bad.yaml:2:"), std::string::npos) << bad_file.err;
}

}  // namespace
}  // namespace riskcast::testing
