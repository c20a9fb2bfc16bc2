// riskcast sensitivity MODEL: what drives one output, how it looks given each
// event outcome, and how each scenario moves it from base.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli_internal.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/sensitivity.hpp"
#include "riskcast/sensitivity_report.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_sensitivity(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output", po::value<std::string>(),
                                                    "output to analyse (default: the model's first output)");
  add_sampling_options(options, "scenario whose drivers and outcomes are reported (default: base; once)");
  options.add_options()("format", po::value<std::string>(),
                        "table | csv | json | markdown (default: from --out's extension, else table)")(
      "out,o", po::value<std::string>(), "write the result to this file (atomically) instead of stdout")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      args, options, positional,
      "usage: riskcast sensitivity MODEL.yaml [--output NAME] [--scenario NAME] [--samples N] [--seed S]\n"
      "                            [--threads T] [--format table|csv|json|markdown] [--out FILE]\n\n"
      "What drives one output: Spearman rank correlation with every parameter and event summary (a tornado),\n"
      "the output's P10 / P50 / P90 given each event outcome, and every scenario minus base, paired sample by\n"
      "sample. See docs/analysis.md.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("sensitivity needs a model file: riskcast sensitivity MODEL.yaml");

  SensitivityRequest request;
  request.settings = sampling_settings(*vm);
  if (request.settings.samples > kMaxSensitivitySamples)
    throw UsageError(fmt::format("--samples must be at most {} for sensitivity, got {}", kMaxSensitivitySamples,
                                 request.settings.samples));
  std::optional<Format> format;
  const std::string out_path = vm->count("out") ? (*vm)["out"].as<std::string>() : "";
  if (vm->count("format")) {
    format = parse_format((*vm)["format"].as<std::string>());
    if (!format)
      throw UsageError(fmt::format("--format must be table, csv, json or markdown, got '{}'",
                                   quote_for_message((*vm)["format"].as<std::string>())));
  } else if (!out_path.empty()) {
    format = format_for_path(out_path);
  }
  if (!format) format = Format::Table;

  const std::string path = (*vm)["model"].as<std::string>();
  const Model model = load_model(path);
  const std::vector<std::string> scenarios = chosen_scenarios(*vm, model.scenario_names(), path);
  if (scenarios.size() > 1)
    throw UsageError(
        fmt::format("sensitivity analyses one scenario at a time; got --scenario {} times (deltas "
                    "against base cover every scenario anyway)",
                    scenarios.size()));
  if (!scenarios.empty()) request.scenario = scenarios.front();
  if (model.outputs.empty()) throw UsageError(fmt::format("{} has no outputs to analyse", path));
  if (vm->count("output")) {
    request.output = (*vm)["output"].as<std::string>();
    std::vector<std::string> names;
    for (const Output& o : model.outputs) names.push_back(o.name);
    if (std::find(names.begin(), names.end(), request.output) == names.end()) {
      const std::string hint = did_you_mean(request.output, names);
      throw UsageError(fmt::format("--output '{}' is not an output of {} ({}outputs: {})",
                                   quote_for_message(request.output), path, hint.empty() ? "" : hint + " ",
                                   fmt::join(names, ", ")));
    }
  }

  check_sensitivity_memory(model, request);

  SensitivityResult result;
  {
    ProgressLine progress(request.settings.samples * sensitivity_passes(model, request), "sensitivity");
    request.settings.progress = &progress.counter;
    result = run_guarded(path, [&] { return analyze_sensitivity(model, request); });
    request.settings.progress = nullptr;  // the counter goes with the progress line
  }

  if (out_path.empty()) {
    std::ostringstream text;
    write_sensitivity(result, *format, text);
    std::cout << text.str() << std::flush;
  } else {
    write_file_atomically(out_path, [&](std::ostream& out) { write_sensitivity(result, *format, out); });
  }
  return kExitOk;
}

}  // namespace riskcast::cli
