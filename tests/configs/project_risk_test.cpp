// The risk-register example configs/examples/project-risk.yaml (issue 15):
// fifty risks over an index, their numbers read from project-risk.csv, and
// the mitigation scenarios. Checked against the register itself, which this
// test reads on its own (not through the engine's CSV reader):
//   * each risk's expected cost, mean of cost_by_risk[r], is
//     probability × PERT mean (low + 4·mode + high)/6;
//   * the mitigation spend of each scenario is the sum of its risks'
//     mitigation costs, exactly (a constant in every sample);
//   * every per-element output appears by name in JSON, CSV, a baseline,
//     regress and the HTML report.
//
// Tolerance from Monte Carlo error: 50 means are compared, each within
// 4.5 standard errors (two-sided 6.8e-6 per risk, 3.4e-4 for all 50 by
// Bonferroni); the seed is fixed, so the test is deterministic. 100,000
// samples put a typical risk's mean to ±0.5 % of the project's risk cost; the
// sanitizer build (RISKCAST_SANITIZED=1) uses 20,000.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "riskcast/model_loader.hpp"
#include "riskcast/run.hpp"
#include "support/cli_runner.hpp"

namespace riskcast {
namespace {

using testing::CommandResult;
using testing::run_riskcast;
using testing::source_path;
using testing::TempDir;

bool sanitized() {
  const char* flag = std::getenv("RISKCAST_SANITIZED");
  return flag && std::string(flag) == "1";
}

struct RegisterRow {
  double probability = 0, cost_low = 0, cost_mode = 0, cost_high = 0, mitigation_cost = 0;
};

// The register by risk name. Its columns up to mitigation_cost hold no
// quotes or commas (the free-text `mitigation` column is the last), so a
// split on commas reads them.
std::map<std::string, RegisterRow> read_register() {
  std::ifstream in(source_path("configs/examples/project-risk.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("risk,category,probability,cost_low,cost_mode,cost_high,delay_low,delay_mode,delay_high,"
                       "critical,mitigated_probability,mitigation_cost,",
                       0),
            0u)
      << line;
  std::map<std::string, RegisterRow> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream split(line);
    for (std::string cell; cells.size() < 12 && std::getline(split, cell, ',');) cells.push_back(cell);
    if (cells.size() < 12) continue;
    rows[cells[0]] = {std::stod(cells[2]), std::stod(cells[3]), std::stod(cells[4]), std::stod(cells[5]),
                      std::stod(cells[11])};
  }
  return rows;
}

const OutputSummary& summary(const RunResult& result, const std::string& scenario, const std::string& output) {
  for (const ScenarioResult& s : result.scenarios)
    if (s.name == scenario)
      for (const OutputResult& o : s.outputs)
        if (o.name == output) return o.summary;
  throw std::runtime_error("no result for " + scenario + " / " + output);
}

TEST(ProjectRisk, EachRisksExpectedCostIsItsRegisterLine) {
  const std::map<std::string, RegisterRow> rows = read_register();
  ASSERT_EQ(rows.size(), 50u);
  const Model model = load_model_file(source_path("configs/examples/project-risk.yaml"));
  RunRequest request;
  request.settings.samples = sanitized() ? 20'000 : 100'000;
  request.settings.seed = 15;
  request.scenarios = {"base"};
  const RunResult result = run_model(model, request);
  for (const auto& [risk, row] : rows) {
    const OutputSummary& cost = summary(result, "base", "cost_by_risk[" + risk + "]");
    const double expected = row.probability * (row.cost_low + 4 * row.cost_mode + row.cost_high) / 6;
    EXPECT_LE(std::abs(cost.mean - expected), 4.5 * cost.mean_se)
        << risk << ": mean " << cost.mean << " ± " << cost.mean_se << ", register " << expected;
  }
}

TEST(ProjectRisk, MitigationSpendIsTheSumOfTheMitigationsBought) {
  const std::map<std::string, RegisterRow> rows = read_register();
  double all = 0;
  for (const auto& [risk, row] : rows) all += row.mitigation_cost;
  double top5 = 0;
  for (const char* risk :
       {"gpu_export_licence", "gpu_allocation_cut", "grid_connection_delay", "substation_capacity", "hbm_shortage"})
    top5 += rows.at(risk).mitigation_cost;
  const Model model = load_model_file(source_path("configs/examples/project-risk.yaml"));
  RunRequest request;
  request.settings.samples = 2'000;
  const RunResult result = run_model(model, request);
  // A constant: every sample adds the same numbers, so min = max = the sum
  // (up to the order of the additions).
  for (const auto& [scenario, expected] :
       std::vector<std::pair<std::string, double>>{{"base", 0.0}, {"mitigate_top5", top5}, {"mitigate_all", all}}) {
    const OutputSummary& spend = summary(result, scenario, "mitigation_spend");
    EXPECT_NEAR(spend.min, expected, 1e-9) << scenario;
    EXPECT_EQ(spend.min, spend.max) << scenario;
  }
  // Mitigation makes the project later less often, sample by sample (the
  // same triggers in every scenario): a risk's mitigated probability is at
  // most its plain one, so no sample gets later.
  EXPECT_LE(summary(result, "mitigate_all", "schedule_months").max, summary(result, "base", "schedule_months").max);
  EXPECT_LT(summary(result, "mitigate_all", "late").mean, summary(result, "mitigate_top5", "late").mean);
  EXPECT_LT(summary(result, "mitigate_top5", "late").mean, summary(result, "base", "late").mean);
}

// Every one of the fifty per-risk outputs is in every format a user reads.
TEST(ProjectRisk, PerRiskOutputsAppearInEveryFormat) {
  const std::map<std::string, RegisterRow> rows = read_register();
  const std::string model = source_path("configs/examples/project-risk.yaml");
  TempDir dir;
  const std::string json = dir.path() + "/r.json", csv = dir.path() + "/r.csv", base = dir.path() + "/b.json",
                    html = dir.path() + "/r.html";
  ASSERT_EQ(run_riskcast({"run", model, "--samples", "2000", "--scenario", "base", "--out", json}).exit_status, 0);
  ASSERT_EQ(run_riskcast({"run", model, "--samples", "2000", "--scenario", "base", "--out", csv}).exit_status, 0);
  ASSERT_EQ(run_riskcast({"baseline", model, "--samples", "2000", "--out", base}).exit_status, 0);
  ASSERT_EQ(run_riskcast({"report", model, "--samples", "2000", "--out", html}).exit_status, 0);
  const std::string json_text = testing::read_text(json), csv_text = testing::read_text(csv),
                    base_text = testing::read_text(base), html_text = testing::read_text(html);
  for (const auto& [risk, row] : rows) {
    const std::string name = "cost_by_risk[" + risk + "]";
    EXPECT_NE(json_text.find('"' + name + '"'), std::string::npos) << name;
    EXPECT_NE(csv_text.find(name + ','), std::string::npos) << name;
    EXPECT_NE(base_text.find('"' + name + '"'), std::string::npos) << name;
    EXPECT_NE(html_text.find(name), std::string::npos) << name;
  }
  const CommandResult regress = run_riskcast({"regress", base});
  EXPECT_EQ(regress.exit_status, 0) << regress.out << regress.err;
  EXPECT_NE(regress.out.find("every number is bit-identical"), std::string::npos) << regress.out;
}

}  // namespace
}  // namespace riskcast
