// Chart inputs from a run's summaries: which percentiles each chart shows.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "riskcast/chart.hpp"
#include "riskcast/report.hpp"
#include "riskcast/sensitivity_report.hpp"

namespace riskcast::chart {

HistogramChart output_histogram(const ScenarioResult& scenario, std::size_t output, Histogram histogram) {
  const OutputResult& o = scenario.outputs.at(output);
  HistogramChart chart;
  chart.title = fmt::format("{} · scenario {}", o.name, scenario.name);
  chart.quantity = o.name;
  chart.unit = o.metadata.unit;
  chart.histogram = std::move(histogram);
  for (double p : {0.05, 0.50, 0.95}) chart.markers.push_back({percentile_label(p), o.summary.percentile(p).value});
  return chart;
}

FanChart quarterly_fan(const ScenarioResult& scenario, const QuarterlyGroup& group) {
  FanChart chart;
  chart.title = fmt::format("{} by quarter · scenario {}", group.prefix, scenario.name);
  chart.quantity = group.prefix;
  chart.unit = scenario.outputs.at(group.outputs.front()).metadata.unit;
  for (std::size_t q = 0; q < group.outputs.size(); ++q) {
    const OutputSummary& s = scenario.outputs.at(group.outputs[q]).summary;
    chart.points.push_back({fmt::format("Q{}", q + 1), s.percentile(0.05).value, s.percentile(0.25).value,
                            s.percentile(0.50).value, s.percentile(0.75).value, s.percentile(0.95).value});
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
    chart.rows.push_back({s.name, sum.mean, sum.percentile(0.05).value, sum.percentile(0.50).value,
                          sum.percentile(0.95).value, sum.percentile(0.25).value, sum.percentile(0.75).value});
  }
  return chart;
}

namespace {
ProbabilityBar bar(const std::string& label, const OutputSummary& s) {
  const ProportionEstimate& p = s.probability.value();
  return {label, p.estimate, p.ci_low, p.ci_high};
}
}  // namespace

ProbabilityChart output_probability(const ScenarioResult& scenario, std::size_t output) {
  const OutputResult& o = scenario.outputs.at(output);
  ProbabilityChart chart;
  chart.title = fmt::format("{} · scenario {}", o.name, scenario.name);
  chart.quantity = o.name;
  chart.rows.push_back(bar(scenario.name, o.summary));
  return chart;
}

ProbabilityChart quarterly_probabilities(const ScenarioResult& scenario, const QuarterlyGroup& group) {
  ProbabilityChart chart;
  chart.title = fmt::format("{} by quarter · scenario {}", group.prefix, scenario.name);
  chart.quantity = group.prefix;
  for (std::size_t q = 0; q < group.outputs.size(); ++q)
    chart.rows.push_back(bar(fmt::format("Q{}", q + 1), scenario.outputs.at(group.outputs[q]).summary));
  return chart;
}

ProbabilityChart scenario_probabilities(const RunResult& result, std::size_t output) {
  ProbabilityChart chart;
  const OutputResult& first = result.scenarios.at(0).outputs.at(output);
  chart.title = fmt::format("{} by scenario", first.name);
  chart.quantity = first.name;
  for (const ScenarioResult& s : result.scenarios) chart.rows.push_back(bar(s.name, s.outputs.at(output).summary));
  return chart;
}

GroupKind group_kind(const ScenarioResult& scenario, const QuarterlyGroup& group) {
  std::size_t probabilities = 0;
  for (std::size_t o : group.outputs) probabilities += scenario.outputs.at(o).summary.probability.has_value();
  return probabilities == 0                      ? GroupKind::Values
         : probabilities == group.outputs.size() ? GroupKind::Probabilities
                                                 : GroupKind::Mixed;
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

SobolChart sobol_chart(const SensitivityResult& result, std::size_t max_rows) {
  SobolChart chart;
  chart.title = fmt::format("Sobol indices of {} · scenario {}", result.output, result.scenario);
  if (!result.sobol) return chart;
  std::vector<const SobolIndex*> inputs = sobol_rows(*result.sobol, false);
  std::vector<const SobolIndex*> groups = sobol_rows(*result.sobol, true);
  if (inputs.size() > max_rows) inputs.resize(max_rows);
  for (const auto* list : {&inputs, &groups})
    for (const SobolIndex* i : *list)
      chart.rows.push_back({i->kind == "group" ? fmt::format("group {}", i->name) : i->name, i->first, i->first_low,
                            i->first_high, i->total, i->total_low, i->total_high});
  return chart;
}

}  // namespace riskcast::chart
