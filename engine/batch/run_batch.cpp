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
#include "riskcast/result_transfer.hpp"
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

// What one run of the batch came to, made where the run ran (under MPI,
// perhaps on another rank: batch_over_ranks) and settled where its files
// are written.
struct RunOutcome {
  std::optional<RunResult> result;  // empty: the run failed
  std::string error;                // when it failed: failure_text
  std::string warnings;             // of its results, as BatchOptions::warnings gets them
  std::vector<std::string> files;   // the result's text per BatchRun::formats
  double seconds = 0;
};

// Runs one entry of the batch and formats its files, writing nothing.
RunOutcome perform(const BatchRun& run, const BatchModel& loaded, const BatchOptions& batch) {
  const auto start = std::chrono::steady_clock::now();
  RunOutcome outcome;
  if (!loaded.model) {
    outcome.error = loaded.error;
    return outcome;
  }
  try {
    // A sweep's cell: its levers' values in place of the parameters' own.
    RunResult result = run.overrides.empty() ? loaded.model->run(options_of(run, batch))
                                             : loaded.model->with_parameters(run.overrides).run(options_of(run, batch));
    outcome.warnings = loaded.model->format_result_warnings(result);
    for (Format format : run.formats) outcome.files.push_back(format_result(result, format));
    outcome.result = std::move(result);
  } catch (const RunCancelled&) {
    throw;
  } catch (...) {
    outcome.error = failure_text(std::current_exception());
    outcome.files.clear();
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

std::string encode(const RunOutcome& outcome) {
  std::string bytes;
  ByteWriter out(bytes);
  out.u64(outcome.result ? 1 : 0);
  if (outcome.result) out.text(encode_result(*outcome.result));
  out.text(outcome.error);
  out.text(outcome.warnings);
  out.u64(outcome.files.size());
  for (const std::string& file : outcome.files) out.text(file);
  out.f64(outcome.seconds);
  return bytes;
}

RunOutcome decode(std::string_view bytes) {
  ByteReader in(bytes);
  RunOutcome outcome;
  if (in.u64() != 0) outcome.result = decode_result(in.text());
  outcome.error = in.text();
  outcome.warnings = in.text();
  for (std::uint64_t k = 0, n = in.u64(); k < n; ++k) outcome.files.push_back(in.text());
  outcome.seconds = in.f64();
  return outcome;
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
// results[k] is the result of batch.runs[result_runs[k]].
void write_sweep_charts(const BatchFile& batch, const std::map<std::string, BatchModel>& models,
                        const std::vector<NamedResult>& results, const std::vector<std::size_t>& result_runs,
                        const BatchOptions& options) {
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
    for (std::size_t k = 0; k < results.size(); ++k) {
      if (result_runs[k] < sweep.first_run || result_runs[k] >= sweep.first_run + sweep.cells) continue;
      const NamedResult& named = results[k];
      const BatchRun* cell = &batch.runs[result_runs[k]];
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
  // The folders the batch makes are removed again, if still empty, when it
  // ends before its summaries (a stop request, a signal: StagedFiles).
  StagedFiles out_folder;
  out_folder.create_folders(dir.string());  // rank 0 alone under MPI (ranks.hpp)
  std::vector<NamedResult> results;
  std::vector<std::size_t> result_runs;  // the run of each result
  std::vector<FailedRun> failed;
  auto progress_of = [&](std::size_t i) {
    BatchProgress progress;
    progress.index = i;
    progress.runs = batch.runs.size();
    progress.run = &batch.runs[i];
    const BatchModel& loaded = models.at(batch.runs[i].model_path);
    progress.scenarios = batch.runs[i].scenarios.empty() && loaded.model ? loaded.model->scenarios().size()
                                                                         : batch.runs[i].scenarios.size();
    return progress;
  };
  // Run i's files written (all or none) and its result kept for the
  // summary; or, when it failed, its error kept and any file of its name
  // removed, not even one an earlier batch left standing for it.
  auto settle = [&](std::size_t i, RunOutcome done) {
    const BatchRun& run = batch.runs[i];
    if (done.result) {
      try {
        StagedFiles files;
        for (std::size_t k = 0; k < run.formats.size(); ++k)
          files.add((dir / result_file_name(run, run.formats[k])).string(), std::move(done.files[k]));
        files.commit();
        NamedResult named{run.name, std::move(*done.result), {}};
        if (run.sweep != BatchRun::kNoSweep)
          for (std::size_t j = 0; j < run.setting_text.size(); ++j)
            named.settings.emplace_back(batch.sweeps[run.sweep].levers[j], run.setting_text[j]);
        results.push_back(std::move(named));
        result_runs.push_back(i);
      } catch (...) {
        done.result.reset();
        done.error = failure_text(std::current_exception());
      }
    }
    BatchProgress progress = progress_of(i);
    progress.failed = !done.result;
    if (progress.failed) {
      fail(run, done.error);
      if (writes_files())
        for (Format format : run.formats) fs::remove(dir / result_file_name(run, format), ec);
      failed.push_back({run.name, done.error});
    }
    progress.finished = true;
    progress.seconds = done.seconds;
    if (options.progress) options.progress(progress);
    // After its progress line, headed by the run: a sweep's cells may all
    // warn alike, and the warning names the model's output, not the run.
    if (!done.warnings.empty() && options.warnings)
      options.warnings(
          fmt::format("{}:{}:{}: in run `{}`:\n{}", batch.path, run.pos.line, run.pos.column, run.name, done.warnings));
  };
  RankGroup* group = active_ranks();
  const std::size_t ranks = group ? static_cast<std::size_t>(group->size()) : 1;
  if (ranks > 1 && batch.runs.size() >= ranks) {
    // Whole runs dealt out over the ranks, a round of one run per rank at a
    // time; each rank runs its own as one process would, and the round's
    // outcomes are then handed to every rank, in batch order, for rank 0
    // to write (docs/scale.md, "MPI").
    const std::size_t me = static_cast<std::size_t>(group->rank());
    for (std::size_t first = 0; first < batch.runs.size(); first += ranks) {
      const std::size_t round = std::min(ranks, batch.runs.size() - first);
      std::string mine;
      if (me < round) {
        // One process, but counting only its share of the machine's memory.
        AloneOnMachine solo(*group);
        const RankScope alone(&solo);
        const BatchRun& run = batch.runs[first + me];
        mine = encode(perform(run, models.at(run.model_path), options));
      }
      for (std::size_t k = 0; k < round; ++k) {
        std::string bytes = k == me ? std::move(mine) : std::string();
        group->broadcast(bytes, static_cast<int>(k));
        if (options.progress) options.progress(progress_of(first + k));
        settle(first + k, decode(bytes));
      }
    }
  } else {
    // One process, or fewer runs than ranks: each run's samples are split
    // over the ranks (ranks.hpp).
    for (std::size_t i = 0; i < batch.runs.size(); ++i) {
      if (options.progress) options.progress(progress_of(i));
      const BatchRun& run = batch.runs[i];
      settle(i, perform(run, models.at(run.model_path), options));
    }
  }
  if (!options.plot.empty()) write_sweep_charts(batch, models, results, result_runs, options);
  StagedFiles summaries;
  summaries.add((dir / "summary.csv").string(), [&](std::ostream& out) { write_summary_csv(results, out); });
  summaries.add((dir / "summary.md").string(),
                [&](std::ostream& out) { write_summary_markdown(batch.title, results, failed, out); });
  summaries.commit();
  out_folder.commit();
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
  return outcome;
}

}  // namespace riskcast
