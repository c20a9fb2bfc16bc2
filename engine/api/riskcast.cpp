// The public API (riskcast.hpp) over the engine's internals.
#include "riskcast/riskcast.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "riskcast/api_checks.hpp"
#include "riskcast/assumptions.hpp"
#include "riskcast/design.hpp"
#include "riskcast/index_names.hpp"
#include "riskcast/model.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sensitivity.hpp"
#include "riskcast/warnings.hpp"

namespace riskcast {

namespace {

// Calls a ProgressCallback at each scenario's start and end (from the
// calling thread) and about every 100 ms in between (from its own thread),
// never two calls at once, each (scenario, done) at most once: the periodic
// calls report only progress below the total that no call has reported
// yet, so the end of a scenario is reported exactly once, by its end. An exception from the callback is kept, the run
// is stopped through `stop`, and rethrow() throws it after the run.
class ProgressReporter {
 public:
  ProgressReporter(const ProgressCallback& callback, std::size_t scenarios, std::uint64_t total, std::stop_source& stop)
      : callback_(callback), stop_(stop) {
    state_.scenarios = scenarios;
    state_.total = total;
    if (callback_) thread_ = std::jthread([this](std::stop_token done) { loop(done); });
  }
  ~ProgressReporter() = default;  // thread_ goes first: its stop request wakes the wait
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  std::atomic<std::uint64_t> counter{0};

  void start_scenario(std::size_t index, const std::string& name) {
    if (!callback_) return;
    std::lock_guard lock(mutex_);
    if (started_) report(state_.total);  // the previous scenario is done
    started_ = true;
    counter.store(0);
    state_.scenario = index;
    state_.name = name;
    report(0);
  }
  // A streamed run's pass, reported as the scenario pass − 1 of the passes
  // known so far (RunProgress::pass): at least two, one more as each later
  // pass is found to be needed.
  void start_pass(unsigned pass) {
    if (!callback_) return;
    std::lock_guard lock(mutex_);
    if (started_) report(state_.total);
    started_ = true;
    counter.store(0);
    state_.scenario = pass - 1;
    state_.scenarios = std::max<std::size_t>(pass, 2);
    state_.pass = pass;
    state_.name = fmt::format("pass {}", pass);
    report(0);
  }
  void finish() {
    if (!callback_) return;
    std::lock_guard lock(mutex_);
    if (state_.pass) state_.scenarios = state_.pass;  // the last pass made is the last
    if (started_) report(state_.total);
  }
  void rethrow() {
    std::lock_guard lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  // Under mutex_: an exception from the callback is kept and stops the run.
  void report(std::uint64_t done) {
    if (failure_) return;
    state_.done = done;
    reported_ = done;
    try {
      callback_(state_);
    } catch (...) {
      failure_ = std::current_exception();
      stop_.request_stop();
    }
  }
  void loop(std::stop_token done) {
    std::unique_lock lock(mutex_);
    while (!done.stop_requested()) {
      wake_.wait_for(lock, done, std::chrono::milliseconds(100), [] { return false; });
      const std::uint64_t now = counter.load(std::memory_order_relaxed);
      if (!done.stop_requested() && started_ && now > reported_ && now < state_.total) report(now);
    }
  }

  const ProgressCallback& callback_;
  std::stop_source& stop_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  RunProgress state_;
  bool started_ = false;
  std::uint64_t reported_ = 0;  // the scenario's `done` last reported
  std::exception_ptr failure_;
  std::jthread thread_;  // last: joined before the members it reads go
};

// Runs work(progress) with `settings` stopping on the caller's stop request
// or on an exception from the progress callback (which is then thrown in
// place of RunCancelled), a RunError turned into a ModelError in `file`.
template <typename Work>
auto supervised(const ProgressCallback& callback, const std::stop_token& caller_stop, std::size_t scenarios,
                std::uint64_t total, RunSettings& settings, const std::string& file, Work&& work) {
  std::stop_source stop;
  std::stop_callback forward(caller_stop, [&stop] { stop.request_stop(); });
  settings.stop = stop.get_token();
  ProgressReporter progress(callback, scenarios, total, stop);
  if (callback) settings.progress = &progress.counter;
  try {
    auto result = run_guarded(file, [&] { return work(progress); });
    progress.finish();
    progress.rethrow();
    return result;
  } catch (const RunCancelled&) {
    progress.rethrow();
    throw;
  }
}

}  // namespace

LoadedModel::LoadedModel(std::shared_ptr<const Model> model, std::vector<Diagnostic> warnings)
    : model_(std::move(model)), warnings_(std::make_shared<const std::vector<Diagnostic>>(std::move(warnings))) {}

LoadedModel LoadedModel::from_file(const std::string& path) {
  Diagnostics warnings(path);
  Model model = riskcast::load_model_file(path, &warnings);
  return LoadedModel(std::make_shared<const Model>(std::move(model)), warnings.warnings());
}

LoadedModel LoadedModel::from_text(std::string_view text, const std::string& file) {
  Diagnostics warnings(file);
  Model model = load_model_text(text, file, &warnings);
  return LoadedModel(std::make_shared<const Model>(std::move(model)), warnings.warnings());
}

const std::string& LoadedModel::file() const {
  return model_->file;
}
const std::string& LoadedModel::name() const {
  return model_->name;
}
const std::string& LoadedModel::title() const {
  return model_->title;
}
const std::string& LoadedModel::description() const {
  return model_->description;
}
std::uint32_t LoadedModel::horizon() const {
  return model_->horizon;
}
const std::vector<Diagnostic>& LoadedModel::warnings() const {
  return *warnings_;
}

std::string LoadedModel::format_warnings(bool as_errors) const {
  Diagnostics d(model_->file);
  for (const Diagnostic& w : *warnings_) d.warning(w);
  return d.format_warnings(as_errors);
}

std::vector<ParameterInfo> LoadedModel::parameters() const {
  const Assumptions assumptions = assumptions_of(*model_, model_->scenarios.front());
  std::vector<ParameterInfo> out;
  for (std::size_t i = 0; i < model_->parameters.size(); ++i) {
    const Parameter& p = model_->parameters[i];
    const AssumptionRow& row = assumptions.parameters.at(i);
    const std::optional<Distribution> solved = p.distribution.solved();
    out.push_back({p.name, p.pos, row.definition, row.has_numbers, row.median, row.p5, row.p95, p.metadata,
                   solved ? solved->to_string() : ""});
  }
  return out;
}

namespace {
std::vector<CorrelationInfo> correlation_infos(const std::vector<ParameterCorrelation>& pairs) {
  std::vector<CorrelationInfo> out;
  for (const ParameterCorrelation& c : pairs) out.push_back({c.first, c.second, c.rho, c.pos});
  return out;
}
}  // namespace

std::vector<CorrelationInfo> LoadedModel::correlations() const {
  return correlation_infos(model_->correlations);
}

std::string nearest_correlations(const std::string& path) {
  return nearest_correlations_of_file(path);
}

std::vector<EventInfo> LoadedModel::events() const {
  const Assumptions assumptions = assumptions_of(*model_, model_->scenarios.front());
  std::vector<EventInfo> out;
  for (std::size_t i = 0; i < model_->events.size(); ++i) {
    const Event& e = model_->events[i];
    EventInfo info{e.name,    e.pos, std::string(to_string(e.kind())), {}, assumptions.events.at(i).definition,
                   e.metadata};
    if (const auto* regime = std::get_if<Regime>(&e.definition)) info.states = regime->states;
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<IndexInfo> LoadedModel::indexes() const {
  std::vector<IndexInfo> out;
  for (const Index& i : model_->indexes) out.push_back({i.name, i.pos, i.elements});
  return out;
}

std::vector<DataInfo> LoadedModel::data() const {
  std::vector<DataInfo> out;
  for (const DataTable& t : model_->data) out.push_back({t.name, t.pos, t.file, t.by, t.column, t.values, t.metadata});
  return out;
}

std::vector<FormulaInfo> LoadedModel::monthly() const {
  std::vector<FormulaInfo> out;
  for (const MonthlyFormula& m : model_->monthly) out.push_back({m.name, m.pos, to_string(m.formula), m.metadata});
  return out;
}

std::vector<FormulaInfo> LoadedModel::outputs() const {
  std::vector<FormulaInfo> out;
  for (const Output& o : model_->outputs) out.push_back({o.name, o.pos, to_string(o.formula), o.metadata});
  return out;
}

std::vector<ScenarioInfo> LoadedModel::scenarios() const {
  std::vector<ScenarioInfo> out;
  for (const Scenario& s : model_->scenarios) {
    ScenarioInfo info{s.name, s.pos, s.description, {}, {}, correlation_infos(s.correlations)};
    for (const Parameter& p : s.parameters) info.parameters.push_back(p.name);
    for (const Event& e : s.events) info.events.push_back(e.name);
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::string> LoadedModel::resolve_columns(const std::vector<std::string>& requested,
                                                      const std::vector<std::string>& outputs) const {
  std::vector<std::string> known, every;  // what "*" stands for; every name a column may have
  for (const Output& o : model_->outputs) {
    every.push_back(o.name);
    if (outputs.empty() || std::find(outputs.begin(), outputs.end(), o.name) != outputs.end()) known.push_back(o.name);
  }
  for (const Parameter& p : model_->parameters) {
    every.push_back(p.name);
    known.push_back(p.name);
  }
  // An entry over an index names all its elements (`w` for w[a], w[b], …),
  // as `--output w` does.
  std::vector<std::string> columns;
  for (const std::string& name : requested) {
    std::vector<std::string> elements;
    if (name != "*" && std::find(every.begin(), every.end(), name) == every.end())
      for (const std::string& e : every)
        if (is_element_of(e, name)) elements.push_back(e);
    if (elements.empty())
      columns.push_back(name);
    else
      columns.insert(columns.end(), elements.begin(), elements.end());
  }
  for (auto it = columns.begin(); it != columns.end(); ++it) {
    const std::string& name = *it;
    if (name != "*" && std::find(every.begin(), every.end(), name) == every.end()) {
      const std::string kind = model_->kind_of_name(name);
      if (!kind.empty())  // an event or a monthly formula
        throw std::invalid_argument(
            fmt::format("'{}' is {} of {}, not an output or a parameter: only those are columns",
                        quote_for_message(name), kind, model_->file));
      const std::string hint = did_you_mean(name, every);
      throw std::invalid_argument(fmt::format("'{}' is neither an output nor a parameter of {}{}",
                                              quote_for_message(name), model_->file,
                                              hint.empty() ? "" : " (" + hint + ")"));
    }
    if (std::find(columns.begin(), it, name) != it)
      throw std::invalid_argument(fmt::format("column '{}' is listed twice", quote_for_message(name)));
    if (name != "*" && std::find(known.begin(), known.end(), name) == known.end())
      throw std::invalid_argument(fmt::format(
          "column '{}' is an output that the run does not evaluate (not among its outputs)", quote_for_message(name)));
  }
  // "*" adds, where it stands, every column not named on its own.
  std::vector<std::string> names;
  for (const std::string& name : columns) {
    if (name != "*") {
      names.push_back(name);
      continue;
    }
    for (const std::string& column : known)
      if (std::find(columns.begin(), columns.end(), column) == columns.end()) names.push_back(column);
  }
  return names;
}

const Scenario& scenario_named(const Model& model, const std::string& name) {
  const Scenario* scenario = model.find_scenario(name);
  if (!scenario) {
    const std::vector<std::string> names = model.scenario_names();
    const std::string hint = did_you_mean(name, names);
    throw std::invalid_argument(fmt::format("'{}' is not a scenario of {} ({}scenarios: {})", quote_for_message(name),
                                            model.file, hint.empty() ? "" : hint + " ", fmt::join(names, ", ")));
  }
  return *scenario;
}

void check_output_names(const Model& model, const std::vector<std::string>& outputs) {
  std::vector<std::string> names;
  for (const Output& o : model.outputs) names.push_back(o.name);
  for (const std::string& name : outputs)
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string hint = over_index_hint(model, name);
      if (hint.empty()) hint = did_you_mean(name, names);
      throw std::invalid_argument(fmt::format("'{}' is not an output of {} ({}outputs: {})", quote_for_message(name),
                                              model.file, hint.empty() ? "" : hint + " ", fmt::join(names, ", ")));
    }
}

namespace {

// The model with only the chosen outputs (all of them when none are chosen).
std::shared_ptr<const Model> with_chosen_outputs(const std::shared_ptr<const Model>& model,
                                                 const std::vector<std::string>& outputs) {
  if (outputs.empty()) return model;
  check_output_names(*model, outputs);
  auto narrowed = std::make_shared<Model>(*model);
  std::erase_if(narrowed->outputs,
                [&](const Output& o) { return std::find(outputs.begin(), outputs.end(), o.name) == outputs.end(); });
  return narrowed;
}

// The settings every sampling entry point takes, checked before anything
// (a memory estimate) reads them.
void check_threads_and_block_size(unsigned threads, std::size_t block_size) {
  if (threads > kMaxThreads)
    throw std::invalid_argument(
        fmt::format("threads must be 0 … {} (0: every hardware thread), not {}", kMaxThreads, threads));
  if (block_size == 0 || block_size > kMaxBlockSize)
    throw std::invalid_argument(fmt::format("block size must be 1 … {}, not {}", kMaxBlockSize, block_size));
}

// Names given twice are refused: the result would hold one scenario twice
// under one name, or a column a reader could not tell apart.
void check_listed_once(const std::vector<std::string>& names, std::string_view what) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i))
      throw std::invalid_argument(fmt::format("{} '{}' is listed twice", what, quote_for_message(names[i])));
}

// The design of a run under lhs or qmc (null for mc), its replicates and
// sample range checked: R designs of m = samples / R points each, and a
// split run made of whole designs.
std::shared_ptr<const SamplingDesign> design_of(const Model& model, const RunOptions& options) {
  const std::string_view method = to_string(options.method);
  if (options.method == SamplingMethod::mc) {
    if (options.replicates > 1)
      throw std::invalid_argument(
          "replicates are designs of lhs or qmc; a Monte Carlo run has none (use method lhs "
          "or qmc, or leave replicates out)");
    return nullptr;
  }
  const unsigned replicates = replicates_for(options.method, options.replicates);
  if (options.method == SamplingMethod::qmc && replicates < 2)
    throw std::invalid_argument(
        "qmc needs at least 2 replicates: its intervals come from the spread between independent scramblings");
  if (replicates > options.samples || options.samples % replicates != 0)
    throw std::invalid_argument(
        fmt::format("{} samples cannot be split into {} {} replicates of equal size; use a "
                    "multiple of {} samples",
                    options.samples, replicates, method, replicates));
  const std::uint64_t points = options.samples / replicates;
  if (options.first_sample % points != 0)
    throw std::invalid_argument(fmt::format(
        "under {} a run is {} of {} points each, and a split run must start at a whole design: first sample {} is "
        "not a multiple of {} (a Latin hypercube's strata and a Sobol sequence's points depend on the design's "
        "size, so part of a design cannot be run alone; split a run into whole replicates)",
        method, counted(replicates, "design"), points, options.first_sample, points));
  if (!options.precision.empty())
    throw std::invalid_argument(fmt::format(
        "precision targets need method mc: a {} design is fixed by its size, so it cannot grow block by block",
        method));
  return std::make_shared<const SamplingDesign>(model, options.method, options.seed, points, replicates);
}

// Each target names an output the run evaluates, once per statistic.
void check_precision_targets(const Model& model, const RunOptions& options) {
  for (std::size_t i = 0; i < options.precision.size(); ++i) {
    const PrecisionTarget& t = options.precision[i];
    check_output_names(model, {t.output});
    if (!options.outputs.empty() &&
        std::find(options.outputs.begin(), options.outputs.end(), t.output) == options.outputs.end())
      throw std::invalid_argument(
          fmt::format("precision of '{}': an output that the run does not evaluate", quote_for_message(t.output)));
    if (t.percentile && !is_nameable_probability(*t.percentile))
      throw std::invalid_argument(fmt::format("precision of '{}': percentile {} is not a probability in (0, 1)",
                                              quote_for_message(t.output), *t.percentile));
    if (!(t.halfwidth > 0) || !std::isfinite(t.halfwidth))
      throw std::invalid_argument(fmt::format("precision of '{}': the half-width must be a positive number, not {}",
                                              quote_for_message(t.output), t.halfwidth));
  }
}

RunRequest request_of(const LoadedModel& model, const RunOptions& options) {
  if (options.samples == 0) throw std::invalid_argument("a run needs at least one sample");
  check_threads_and_block_size(options.threads, options.block_size);
  check_listed_once(options.scenarios, "scenario");
  check_listed_once(options.outputs, "output");
  check_sample_range(options.first_sample, options.samples);
  RunRequest request;
  request.settings.samples = options.samples;
  request.settings.seed = options.seed;
  request.settings.first_sample = options.first_sample;
  request.settings.threads = options.threads;
  request.settings.block_size = options.block_size;
  for (const std::string& name : options.scenarios) scenario_named(model.ir(), name);
  request.scenarios = options.scenarios;
  request.columns = model.resolve_columns(options.columns, options.outputs);
  for (double p : options.percentiles)
    if (!is_nameable_probability(p))
      throw std::invalid_argument(fmt::format(
          "percentile {} is not a probability in (0, 1) that riskcast can hold ({} … {}; 0.975 asks for P97.5)", p,
          kSmallestPercentile, kLargestPercentile));
  request.percentiles = with_standard_percentiles(options.percentiles);
  for (const ExceedanceThreshold& e : options.exceedances) {
    check_output_names(model.ir(), {e.output});
    if (!options.outputs.empty() &&
        std::find(options.outputs.begin(), options.outputs.end(), e.output) == options.outputs.end())
      throw std::invalid_argument(
          fmt::format("exceedance of '{}': an output that the run does not evaluate (not among its outputs)",
                      quote_for_message(e.output)));
    if (!std::isfinite(e.threshold))
      throw std::invalid_argument(fmt::format("exceedance of '{}': the threshold must be a finite number, not {}",
                                              quote_for_message(e.output), e.threshold));
    // Its exceedances would only repeat P or 0 or 1.
    for (const Output& o : model.ir().outputs)
      if (o.name == e.output && o.metadata.kind == OutputKind::Probability)
        throw std::invalid_argument(
            fmt::format("exceedance of '{}': {}", quote_for_message(e.output), probability_output_exceedance()));
  }
  request.exceedances = options.exceedances;
  request.visit_column = options.visit_column;
  request.settings.design = design_of(model.ir(), options);
  check_precision_targets(model.ir(), options);
  return request;
}

}  // namespace

MemoryEstimate LoadedModel::estimate_memory(const RunOptions& options) const {
  const RunRequest request = request_of(*this, options);
  return riskcast::estimate_memory(*with_chosen_outputs(model_, options.outputs), request);
}

namespace {

// Bytes a run may use: RunOptions::memory_limit, else what is available
// under MemoryPolicy::refuse; 0: no limit.
std::uint64_t memory_limit_of(const RunOptions& options) {
  return options.memory_limit ? options.memory_limit : options.memory == MemoryPolicy::refuse ? available_memory() : 0;
}

// LoadedModel::storage_for on a request already made.
SampleStorage storage_for(const RunOptions& options, const Model& model, const RunRequest& request,
                          std::uint64_t limit) {
  bool streamed = options.storage == SampleStorage::streamed;
  const std::string why_kept =
      options.precision.empty() ? why_not_streamed(request) : "precision targets keep their samples";
  if (streamed && !why_kept.empty())
    throw std::invalid_argument(fmt::format("this run cannot be streamed: {}", why_kept));
  if (!streamed && limit) {
    const MemoryEstimate memory = riskcast::estimate_memory(model, request);
    const std::uint64_t needed = memory.total(options.samples);
    if (needed > limit) {
      const std::string what = fmt::format(
          "{} need about {} ({} bytes per sample + {} working set) but {}", counted(options.samples, "sample"),
          format_bytes(needed), memory.bytes_per_sample, format_bytes(memory.fixed_bytes),
          options.memory_limit ? fmt::format("the limit is {}", format_bytes(limit))
                               : fmt::format("only {} is available{}", format_bytes(limit), machine_share_note()));
      if (options.storage == SampleStorage::in_memory || !why_kept.empty())
        throw ResourceError(fmt::format("{}; {}", what,
                                        why_kept.empty() ? std::string("use fewer samples or let the run stream")
                                                         : fmt::format("use fewer samples (the run cannot be streamed: "
                                                                       "{})",
                                                                       why_kept)));
      streamed = true;
    }
  }
  // A streamed run's working set must fit too (ResourceError otherwise).
  if (streamed && limit) streaming_budget(model, request, limit);
  return streamed ? SampleStorage::streamed : SampleStorage::in_memory;
}

}  // namespace

SampleStorage LoadedModel::storage_for(const RunOptions& options) const {
  const RunRequest request = request_of(*this, options);
  const std::shared_ptr<const Model> model = with_chosen_outputs(model_, options.outputs);
  return riskcast::storage_for(options, *model, request, memory_limit_of(options));
}

RunResult LoadedModel::run(const RunOptions& options) const {
  RunRequest request = request_of(*this, options);
  const std::shared_ptr<const Model> model = with_chosen_outputs(model_, options.outputs);
  const std::size_t scenarios = request.scenarios.empty() ? model_->scenarios.size() : request.scenarios.size();
  const std::uint64_t limit = memory_limit_of(options);
  if (riskcast::storage_for(options, *model, request, limit) == SampleStorage::streamed) {
    const SelectionBudget budget =
        streaming_budget(*model, request, limit ? limit : std::numeric_limits<std::uint64_t>::max() / 4);
    return supervised(options.progress, options.stop, scenarios, request.settings.samples, request.settings,
                      model_->file, [&](ProgressReporter& progress) {
                        return run_model_streamed(*model, request, budget,
                                                  [&](unsigned pass) { progress.start_pass(pass); });
                      });
  }
  // Precision targets: first how many samples meet them (cancellable, not
  // reported as progress), then a plain run of that many.
  std::optional<PrecisionOutcome> precision;
  if (!options.precision.empty()) {
    request.settings.stop = options.stop;
    std::uint64_t samples = 0;
    precision = run_guarded(model_->file, [&] { return find_precision(*model, request, options.precision, samples); });
    request.settings.samples = samples;
  }
  RunResult result = supervised(options.progress, options.stop, scenarios, request.settings.samples, request.settings,
                                model_->file, [&](ProgressReporter& progress) {
                                  return run_model(*model, request, [&](std::size_t index, const std::string& name) {
                                    progress.start_scenario(index, name);
                                  });
                                });
  result.precision = std::move(precision);
  return result;
}

std::string LoadedModel::describe(const std::string& scenario, Format format) const {
  return describe_assumptions(*model_, scenario_named(*model_, scenario), format);
}

std::string LoadedModel::disassemble(const std::string& scenario) const {
  return compile_program(apply_scenario(*model_, scenario_named(*model_, scenario))).disassemble(model_->file);
}

SensitivityResult LoadedModel::sensitivity(const SensitivityOptions& options) const {
  if (options.samples == 0 || options.samples > kMaxSensitivitySamples)
    throw std::invalid_argument(
        fmt::format("a sensitivity analysis takes 1 … {} samples, not {}", kMaxSensitivitySamples, options.samples));
  check_threads_and_block_size(options.threads, options.block_size);
  scenario_named(*model_, options.scenario);
  if (!options.output.empty()) with_chosen_outputs(model_, {options.output});  // checks the name
  SensitivityRequest request;
  request.settings.samples = options.samples;
  request.settings.seed = options.seed;
  request.settings.threads = options.threads;
  request.settings.block_size = options.block_size;
  request.scenario = options.scenario;
  request.output = options.output;
  request.scenario_deltas = options.scenario_deltas;
  if (options.method == SensitivityMethod::sobol) {
    // A, B and one column being estimated, each N doubles, beside the run's own.
    const std::size_t passes = run_guarded(model_->file, [&] { return sobol_passes(*model_, request); });
    if (options.memory == MemoryPolicy::refuse) {
      MemoryEstimate e = riskcast::estimate_memory(*model_, request.settings);
      e.bytes_per_sample += 6 * sizeof(double);
      refuse_beyond_available(e, options.samples, " for sensitivity");
    }
    return supervised(options.progress, options.stop, 1, options.samples * passes, request.settings, model_->file,
                      [&](ProgressReporter& progress) {
                        progress.start_scenario(0, "sensitivity");
                        return analyze_sobol(*model_, request);
                      });
  }
  if (options.memory == MemoryPolicy::refuse)
    refuse_beyond_available(estimate_sensitivity_memory(*model_, request), options.samples, " for sensitivity");
  return supervised(options.progress, options.stop, 1, options.samples * sensitivity_passes(*model_, request),
                    request.settings, model_->file, [&](ProgressReporter& progress) {
                      progress.start_scenario(0, "sensitivity");
                      return analyze_sensitivity(*model_, request);
                    });
}

std::vector<Diagnostic> LoadedModel::result_warnings(const RunResult& result) const {
  Diagnostics warnings(model_->file);
  warn_about_results(*model_, result, warnings);
  return warnings.warnings();
}

std::string LoadedModel::format_result_warnings(const RunResult& result) const {
  Diagnostics warnings(model_->file);
  warn_about_results(*model_, result, warnings);
  return warnings.format_warnings();
}

}  // namespace riskcast
