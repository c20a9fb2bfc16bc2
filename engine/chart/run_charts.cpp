// The charts of a run (charts.hpp): histograms collected while the columns
// go by, then every SVG, the tornado from one sensitivity pass.
#include "riskcast/charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "riskcast/chart.hpp"
#include "riskcast/index_names.hpp"
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
  // Every chart files() draws, in its order, named before the run.
  // A probability output (0 or 1 in every sample) has no histogram to show:
  // its P as a bar (`probability`), its quarterly group as bars (`quarters`),
  // its scenario comparison as bars (`scenario_probabilities`).
  enum class Kind { histogram, probability, fan, quarters, scenarios, scenario_probabilities, tornado };
  struct Planned {
    Kind kind;
    std::size_t scenario = 0;
    std::size_t item = 0;  // the output (histogram) or quarterly group (fan)
  };
  std::vector<Planned> plan;
  std::vector<std::string> paths;
  std::vector<chart::QuarterlyGroup> groups;
};

namespace {

// An output's name as a file name: an element's brackets and comma become
// dots, which no entry's name holds: `units[huawei,h20]` → `units.huawei.h20`.
std::string file_stem(std::string_view output) {
  return element_file_name(output, '.');
}

}  // namespace

RunCharts::RunCharts(const LoadedModel& model, const RunOptions& options, bool tornado)
    : state_(std::make_shared<State>(State{model, std::nullopt, {}, {}, {}, {}})) {
  const std::vector<FormulaInfo> outputs = model.outputs();
  std::vector<std::string> run_outputs;  // in model order, as the run evaluates them
  std::vector<bool> probability;         // of each run output
  for (const FormulaInfo& o : outputs)
    if (options.outputs.empty() ||
        std::find(options.outputs.begin(), options.outputs.end(), o.name) != options.outputs.end()) {
      run_outputs.push_back(o.name);
      probability.push_back(o.metadata.kind == OutputKind::Probability);
    }
  std::vector<std::string> scenarios = options.scenarios;
  if (scenarios.empty())
    for (const ScenarioInfo& s : model.scenarios()) scenarios.push_back(s.name);
  state_->histograms.assign(scenarios.size(), std::vector<chart::Histogram>(run_outputs.size()));
  state_->groups = chart::quarterly_groups(run_outputs);
  auto plan = [&](State::Kind kind, std::size_t scenario, std::size_t item, std::string path) {
    state_->plan.push_back({kind, scenario, item});
    state_->paths.push_back(std::move(path));
  };
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    for (std::size_t o = 0; o < run_outputs.size(); ++o)
      plan(probability[o] ? State::Kind::probability : State::Kind::histogram, s, o,
           fmt::format("{}/{}.svg", scenarios[s], file_stem(run_outputs[o])));
    for (std::size_t g = 0; g < state_->groups.size(); ++g) {
      const chart::QuarterlyGroup& group = state_->groups[g];
      const auto probabilities = static_cast<std::size_t>(
          std::count_if(group.outputs.begin(), group.outputs.end(), [&](std::size_t o) { return probability[o]; }));
      // A group mixing values and probabilities has no common axis: no chart.
      if (probabilities == 0)
        plan(State::Kind::fan, s, g, fmt::format("{}/{}_fan.svg", scenarios[s], file_stem(group.prefix)));
      else if (probabilities == group.outputs.size())
        plan(State::Kind::quarters, s, g, fmt::format("{}/{}_quarters.svg", scenarios[s], file_stem(group.prefix)));
    }
  }
  if (scenarios.size() >= 2 && !run_outputs.empty())
    plan(probability.front() ? State::Kind::scenario_probabilities : State::Kind::scenarios, 0, 0,
         fmt::format("scenarios_{}.svg", file_stem(run_outputs.front())));
  if (!tornado || run_outputs.empty()) return;
  plan(State::Kind::tornado, 0, 0, fmt::format("tornado_{}.svg", file_stem(run_outputs.front())));
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

const std::vector<std::string>& RunCharts::paths() const {
  return state_->paths;
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
  for (std::size_t s = 0; s < result.scenarios.size(); ++s)
    if (result.scenarios[s].outputs.size() != state_->histograms[s].size())
      throw std::logic_error("RunCharts::files: the result is not of the run the charts were made for");
  std::vector<ChartFile> files;
  for (std::size_t i = 0; i < state_->plan.size(); ++i) {
    const State::Planned& p = state_->plan[i];
    std::string svg;
    switch (p.kind) {
      case State::Kind::histogram:
        svg = chart::histogram_svg(
            chart::output_histogram(result.scenarios[p.scenario], p.item, state_->histograms[p.scenario][p.item]));
        break;
      case State::Kind::probability:
        svg = chart::probability_svg(chart::output_probability(result.scenarios[p.scenario], p.item));
        break;
      case State::Kind::fan:
        svg = chart::fan_svg(chart::quarterly_fan(result.scenarios[p.scenario], state_->groups[p.item]));
        break;
      case State::Kind::quarters:
        svg = chart::probability_svg(
            chart::quarterly_probabilities(result.scenarios[p.scenario], state_->groups[p.item]));
        break;
      case State::Kind::scenarios:
        svg = chart::scenario_svg(chart::scenario_comparison(result, 0));
        break;
      case State::Kind::scenario_probabilities:
        svg = chart::probability_svg(chart::scenario_probabilities(result, 0));
        break;
      case State::Kind::tornado:
        svg = chart::tornado_svg(chart::sensitivity_tornado(*tornado));
        break;
    }
    files.push_back({state_->paths[i], std::move(svg)});
  }
  return files;
}

}  // namespace riskcast
