// Batch execution (batch_runs.hpp): every model read once, each run's files
// written all or none, failures collected in the words `riskcast run` would
// use, then the summary.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <new>
#include <optional>

#include "riskcast/batch.hpp"
#include "riskcast/files.hpp"
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
  RunResult result = model.run(options_of(run, batch));
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

}  // namespace

BatchOutcome run_batch(const BatchFile& batch, const BatchOptions& options) {
  const auto batch_start = std::chrono::steady_clock::now();
  BatchOutcome outcome;
  outcome.runs = batch.runs.size();

  // Every model is read up front, once: a misspelt scenario is a mistake in
  // the batch file and stops the batch before anything runs, while a model
  // that cannot be read fails only the runs that use it.
  std::map<std::string, BatchModel> models;
  Diagnostics scenario_errors(batch.path);
  for (const BatchRun& run : batch.runs) {
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
    if (it->second.model) check_run_names(run, it->second.model->ir(), scenario_errors);
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
  fs::create_directories(dir, ec);
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
        results.push_back({run.name, execute(run, *loaded.model, options, dir)});
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
      for (Format format : run.formats) fs::remove(dir / result_file_name(run, format), ec);
      failed.push_back({run.name, outcome.failed.back().error});
    }
    progress.finished = true;
    progress.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.progress) options.progress(progress);
  }
  StagedFiles summaries;
  summaries.add((dir / "summary.csv").string(), [&](std::ostream& out) { write_summary_csv(results, out); });
  summaries.add((dir / "summary.md").string(),
                [&](std::ostream& out) { write_summary_markdown(batch.title, results, failed, out); });
  summaries.commit();
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
  return outcome;
}

}  // namespace riskcast
