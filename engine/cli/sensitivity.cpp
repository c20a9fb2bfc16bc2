// riskcast sensitivity MODEL: what drives one output, how it looks given each
// event outcome, and how each scenario moves it from base.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_sensitivity(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output", po::value<std::string>(),
                                                    "output to analyse (default: the model's first output)");
  add_sampling_options(options, "scenario whose drivers and outcomes are reported (default: base; once)",
                       Designs::monte_carlo_only);
  options.add_options()("method", po::value<std::string>()->default_value("rank"),
                        "rank (rank correlations, outcomes, deltas) or sobol (Sobol indices of every parameter, "
                        "event and group from N = --samples base rows, N·(d + 2) evaluations)");
  options.add_options()("format", po::value<std::string>(),
                        "table | csv | json | markdown (default: from --out's extension, else table)")(
      "out,o", po::value<std::string>(), "write the result to this file (atomically; - for stdout) instead of stdout")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      "sensitivity", args, options, positional,
      "usage: riskcast sensitivity MODEL.yaml [--output NAME] [--scenario NAME] [--method rank|sobol] [--samples N]\n"
      "                            [--seed S] [--threads T] [--format table|csv|json|markdown] [--out FILE]\n\n"
      "What drives one output: Spearman rank correlation with every parameter and event summary (a tornado),\n"
      "the output's P10 / P50 / P90 given each event outcome, and every scenario minus base, paired sample by\n"
      "sample; with --method sobol, first order and total Sobol indices of every parameter, event and group.\n"
      "See docs/analysis.md.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("sensitivity needs a model file: riskcast sensitivity MODEL.yaml");

  const RunOptions sampling = sampling_options(*vm, Designs::monte_carlo_only);
  SensitivityOptions request;
  request.samples = sampling.samples;
  request.seed = sampling.seed;
  request.threads = sampling.threads;
  const std::string method = (*vm)["method"].as<std::string>();
  if (method == "sobol") {
    request.method = SensitivityMethod::sobol;
    // Each base row costs d + 2 evaluations: a smaller default keeps it to seconds.
    if ((*vm)["samples"].defaulted()) request.samples = kDefaultSobolSamples;
  } else if (method == "mc" || method == "lhs" || method == "qmc")
    throw UsageError(fmt::format("{}; sensitivity's --method is rank or sobol", monte_carlo_only("sensitivity")));
  else if (method != "rank")
    throw UsageError(fmt::format("--method must be rank or sobol, not '{}'", quote_for_message(method)));
  if (request.samples > kMaxSensitivitySamples)
    throw UsageError(
        fmt::format("--samples must be at most {} for sensitivity, got {}", kMaxSensitivitySamples, request.samples));
  const std::string path = (*vm)["model"].as<std::string>();
  check_output_files(text_output(*vm), model_input(path));
  const Format format = output_format(*vm);

  const LoadedModel model = open_model(path);
  const std::vector<std::string> scenarios = chosen_scenarios(*vm, scenario_names(model), path);
  if (scenarios.size() > 1)
    throw UsageError(
        fmt::format("sensitivity analyses one scenario at a time; got --scenario {} times (deltas "
                    "against base cover every scenario anyway)",
                    scenarios.size()));
  if (!scenarios.empty()) request.scenario = scenarios.front();
  const std::string output = chosen_output(*vm, model, path, "analyse");
  if (vm->count("output")) request.output = output;

  SensitivityResult result;
  {
    ProgressLine progress(0, "sensitivity");
    request.progress = progress.follow();
    result = model.sensitivity(request);
  }

  print_or_write(format_sensitivity(result, format), *vm);
  return kExitOk;
}

}  // namespace riskcast::cli
