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
      "scenario", po::value<std::string>()->default_value("base"),
      "scenario whose program --dump-program prints (checked to exist either way)")(
      "nearest-correlations", po::value<std::string>(),
      "write to this file the `correlations:` sections with each group that is not positive definite replaced by "
      "its nearest valid matrix")("model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options("check", args, options, positional,
                          "usage: riskcast check MODEL.yaml [--strict] [--dump-program [--scenario NAME]] "
                          "[--nearest-correlations FILE.yaml]\n\n"
                          "Validates the model and prints its summary. Errors (exit status 2) and warnings (what is\n"
                          "valid but most likely a mistake: an entry never read, a share that can leave [0, 1], …;\n"
                          "exit status 0) go to stderr as FILE:LINE:COL: error|warning: MESSAGE (HINT).");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("check needs a model file: riskcast check MODEL.yaml");
  const std::string path = (*vm)["model"].as<std::string>();
  if (vm->count("nearest-correlations")) {
    // Any other error of the model is reported as usual, and nothing is
    // written; with the file written, the check goes on and reports the
    // matrices (exit status 2).
    const std::string out = (*vm)["nearest-correlations"].as<std::string>();
    check_output_files({{"--nearest-correlations", out, /*stdout_allowed=*/false}}, model_input(path));
    const std::string text = nearest_correlations(path);
    if (text.empty()) {
      std::cerr << fmt::format("{}: every correlation matrix is valid; {} is not written\n", path, out);
    } else {
      writing("--nearest-correlations", out, [&] { write_file_atomically(out, text); });
      std::cerr << fmt::format("{}: wrote the nearest valid correlations to {}\n", path, out);
    }
  }
  const LoadedModel model = LoadedModel::from_file(path);
  // Checked with or without --dump-program: a misspelt name must not pass as "ok".
  const std::string scenario = (*vm)["scenario"].as<std::string>();
  chosen_scenario(scenario, model, path);
  if (vm->count("strict") && !model.warnings().empty()) {
    std::cerr << model.format_warnings(/*as_errors=*/true);
    return kExitError;
  }
  std::cerr << model.format_warnings();

  if (vm->count("dump-program")) {
    std::cout << model.disassemble(scenario);
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
  // Correlations, when the model has some (in its own section or a
  // scenario's).
  std::string correlations;
  const std::size_t pairs = model.correlations().size();
  std::size_t in_scenarios = 0;
  for (const ScenarioInfo& s : model.scenarios()) in_scenarios += !s.correlations.empty();
  if (pairs + in_scenarios > 0) correlations = ", " + counted(pairs, "rank correlation");
  if (in_scenarios > 0)
    correlations +=
        fmt::format(" ({} with {} own)", counted(in_scenarios, "scenario"), in_scenarios == 1 ? "its" : "their");
  std::cout << fmt::format("{}: ok — model {}, horizon {}\n", path, model.name(), counted(model.horizon(), "month"));
  std::cout << fmt::format(
      "  {}, {} ({}, {}, {}), {}, {}, {}{}\n", counted(model.parameters().size(), "parameter"),
      counted(events.size(), "event"), counted(regimes, "regime"), counted(switches, "switch", "switches"),
      counted(arrivals, "arrivals", "arrivals") +
          (innovations ? ", " + counted(innovations, "innovation") : std::string{}),
      counted(model.monthly().size(), "monthly formula"), counted(model.outputs().size(), "output"),
      counted(model.scenarios().size(), "scenario"), correlations);
  return kExitOk;
}

}  // namespace riskcast::cli
