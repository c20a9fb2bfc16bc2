// riskcast baseline MODEL --out FILE: record a run's statistics for regress.
#include <fmt/format.h>

#include <iostream>

#include "cli_internal.hpp"
#include "riskcast/baseline.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_baseline(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  add_sampling_options(options, "record only this scenario (repeatable)");
  options.add_options()("out,o", po::value<std::string>(), "the baseline file to write (JSON, riskcast.baseline/1)")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(args, options, positional,
                          "usage: riskcast baseline MODEL.yaml [--samples N] [--seed S] [--scenario NAME]... "
                          "--out BASELINE.json");
  if (!vm) return kExitOk;
  if (!vm->count("model"))
    throw UsageError("baseline needs a model file: riskcast baseline MODEL.yaml --out FILE.json");
  if (!vm->count("out")) throw UsageError("baseline needs --out FILE.json");
  RunRequest request;
  request.settings = sampling_settings(*vm);
  const std::string path = (*vm)["model"].as<std::string>();
  const Model model = load_model(path);
  request.scenarios = chosen_scenarios(*vm, model.scenario_names(), path);
  check_memory(model, request.settings);
  const Baseline baseline = run_guarded(path, [&] { return make_baseline(model, request, path); });
  const std::string out = (*vm)["out"].as<std::string>();
  write_file_atomically(out, [&](std::ostream& stream) { stream << to_json(baseline).dump(1) << '\n'; });
  std::cerr << fmt::format("wrote {}: {} scenario(s), {} samples, seed {}, model fingerprint {}\n", out,
                           baseline.results.size(), baseline.samples, baseline.seed, baseline.model_fingerprint);
  return kExitOk;
}

}  // namespace riskcast::cli
