// riskcast compare MODEL: one output across every scenario, one line each.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_compare(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output", po::value<std::string>(),
                                                    "output to compare (default: the model's first output)");
  add_sampling_options(options, "compare only this scenario (repeatable)");
  add_statistics_options(options);
  options.add_options()("format", po::value<std::string>()->default_value("table"),
                        "table | csv | markdown | json (json: riskcast.result/1 with this one output)")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm =
      parse_options(args, options, positional,
                    "usage: riskcast compare MODEL.yaml [--output NAME] [--samples N] [--seed S] [--threads T]\n"
                    "                        [--scenario NAME]... [--percentiles P,P…] [--exceed OUTPUT=VALUE]...\n"
                    "                        [--format table|csv|markdown|json]\n\n"
                    "One line per scenario: mean, P5, P50 and P95 of one output, with common random numbers;\n"
                    "--percentiles adds percentiles, --exceed (of the compared output) P(OUTPUT > VALUE).");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("compare needs a model file: riskcast compare MODEL.yaml");

  RunOptions run = sampling_options(*vm);
  const std::string format_name = (*vm)["format"].as<std::string>();
  const std::optional<Format> format = parse_format(format_name);
  if (!format)
    throw UsageError(
        fmt::format("--format must be table, csv, markdown or json, got '{}'", quote_for_message(format_name)));

  const std::string path = (*vm)["model"].as<std::string>();
  const LoadedModel model = open_model(path);
  std::vector<std::string> names;
  for (const FormulaInfo& o : model.outputs()) names.push_back(o.name);
  if (names.empty()) throw UsageError(fmt::format("{} has no outputs to compare", path));
  std::string output = names.front();
  if (vm->count("output")) {
    output = (*vm)["output"].as<std::string>();
    if (std::find(names.begin(), names.end(), output) == names.end()) {
      std::string hint = did_you_mean(output, names);
      throw UsageError(fmt::format("--output '{}' is not an output of {} ({}outputs: {})", quote_for_message(output),
                                   path, hint.empty() ? "" : hint + " ", fmt::join(names, ", ")));
    }
  }
  run.scenarios = chosen_scenarios(*vm, scenario_names(model), path);
  statistics_options(*vm, names, path, run);
  for (const ExceedanceThreshold& e : run.exceedances)
    if (e.output != output)
      throw UsageError(fmt::format("--exceed names `{}`, but compare shows only `{}` (--output {} compares that one)",
                                   e.output, output, e.output));
  // Only the compared output is evaluated: one column per scenario instead of all.
  run.outputs = {output};

  const RunResult result = model.run(run);
  std::cerr << model.format_result_warnings(result);
  std::cout << format_comparison(result, *format) << std::flush;
  return kExitOk;
}

}  // namespace riskcast::cli
