// The charts of a run (charts.hpp): histograms collected while the columns
// go by, then every SVG, the tornado from one sensitivity pass.
#include "riskcast/charts.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "riskcast/chart.hpp"
#include "riskcast/model.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast {

struct RunCharts::State {
  LoadedModel model;
  std::optional<SensitivityOptions> tornado;
  // [scenario][output], indexed as the run's visitor counts them; each
  // output's slot is written by one visitor call only.
  std::vector<std::vector<chart::Histogram>> histograms;
};

RunCharts::RunCharts(const LoadedModel& model, const RunOptions& options, bool tornado)
    : state_(std::make_shared<State>(State{model, std::nullopt, {}})) {
  const std::vector<FormulaInfo> outputs = model.outputs();
  std::vector<std::string> run_outputs;  // in model order, as the run evaluates them
  for (const FormulaInfo& o : outputs)
    if (options.outputs.empty() ||
        std::find(options.outputs.begin(), options.outputs.end(), o.name) != options.outputs.end())
      run_outputs.push_back(o.name);
  const std::size_t scenarios = options.scenarios.empty() ? model.scenarios().size() : options.scenarios.size();
  state_->histograms.assign(scenarios, std::vector<chart::Histogram>(run_outputs.size()));
  if (!tornado || run_outputs.empty()) return;
  if (options.samples > kMaxSensitivitySamples)
    throw std::invalid_argument(
        fmt::format("the tornado chart supports at most {} samples, not {}", kMaxSensitivitySamples, options.samples));
  SensitivityOptions& drivers = state_->tornado.emplace();
  drivers.samples = options.samples;
  drivers.seed = options.seed;
  drivers.threads = options.threads;
  drivers.block_size = options.block_size;
  drivers.scenario = options.scenarios.empty() ? model.scenarios().front().name : options.scenarios.front();
  drivers.output = run_outputs.front();
  drivers.scenario_deltas = false;
  drivers.memory = MemoryPolicy::unchecked;  // checked here, before the run
  if (options.memory == MemoryPolicy::refuse) {
    SensitivityRequest request;
    request.settings.samples = drivers.samples;
    request.settings.seed = drivers.seed;
    request.settings.threads = drivers.threads;
    request.settings.block_size = drivers.block_size;
    request.scenario = drivers.scenario;
    request.output = drivers.output;
    request.scenario_deltas = false;
    refuse_beyond_available(estimate_sensitivity_memory(model.ir(), request), drivers.samples, " for sensitivity");
  }
}

ColumnVisitor RunCharts::collector(ColumnVisitor next) const {
  return [state = state_, next = std::move(next)](std::size_t s, std::size_t o, std::span<const double> column) {
    state->histograms.at(s).at(o) = chart::make_histogram(column);
    if (next) next(s, o, column);
  };
}

const std::string& RunCharts::tornado_output() const {
  static const std::string none;
  return state_->tornado ? state_->tornado->output : none;
}

std::vector<ChartFile> RunCharts::files(const RunResult& result, const ProgressCallback& tornado_progress,
                                        std::stop_token stop) const {
  if (result.scenarios.size() != state_->histograms.size())
    throw std::logic_error("RunCharts::files: the result is not of the run the charts were made for");
  std::optional<SensitivityResult> tornado;
  if (state_->tornado) {
    SensitivityOptions options = *state_->tornado;
    options.progress = tornado_progress;
    options.stop = std::move(stop);
    tornado = state_->model.sensitivity(options);
  }
  std::vector<ChartFile> files;
  for (std::size_t s = 0; s < result.scenarios.size(); ++s) {
    const ScenarioResult& scenario = result.scenarios[s];
    if (scenario.outputs.size() != state_->histograms[s].size())
      throw std::logic_error("RunCharts::files: the result is not of the run the charts were made for");
    std::vector<std::string> names;
    for (std::size_t o = 0; o < scenario.outputs.size(); ++o) {
      names.push_back(scenario.outputs[o].name);
      // A probability output, 0 or 1 in every sample, has no histogram to show: its P as a bar.
      files.push_back({fmt::format("{}/{}.svg", scenario.name, names.back()),
                       scenario.outputs[o].summary.probability
                           ? chart::probability_svg(chart::output_probability(scenario, o))
                           : chart::histogram_svg(chart::output_histogram(scenario, o, state_->histograms[s][o]))});
    }
    for (const chart::QuarterlyGroup& group : chart::quarterly_groups(names)) {
      const chart::GroupKind kind = chart::group_kind(scenario, group);
      if (kind == chart::GroupKind::Values)
        files.push_back({fmt::format("{}/{}_fan.svg", scenario.name, group.prefix),
                         chart::fan_svg(chart::quarterly_fan(scenario, group))});
      else if (kind == chart::GroupKind::Probabilities)
        files.push_back({fmt::format("{}/{}_quarters.svg", scenario.name, group.prefix),
                         chart::probability_svg(chart::quarterly_probabilities(scenario, group))});
    }
  }
  if (result.scenarios.size() >= 2 && !result.scenarios.front().outputs.empty())
    files.push_back({fmt::format("scenarios_{}.svg", result.scenarios.front().outputs.front().name),
                     result.scenarios.front().outputs.front().summary.probability
                         ? chart::probability_svg(chart::scenario_probabilities(result, 0))
                         : chart::scenario_svg(chart::scenario_comparison(result, 0))});
  if (tornado)
    files.push_back(
        {fmt::format("tornado_{}.svg", tornado->output), chart::tornado_svg(chart::sensitivity_tornado(*tornado))});
  return files;
}

}  // namespace riskcast
