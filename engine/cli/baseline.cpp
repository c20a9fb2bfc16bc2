// riskcast baseline MODEL --out FILE: record a run's statistics for regress.
#include <fmt/format.h>

#include <iostream>

#include "cli.hpp"
#include "riskcast/baseline.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_baseline(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("samples,n", po::value<std::string>()->default_value("1000000"),
                                                    "samples per scenario")(
      "seed", po::value<std::string>()->default_value("1"), "random seed")(
      "threads", po::value<std::string>()->default_value("0"), "worker threads; 0 = all (results do not depend on it)")(
      "scenario", po::value<std::vector<std::string>>(), "record only this scenario (repeatable)")(
      "out,o", po::value<std::string>(), "the baseline file to write (JSON, riskcast.baseline/1)")(
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
  request.settings.samples = parse_count("--samples", (*vm)["samples"].as<std::string>(), 1, std::uint64_t{1} << 40);
  request.settings.seed = parse_count("--seed", (*vm)["seed"].as<std::string>(), 0, UINT64_MAX);
  request.settings.threads =
      static_cast<unsigned>(parse_count("--threads", (*vm)["threads"].as<std::string>(), 0, 1024));
  const std::string path = (*vm)["model"].as<std::string>();
  const Model model = load_model_file(path);
  if (vm->count("scenario")) {
    request.scenarios = (*vm)["scenario"].as<std::vector<std::string>>();
    for (const std::string& name : request.scenarios)
      if (!model.find_scenario(name))
        throw UsageError(fmt::format("--scenario '{}' is not a scenario of {} (scenarios: {})", quote_for_message(name),
                                     path, fmt::join(model.scenario_names(), ", ")));
  }
  const Baseline baseline = run_guarded(path, [&] { return make_baseline(model, request, path); });
  const std::string out = (*vm)["out"].as<std::string>();
  write_file_atomically(out, [&](std::ostream& stream) { stream << to_json(baseline).dump(1) << '\n'; });
  std::cerr << fmt::format("wrote {}: {} scenario(s), {} samples, seed {}, model fingerprint {}\n", out,
                           baseline.results.size(), baseline.samples, baseline.seed, baseline.model_fingerprint);
  return kExitOk;
}

}  // namespace riskcast::cli
