// RunCharts (charts.hpp): the files `run --plot` writes, built by the engine.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "api/tiny_model.hpp"
#include "riskcast/riskcast.hpp"

// Internal headers, for cross-checks against the chart functions underneath.
#include "riskcast/chart.hpp"

namespace riskcast::testing {
namespace {

std::vector<std::string> paths(const std::vector<ChartFile>& files) {
  std::vector<std::string> out;
  for (const ChartFile& f : files) out.push_back(f.path);
  return out;
}

TEST(RunCharts, EveryChartOfTheRunInOrderEachTheChartFunctionsOwn) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 2000;
  options.columns = {"twice", "shifted"};  // to draw the histograms again from the same samples
  const RunCharts charts(m, options);
  options.visit_column = charts.collector();
  const RunResult result = m.run(options);
  const std::vector<ChartFile> files = charts.files(result);
  EXPECT_EQ(paths(files), (std::vector<std::string>{"base/twice.svg", "base/shifted.svg", "high/twice.svg",
                                                    "high/shifted.svg", "scenarios_twice.svg", "tornado_twice.svg"}));
  EXPECT_EQ(charts.paths(), paths(files)) << "named before the run as drawn after it";
  EXPECT_EQ(charts.tornado_output(), "twice");
  const ScenarioResult& high = result.scenarios[1];
  EXPECT_EQ(files[3].svg, chart::histogram_svg(
                              chart::output_histogram(high, 1, chart::make_histogram(high.column("shifted")->values))));
  SensitivityOptions drivers;
  drivers.samples = 2000;
  drivers.scenario_deltas = false;
  EXPECT_EQ(files[5].svg, chart::tornado_svg(chart::sensitivity_tornado(m.sensitivity(drivers))));
  EXPECT_EQ(files[4].svg, chart::scenario_svg(chart::scenario_comparison(result, 0)));
}

// Chosen outputs and scenarios: only their charts; the tornado is of the
// first output run in the first scenario run.
TEST(RunCharts, FollowTheRunsOutputsAndScenarios) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = 1000;
  options.scenarios = {"high"};
  options.outputs = {"shifted"};
  const RunCharts charts(m, options);
  int passed_on = 0;
  options.visit_column = charts.collector([&](std::size_t, std::size_t, std::span<const double>) { ++passed_on; });
  std::vector<std::string> progress;
  const std::vector<ChartFile> files =
      charts.files(m.run(options), [&](const RunProgress& p) { progress.push_back(p.name); });
  EXPECT_EQ(passed_on, 1);
  EXPECT_EQ(paths(files), (std::vector<std::string>{"high/shifted.svg", "tornado_shifted.svg"}));
  EXPECT_EQ(charts.paths(), paths(files));
  EXPECT_FALSE(progress.empty());
  const RunCharts without(m, options, false);
  EXPECT_EQ(without.tornado_output(), "");
  EXPECT_EQ(without.paths(), std::vector<std::string>{"high/shifted.svg"});
}

TEST(RunCharts, RefusesUpFrontAndChecksTheResult) {
  const LoadedModel m = tiny();
  RunOptions options;
  options.samples = kMaxSensitivitySamples + 1;
  EXPECT_THROW((RunCharts{m, options}), std::invalid_argument);
  EXPECT_NO_THROW((RunCharts{m, options, false}));
  options.samples = 500;
  const RunCharts charts(m, options);
  RunOptions other = options;
  other.scenarios = {"base"};
  EXPECT_THROW(charts.files(m.run(other)), std::logic_error);
}

}  // namespace
}  // namespace riskcast::testing
