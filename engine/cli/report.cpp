// riskcast report MODEL --out report.html: one self-contained HTML page of a run.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_report(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>(), "the HTML file to write (required; written atomically; - for stdout)")(
      "output", po::value<std::string>(), "the output the page headlines and analyses (default: the model's first)");
  add_sampling_options(options, "report only this scenario (repeatable; default: every scenario)",
                       Designs::monte_carlo_only);
  options.add_options()("sobol", po::value<std::string>(),
                        "also show Sobol indices of the output from N base rows (N·(d + 2) evaluations; see "
                        "riskcast sensitivity --method sobol)")("model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      "report", args, options, positional,
      "usage: riskcast report MODEL.yaml --out REPORT.html [--output NAME] [--samples N] [--seed S] [--threads T]\n"
      "                       [--scenario NAME]... [--sobol N]\n\n"
      "Samples the model and writes one self-contained HTML page (inline CSS and SVG, no scripts, nothing\n"
      "fetched from the network): one output (--output, default the first) across the scenarios with Monte\n"
      "Carlo intervals and a comparison chart; its histogram in base and base's quarterly fan charts; what\n"
      "drives it in base (tornado chart, outcomes, each scenario minus base: riskcast sensitivity); base's\n"
      "percentiles of every output; the assumptions with their sources; the run settings. The same inputs\n"
      "give the same bytes.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("report needs a model file: riskcast report MODEL.yaml --out REPORT.html");
  if (!vm->count("out")) throw UsageError("report needs --out REPORT.html");
  const std::string out_path = (*vm)["out"].as<std::string>();
  const std::string path = (*vm)["model"].as<std::string>();
  check_output_files({{"--out", out_path, true}}, model_input(path));  // before sampling, not after

  const RunOptions sampling = sampling_options(*vm);
  ReportOptions report;
  report.samples = sampling.samples;
  report.seed = sampling.seed;
  report.threads = sampling.threads;
  const LoadedModel model = open_model(path);
  report.scenarios = chosen_scenarios(*vm, scenario_names(model), path);
  if (vm->count("output")) report.output = chosen_output(*vm, model, path, "report");
  if (vm->count("sobol"))
    report.sobol_samples =
        parse_count("--sobol", (*vm)["sobol"].as<std::string>(), kMinSobolSamples, kMaxSensitivitySamples);

  ReportPage page;
  {
    // One line: each scenario of the run, then the analysis under "sensitivity".
    ProgressLine progress(report.samples, "");
    report.progress = progress.follow();
    report.analysis_progress = [&progress, follow = progress.follow(), started = false](const RunProgress& p) mutable {
      if (!started) progress.relabel("sensitivity");
      started = true;
      follow(p);
    };
    page = model.report(report);
  }
  std::cerr << model.format_result_warnings(page.result);
  print_or_write(page.html, *vm);
  return kExitOk;
}

}  // namespace riskcast::cli
