// riskcast describe MODEL: the assumptions table. Every parameter with its
// distribution, median and 90 % interval (exact quantiles, no sampling), unit
// and source; every event with its definition and source; every output with
// its formula and kind (value or probability); the scenarios.
#include <fmt/format.h>

#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_describe(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")(
      "format", po::value<std::string>(), "table | markdown | csv (default: from --out's extension, else table)")(
      "out,o", po::value<std::string>(), "write the table to this file (atomically; - for stdout) instead of stdout")(
      "scenario", po::value<std::string>()->default_value("base"), "describe the model with this scenario's overrides")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      "describe", args, options, positional,
      "usage: riskcast describe MODEL.yaml [--format table|markdown|csv] [--scenario NAME] [--out FILE]\n\n"
      "Prints the assumptions table: each parameter's distribution, median and 90 % interval\n"
      "(exact quantiles P5 – P95), unit and source, then the events, the outputs (formula and kind:\n"
      "value or probability) and the scenarios.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("describe needs a model file: riskcast describe MODEL.yaml");
  const std::string path = (*vm)["model"].as<std::string>();
  check_output_files(text_output(*vm), model_input(path));
  const std::optional<Format> format = vm->count("format") ? parse_format((*vm)["format"].as<std::string>())
                                                           : output_format(*vm, "table, markdown or csv");
  if (!format || *format == Format::Json)
    throw UsageError(vm->count("format") ? fmt::format("--format must be table, markdown or csv, got '{}'",
                                                       quote_for_message((*vm)["format"].as<std::string>()))
                                         : "describe writes no JSON: --out FILE.md, FILE.csv or FILE.txt");

  const LoadedModel model = open_model(path);
  const std::string name = (*vm)["scenario"].as<std::string>();
  chosen_scenario(name, model, path);
  print_or_write(model.describe(name, *format), *vm);
  return kExitOk;
}

}  // namespace riskcast::cli
