// riskcast batch BATCH.yaml --out DIR: many runs from one file, each result
// written atomically, plus a summary of every run. See docs/batch.md.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <set>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Every file the batch would write: none may be the batch file or a model it
// reads, and an existing one must be writable, checked before any run.
void check_batch_outputs(const fs::path& dir, const BatchFile& batch) {
  decided_by_rank_zero([&] {
    std::vector<InputFile> inputs = {{"the batch file", batch.path}};
    // Each model once, named by the first run that reads it: a sweep's cells
    // share one, and every file is checked against every input.
    std::set<std::string> models;
    for (const BatchRun& run : batch.runs)
      if (models.insert(run.model_path).second)
        inputs.push_back({fmt::format("the model file of run `{}`", run.name), run.model_path});
    std::vector<std::string> files = {"summary.csv", "summary.md"};
    for (const BatchRun& run : batch.runs)
      for (Format format : run.formats) files.push_back(result_file_name(run, format));
    std::error_code ec;
    const bool exists = fs::is_directory(dir, ec);
    for (const std::string& name : files) {
      const std::string file = (dir / name).string();
      check_not_input("--out", dir.string(), file, inputs);
      if (!exists) continue;
      try {
        check_file_writable(file);
      } catch (const FileError& e) {
        throw UsageError(cannot_write_message("--out", dir.string(), e));
      }
    }
  });
}

}  // namespace

int command_batch(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                    "folder for the result files and the summary (created if missing)")(
      "threads", po::value<std::string>()->default_value("0"),
      "worker threads for every run; 0 = all hardware threads (results do not depend on it)")(
      "dry-run", "check the batch file, read every model and check every scenario name; write nothing")(
      "plot", po::value<std::string>(),
      "folder for each sweep's chart (SVG): its headline output against its levers (created if missing)")(
      "batch", po::value<std::string>(), "batch file");
  add_memory_options(options);
  po::positional_options_description positional;
  positional.add("batch", 1);
  auto vm = parse_options("batch", args, options, positional,
                          "usage: riskcast batch BATCH.yaml --out DIR [--plot DIR] [--threads T] [--memory LIMIT] "
                          "[--stream]\n"
                          "       riskcast batch BATCH.yaml --dry-run [--memory LIMIT] [--stream]\n\n"
                          "Runs every run the batch file lists, in order. Each writes DIR/NAME.json (and .csv, .md,\n"
                          ".txt as its formats say); DIR/summary.csv and DIR/summary.md hold mean, P5, P50 and P95\n"
                          "of every (run, scenario, output), P and its interval for a probability output. A run\n"
                          "that fails is reported at the end and the others still complete. Exit status: 0 all runs\n"
                          "succeeded, 1 some run failed, 2 the command line or the batch file is wrong (then nothing\n"
                          "is written). A run whose samples would not fit in --memory (default: what is available)\n"
                          "samples twice instead of keeping them, with the same results (docs/scale.md). A sweep\n"
                          "(`sweeps:`) runs one cell per setting of its levers, all with the same random numbers;\n"
                          "--plot DIR draws its headline output against the levers.\n"
                          "See docs/batch.md.");
  if (!vm) return kExitOk;
  if (!vm->count("batch")) throw UsageError("batch needs a batch file: riskcast batch BATCH.yaml --out DIR");
  const bool dry_run = vm->count("dry-run") > 0;
  if (!dry_run && !vm->count("out"))
    throw UsageError("batch needs --out DIR, the folder for the results (or --dry-run to only check)");
  const unsigned threads =
      static_cast<unsigned>(parse_count("--threads", (*vm)["threads"].as<std::string>(), 0, kMaxThreads));
  const fs::path dir = vm->count("out") ? fs::path((*vm)["out"].as<std::string>()) : fs::path();
  if (!dir.empty()) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
      throw UsageError(fmt::format("--out '{}' exists and is not a folder", dir.string()));
    check_output_folder("--out", dir.string());
  }
  const std::string plot = vm->count("plot") ? (*vm)["plot"].as<std::string>() : std::string();
  if (!plot.empty()) {
    if (dry_run) throw UsageError("--plot draws the results of a batch; --dry-run has none");
    check_output_folder("--plot", plot);
  }

  const std::string path = (*vm)["batch"].as<std::string>();
  const BatchFile batch = load_batch_file(path);
  if (!dir.empty()) check_batch_outputs(dir, batch);
  // The chart folder may not be a file the batch writes (found only after every run otherwise).
  if (!plot.empty() && !dir.empty()) {
    const fs::path folder = fs::absolute(plot).lexically_normal();
    std::vector<std::string> files = {"summary.csv", "summary.md"};
    for (const BatchRun& r : batch.runs)
      for (Format format : r.formats) files.push_back(result_file_name(r, format));
    for (const std::string& name : files)
      if (fs::absolute(dir / name).lexically_normal() == folder)
        throw UsageError(
            fmt::format("--plot '{}' is a file the batch writes into --out; give the charts a folder of "
                        "their own",
                        plot));
  }

  BatchOptions run;
  run.out = dir.string();
  run.plot = plot;
  run.threads = threads;
  RunOptions memory;
  memory_options(*vm, memory);
  run.memory_limit = memory.memory_limit;
  run.storage = memory.storage;
  run.dry_run = dry_run;
  run.warnings = [](const std::string& text) { std::cerr << text; };
  if (stderr_is_terminal())
    run.progress = [](const BatchProgress& p) {
      if (!p.finished)
        std::cerr << fmt::format("[{}/{}] {}: {}, {} × {} {} …", p.index + 1, p.runs, p.run->name,
                                 fs::path(p.run->model_path).filename().string(), counted(p.scenarios, "scenario"),
                                 format_count(p.run->samples), noun_for(p.run->samples, "sample"))
                  << std::flush;
      else
        std::cerr << (p.failed ? " failed\n" : fmt::format(" {:.1f} s\n", p.seconds));
    };
  BatchOutcome outcome;
  writing("--out", dir.string(), [&] { outcome = run_batch(batch, run); });
  if (stderr_is_terminal()) {
    if (dry_run && outcome.failed.empty())
      std::cerr << fmt::format("{}: {} and {} check out\n", path, counted(outcome.runs, "run"),
                               counted(outcome.models, "model"));
    if (!dry_run)
      std::cerr << fmt::format("{} in {:.1f} s; results and summary in {}\n", counted(outcome.runs, "run"),
                               outcome.seconds, dir.string());
  }

  if (outcome.failed.empty()) return kExitOk;
  for (const BatchFailure& f : outcome.failed)
    std::cerr << fmt::format("{}:{}:{}: error: run `{}` {}\n{}", path, f.pos.line, f.pos.column, f.run,
                             dry_run ? "would fail" : "failed", f.error);
  std::cerr << fmt::format("riskcast: {} of {} {}\n", outcome.failed.size(), counted(outcome.runs, "run"),
                           dry_run ? "would fail" : "failed; the other runs' results and the summary are written");
  return kExitFailed;
}

}  // namespace riskcast::cli
