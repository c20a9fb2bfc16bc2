// riskcast batch BATCH.yaml --out DIR: many runs from one file, each result
// written atomically, plus a summary of every run. See docs/batch.md.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <new>
#include <sstream>

#include "cli_internal.hpp"
#include "riskcast/batch.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/report.hpp"
#include "riskcast/run.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// A model read once for every run that names it; `error` holds its
// diagnostics when it could not be read.
struct LoadedModel {
  std::optional<Model> model;
  std::string error;
};

// Why a run failed, in the words the user would see from `riskcast run`.
std::string failure_text(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const ModelError& e) {
    return e.diagnostics().format();
  } catch (const UsageError& e) {
    return fmt::format("riskcast: error: {}\n", e.what());
  } catch (const std::bad_alloc&) {
    return "riskcast: error: out of memory\n";
  } catch (const std::exception& e) {
    return fmt::format("riskcast: error: {}\n", e.what());
  }
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

RunSettings settings_of(const BatchRun& run, unsigned threads) {
  RunSettings settings;
  settings.samples = run.samples;
  settings.seed = run.seed;
  settings.threads = threads;
  return settings;
}

// Runs one entry of the batch and writes its result files; throws on failure,
// having removed any file of this run it had written.
RunResult execute(const BatchRun& run, const Model& model, unsigned threads, const fs::path& dir) {
  RunRequest request;
  request.settings = settings_of(run, threads);
  request.scenarios = run.scenarios;
  request.percentiles = with_standard_percentiles(run.percentiles);
  request.exceedances = run.exceedances;
  check_memory(model, request.settings);
  RunResult result = run_guarded(run.model_path, [&] { return run_model(model, request); });
  warn_about_run(model, result);
  // Every format is rendered before any file is written, so a failure in a
  // writer cannot leave some of the run's files behind.
  std::vector<std::pair<fs::path, std::string>> files;
  for (Format format : run.formats) {
    std::ostringstream text;
    write_result(result, format, text);
    files.emplace_back(dir / result_file_name(run, format), text.str());
  }
  std::size_t written = 0;
  try {
    for (const auto& [path, text] : files) {
      write_file_atomically(path.string(), [&](std::ostream& out) { out << text; });
      ++written;
    }
  } catch (...) {
    std::error_code ec;
    for (std::size_t i = 0; i < written; ++i) fs::remove(files[i].first, ec);
    throw;
  }
  return result;
}

}  // namespace

int command_batch(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                    "folder for the result files and the summary (created if missing)")(
      "threads", po::value<std::string>()->default_value("0"),
      "worker threads for every run; 0 = all hardware threads (results do not depend on it)")(
      "dry-run", "check the batch file, read every model and check every scenario name; write nothing")(
      "batch", po::value<std::string>(), "batch file");
  po::positional_options_description positional;
  positional.add("batch", 1);
  auto vm = parse_options(args, options, positional,
                          "usage: riskcast batch BATCH.yaml --out DIR [--threads T]\n"
                          "       riskcast batch BATCH.yaml --dry-run\n\n"
                          "Runs every run the batch file lists, in order. Each writes DIR/NAME.json (and .csv, .md,\n"
                          ".txt as its formats say); DIR/summary.csv and DIR/summary.md hold mean, P5, P50 and P95\n"
                          "of every (run, scenario, output). A run that fails is reported at the end and the others\n"
                          "still complete. Exit status: 0 all runs succeeded, 1 some run failed, 2 the command line\n"
                          "or the batch file is wrong (then nothing is written). See docs/batch.md.");
  if (!vm) return kExitOk;
  if (!vm->count("batch")) throw UsageError("batch needs a batch file: riskcast batch BATCH.yaml --out DIR");
  const bool dry_run = vm->count("dry-run") > 0;
  if (!dry_run && !vm->count("out"))
    throw UsageError("batch needs --out DIR, the folder for the results (or --dry-run to only check)");
  const unsigned threads = static_cast<unsigned>(parse_count("--threads", (*vm)["threads"].as<std::string>(), 0, 1024));
  const fs::path dir = vm->count("out") ? fs::path((*vm)["out"].as<std::string>()) : fs::path();
  if (!dir.empty()) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
      throw UsageError(fmt::format("--out '{}' exists and is not a folder", dir.string()));
  }

  const std::string path = (*vm)["batch"].as<std::string>();
  const BatchFile batch = load_batch_file(path);

  // Every model is read up front, once: a misspelt scenario is a mistake in
  // the batch file and stops the batch before anything runs, while a model
  // that cannot be read fails only the runs that use it.
  std::map<std::string, LoadedModel> models;
  Diagnostics scenario_errors(path);
  for (const BatchRun& run : batch.runs) {
    auto [it, fresh] = models.try_emplace(run.model_path);
    if (fresh) {
      try {
        it->second.model = load_model(run.model_path);
      } catch (...) {
        it->second.error = failure_text(std::current_exception());
      }
    }
    if (it->second.model) {
      check_run_scenarios(run, *it->second.model, scenario_errors);
      check_run_outputs(run, *it->second.model, scenario_errors);
    }
  }
  if (!scenario_errors.empty()) throw ModelError(std::move(scenario_errors));

  const bool terminal = stderr_is_terminal();
  std::vector<NamedResult> results;
  std::vector<FailedRun> failed;
  if (dry_run) {
    for (const BatchRun& run : batch.runs) {
      const LoadedModel& loaded = models.at(run.model_path);
      if (!loaded.model) {
        failed.push_back({run.name, loaded.error});
        continue;
      }
      try {
        check_memory(*loaded.model, settings_of(run, threads));
      } catch (...) {
        failed.push_back({run.name, failure_text(std::current_exception())});
      }
    }
    if (terminal && failed.empty())
      std::cerr << fmt::format("{}: {} and {} check out\n", path, plural(batch.runs.size(), "run"),
                               plural(models.size(), "model"));
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw UsageError(fmt::format("cannot create the folder '{}': {}", dir.string(), ec.message()));
    const auto batch_start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < batch.runs.size(); ++i) {
      const BatchRun& run = batch.runs[i];
      const LoadedModel& loaded = models.at(run.model_path);
      if (terminal) {
        const std::size_t scenarios =
            run.scenarios.empty() && loaded.model ? loaded.model->scenarios.size() : run.scenarios.size();
        std::cerr << fmt::format("[{}/{}] {}: {}, {} × {} samples …", i + 1, batch.runs.size(), run.name,
                                 fs::path(run.model_path).filename().string(), plural(scenarios, "scenario"),
                                 format_count(run.samples))
                  << std::flush;
      }
      const auto start = std::chrono::steady_clock::now();
      std::exception_ptr failure;
      if (!loaded.model) {
        failed.push_back({run.name, loaded.error});
      } else {
        try {
          results.push_back({run.name, execute(run, *loaded.model, threads, dir)});
        } catch (...) {
          failure = std::current_exception();
        }
        if (failure) failed.push_back({run.name, failure_text(failure)});
      }
      if (!loaded.model || failure) {
        // No file may stand for a failed run, not even one an earlier batch left.
        for (Format format : run.formats) fs::remove(dir / result_file_name(run, format), ec);
      }
      if (terminal) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        std::cerr << (loaded.model && !failure ? fmt::format(" {:.1f} s\n", took.count()) : " failed\n");
      }
    }
    write_file_atomically((dir / "summary.csv").string(), [&](std::ostream& out) { write_summary_csv(results, out); });
    write_file_atomically((dir / "summary.md").string(),
                          [&](std::ostream& out) { write_summary_markdown(batch.title, results, failed, out); });
    if (terminal) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - batch_start;
      std::cerr << fmt::format("{} in {:.1f} s; results and summary in {}\n", plural(batch.runs.size(), "run"),
                               took.count(), dir.string());
    }
  }

  if (failed.empty()) return kExitOk;
  for (const FailedRun& f : failed) {
    const auto run =
        std::find_if(batch.runs.begin(), batch.runs.end(), [&](const BatchRun& r) { return r.name == f.run; });
    std::cerr << fmt::format("{}:{}:{}: error: run `{}` {}\n{}", path, run->pos.line, run->pos.column, f.run,
                             dry_run ? "would fail" : "failed", f.error);
  }
  std::cerr << fmt::format("riskcast: {} of {} {}\n", failed.size(), plural(batch.runs.size(), "run"),
                           dry_run ? "would fail" : "failed; the other runs' results and the summary are written");
  return kExitFailed;
}

}  // namespace riskcast::cli
