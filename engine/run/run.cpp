#include "riskcast/run.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "riskcast/design.hpp"
#include "riskcast/format.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"

namespace riskcast {

namespace {

// Probe outputs that carry a parameter's draws: "parameter:NAME" (no model
// name holds a ':').
std::string parameter_probe(const std::string& name) {
  return "parameter:" + name;
}

}  // namespace

std::vector<const Scenario*> chosen_scenarios(const Model& model, const std::vector<std::string>& names) {
  std::vector<const Scenario*> chosen;
  if (names.empty()) {
    for (const Scenario& s : model.scenarios) chosen.push_back(&s);
    return chosen;
  }
  for (const std::string& name : names) {
    const Scenario* s = model.find_scenario(name);
    if (!s) throw std::invalid_argument(fmt::format("unknown scenario `{}`", name));
    chosen.push_back(s);
  }
  return chosen;
}

std::vector<std::vector<double>> thresholds_by_output(const Model& model, const RunRequest& request) {
  std::vector<std::vector<double>> thresholds(model.outputs.size());
  for (const ExceedanceThreshold& e : request.exceedances)
    for (std::size_t o = 0; o < model.outputs.size(); ++o)
      if (model.outputs[o].name == e.output &&
          std::find(thresholds[o].begin(), thresholds[o].end(), e.threshold) == thresholds[o].end())
        thresholds[o].push_back(e.threshold);
  return thresholds;
}

namespace {

// What a run samples: the model's outputs, then one probe per kept
// parameter; kept[k] is the sampled output holding kept column k.
struct SamplingPlan {
  std::vector<Output> probes;
  std::vector<std::size_t> kept;
  std::vector<SampleColumn::Kind> kinds;
};

SamplingPlan plan_columns(const Model& model, const std::vector<std::string>& columns) {
  SamplingPlan plan;
  for (const std::string& name : columns) {
    const auto output =
        std::find_if(model.outputs.begin(), model.outputs.end(), [&](const Output& o) { return o.name == name; });
    if (output != model.outputs.end()) {
      plan.kept.push_back(static_cast<std::size_t>(output - model.outputs.begin()));
      plan.kinds.push_back(SampleColumn::Kind::Output);
      continue;
    }
    const auto parameter = std::find_if(model.parameters.begin(), model.parameters.end(),
                                        [&](const Parameter& p) { return p.name == name; });
    if (parameter == model.parameters.end())
      throw std::invalid_argument(
          fmt::format("`{}` is neither an output nor a parameter of model `{}`", name, model.name));
    plan.kept.push_back(model.outputs.size() + plan.probes.size());
    plan.kinds.push_back(SampleColumn::Kind::Parameter);
    plan.probes.push_back({parameter_probe(name), parameter->pos, name_expr(name, parameter->pos), {}});
  }
  return plan;
}

// A probability output's 0/1 column in scenario `index` of `scenarios`: the
// first scenario's is kept in `first`; each later one is paired with it
// sample by sample (OutputResult::difference).
// Under a replicated design (replicates ≥ 2) the interval is the
// replicates' (summarize_replicated): each replicate's difference is one
// estimate.
void pair_with_first(std::span<const double> column, std::size_t index, std::size_t scenarios, unsigned replicates,
                     std::vector<std::uint8_t>& first, OutputResult& result) {
  if (index == 0) {
    if (scenarios > 1) first.assign(column.begin(), column.end());
    return;
  }
  result.difference = paired_indicator_difference(std::span<const std::uint8_t>(first), column);
  if (replicates < 2) return;
  std::vector<double> changes(column.size());  // +1 gained, −1 lost, 0 unchanged
  for (std::size_t k = 0; k < column.size(); ++k)
    changes[k] = static_cast<double>(column[k] == 1.0) - static_cast<double>(first[k] != 0);
  const OutputSummary spread = summarize_replicated(changes, replicates, {});
  // Few samples that change per replicate: the wider of the replicates' and
  // the exact paired interval (as summarize_replicated does for a tail).
  const auto changed =
      static_cast<double>(std::count_if(changes.begin(), changes.end(), [](double c) { return c != 0; }));
  const bool thin = replicated_tail_is_thin(column.size() / replicates, changed / static_cast<double>(column.size()));
  PairedProportionDifference& d = *result.difference;
  d.ci_low = std::clamp(thin ? std::min(spread.mean_ci_low, d.ci_low) : spread.mean_ci_low, -1.0, 1.0);
  d.ci_high = std::clamp(thin ? std::max(spread.mean_ci_high, d.ci_high) : spread.mean_ci_high, -1.0, 1.0);
}

}  // namespace

Expr name_expr(const std::string& name, SourcePos pos) {
  Expr e;
  e.kind = ExprKind::Name;
  e.name = name;
  e.pos = pos;
  return e;
}

Model with_outputs(const Model& model, std::vector<Output> outputs) {
  Model scratch = model;
  scratch.outputs = std::move(outputs);
  Diagnostics diagnostics(model.file);
  resolve_model(scratch, diagnostics);
  if (!diagnostics.empty())
    throw std::logic_error(fmt::format("engine-made outputs did not resolve: {}", diagnostics.format()));
  Model result = model;
  result.outputs = std::move(scratch.outputs);
  return result;
}

unsigned estimated_threads(const RunSettings& settings) {
  if (settings.threads) return settings.threads;
  std::uint64_t threads = static_cast<unsigned>(tbb::this_task_arena::max_concurrency());
  // Over ranks the most any rank has (as its complement's least), so that
  // every rank's estimate, and so its decision to refuse or to stream, is alike.
  if (settings.ranks && settings.ranks->size() > 1) {
    threads = ~threads;
    settings.ranks->min(std::span(&threads, 1));
    threads = ~threads;
  }
  return static_cast<unsigned>(threads);
}

MemoryEstimate estimate_memory(const Model& model, const RunRequest& request) {
  const Program program = compile_program(model);
  const SamplingPlan plan = plan_columns(model, request.columns);
  const std::size_t scenarios = request.scenarios.empty() ? model.scenarios.size() : request.scenarios.size();
  MemoryEstimate e;
  // A probability output's 0/1 values in the first scenario are kept (a
  // byte each) to pair them with the later scenarios'.
  const std::size_t indicators =
      scenarios < 2
          ? 0
          : static_cast<std::size_t>(std::count_if(model.outputs.begin(), model.outputs.end(), [](const Output& o) {
              return o.metadata.kind == OutputKind::Probability;
            }));
  e.bytes_per_sample = bytes_per_sample(program) + plan.probes.size() * sizeof(double) +
                       plan.kept.size() * scenarios * sizeof(double) + indicators;
  const RunSettings& settings = request.settings;
  const unsigned threads = estimated_threads(settings);
  e.fixed_bytes = static_cast<std::uint64_t>(threads) * program.register_count * settings.block_size * sizeof(double) +
                  (64u << 20);  // code, model, allocator slack
  return e;
}

MemoryEstimate estimate_memory(const Model& model, const RunSettings& settings) {
  RunRequest request;
  request.settings = settings;
  request.scenarios = {model.scenarios.front().name};  // one scenario's columns at a time
  return estimate_memory(model, request);
}

namespace {
std::uint64_t available_here() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (meminfo >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
}
}  // namespace

std::uint64_t available_memory() {
  std::uint64_t available = available_here();
  if (RankGroup* group = active_ranks()) {
    // This rank's share of its machine's (ranks.hpp), then the least of any
    // rank's, so that every rank takes the same decision (to refuse, to
    // stream) and they stay in step.
    available /= static_cast<std::uint64_t>(std::max(1, group->ranks_on_machine()));
    if (group->size() > 1) group->min(std::span(&available, 1));
  }
  return available;
}

std::string machine_share_note() {
  const RankGroup* group = active_ranks();
  const int sharing = group ? group->ranks_on_machine() : 1;
  return sharing > 1 ? fmt::format(" to each of the {} processes on this machine", sharing) : "";
}

std::string format_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes >= (1ull << 30)) return fmt::format("{:.1f} GiB", b / double(1ull << 30));
  if (bytes >= (1ull << 20)) return fmt::format("{:.0f} MiB", b / double(1ull << 20));
  if (bytes >= (1ull << 10)) return fmt::format("{:.0f} KiB", b / double(1ull << 10));
  return counted(bytes, "byte");
}

void refuse_beyond_available(const MemoryEstimate& memory, std::uint64_t samples, const char* what) {
  const std::uint64_t needed = memory.total(samples);
  const std::uint64_t available = available_memory();
  if (available && needed > available)
    throw ResourceError(
        fmt::format("{} need about {}{} ({} bytes per sample + {} working set) but only {} is "
                    "available{}; use fewer samples",
                    counted(samples, "sample"), format_bytes(needed), what, memory.bytes_per_sample,
                    format_bytes(memory.fixed_bytes), format_bytes(available), machine_share_note()));
}

RunResult run_model(const Model& model, const RunRequest& request, const ScenarioCallback& on_scenario) {
  const std::vector<const Scenario*> chosen = chosen_scenarios(model, request.scenarios);
  const SamplingPlan plan = plan_columns(model, request.columns);
  std::optional<Model> probed;
  if (!plan.probes.empty()) {
    std::vector<Output> outputs = model.outputs;
    outputs.insert(outputs.end(), plan.probes.begin(), plan.probes.end());
    probed = with_outputs(model, std::move(outputs));
  }
  const Model& sampled = probed ? *probed : model;
  // kept_slot[o]: the kept column sampled output o fills, or none.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> kept_slot(sampled.outputs.size(), kNone);
  for (std::size_t k = 0; k < plan.kept.size(); ++k) kept_slot[plan.kept[k]] = k;

  RunResult result;
  result.model = model.name;
  result.title = model.title;
  result.samples = request.settings.samples;
  result.seed = request.settings.seed;
  result.first_sample = request.settings.first_sample;
  if (const SamplingDesign* design = request.settings.design.get()) {
    result.method = std::string(to_string(design->method()));
    result.replicates = design->replicates();
  }
  // Replicated designs take their intervals from the replicates' spread.
  const unsigned replicates = result.replicates;
  result.percentiles = request.percentiles;
  const std::vector<std::vector<double>> thresholds = thresholds_by_output(model, request);
  // first_indicator[o]: a probability output's values in the first
  // scenario, kept to pair each later scenario's samples with them.
  std::vector<std::vector<std::uint8_t>> first_indicator(model.outputs.size());
  const int threads =
      request.settings.threads ? static_cast<int>(request.settings.threads) : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const Scenario& scenario = *chosen[i];
    if (on_scenario) on_scenario(i, scenario.name);
    const Model applied = apply_scenario(sampled, scenario);
    const Program program = compile_program(applied);
    std::vector<Column> columns;
    std::vector<double*> outputs;
    for (std::size_t o = 0; o < program.outputs.size(); ++o) {
      columns.push_back(allocate_column(request.settings.samples));
      outputs.push_back(columns.back().data.get());
    }
    sample_program_into(program, request.settings, outputs);
    ScenarioResult sr;
    sr.name = scenario.name;
    sr.description = scenario.description;
    sr.outputs.resize(model.outputs.size());
    sr.columns.resize(plan.kept.size());
    for (std::size_t k = 0; k < plan.kept.size(); ++k) {
      SampleColumn& c = sr.columns[k];
      c.kind = plan.kinds[k];
      if (c.kind == SampleColumn::Kind::Output) {
        c.name = applied.outputs[plan.kept[k]].name;
        c.metadata = applied.outputs[plan.kept[k]].metadata;
      } else {
        c.name = request.columns[k];
        for (const Parameter& p : applied.parameters)
          if (p.name == c.name) c.metadata = p.metadata;
      }
    }
    // Each output's summary depends on its column alone: parallel and still exact.
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, program.outputs.size(), [&](std::size_t o) {
        const std::span<double> column = columns[o].span();
        // Copied before summarising, which reorders the column.
        if (kept_slot[o] != kNone) sr.columns[kept_slot[o]].values.assign(column.begin(), column.end());
        if (o < model.outputs.size()) {
          sr.outputs[o].name = program.outputs[o].name;
          sr.outputs[o].metadata = program.outputs[o].metadata;
          if (request.visit_column) request.visit_column(i, o, column);
          // Sampling has checked that a probability output is 0 or 1 in every sample.
          const bool indicator = program.outputs[o].metadata.kind == OutputKind::Probability;
          if (indicator) pair_with_first(column, i, chosen.size(), replicates, first_indicator[o], sr.outputs[o]);
          OutputSummary& summary = sr.outputs[o].summary;
          summary = replicates >= 2 ? summarize_replicated(column, replicates, request.percentiles, thresholds[o])
                                    : summarize(column, request.percentiles, thresholds[o]);
          if (indicator) {
            summary.probability = estimate_indicator_proportion(column);
            // The mean of a 0/1 column is its proportion; with few successes
            // (or failures) per replicate, the wider of the replicates' and the
            // exact interval (summarize_replicated).
            if (replicates >= 2) {
              ProportionEstimate& p = *summary.probability;
              const bool thin = replicated_tail_is_thin(column.size() / replicates, p.estimate);
              p.ci_low = std::clamp(thin ? std::min(summary.mean_ci_low, p.ci_low) : summary.mean_ci_low, 0.0, 1.0);
              p.ci_high = std::clamp(thin ? std::max(summary.mean_ci_high, p.ci_high) : summary.mean_ci_high, 0.0, 1.0);
            }
          }
        }
        columns[o].data.reset();  // free the column as soon as it is summarised
      });
    });
    result.scenarios.push_back(std::move(sr));
  }
  return result;
}

namespace {

// A target's estimate and the half-width of its 95 % interval in the
// samples so far (NaN when the interval is open), as a run's summary
// reports them: the wider side, the ± every table shows (a percentile's
// interval is not symmetric; half its width said "reached" under a wider ±).
std::pair<double, double> estimate_and_halfwidth(const PrecisionTarget& target, std::span<const double> values,
                                                 std::vector<double>& scratch) {
  auto shown = [](double estimate, double low, double high) {
    return is_open(low) || is_open(high) ? NAN : interval_half_width(estimate, low, high);
  };
  if (!target.percentile) {
    const Moments m = moments_of(values);
    const auto [low, high] = mean_interval(m.mean, m.sd, values.size());
    return {m.mean, shown(m.mean, low, high)};
  }
  scratch.assign(values.begin(), values.end());
  const double p = *target.percentile;
  const PercentileEstimate q = summarize(scratch, std::span(&p, 1)).percentiles.front();
  return {q.value, shown(q.value, q.ci_low, q.ci_high)};
}

}  // namespace

PrecisionOutcome find_precision(const Model& model, const RunRequest& request,
                                const std::vector<PrecisionTarget>& targets, std::uint64_t& samples) {
  const std::vector<const Scenario*> chosen = chosen_scenarios(model, request.scenarios);
  // Only the outputs the targets name are evaluated (no formula reads an output).
  Model narrowed = model;
  std::erase_if(narrowed.outputs, [&](const Output& o) {
    return std::none_of(targets.begin(), targets.end(), [&](const PrecisionTarget& t) { return t.output == o.name; });
  });
  struct ScenarioColumns {
    Program program;
    std::vector<Column> columns;  // per output of `program`
  };
  const std::uint64_t most = request.settings.samples;
  std::vector<ScenarioColumns> scenarios;
  for (const Scenario* scenario : chosen) {
    ScenarioColumns& s =
        scenarios.emplace_back(ScenarioColumns{compile_program(apply_scenario(narrowed, *scenario)), {}});
    for (std::size_t o = 0; o < s.program.outputs.size(); ++o) s.columns.push_back(allocate_column(most));
  }
  PrecisionOutcome outcome;
  outcome.max_samples = most;
  std::vector<double> scratch;
  std::uint64_t done = 0;
  while (true) {
    const std::uint64_t next = std::min(most, done + kPrecisionBlock);
    for (ScenarioColumns& s : scenarios) {
      RunSettings block = request.settings;
      block.first_sample = request.settings.first_sample + done;
      block.samples = next - done;
      block.progress = nullptr;
      std::vector<double*> outputs;
      for (Column& c : s.columns) outputs.push_back(c.data.get() + done);
      sample_program_into(s.program, block, outputs);
    }
    done = next;
    outcome.targets.clear();
    outcome.reached = true;
    for (const PrecisionTarget& target : targets) {
      PrecisionOutcome::Target found{target, 0, 0, true};
      double worst = -1;  // the largest achieved / required over the scenarios
      for (ScenarioColumns& s : scenarios) {
        const auto o =
            static_cast<std::size_t>(std::find_if(s.program.outputs.begin(), s.program.outputs.end(),
                                                  [&](const OutputColumn& c) { return c.name == target.output; }) -
                                     s.program.outputs.begin());
        const auto [estimate, halfwidth] =
            estimate_and_halfwidth(target, std::span<const double>(s.columns[o].data.get(), done), scratch);
        const double required = target.relative ? target.halfwidth * std::fabs(estimate) : target.halfwidth;
        const bool met = halfwidth <= required;  // false for an open interval (NaN)
        const double ratio = met ? halfwidth / required : INFINITY;
        if (!(ratio <= worst)) {
          worst = ratio;
          found.achieved = halfwidth;
          found.required = required;
        }
        found.met = found.met && met;
      }
      outcome.reached = outcome.reached && found.met;
      outcome.targets.push_back(found);
    }
    if (outcome.reached || done == most) break;
  }
  samples = done;
  return outcome;
}

}  // namespace riskcast
