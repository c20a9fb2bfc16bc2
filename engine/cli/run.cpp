// riskcast run MODEL: sample the scenarios and report their distributions.
#include <fmt/format.h>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/report.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

namespace {

// Refuses up front a --plot path that cannot become a directory, so a bad
// path costs no sampling and writes nothing.
void check_plot_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path path(dir);
  if (dir.empty()) throw UsageError("--plot needs a directory");
  // The path itself, or else its nearest existing ancestor, must be a directory.
  while (!path.empty() && !fs::exists(path, ec)) {
    if (!path.has_parent_path() || path.parent_path() == path) {
      path.clear();
      break;
    }
    path = path.parent_path();
  }
  if (path.empty()) return;  // a relative path under the working directory
  if (!fs::is_directory(path, ec)) {
    if (path == fs::path(dir)) throw UsageError(fmt::format("--plot '{}' is not a directory", quote_for_message(dir)));
    throw UsageError(
        fmt::format("--plot '{}': '{}' is not a directory", quote_for_message(dir), quote_for_message(path.string())));
  }
}

void make_plot_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError(fmt::format("cannot create directory '{}': {}", dir.string(), ec.message()));
}

// The charts of a run, laid out as `riskcast run --help` describes.
void write_plots(const std::string& dir, const RunResult& result,
                 std::vector<std::vector<chart::Histogram>>& histograms,
                 const std::optional<SensitivityResult>& tornado) {
  namespace fs = std::filesystem;
  const fs::path root(dir);
  make_plot_directory(root);
  for (std::size_t s = 0; s < result.scenarios.size(); ++s) {
    const ScenarioResult& scenario = result.scenarios[s];
    const fs::path folder = root / scenario.name;
    make_plot_directory(folder);
    std::vector<std::string> names;
    for (std::size_t o = 0; o < scenario.outputs.size(); ++o) {
      names.push_back(scenario.outputs[o].name);
      const std::string svg = chart::histogram_svg(chart::output_histogram(scenario, o, std::move(histograms[s][o])));
      write_file_atomically((folder / (names.back() + ".svg")).string(), [&](std::ostream& out) { out << svg; });
    }
    for (const chart::QuarterlyGroup& group : chart::quarterly_groups(names)) {
      const std::string svg = chart::fan_svg(chart::quarterly_fan(scenario, group));
      write_file_atomically((folder / (group.prefix + "_fan.svg")).string(), [&](std::ostream& out) { out << svg; });
    }
  }
  if (result.scenarios.size() >= 2 && !result.scenarios.front().outputs.empty()) {
    const std::string svg = chart::scenario_svg(chart::scenario_comparison(result, 0));
    const std::string name = fmt::format("scenarios_{}.svg", result.scenarios.front().outputs.front().name);
    write_file_atomically((root / name).string(), [&](std::ostream& out) { out << svg; });
  }
  if (tornado) {
    const std::string svg = chart::tornado_svg(chart::sensitivity_tornado(*tornado));
    write_file_atomically((root / fmt::format("tornado_{}.svg", tornado->output)).string(),
                          [&](std::ostream& out) { out << svg; });
  }
}

}  // namespace

int command_run(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  add_sampling_options(options, "run only this scenario (repeatable)");
  options.add_options()("format", po::value<std::string>(),
                        "table | csv | json | markdown (default: from --out's extension, else table)")(
      "out,o", po::value<std::string>(), "write the result to this file (atomically) instead of stdout")(
      "plot", po::value<std::string>(), "also write SVG charts into this directory (created if missing; see below)")(
      "block-size", po::value<std::string>()->default_value("256"), "samples per evaluation block (1 … 4096)")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      args, options, positional,
      "usage: riskcast run MODEL.yaml [--samples N] [--seed S] [--threads T] [--scenario NAME]...\n"
      "                    [--format table|csv|json|markdown] [--out FILE] [--plot DIR]\n\n"
      "--plot DIR writes, each file atomically:\n"
      "  DIR/SCENARIO/OUTPUT.svg       histogram of the output (bins from P0.5 to P99.5, the tails\n"
      "                                counted in the end bins) with its CDF and P5, P50, P95 marked\n"
      "  DIR/SCENARIO/PREFIX_fan.svg   fan chart (P5–P95, P25–P75, P50) of outputs PREFIX_q1 … PREFIX_qN\n"
      "  DIR/scenarios_OUTPUT.svg      the first output across the scenarios (when two or more run)\n"
      "  DIR/tornado_OUTPUT.svg        what drives the first output in the first scenario run: Spearman rank\n"
      "                                correlation with each input and 95 % intervals (riskcast sensitivity);\n"
      "                                costs one more sampling pass of that scenario");
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
  const Model model = load_model(path);
  request.scenarios = chosen_scenarios(*vm, model, path);
  check_memory(model, settings);

  // --plot: each output's histogram is built as its column goes by (the
  // visitor runs concurrently for different outputs, each into its own slot).
  std::string plot_dir = vm->count("plot") ? (*vm)["plot"].as<std::string>() : "";
  std::vector<std::vector<chart::Histogram>> histograms;
  std::optional<SensitivityRequest> drivers;
  if (vm->count("plot")) {
    check_plot_directory(plot_dir);
    // The tornado: what drives the first output in the first scenario run,
    // from one more sampling pass of that scenario with its inputs recorded.
    if (!model.outputs.empty()) {
      if (settings.samples > kMaxSensitivitySamples)
        throw UsageError(
            fmt::format("--plot draws a tornado chart, which supports at most {} samples", kMaxSensitivitySamples));
      drivers.emplace();
      drivers->settings = settings;
      drivers->scenario = request.scenarios.empty() ? model.scenarios.front().name : request.scenarios.front();
      drivers->scenario_deltas = false;
      check_sensitivity_memory(model, *drivers);
    }
    histograms.assign(request.scenarios.empty() ? model.scenarios.size() : request.scenarios.size(),
                      std::vector<chart::Histogram>(model.outputs.size()));
    request.visit_column = [&histograms](std::size_t s, std::size_t o, std::span<const double> column) {
      histograms.at(s).at(o) = chart::make_histogram(column);
    };
  }

  RunResult result;
  {
    const std::size_t scenarios = request.scenarios.empty() ? model.scenarios.size() : request.scenarios.size();
    ProgressLine progress(settings.samples, "");
    settings.progress = &progress.counter;
    result = run_guarded(path, [&] {
      return run_model(model, request,
                       [&](std::size_t i, const std::string& name) { progress.start_scenario(i, scenarios, name); });
    });
  }
  warn_about_run(model, result);

  if (vm->count("plot")) {
    std::optional<SensitivityResult> tornado;
    if (drivers) {
      ProgressLine progress(drivers->settings.samples, fmt::format("tornado of {}", model.outputs.front().name));
      drivers->settings.progress = &progress.counter;
      tornado = run_guarded(path, [&] { return analyze_sensitivity(model, *drivers); });
    }
    write_plots(plot_dir, result, histograms, tornado);
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
