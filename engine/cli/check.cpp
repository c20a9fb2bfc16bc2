// riskcast check MODEL: validate, summarise, optionally list the program.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_check(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")(
      "strict", "treat warnings as errors: print them as errors and exit with status 2")(
      "dump-program", "print the compiled program, each instruction with its source position")(
      "scenario", po::value<std::string>()->default_value("base"), "scenario whose program --dump-program prints")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options("check", args, options, positional,
                          "usage: riskcast check MODEL.yaml [--strict] [--dump-program]\n\n"
                          "Validates the model and prints its summary. Errors (exit status 2) and warnings (what is\n"
                          "valid but most likely a mistake: an entry never read, a share that can leave [0, 1], …;\n"
                          "exit status 0) go to stderr as FILE:LINE:COL: error|warning: MESSAGE (HINT).");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("check needs a model file: riskcast check MODEL.yaml");
  const std::string path = (*vm)["model"].as<std::string>();
  const LoadedModel model = LoadedModel::from_file(path);
  if (vm->count("strict") && !model.warnings().empty()) {
    std::cerr << model.format_warnings(/*as_errors=*/true);
    return kExitError;
  }
  std::cerr << model.format_warnings();

  if (vm->count("dump-program")) {
    const std::string name = (*vm)["scenario"].as<std::string>();
    const std::vector<std::string> scenarios = scenario_names(model);
    if (std::find(scenarios.begin(), scenarios.end(), name) == scenarios.end())
      throw UsageError(fmt::format("unknown scenario '{}' (scenarios: {})", name, fmt::join(scenarios, ", ")));
    std::cout << model.disassemble(name);
    return kExitOk;
  }

  std::size_t regimes = 0, switches = 0, arrivals = 0, innovations = 0;
  const std::vector<EventInfo> events = model.events();
  for (const EventInfo& e : events) {
    regimes += e.kind == "regime";
    switches += e.kind == "switch";
    arrivals += e.kind == "arrivals";
    innovations += e.kind == "innovation";
  }
  std::cout << fmt::format("{}: ok — model {}, horizon {}\n", path, model.name(), counted(model.horizon(), "month"));
  std::cout << fmt::format(
      "  {}, {} ({}, {}, {}), {}, {}, {}\n", counted(model.parameters().size(), "parameter"),
      counted(events.size(), "event"), counted(regimes, "regime"), counted(switches, "switch", "switches"),
      counted(arrivals, "arrivals", "arrivals") +
          (innovations ? ", " + counted(innovations, "innovation") : std::string{}),
      counted(model.monthly().size(), "monthly formula"), counted(model.outputs().size(), "output"),
      counted(model.scenarios().size(), "scenario"));
  return kExitOk;
}

}  // namespace riskcast::cli
