// Batch execution (batch_runs.hpp): every model read once, each run's files
// written all or none, failures collected in the words `riskcast run` would
// use, then the summary.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <new>
#include <optional>
#include <set>

#include "riskcast/batch.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/files.hpp"
#include "riskcast/ranks.hpp"
#include "riskcast/report.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/run.hpp"

namespace riskcast {

namespace fs = std::filesystem;

namespace {

// A model read once for every run that names it; `error` holds its
// diagnostics when it could not be read.
struct BatchModel {
  std::optional<LoadedModel> model;
  std::string error;
};

// Why a run failed, in the words the user would see from `riskcast run`.
std::string failure_text(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const ModelError& e) {
    return e.diagnostics().format();
  } catch (const std::bad_alloc&) {
    return "riskcast: error: out of memory\n";
  } catch (const std::exception& e) {
    return fmt::format("riskcast: error: {}\n", e.what());
  }
}

RunOptions options_of(const BatchRun& run, const BatchOptions& batch) {
  RunOptions options;
  options.samples = run.samples;
  options.seed = run.seed;
  options.method = run.method;
  options.replicates = run.replicates;
  options.percentiles = run.percentiles;
  options.exceedances = run.exceedances;
  options.threads = batch.threads;
  options.memory_limit = batch.memory_limit;
  options.storage = batch.storage;
  options.scenarios = run.scenarios;
  options.stop = batch.stop;
  return options;
}

// Runs one entry of the batch and writes its result files; throws on failure,
// having removed any file of this run it had written.
RunResult execute(const BatchRun& run, const LoadedModel& model, const BatchOptions& batch, const fs::path& dir) {
  // A sweep's cell: its levers' values in place of the parameters' own.
  RunResult result = run.overrides.empty() ? model.run(options_of(run, batch))
                                           : model.with_parameters(run.overrides).run(options_of(run, batch));
  if (batch.warnings) {
    const std::string warnings = model.format_result_warnings(result);
    if (!warnings.empty()) batch.warnings(warnings);
  }
  // All or none: a failure in a writer discards the run's files written before it.
  StagedFiles files;
  for (Format format : run.formats)
    files.add((dir / result_file_name(run, format)).string(), format_result(result, format));
  files.commit();
  return result;
}

// Each lever value of `sweep` that is a definition (not a number) read as
// the model would read it, once per distinct value, before anything runs:
// a mistake is the batch file's, reported at the lever.
void check_lever_definitions(const BatchFile& batch, const BatchSweep& sweep, const LoadedModel& model,
                             Diagnostics& errors) {
  std::set<std::pair<std::size_t, std::string>> checked;
  for (std::size_t c = sweep.first_run; c < sweep.first_run + sweep.cells; ++c)
    for (std::size_t j = 0; j < batch.runs[c].overrides.size(); ++j) {
      const ParameterOverride& o = batch.runs[c].overrides[j];
      if (!std::isnan(batch.runs[c].setting_values[j]) || !checked.emplace(j, o.definition).second) continue;
      try {
        model.with_parameters({o});
      } catch (const ModelError& e) {
        const std::string why = e.diagnostics().empty() ? e.what() : e.diagnostics().items().front().message;
        errors.error(sweep.lever_pos[j], fmt::format("sweep `{}`: lever `{}`: '{}': {}", sweep.name, o.name,
                                                     quote_for_message(o.definition), why));
      } catch (const std::exception& e) {
        errors.error(sweep.lever_pos[j], fmt::format("sweep `{}`: lever `{}`: '{}': {}", sweep.name, o.name,
                                                     quote_for_message(o.definition), e.what()));
      }
    }
}

// Each sweep's headline output against its levers, from the cells that
// succeeded, written together into options.plot.
void write_sweep_charts(const BatchFile& batch, const std::map<std::string, BatchModel>& models,
                        const std::vector<NamedResult>& results, const BatchOptions& options) {
  StagedFiles files;
  files.create_folders(options.plot);
  for (const BatchSweep& sweep : batch.sweeps) {
    const BatchModel& loaded = models.at(sweep.model_path);
    if (!loaded.model) continue;
    if (sweep.levers.size() > 2) {
      if (options.warnings)
        options.warnings(fmt::format("{}:{}:{}: warning: sweep `{}` has {} levers; --plot draws sweeps of one or two\n",
                                     batch.path, sweep.pos.line, sweep.pos.column, sweep.name, sweep.levers.size()));
      continue;
    }
    chart::SweepChart chart;
    chart.quantity = sweep.output.empty() ? loaded.model->outputs().front().name : sweep.output;
    chart.title = fmt::format("{}: {} by {}", sweep.name, chart.quantity, fmt::join(sweep.levers, " and "));
    chart.levers = sweep.levers;
    for (const std::string& lever : sweep.levers)
      for (const ParameterInfo& p : loaded.model->parameters())
        if (p.name == lever) chart.lever_units.push_back(p.metadata.unit);
    std::vector<std::string> scenarios = batch.runs[sweep.first_run].scenarios;
    if (scenarios.empty())
      for (const ScenarioInfo& s : loaded.model->scenarios()) scenarios.push_back(s.name);
    for (const std::string& scenario : scenarios) chart.series.push_back({scenario, {}});
    bool undrawn = false;  // a cell whose lever is a distribution has no place on an axis
    for (const NamedResult& named : results) {
      const auto cell = std::find_if(batch.runs.begin() + static_cast<std::ptrdiff_t>(sweep.first_run),
                                     batch.runs.begin() + static_cast<std::ptrdiff_t>(sweep.first_run + sweep.cells),
                                     [&](const BatchRun& r) { return r.name == named.run; });
      if (cell == batch.runs.begin() + static_cast<std::ptrdiff_t>(sweep.first_run + sweep.cells)) continue;
      if (std::any_of(cell->setting_values.begin(), cell->setting_values.end(),
                      [](double v) { return std::isnan(v); })) {
        undrawn = true;
        continue;
      }
      for (std::size_t i = 0; i < named.result.scenarios.size() && i < chart.series.size(); ++i)
        for (const OutputResult& o : named.result.scenarios[i].outputs)
          if (o.name == chart.quantity) {
            chart.unit = o.metadata.unit;
            chart.series[i].points.push_back({cell->setting_values, o.summary.mean, o.summary.percentile(0.05).value,
                                              o.summary.percentile(0.95).value});
          }
    }
    if (undrawn && options.warnings)
      options.warnings(
          fmt::format("{}:{}:{}: warning: sweep `{}`: the cells whose levers are distributions, not "
                      "numbers, are left out of its chart\n",
                      batch.path, sweep.pos.line, sweep.pos.column, sweep.name));
    const std::vector<std::string> names = sweep_chart_files(sweep, scenarios);
    for (std::size_t i = 0; i < names.size(); ++i)
      files.add((fs::path(options.plot) / names[i]).string(),
                sweep.levers.size() == 1 ? chart::sweep_line_svg(chart) : chart::sweep_heatmap_svg(chart, i));
  }
  files.commit();
}

}  // namespace

std::vector<std::string> sweep_chart_files(const BatchSweep& sweep, const std::vector<std::string>& scenarios) {
  if (sweep.levers.size() == 1) return {sweep.name + ".svg"};
  std::vector<std::string> names;
  if (sweep.levers.size() == 2)
    for (const std::string& scenario : scenarios) names.push_back(fmt::format("{}.{}.svg", sweep.name, scenario));
  return names;
}

BatchOutcome run_batch(const BatchFile& batch, const BatchOptions& options) {
  const auto batch_start = std::chrono::steady_clock::now();
  BatchOutcome outcome;
  outcome.runs = batch.runs.size();

  // Every model is read up front, once: a misspelt scenario is a mistake in
  // the batch file and stops the batch before anything runs, while a model
  // that cannot be read fails only the runs that use it.
  std::map<std::string, BatchModel> models;
  Diagnostics scenario_errors(batch.path);
  for (std::size_t i = 0; i < batch.runs.size(); ++i) {
    const BatchRun& run = batch.runs[i];
    auto [it, fresh] = models.try_emplace(run.model_path);
    if (fresh) {
      try {
        it->second.model = LoadedModel::from_file(run.model_path);
        const std::string warnings = it->second.model->format_warnings();
        if (options.warnings && !warnings.empty()) options.warnings(warnings);
      } catch (...) {
        it->second.error = failure_text(std::current_exception());
      }
    }
    if (it->second.model) {
      check_batch_names(batch, i, it->second.model->ir(), scenario_errors);
      if (run.sweep != BatchRun::kNoSweep && i == batch.sweeps[run.sweep].first_run)
        check_lever_definitions(batch, batch.sweeps[run.sweep], *it->second.model, scenario_errors);
    }
  }
  if (!scenario_errors.empty()) throw ModelError(std::move(scenario_errors));
  outcome.models = models.size();

  auto fail = [&](const BatchRun& run, std::string error) {
    outcome.failed.push_back({run.name, run.pos, std::move(error)});
  };
  if (options.dry_run) {
    for (const BatchRun& run : batch.runs) {
      const BatchModel& loaded = models.at(run.model_path);
      if (!loaded.model) {
        fail(run, loaded.error);
        continue;
      }
      try {
        loaded.model->storage_for(options_of(run, options));  // refused as the run would be
      } catch (...) {
        fail(run, failure_text(std::current_exception()));
      }
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
    return outcome;
  }

  const fs::path dir(options.out);
  std::error_code ec;
  if (writes_files()) fs::create_directories(dir, ec);  // rank 0 alone under MPI (ranks.hpp)
  if (ec) throw FileError(dir.string(), ec.message());
  std::vector<NamedResult> results;
  std::vector<FailedRun> failed;
  for (std::size_t i = 0; i < batch.runs.size(); ++i) {
    const BatchRun& run = batch.runs[i];
    const BatchModel& loaded = models.at(run.model_path);
    BatchProgress progress;
    progress.index = i;
    progress.runs = batch.runs.size();
    progress.run = &run;
    progress.scenarios =
        run.scenarios.empty() && loaded.model ? loaded.model->scenarios().size() : run.scenarios.size();
    if (options.progress) options.progress(progress);
    const auto start = std::chrono::steady_clock::now();
    std::exception_ptr failure;
    if (!loaded.model) {
      fail(run, loaded.error);
    } else {
      try {
        NamedResult named{run.name, execute(run, *loaded.model, options, dir), {}};
        if (run.sweep != BatchRun::kNoSweep)
          for (std::size_t j = 0; j < run.setting_text.size(); ++j)
            named.settings.emplace_back(batch.sweeps[run.sweep].levers[j], run.setting_text[j]);
        results.push_back(std::move(named));
      } catch (const RunCancelled&) {
        throw;
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) fail(run, failure_text(failure));
    }
    progress.failed = !loaded.model || failure;
    if (progress.failed) {
      // No file may stand for a failed run, not even one an earlier batch left.
      if (writes_files())
        for (Format format : run.formats) fs::remove(dir / result_file_name(run, format), ec);
      failed.push_back({run.name, outcome.failed.back().error});
    }
    progress.finished = true;
    progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.progress) options.progress(progress);
  }
  if (!options.plot.empty()) write_sweep_charts(batch, models, results, options);
  StagedFiles summaries;
  summaries.add((dir / "summary.csv").string(), [&](std::ostream& out) { write_summary_csv(results, out); });
  summaries.add((dir / "summary.md").string(),
                [&](std::ostream& out) { write_summary_markdown(batch.title, results, failed, out); });
  summaries.commit();
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
  return outcome;
}

}  // namespace riskcast
