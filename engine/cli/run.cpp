// riskcast run MODEL: sample the scenarios and report their distributions.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "riskcast/count.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

namespace {

// "a,b, c" → {"a", "b", "c"}; empty names are refused.
std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names = split_at_commas(text);
  if (std::find(names.begin(), names.end(), "") != names.end())
    throw UsageError(fmt::format("--export-columns '{}' has an empty name", quote_for_message(text)));
  return names;
}

}  // namespace

int command_run(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  add_sampling_options(options, "run only this scenario (repeatable)", Designs::offered);
  add_statistics_options(options);
  add_memory_options(options);
  options.add_options()("format", po::value<std::string>(),
                        "table | csv | json | markdown (default: from --out's extension, else table)")(
      "out,o", po::value<std::string>(), "write the result to this file (atomically; - for stdout) instead of stdout")(
      "output", po::value<std::vector<std::string>>(),
      "evaluate and report only this output (repeatable; default: every output); the others are not computed")(
      "plot", po::value<std::string>(), "also write SVG charts into this directory (created if missing; see below)")(
      "export", po::value<std::string>(), "also write every sample's values to this CSV file (atomically; see below)")(
      "export-columns", po::value<std::string>(),
      "the outputs and parameters --export writes, by name, comma-separated; * stands for every output run, then "
      "every parameter, less those named (default: *)")("block-size", po::value<std::string>()->default_value("256"),
                                                        "samples per evaluation block (1 … 4096)")(
      "first-sample", po::value<std::string>()->default_value("0"),
      "global index of the first sample: samples [N, N + samples) of a larger run, bit for bit")(
      "precision", po::value<std::vector<std::string>>(),
      "stop once this interval is narrow enough, --samples being the most: OUTPUT:STAT:HALFWIDTH with STAT mean or "
      "pNN (p50, p97.5) and HALFWIDTH in the output's units or with % relative to the estimate (repeatable; "
      "--method mc; see below)")("model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      "run", args, options, positional,
      "usage: riskcast run MODEL.yaml [--samples N] [--seed S] [--threads T] [--scenario NAME]...\n"
      "                    [--output NAME]... [--percentiles P,P…]... [--exceed OUTPUT=V,V…]...\n"
      "                    [--format table|csv|json|markdown] [--out FILE] [--plot DIR]\n"
      "                    [--export FILE.csv [--export-columns NAME,NAME…]]\n"
      "                    [--method mc|lhs|qmc [--replicates R]] [--precision OUTPUT:STAT:HALFWIDTH]...\n"
      "                    [--memory LIMIT] [--stream] [--first-sample N] [--block-size B]\n\n"
      "--plot DIR writes (every file of the run together, see below):\n"
      "  DIR/SCENARIO/OUTPUT.svg       histogram of the output (bins from P0.5 to P99.5, the tails\n"
      "                                counted in the end bins) with its CDF and P5, P50, P95 marked;\n"
      "                                an element's brackets are dots: units[huawei] → units.huawei.svg\n"
      "  DIR/SCENARIO/PREFIX_fan.svg   fan chart (P5–P95, P25–P75, P50) of outputs PREFIX_q1 … PREFIX_qN\n"
      "  DIR/scenarios_OUTPUT.svg      the first output run across the scenarios (when two or more run)\n"
      "  DIR/tornado_OUTPUT.svg        what drives the first output run in the first scenario run: Spearman rank\n"
      "                                correlation with each input and 95 % intervals (riskcast sensitivity);\n"
      "                                costs one more sampling pass of that scenario\n\n"
      "--precision OUTPUT:STAT:HALFWIDTH (repeatable; revenue:mean:1%, share:p50:0.002) samples in blocks of\n"
      "10,000 and stops at the first block where every named 95 % interval (in every scenario run) has at most\n"
      "that half-width, --samples being the most; the result is the run of --samples N for the N taken, bit for\n"
      "bit, and its header and JSON say N and whether the precision was reached. See docs/results.md.\n\n"
      "--memory LIMIT (512M, 1G; binary units; default: the memory available): a run whose samples would not\n"
      "fit (8 bytes per sample and output, one scenario at a time) samples twice instead of keeping them, every\n"
      "scenario at once: a first pass counts and sums, a second keeps only the values near the percentiles\n"
      "asked for (more passes where values crowd). The results are the same, bit for bit, at up to about twice\n"
      "the time; --stream asks for it whatever the memory. --plot, --export, --precision and lhs/qmc keep\n"
      "their samples. See docs/scale.md.\n\n"
      "--output NAME (repeatable) evaluates only those outputs: the others are not computed, printed, charted\n"
      "or exported.\n\n"
      "--export FILE.csv writes one row per sample and scenario: `sample,scenario,` then the chosen columns\n"
      "(--export-columns NAME,NAME…, `*` among them for every output run and then every parameter not named;\n"
      "default `*`; a parameter's column holds the very draws that sample's outputs used; a column named\n"
      "`sample` or `scenario` is refused), values in shortest round-trip form. The run keeps those columns in\n"
      "memory: it is refused up front when they would not fit, or when the file would not fit on its disk.\n"
      "See docs/results.md, section Per-sample export.\n\n"
      "Every path is checked before sampling: no output may be the model file, another output, or (--out,\n"
      "--export) lie inside the --plot folder. After sampling, --out, --export and the charts are each written\n"
      "to a temporary file next to it and renamed into place together at the end: a failure or an interrupt\n"
      "(Ctrl-C) leaves none of them, nor a folder --plot created. See docs/results.md, section Output files.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("run needs a model file: riskcast run MODEL.yaml");

  RunOptions run = sampling_options(*vm);
  memory_options(*vm, run);
  run.block_size = parse_count("--block-size", (*vm)["block-size"].as<std::string>(), 1, kMaxBlockSize);
  run.first_sample =
      parse_count("--first-sample", (*vm)["first-sample"].as<std::string>(), 0, kMaxSamples - run.samples);
  const std::string export_path = vm->count("export") ? (*vm)["export"].as<std::string>() : "";
  if (vm->count("export-columns") && export_path.empty()) throw UsageError("--export-columns needs --export FILE.csv");
  if (vm->count("export") && export_path.empty()) throw UsageError("--export needs a file name");
  const std::string path = (*vm)["model"].as<std::string>();
  const std::vector<InputFile> inputs = model_input(path);
  std::vector<OutputFile> out_files = text_output(*vm);
  if (!export_path.empty()) out_files.push_back({"--export", export_path, false});
  const std::string plot_dir = vm->count("plot") ? (*vm)["plot"].as<std::string>() : "";
  if (vm->count("plot")) check_output_folder("--plot", plot_dir, out_files);
  check_output_files(out_files, inputs);
  const Format format = output_format(*vm);

  const LoadedModel model = open_model(path);
  run.scenarios = chosen_scenarios(*vm, scenario_names(model), path);
  run.outputs = chosen_outputs(*vm, model, path);
  statistics_options(*vm, model, path, run);
  if (vm->count("precision"))
    for (const std::string& text : (*vm)["precision"].as<std::vector<std::string>>()) {
      try {
        run.precision.push_back(parse_precision_target(text));
      } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("--precision {}", e.what()));
      }
      const std::vector<std::string> outputs = output_names(model);
      if (std::find(outputs.begin(), outputs.end(), run.precision.back().output) == outputs.end())
        throw UsageError(
            fmt::format("--precision {}: `{}` is not an output of {}", text, run.precision.back().output, path));
    }
  if (!export_path.empty()) {
    // Default: every output run (in model order, as the run evaluates them), then every parameter.
    run.columns = vm->count("export-columns") ? split_names((*vm)["export-columns"].as<std::string>())
                                              : std::vector<std::string>{"*"};
    try {
      run.columns = model.resolve_columns(run.columns, run.outputs);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--export-columns: {}", e.what()));
    }
    try {
      check_export_columns(run.columns);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--export: {}; {} --export-columns", e.what(),
                                   vm->count("export-columns") ? "leave it out of" : "choose the columns with"));
    }
    try {
      check_sample_export_space(export_path, model, run);
    } catch (const ResourceError& e) {
      throw UsageError(fmt::format("--export {}; use fewer --samples or --export-columns", e.what()));
    } catch (const FileError& e) {
      throw UsageError(cannot_write_message("--export", export_path, e));
    }
  }

  // --plot: each output's histogram is built as its column goes by; the
  // tornado's pass and every chart's file are checked now, so a refusal
  // costs no sampling.
  std::optional<RunCharts> charts;
  if (vm->count("plot")) {
    try {
      charts.emplace(model, run);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--plot: {}", e.what()));
    }
    check_chart_files(plot_dir, charts->paths(), inputs);
    run.visit_column = charts->collector();
  }

  RunResult result;
  {
    ProgressLine progress(run.samples, "");
    run.progress = progress.follow();
    result = model.run(run);
  }
  std::cerr << model.format_result_warnings(result);

  std::vector<ChartFile> chart_files;
  if (charts) {
    ProgressLine progress(run.samples, fmt::format("tornado of {}", charts->tornado_output()));
    chart_files = charts->files(result, progress.follow());
  }

  // Every file is staged, then all are committed together: a failure (or a
  // signal) before the end leaves nothing new behind (files.hpp).
  StagedFiles files;
  const std::string out = vm->count("out") ? (*vm)["out"].as<std::string>() : "-";
  const std::string text = format_result(result, format);
  if (out != "-") write_text(files, "--out", out, text);
  if (charts)
    writing("--plot", plot_dir, [&] {
      files.create_folders(plot_dir);
      for (const ChartFile& chart : chart_files) {
        const std::filesystem::path file = std::filesystem::path(plot_dir) / chart.path;
        files.create_folders(file.parent_path().string());
        files.add(file.string(), chart.svg);
      }
    });
  if (!export_path.empty())
    writing("--export", export_path,
            [&] { files.add(export_path, [&](std::ostream& o) { write_sample_export(o, result); }); });
  if (out == "-") write_text(files, vm->count("out") ? "--out" : "", "-", text);
  try {
    files.commit();
  } catch (const FileError& e) {
    if (e.path() == out) throw std::runtime_error(cannot_write_message("--out", out, e));
    if (e.path() == export_path) throw std::runtime_error(cannot_write_message("--export", export_path, e));
    throw std::runtime_error(cannot_write_message("--plot", plot_dir, e));
  }
  return kExitOk;
}

}  // namespace riskcast::cli
