// riskcast batch BATCH.yaml --out DIR: many runs from one file, each result
// written atomically, plus a summary of every run. See docs/batch.md.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

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
  const unsigned threads =
      static_cast<unsigned>(parse_count("--threads", (*vm)["threads"].as<std::string>(), 0, kMaxThreads));
  const fs::path dir = vm->count("out") ? fs::path((*vm)["out"].as<std::string>()) : fs::path();
  if (!dir.empty()) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
      throw UsageError(fmt::format("--out '{}' exists and is not a folder", dir.string()));
    check_output_folder("--out", dir.string());
  }

  const std::string path = (*vm)["batch"].as<std::string>();
  const BatchFile batch = load_batch_file(path);

  BatchOptions run;
  run.out = dir.string();
  run.threads = threads;
  run.dry_run = dry_run;
  run.warnings = [](const std::string& text) { std::cerr << text; };
  if (stderr_is_terminal())
    run.progress = [](const BatchProgress& p) {
      if (!p.finished)
        std::cerr << fmt::format("[{}/{}] {}: {}, {} × {} samples …", p.index + 1, p.runs, p.run->name,
                                 fs::path(p.run->model_path).filename().string(), counted(p.scenarios, "scenario"),
                                 format_count(p.run->samples))
                  << std::flush;
      else
        std::cerr << (p.failed ? " failed\n" : fmt::format(" {:.1f} s\n", p.seconds));
    };
  const BatchOutcome outcome = run_batch(batch, run);
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
