// riskcast baseline MODEL --out FILE: record a run's statistics for regress.
#include <fmt/format.h>

#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_baseline(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  add_sampling_options(options, "record only this scenario (repeatable)", Designs::monte_carlo_only);
  options.add_options()("out,o", po::value<std::string>(),
                        "the baseline file to write (JSON, riskcast.baseline/1; - for stdout)")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm =
      parse_options("baseline", args, options, positional,
                    "usage: riskcast baseline MODEL.yaml [--samples N] [--seed S] [--threads T] [--scenario NAME]... "
                    "--out BASELINE.json");
  if (!vm) return kExitOk;
  if (!vm->count("model"))
    throw UsageError("baseline needs a model file: riskcast baseline MODEL.yaml --out FILE.json");
  if (!vm->count("out")) throw UsageError("baseline needs --out FILE.json");
  const std::string out = (*vm)["out"].as<std::string>();
  const std::string path = (*vm)["model"].as<std::string>();
  check_output_files({{"--out", out, true}}, model_input(path));  // before sampling, not after
  RunOptions run = sampling_options(*vm);
  const LoadedModel model = open_model(path);
  run.scenarios = chosen_scenarios(*vm, scenario_names(model), path);
  Baseline baseline;
  {
    ProgressLine progress(run.samples, "");
    run.progress = progress.follow();
    baseline = record_baseline(model, run, path);
  }
  print_or_write(format_baseline(baseline), *vm);
  std::cerr << fmt::format("wrote {}: {}, {}, seed {}, model fingerprint {}\n",
                           out == "-" ? "the baseline to stdout" : quote_for_message(out),
                           counted(baseline.results.size(), "scenario"), counted(baseline.samples, "sample"),
                           baseline.seed, baseline.model_fingerprint);
  return kExitOk;
}

}  // namespace riskcast::cli
