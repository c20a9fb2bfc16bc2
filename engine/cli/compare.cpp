// riskcast compare MODEL: one output across every scenario, one line each.
#include <fmt/format.h>

#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_compare(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output", po::value<std::string>(),
                                                    "output to compare (default: the model's first output)");
  add_sampling_options(options, "compare only this scenario (repeatable)", Designs::offered);
  add_statistics_options(options);
  add_memory_options(options);
  options.add_options()("format", po::value<std::string>(),
                        "table | csv | json | markdown (default: from --out's extension, else table; json: "
                        "riskcast.result/1 with this one output)")(
      "out,o", po::value<std::string>(),
      "write the comparison to this file (atomically; - for stdout) instead of stdout")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm =
      parse_options("compare", args, options, positional,
                    "usage: riskcast compare MODEL.yaml [--output NAME] [--samples N] [--seed S] [--threads T]\n"
                    "                        [--scenario NAME]... [--percentiles P,P…]... [--exceed OUTPUT=V,V…]...\n"
                    "                        [--method mc|lhs|qmc [--replicates R]] [--format table|csv|json|markdown] "
                    "[--out FILE]\n"
                    "                        [--memory LIMIT] [--stream]\n\n"
                    "One line per scenario: mean, P5, P50 and P95 of one output, with common random numbers\n"
                    "(a probability output: P, its interval and its difference from the first scenario);\n"
                    "--percentiles adds percentiles, --exceed (of the compared output) P(OUTPUT > VALUE).");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("compare needs a model file: riskcast compare MODEL.yaml");

  RunOptions run = sampling_options(*vm);
  memory_options(*vm, run);
  const std::string path = (*vm)["model"].as<std::string>();
  check_output_files(text_output(*vm), model_input(path));
  const Format format = output_format(*vm);
  const LoadedModel model = open_model(path);
  run.scenarios = chosen_scenarios(*vm, scenario_names(model), path);
  // Only the compared output is evaluated: one column per scenario instead of all.
  const std::string output = chosen_output(*vm, model, path, "compare");
  statistics_options(*vm, model, path, run);
  run.outputs = {output};
  for (const ExceedanceThreshold& e : run.exceedances)
    if (e.output != output)
      throw UsageError(fmt::format("--exceed names '{}', but compare shows only '{}' (--output {} compares that one)",
                                   quote_for_message(e.output), quote_for_message(output), e.output));

  const RunResult result = model.run(run);
  std::cerr << model.format_result_warnings(result);
  print_or_write(format_comparison(result, format, run.percentiles), *vm);
  return kExitOk;
}

}  // namespace riskcast::cli
