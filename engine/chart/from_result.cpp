// Chart inputs from a run's summaries: which percentiles each chart shows.
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "riskcast/chart.hpp"
#include "riskcast/report.hpp"

namespace riskcast::chart {

namespace {

double percentile(const OutputSummary& summary, double p) {
  for (const PercentileEstimate& q : summary.percentiles)
    if (std::fabs(q.p - p) < 1e-12) return q.value;
  throw std::logic_error(fmt::format("run summary lacks the percentile {}", p));
}

}  // namespace

HistogramChart output_histogram(const ScenarioResult& scenario, std::size_t output, Histogram histogram) {
  const OutputResult& o = scenario.outputs.at(output);
  HistogramChart chart;
  chart.title = fmt::format("{} · scenario {}", o.name, scenario.name);
  chart.quantity = o.name;
  chart.unit = o.metadata.unit;
  chart.histogram = std::move(histogram);
  for (double p : {0.05, 0.50, 0.95}) chart.markers.push_back({percentile_label(p), percentile(o.summary, p)});
  return chart;
}

FanChart quarterly_fan(const ScenarioResult& scenario, const QuarterlyGroup& group) {
  FanChart chart;
  chart.title = fmt::format("{} by quarter · scenario {}", group.prefix, scenario.name);
  chart.quantity = group.prefix;
  chart.unit = scenario.outputs.at(group.outputs.front()).metadata.unit;
  for (std::size_t q = 0; q < group.outputs.size(); ++q) {
    const OutputSummary& s = scenario.outputs.at(group.outputs[q]).summary;
    chart.points.push_back({fmt::format("Q{}", q + 1), percentile(s, 0.05), percentile(s, 0.25), percentile(s, 0.50),
                            percentile(s, 0.75), percentile(s, 0.95)});
  }
  return chart;
}

ScenarioChart scenario_comparison(const RunResult& result, std::size_t output) {
  ScenarioChart chart;
  const OutputResult& first = result.scenarios.at(0).outputs.at(output);
  chart.title = fmt::format("{} by scenario", first.name);
  chart.quantity = first.name;
  chart.unit = first.metadata.unit;
  for (const ScenarioResult& s : result.scenarios) {
    const OutputSummary& sum = s.outputs.at(output).summary;
    chart.rows.push_back({s.name, sum.mean, percentile(sum, 0.05), percentile(sum, 0.50), percentile(sum, 0.95),
                          percentile(sum, 0.25), percentile(sum, 0.75)});
  }
  return chart;
}

TornadoChart sensitivity_tornado(const SensitivityResult& result, std::size_t max_rows) {
  TornadoChart chart;
  chart.title = fmt::format("What drives {} · scenario {}", result.output, result.scenario);
  if (result.output_constant)
    chart.empty_note = fmt::format("{} is constant: no input moves it", result.output);
  else
    chart.empty_note = "no input varies";
  for (const Driver& d : result.tornado) {  // already by |ρ|, constant inputs last
    // ρ undefined: a constant input (they come last) or a constant output.
    if (std::isnan(d.rho) || chart.rows.size() == max_rows) break;
    chart.rows.push_back({d.label, d.rho, d.ci_low, d.ci_high});
  }
  return chart;
}

}  // namespace riskcast::chart
