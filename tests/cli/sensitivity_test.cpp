// riskcast sensitivity: the flagship's drivers, the formats, bad command
// lines and atomic --out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

const std::string kFlagship = source_path("configs/china-2026.yaml");

TEST(SensitivityCommand, FlagshipValueShareIsDrivenByTheExportRegime) {
  const CommandResult r = run_riskcast({"sensitivity", kFlagship, "--samples", "20000", "--format", "json"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema"], "riskcast.sensitivity/1");
  EXPECT_EQ(doc["output"], "nvidia_share_value");
  EXPECT_EQ(doc["scenario"], "base");
  EXPECT_EQ(doc["samples"], 20000);
  // Which export regime holds is the model's first lever on NVIDIA's share
  // (docs/model.md): months under H200 exports lead, positively, far beyond
  // noise (ρ ≈ 0.57; its sd at n = 20,000 is about 0.005).
  const auto& tornado = doc["tornado"];
  ASSERT_EQ(tornado.size(), 29u + 3u + 2u + 2u);  // parameters, regime states, switches, arrivals
  EXPECT_EQ(tornado[0]["label"], "us_export: months in h200");
  EXPECT_EQ(tornado[0]["kind"], "regime months");
  EXPECT_GT(tornado[0]["rho"].get<double>(), 0.5);
  EXPECT_LT(tornado[0]["ci_low"].get<double>(), tornado[0]["rho"].get<double>());
  EXPECT_GT(tornado[0]["ci_high"].get<double>(), tornado[0]["rho"].get<double>());
  for (std::size_t i = 1; i < tornado.size(); ++i)
    if (!tornado[i]["constant"].get<bool>()) {
      EXPECT_LE(std::fabs(tornado[i]["rho"].get<double>()), std::fabs(tornado[i - 1]["rho"].get<double>()));
    }
  // The H200 cap is the top parameter; a wider Beijing ban lowers the share.
  const auto top_parameter =
      std::find_if(tornado.begin(), tornado.end(), [](const auto& d) { return d["kind"] == "parameter"; });
  EXPECT_EQ((*top_parameter)["name"], "h200_china_cap");
  for (const auto& d : tornado)
    if (d["name"] == "ban_scope") {
      EXPECT_LT(d["rho"].get<double>(), 0.0);
    }
  // Outcomes carry a probability and three percentiles; every scenario but base has a delta.
  ASSERT_FALSE(doc["conditionals"].empty());
  for (const auto& c : doc["conditionals"]) {
    EXPECT_GT(c["probability"].get<double>(), 0.0);
    EXPECT_EQ(c["percentiles"].size(), 3u);
  }
  ASSERT_EQ(doc["deltas"].size(), 6u);
  EXPECT_EQ(doc["deltas"][0]["scenario"], "status_quo_2025");
  for (const auto& d : doc["deltas"]) {
    if (d["scenario"] == "us_full_ban") {
      EXPECT_LT(d["difference"]["mean_ci_high"].get<double>(), 0.0);
    }
    if (d["scenario"] == "h200_open") {
      EXPECT_GT(d["difference"]["mean_ci_low"].get<double>(), 0.0);
    }
  }
}

// The swing (the tornado in output units): months under H200 exports raise
// NVIDIA's value share, so the output's P50 is higher among samples with
// many such months than among those with few.
TEST(SensitivityCommand, SwingIsInTheOutputsUnits) {
  const CommandResult r = run_riskcast({"sensitivity", kFlagship, "--samples", "5000", "--format", "json"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& top = doc["tornado"][0];
  EXPECT_EQ(top["label"], "us_export: months in h200");
  EXPECT_GT(top["swing"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(top["swing"].get<double>(), top["p50_high"].get<double>() - top["p50_low"].get<double>());
  EXPECT_LT(top["swing_ci_low"].get<double>(), top["swing"].get<double>());
  EXPECT_GT(top["swing_ci_high"].get<double>(), top["swing"].get<double>());
  const CommandResult table = run_riskcast({"sensitivity", kFlagship, "--samples", "2000"});
  EXPECT_NE(table.out.find("swing: P50 of nvidia_share_value among the samples"), std::string::npos) << table.out;
}

// --method sobol on the flagship: every parameter that draws, every event,
// N·(d + 2) evaluations, in every format.
TEST(SensitivityCommand, SobolIndicesOfTheFlagship) {
  const CommandResult r =
      run_riskcast({"sensitivity", kFlagship, "--method", "sobol", "--samples", "300", "--format", "json"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& sobol = doc["sobol"];
  EXPECT_EQ(sobol["base_samples"], 300);
  EXPECT_EQ(sobol["evaluations"], 300 * (sobol["inputs"].get<int>() + 2));
  EXPECT_EQ(sobol["indices"].size(), sobol["inputs"].get<std::size_t>());
  EXPECT_TRUE(doc["tornado"].empty());
  bool regime = false;
  for (const auto& i : sobol["indices"]) {
    if (i["name"] == "us_export") regime = i["kind"] == "regime";
    EXPECT_LE(i["total_ci_low"].get<double>(), i["total_ci_high"].get<double>());
  }
  EXPECT_TRUE(regime);
  const CommandResult table = run_riskcast({"sensitivity", kFlagship, "--method", "sobol", "--samples", "100"});
  ASSERT_EQ(table.exit_status, 0) << table.err;
  EXPECT_EQ(table.out.rfind("china-2026 · Sobol indices of nvidia_share_value (share) · scenario base", 0), 0u)
      << table.out;
  EXPECT_NE(table.out.find("Inputs, by total index"), std::string::npos);
  for (const std::string format : {"csv", "markdown"}) {
    const CommandResult other =
        run_riskcast({"sensitivity", kFlagship, "--method", "sobol", "--samples", "100", "--format", format});
    EXPECT_EQ(other.exit_status, 0) << other.err;
    EXPECT_NE(other.out.find("us_export"), std::string::npos) << other.out;
  }
  const CommandResult bad = run_riskcast({"sensitivity", kFlagship, "--method", "variance"});
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_NE(bad.err.find("--method must be rank or sobol"), std::string::npos) << bad.err;
}

TEST(SensitivityCommand, ReportShowsSobolIndicesOnlyWhenAsked) {
  const CommandResult with =
      run_riskcast({"report", kFlagship, "--samples", "2000", "--sobol", "100", "--scenario", "base", "--out", "-"});
  ASSERT_EQ(with.exit_status, 0) << with.err;
  EXPECT_NE(with.out.find("Sobol indices of nvidia_share_value"), std::string::npos);
  // The table lists the inputs by total index as the command and the chart
  // do (it listed them in model order): the export regime, the largest,
  // before demand_total, the model's first parameter; the groups after.
  const std::size_t table = with.out.find("<table", with.out.find("Bars: first order"));
  ASSERT_NE(table, std::string::npos);
  const std::size_t regime = with.out.find("<td>us_export<", table), demand = with.out.find("<td>demand_total<", table),
                    group = with.out.find("group: ", table);
  EXPECT_LT(regime, demand);
  EXPECT_LT(demand, group);
  const CommandResult without =
      run_riskcast({"report", kFlagship, "--samples", "2000", "--scenario", "base", "--out", "-"});
  ASSERT_EQ(without.exit_status, 0) << without.err;
  EXPECT_EQ(without.out.find("Sobol indices"), std::string::npos);
}

TEST(SensitivityCommand, TableHasTheThreeSections) {
  const CommandResult r = run_riskcast({"sensitivity", kFlagship, "--samples", "5000", "--threads", "2"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(
      r.out.rfind("china-2026 · sensitivity of nvidia_share_value (share) · scenario base · 5000 samples, seed 1", 0),
      0u)
      << r.out;
  EXPECT_NE(r.out.find("Drivers: Spearman rank correlation"), std::string::npos);
  EXPECT_NE(r.out.find("us_export         h200 held most months"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Scenario minus base"), std::string::npos);
  EXPECT_NE(r.out.find(" pts"), std::string::npos);
}

TEST(SensitivityCommand, OtherOutputAndScenario) {
  const CommandResult r = run_riskcast({"sensitivity", kFlagship, "--samples", "3000", "--output", "domestic_units",
                                        "--scenario", "us_full_ban", "--format", "json"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["output"], "domestic_units");
  EXPECT_EQ(doc["scenario"], "us_full_ban");
  // The regime is fixed by the scenario: its months are constant and last.
  const auto& tornado = doc["tornado"];
  for (std::size_t i = tornado.size() - 3; i < tornado.size(); ++i) {
    EXPECT_EQ(tornado[i]["kind"], "regime months");
    EXPECT_TRUE(tornado[i]["constant"].get<bool>());
    EXPECT_TRUE(tornado[i]["rho"].is_null());
  }
  // Deltas are always against base, us_full_ban included.
  EXPECT_EQ(doc["deltas"].size(), 6u);
}

TEST(SensitivityCommand, BadCommandLinesExitTwoWithAHint) {
  const CommandResult typo =
      run_riskcast({"sensitivity", kFlagship, "--samples", "100", "--output", "nvidia_share_vlue"});
  EXPECT_EQ(typo.exit_status, 2);
  EXPECT_EQ(typo.err.rfind("riskcast: error: --output 'nvidia_share_vlue' is not an output", 0), 0u) << typo.err;
  EXPECT_NE(typo.err.find("did you mean `nvidia_share_value`?"), std::string::npos) << typo.err;
  EXPECT_TRUE(typo.out.empty());
  const std::vector<std::vector<std::string>> cases = {
      {"--scenario", "bsae"},      {"--scenario", "h200_open", "--scenario", "us_full_ban"},
      {"--format", "xml"},         {"--samples", "0"},
      {"--samples", "4294967296"}, {"--bogus"}};
  for (const auto& extra : cases) {
    std::vector<std::string> args = {"sensitivity", kFlagship};
    args.insert(args.end(), extra.begin(), extra.end());
    expect_one_line_usage_error(run_riskcast(args), extra[0]);
  }
  const CommandResult no_model = run_riskcast({"sensitivity"});
  EXPECT_EQ(no_model.exit_status, 2);
  const CommandResult help = run_riskcast({"sensitivity", "--help"});
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("usage: riskcast sensitivity MODEL.yaml"), std::string::npos);
  EXPECT_NE(run_riskcast({"--help"}).out.find("sensitivity MODEL.yaml"), std::string::npos);
}

TEST(SensitivityCommand, OutIsAtomicAndTakesItsFormatFromTheExtension) {
  TempDir dir;
  const std::string csv = dir.path() + "/s.csv";
  ASSERT_EQ(run_riskcast({"sensitivity", kFlagship, "--samples", "2000", "--out", csv}).exit_status, 0);
  std::ifstream c(csv);
  std::string header;
  std::getline(c, header);
  EXPECT_EQ(header, "section,name,kind,label,unit,probability,samples,statistic,value,ci_low,ci_high");

  // Every sample divides by zero: the analysis fails after sampling started.
  const std::string bad = dir.write("bad.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: x / 0\n");
  const std::string out = dir.path() + "/s.json";
  const CommandResult r = run_riskcast({"sensitivity", bad, "--samples", "1000", "--out", out});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("bad.yaml:4:8: error: output `o` is infinite in sample 0: "), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_TRUE(entry.path().filename() == "bad.yaml" || entry.path().filename() == "s.csv")
        << "left behind: " << entry.path();
}

// Every format says the output is constant (the issue: it called the input
// `demand` constant), and small runs show open intervals as such.
TEST(SensitivityCommand, ConstantOutputAndOpenIntervalsAreSaid) {
  TempDir dir;
  const std::string model =
      dir.write("flat.yaml", "parameters:\n  demand: pert(800, 1000, 1500)\noutputs:\n  price: demand * 0 + 192.53\n");
  const CommandResult table = run_riskcast({"sensitivity", model, "--samples", "1000"});
  ASSERT_EQ(table.exit_status, 0) << table.err;
  EXPECT_NE(table.out.find("price is constant (192.5) in every sample of scenario base"), std::string::npos)
      << table.out;
  EXPECT_EQ(table.out.find("constant  "), std::string::npos) << "no input row says constant: " << table.out;
  const CommandResult json = run_riskcast({"sensitivity", model, "--samples", "1000", "--format", "json"});
  ASSERT_EQ(json.exit_status, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["output_constant"], true);
  EXPECT_EQ(doc["tornado"][0]["constant"], false);
  EXPECT_TRUE(doc["tornado"][0]["rho"].is_null());
  const CommandResult markdown = run_riskcast({"sensitivity", model, "--samples", "1000", "--format", "markdown"});
  EXPECT_NE(markdown.out.find("price is constant"), std::string::npos) << markdown.out;

  // Four samples: ρ's interval is open, shown as such, null in JSON.
  const std::string linear = dir.write("lin.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: 2 * x\n");
  const CommandResult small = run_riskcast({"sensitivity", linear, "--samples", "4"});
  ASSERT_EQ(small.exit_status, 0) << small.err;
  EXPECT_NE(small.out.find("x      parameter  1.00    open"), std::string::npos) << small.out;
  EXPECT_NE(small.out.find("∞: too few samples"), std::string::npos) << small.out;
  const auto small_doc =
      nlohmann::json::parse(run_riskcast({"sensitivity", linear, "--samples", "4", "--format", "json"}).out);
  EXPECT_EQ(small_doc["tornado"][0]["rho"], 1.0);
  EXPECT_TRUE(small_doc["tornado"][0]["ci_low"].is_null());
  EXPECT_TRUE(small_doc["tornado"][0]["ci_high"].is_null());
  const CommandResult csv = run_riskcast({"sensitivity", linear, "--samples", "4", "--format", "csv"});
  EXPECT_NE(csv.out.find("tornado,x,parameter,x,,,4,rho,1,-inf,inf"), std::string::npos) << csv.out;
}

TEST(SensitivityCommand, ModelWithoutScenariosHasNoDeltas) {
  TempDir dir;
  const std::string model = dir.write("one.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: 2 * x\n");
  const CommandResult r = run_riskcast({"sensitivity", model, "--samples", "500", "--format", "markdown"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  // ρ = 1 exactly; its interval reaches 1 and, rounded outwards, starts just
  // below (from the nearest attainable ρ, 1 − 12/(n³ − n)).
  EXPECT_NE(r.out.find("| x | parameter | 1.00 | [0.9999, 1.0000] |"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("scenario − base"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace riskcast::testing
