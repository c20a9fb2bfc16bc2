// riskcast run --plot DIR: the files written, their content, bad paths.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/cli_runner.hpp"
#include "support/xml_check.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

const char* kQuarterly = R"yaml(model: quarters
title: A <small> & "quoted" model
parameters:
  level: {dist: "uniform(0.1, 0.3)", unit: share}
  growth: {dist: "normal(0.02, 0.01)", unit: percentage points / 100 per quarter}
  volume: {dist: "lognormal_ci90(1e5, 4e5)", unit: units}
outputs:
  share_q1: {formula: level, unit: share}
  share_q2: {formula: level + growth, unit: share}
  share_q3: {formula: level + 2 * growth, unit: share}
  share_q4: {formula: level + 3 * growth, unit: share}
  total: {formula: volume, unit: "units <per> year"}
scenarios:
  high:
    description: a higher level
    parameters:
      level: uniform(0.3, 0.5)
)yaml";

std::set<std::string> files_under(const std::string& dir) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.insert(fs::relative(entry.path(), dir).string());
  return files;
}

TEST(RunPlot, WritesHistogramsFansAndTheScenarioChart) {
  TempDir dir;
  const std::string model = dir.write("q.yaml", kQuarterly);
  const std::string plots = dir.path() + "/plots/nested";  // created, parents too
  const CommandResult r = run_riskcast({"run", model, "--samples", "5000", "--plot", plots, "--format", "csv"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("scenario,output"), std::string::npos);  // the result is still printed
  std::set<std::string> expected = {"scenarios_share_q1.svg", "tornado_share_q1.svg"};
  for (const char* s : {"base", "high"}) {
    for (const char* o : {"share_q1", "share_q2", "share_q3", "share_q4", "total", "share_fan"})
      expected.insert(fmt::format("{}/{}.svg", s, o));
  }
  EXPECT_EQ(files_under(plots), expected);
  for (const std::string& f : expected) EXPECT_EQ(xml_problem(read_text(plots + "/" + f)), "") << f;
  const std::string total = read_text(plots + "/base/total.svg");
  EXPECT_NE(total.find("total (units &lt;per&gt; year)"), std::string::npos);
  const std::string fan = read_text(plots + "/high/share_fan.svg");
  EXPECT_NE(fan.find(">Q4<"), std::string::npos);
  EXPECT_NE(fan.find("share (%)"), std::string::npos);
  const std::string scenarios = read_text(plots + "/scenarios_share_q1.svg");
  EXPECT_NE(scenarios.find(">base<"), std::string::npos);
  EXPECT_NE(scenarios.find(">high<"), std::string::npos);
  // The tornado: the first output's drivers in the first scenario run.
  const std::string tornado = read_text(plots + "/tornado_share_q1.svg");
  EXPECT_NE(tornado.find("What drives share_q1 · scenario base"), std::string::npos);
  EXPECT_NE(tornado.find("Spearman rank correlation"), std::string::npos);
}

TEST(RunPlot, SameBytesForAnyThreadCountAndNoScenarioChartForOneScenario) {
  TempDir dir;
  const std::string model = dir.write("q.yaml", kQuarterly);
  const std::string one = dir.path() + "/one", two = dir.path() + "/two";
  for (const auto& [out, threads] : {std::pair{one, "1"}, std::pair{two, "2"}}) {
    const CommandResult r = run_riskcast({"run", model, "--samples", "4000", "--threads", threads, "--scenario", "base",
                                          "--plot", out, "--format", "csv"});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  const std::set<std::string> files = files_under(one);
  EXPECT_EQ(files, files_under(two));
  EXPECT_EQ(files.count("scenarios_share_q1.svg"), 0u);
  EXPECT_EQ(files.count("tornado_share_q1.svg"), 1u);
  EXPECT_EQ(files.size(), 7u);
  for (const std::string& f : files) EXPECT_EQ(read_text(one + "/" + f), read_text(two + "/" + f)) << f;
}

TEST(RunPlot, APathThatIsAFileIsRefusedBeforeSampling) {
  TempDir dir;
  const std::string model = dir.write("q.yaml", kQuarterly);
  const std::string file = dir.write("taken", "not a directory");
  const std::string out = dir.path() + "/result.json";
  for (const std::string& plot : {file, file + "/below"}) {
    const CommandResult r = run_riskcast({"run", model, "--samples", "1000", "--plot", plot, "--out", out});
    EXPECT_EQ(r.exit_status, 2);
    EXPECT_EQ(r.err, "riskcast: error: --plot " + plot + ": cannot write: '" + file + "' is not a folder\n");
    EXPECT_TRUE(r.out.empty());
  }
  EXPECT_EQ(files_under(dir.path()), (std::set<std::string>{"q.yaml", "taken"}));
  EXPECT_EQ(read_text(file), "not a directory");
}

TEST(RunPlot, TheFlagshipGetsEveryChartAndRsvgRendersThem) {
  TempDir dir;
  const std::string plots = dir.path() + "/plots";
  const CommandResult r = run_riskcast(
      {"run", source_path("configs/china-2026.yaml"), "--samples", "2000", "--plot", plots, "--format", "csv"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::set<std::string> files = files_under(plots);
  // 7 scenarios × (30 outputs + 2 fan charts) + the scenario chart + the tornado.
  EXPECT_EQ(files.size(), 7u * 32u + 2u);
  for (const char* f :
       {"scenarios_nvidia_share_value.svg", "tornado_nvidia_share_value.svg", "base/nvidia_share_value.svg",
        "base/share_value_fan.svg", "base/share_units_fan.svg", "us_full_ban/hbm_bound_months.svg"})
    EXPECT_EQ(files.count(f), 1u) << f;
  const std::string rsvg = find_program("rsvg-convert");
  ASSERT_FALSE(rsvg.empty()) << "rsvg-convert not found: run scripts/install-deps.sh (package librsvg2-bin)";
  for (const std::string& f : files) {
    if (f.rfind("base/", 0) != 0 && f.rfind("scenarios_", 0) != 0) continue;
    EXPECT_EQ(xml_problem(read_text(plots + "/" + f)), "") << f;
    const CommandResult png = run_program({rsvg, plots + "/" + f, "-o", dir.path() + "/out.png"});
    EXPECT_EQ(png.exit_status, 0) << f << ": " << png.err;
  }
}

}  // namespace
}  // namespace riskcast::testing
