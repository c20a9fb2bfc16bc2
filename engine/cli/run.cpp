// riskcast run MODEL: sample the scenarios and report their distributions.
#include <fmt/format.h>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli_internal.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/report.hpp"
#include "riskcast/riskcast.hpp"
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

// "a,b, c" → {"a", "b", "c"}; empty names are refused.
std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names = split_list(text);
  if (std::find(names.begin(), names.end(), "") != names.end())
    throw UsageError(fmt::format("--export-columns '{}' has an empty name", quote_for_message(text)));
  return names;
}

// Longest a value can print in shortest round-trip form: "-2.2250738585072014e-308".
constexpr std::uint64_t kMaxValueChars = 24;

// Refuses up front an export that could not fit on its disk: every row at
// its longest (sample index, scenario name, each value at kMaxValueChars).
void check_export_space(const std::string& path, const RunOptions& run, const std::vector<ScenarioInfo>& scenarios,
                        std::size_t scenario_count) {
  namespace fs = std::filesystem;
  std::uint64_t longest_name = 0;
  for (const ScenarioInfo& s : scenarios) longest_name = std::max<std::uint64_t>(longest_name, s.name.size());
  const std::uint64_t row = 14 + longest_name + 1 + run.columns.size() * (kMaxValueChars + 1);
  const std::uint64_t rows = run.samples * scenario_count;
  const std::uint64_t bytes = rows > UINT64_MAX / row ? UINT64_MAX : rows * row;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  const fs::space_info space = fs::space(dir, ec);
  if (ec) throw UsageError(fmt::format("cannot write '{}': {}", quote_for_message(path), ec.message()));
  if (bytes > space.available)
    throw UsageError(fmt::format(
        "--export '{}' may need up to {} ({} rows of {} columns) but only {} is free there; "
        "use fewer --samples or --export-columns",
        quote_for_message(path), format_bytes(bytes), rows, run.columns.size() + 2, format_bytes(space.available)));
}

// The kept columns, one row per sample and scenario (docs/results.md, "Per-sample export").
void write_export(const std::string& path, const RunResult& result) {
  write_file_atomically(path, [&](std::ostream& out) {
    fmt::memory_buffer buffer;
    fmt::format_to(std::back_inserter(buffer), "sample,scenario");
    if (!result.scenarios.empty())
      for (const SampleColumn& c : result.scenarios.front().columns)
        fmt::format_to(std::back_inserter(buffer), ",{}", csv_field(c.name));
    buffer.push_back('\n');
    for (const ScenarioResult& s : result.scenarios) {
      const std::string scenario = csv_field(s.name);
      for (std::uint64_t i = 0; i < result.samples; ++i) {
        fmt::format_to(std::back_inserter(buffer), "{},{}", result.first_sample + i, scenario);
        for (const SampleColumn& c : s.columns) fmt::format_to(std::back_inserter(buffer), ",{}", c.values[i]);
        buffer.push_back('\n');
        if (buffer.size() >= (1u << 20)) {
          out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
          buffer.clear();
        }
      }
    }
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  });
}

}  // namespace

int command_run(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  add_sampling_options(options, "run only this scenario (repeatable)");
  add_statistics_options(options);
  options.add_options()("format", po::value<std::string>(),
                        "table | csv | json | markdown (default: from --out's extension, else table)")(
      "out,o", po::value<std::string>(), "write the result to this file (atomically) instead of stdout")(
      "plot", po::value<std::string>(), "also write SVG charts into this directory (created if missing; see below)")(
      "export", po::value<std::string>(), "also write every sample's values to this CSV file (atomically; see below)")(
      "export-columns", po::value<std::string>(),
      "the outputs and parameters --export writes, by name, comma-separated (default: every output, then every "
      "parameter)")("block-size", po::value<std::string>()->default_value("256"),
                    "samples per evaluation block (1 … 4096)")("model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      args, options, positional,
      "usage: riskcast run MODEL.yaml [--samples N] [--seed S] [--threads T] [--scenario NAME]...\n"
      "                    [--percentiles P,P…] [--exceed OUTPUT=VALUE]...\n"
      "                    [--format table|csv|json|markdown] [--out FILE] [--plot DIR]\n"
      "                    [--export FILE.csv [--export-columns NAME,NAME…]]\n\n"
      "--plot DIR writes, each file atomically:\n"
      "  DIR/SCENARIO/OUTPUT.svg       histogram of the output (bins from P0.5 to P99.5, the tails\n"
      "                                counted in the end bins) with its CDF and P5, P50, P95 marked\n"
      "  DIR/SCENARIO/PREFIX_fan.svg   fan chart (P5–P95, P25–P75, P50) of outputs PREFIX_q1 … PREFIX_qN\n"
      "  DIR/scenarios_OUTPUT.svg      the first output across the scenarios (when two or more run)\n"
      "  DIR/tornado_OUTPUT.svg        what drives the first output in the first scenario run: Spearman rank\n"
      "                                correlation with each input and 95 % intervals (riskcast sensitivity);\n"
      "                                costs one more sampling pass of that scenario\n\n"
      "--export FILE.csv writes one row per sample and scenario: `sample,scenario,` then the chosen columns\n"
      "(--export-columns; a parameter's column holds the very draws that sample's outputs used), values in\n"
      "shortest round-trip form. The run keeps those columns in memory: it is refused up front when they\n"
      "would not fit, or when the file would not fit on its disk. See docs/results.md, section Per-sample export.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("run needs a model file: riskcast run MODEL.yaml");

  RunOptions run = sampling_options(*vm);
  run.block_size = parse_count("--block-size", (*vm)["block-size"].as<std::string>(), 1, kMaxBlockSize);
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
  const std::string export_path = vm->count("export") ? (*vm)["export"].as<std::string>() : "";
  if (vm->count("export-columns") && export_path.empty()) throw UsageError("--export-columns needs --export FILE.csv");
  if (vm->count("export") && export_path.empty()) throw UsageError("--export needs a file name");

  const std::string path = (*vm)["model"].as<std::string>();
  const LoadedModel model = LoadedModel::from_file(path);
  std::cerr << model.format_warnings();
  const std::vector<ScenarioInfo> scenarios = model.scenarios();
  const std::vector<FormulaInfo> outputs = model.outputs();
  std::vector<std::string> scenario_names;
  for (const ScenarioInfo& s : scenarios) scenario_names.push_back(s.name);
  run.scenarios = chosen_scenarios(*vm, scenario_names, path);
  const std::size_t scenario_count = run.scenarios.empty() ? scenarios.size() : run.scenarios.size();
  std::vector<std::string> output_names;
  for (const FormulaInfo& o : outputs) output_names.push_back(o.name);
  statistics_options(*vm, output_names, path, run);
  if (!export_path.empty()) {
    run.columns = vm->count("export-columns") ? split_names((*vm)["export-columns"].as<std::string>())
                                              : std::vector<std::string>{"*"};
    try {
      run.columns = model.resolve_columns(run.columns);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--export-columns: {}", e.what()));
    }
    check_export_space(export_path, run, scenarios, scenario_count);
  }

  // --plot: each output's histogram is built as its column goes by (the
  // visitor runs concurrently for different outputs, each into its own slot).
  std::string plot_dir = vm->count("plot") ? (*vm)["plot"].as<std::string>() : "";
  std::vector<std::vector<chart::Histogram>> histograms;
  std::optional<SensitivityRequest> drivers;
  if (vm->count("plot")) {
    check_plot_directory(plot_dir);
    // The tornado: what drives the first output in the first scenario run,
    // from one more sampling pass of that scenario with its inputs recorded.
    if (!outputs.empty()) {
      if (run.samples > kMaxSensitivitySamples)
        throw UsageError(
            fmt::format("--plot draws a tornado chart, which supports at most {} samples", kMaxSensitivitySamples));
      drivers.emplace();
      drivers->settings = sampling_settings(*vm);
      drivers->settings.block_size = run.block_size;
      drivers->scenario = run.scenarios.empty() ? scenarios.front().name : run.scenarios.front();
      drivers->scenario_deltas = false;
      check_sensitivity_memory(model.ir(), *drivers);
    }
    histograms.assign(scenario_count, std::vector<chart::Histogram>(outputs.size()));
    run.visit_column = [&histograms](std::size_t s, std::size_t o, std::span<const double> column) {
      histograms.at(s).at(o) = chart::make_histogram(column);
    };
  }

  RunResult result;
  {
    ProgressLine progress(run.samples, "");
    run.progress = progress.follow();
    result = model.run(run);
  }
  std::cerr << model.format_result_warnings(result);

  if (vm->count("plot")) {
    std::optional<SensitivityResult> tornado;
    if (drivers) {
      ProgressLine progress(drivers->settings.samples, fmt::format("tornado of {}", outputs.front().name));
      drivers->settings.progress = &progress.counter;
      tornado = run_guarded(path, [&] { return analyze_sensitivity(model.ir(), *drivers); });
    }
    write_plots(plot_dir, result, histograms, tornado);
  }
  if (!export_path.empty()) write_export(export_path, result);
  const std::string text = format_result(result, *format);
  if (out_path.empty())
    std::cout << text << std::flush;
  else
    write_file_atomically(out_path, [&](std::ostream& out) { out << text; });
  return kExitOk;
}

}  // namespace riskcast::cli
