// riskcast run MODEL: sample the scenarios and report their distributions.
#include <fmt/format.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/report.hpp"
#include "riskcast/run.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

namespace {

// Prints "scenario 2/7 h200_open  45%" on stderr, once the run has taken a
// second, when stderr is a terminal; clears the line when done.
class ProgressLine {
 public:
  ProgressLine(std::uint64_t samples, std::size_t scenarios) : samples_(samples), scenarios_(scenarios) {
    if (!stderr_is_terminal()) return;
    thread_ = std::thread([this] { loop(); });
  }
  ~ProgressLine() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  void start_scenario(std::size_t index, const std::string& name) {
    std::lock_guard lock(mutex_);
    scenario_index_ = index;
    scenario_name_ = name;
    counter.store(0);
  }
  std::atomic<std::uint64_t> counter{0};

 private:
  void loop() {
    const auto start = std::chrono::steady_clock::now();
    bool shown = false;
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
      if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) continue;
      const double pct = 100.0 * static_cast<double>(counter.load()) / static_cast<double>(samples_);
      std::cerr << fmt::format("\r\x1b[Kscenario {}/{} {}  {:.0f}%", scenario_index_ + 1, scenarios_, scenario_name_,
                               pct)
                << std::flush;
      shown = true;
    }
    if (shown) std::cerr << "\r\x1b[K" << std::flush;
  }

  std::uint64_t samples_;
  std::size_t scenarios_;
  std::size_t scenario_index_ = 0;
  std::string scenario_name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

int command_run(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  add_sampling_options(options, "run only this scenario (repeatable)");
  options.add_options()("format", po::value<std::string>(),
                        "table | csv | json | markdown (default: from --out's extension, else table)")(
      "out,o", po::value<std::string>(), "write the result to this file (atomically) instead of stdout")(
      "block-size", po::value<std::string>()->default_value("256"), "samples per evaluation block (1 … 4096)")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(args, options, positional,
                          "usage: riskcast run MODEL.yaml [--samples N] [--seed S] [--threads T] [--scenario NAME]...\n"
                          "                    [--format table|csv|json|markdown] [--out FILE]");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("run needs a model file: riskcast run MODEL.yaml");

  RunRequest request;
  RunSettings& settings = request.settings;
  settings = sampling_settings(*vm);
  settings.block_size = parse_count("--block-size", (*vm)["block-size"].as<std::string>(), 1, kMaxBlockSize);
  std::optional<Format> format;
  std::string out_path = vm->count("out") ? (*vm)["out"].as<std::string>() : "";
  if (vm->count("format")) {
    format = parse_format((*vm)["format"].as<std::string>());
    if (!format)
      throw UsageError(
          fmt::format("--format must be table, csv, json or markdown, got '{}'", (*vm)["format"].as<std::string>()));
  } else if (!out_path.empty()) {
    format = format_for_path(out_path);
  }
  if (!format) format = Format::Table;

  const std::string path = (*vm)["model"].as<std::string>();
  const Model model = load_model_file(path);
  request.scenarios = chosen_scenarios(*vm, model, path);
  check_memory(model, settings);

  RunResult result;
  {
    ProgressLine progress(settings.samples,
                          request.scenarios.empty() ? model.scenarios.size() : request.scenarios.size());
    settings.progress = &progress.counter;
    result = run_guarded(path, [&] {
      return run_model(model, request,
                       [&](std::size_t i, const std::string& name) { progress.start_scenario(i, name); });
    });
  }

  if (out_path.empty()) {
    std::ostringstream text;
    write_result(result, *format, text);
    std::cout << text.str() << std::flush;
  } else {
    write_file_atomically(out_path, [&](std::ostream& out) { write_result(result, *format, out); });
  }
  return kExitOk;
}

}  // namespace riskcast::cli
