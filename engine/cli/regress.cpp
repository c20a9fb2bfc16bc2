// riskcast regress BASELINE.json: did the distribution move beyond Monte Carlo noise?
#include <fmt/format.h>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli_internal.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/regression.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

namespace {

// The baseline's model path is taken as given, else relative to the
// baseline file's folder and its parents (baselines live beside the models).
std::string locate_model(const std::string& recorded, const std::string& baseline_path) {
  namespace fs = std::filesystem;
  if (fs::exists(recorded) || fs::path(recorded).is_absolute()) return recorded;
  for (fs::path dir = fs::absolute(baseline_path).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / recorded)) return (dir / recorded).string();
    if (dir == dir.root_path()) break;
  }
  return recorded;
}

}  // namespace

int command_regress(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("model", po::value<std::string>(),
                                                    "the model to check (default: the path recorded in the baseline)")(
      "threads", po::value<std::string>()->default_value("0"), "worker threads; 0 = all (results do not depend on it)")(
      "seed", po::value<std::string>(), "run with this seed instead of the baseline's (a statistical comparison)")(
      "samples,n", po::value<std::string>(), "run with this many samples instead of the baseline's")(
      "format", po::value<std::string>()->default_value("table"), "table | json")(
      "all", "list every statistic compared, not only the moved ones and the ten closest")(
      "update", "rewrite the baseline from this run on purpose, and say what changed")(
      "baseline", po::value<std::string>(), "baseline file");
  po::positional_options_description positional;
  positional.add("baseline", 1);
  auto vm =
      parse_options(args, options, positional,
                    "usage: riskcast regress BASELINE.json [--model MODEL.yaml] [--format table|json] [--update]\n"
                    "exit status: 0 nothing moved, 1 something moved (or a determinism failure), 2 error");
  if (!vm) return kExitOk;
  if (!vm->count("baseline")) throw UsageError("regress needs a baseline file: riskcast regress BASELINE.json");
  const std::string format = (*vm)["format"].as<std::string>();
  if (format != "table" && format != "json")
    throw UsageError(fmt::format("--format must be table or json, got '{}'", format));
  const unsigned threads = static_cast<unsigned>(parse_count("--threads", (*vm)["threads"].as<std::string>(), 0, 1024));
  const std::string baseline_path = (*vm)["baseline"].as<std::string>();
  Baseline baseline;
  try {
    baseline = read_baseline_file(baseline_path);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  const std::string model_path =
      vm->count("model") ? (*vm)["model"].as<std::string>() : locate_model(baseline.model_path, baseline_path);
  const Model model = load_model(model_path);
  RunOverrides overrides;
  if (vm->count("seed")) overrides.seed = parse_count("--seed", (*vm)["seed"].as<std::string>(), 0, UINT64_MAX);
  if (vm->count("samples"))
    overrides.samples = parse_count("--samples", (*vm)["samples"].as<std::string>(), 1, std::uint64_t{1} << 40);

  if (vm->count("update")) {
    if (overrides.seed || overrides.samples)
      throw UsageError("--update keeps the baseline's settings; drop --seed / --samples");
    RunRequest request;
    request.settings.samples = baseline.samples;
    request.settings.seed = baseline.seed;
    request.settings.threads = threads;
    request.scenarios = baseline.scenarios;
    for (const std::string& name : request.scenarios)
      if (!model.find_scenario(name))
        throw UsageError(
            fmt::format("the baseline records scenario '{}', which {} no longer has; make a new baseline "
                        "with riskcast baseline",
                        name, model_path));
    const RegressionReport report =
        run_guarded(model_path, [&] { return run_regression(baseline, model, threads, overrides); });
    const Baseline updated =
        run_guarded(model_path, [&] { return make_baseline(model, request, baseline.model_path); });
    write_file_atomically(baseline_path, [&](std::ostream& out) { out << to_json(updated).dump(1) << '\n'; });
    std::cout << fmt::format(
        "updated {}: {}; {} of {} compared statistics had moved\n", baseline_path,
        report.notes.empty() ? "same model and engine" : fmt::format("{}", fmt::join(report.notes, "; ")), report.moved,
        report.rows.size());
    return kExitOk;
  }

  const RegressionReport report =
      run_guarded(model_path, [&] { return run_regression(baseline, model, threads, overrides); });
  std::ostringstream text;
  if (format == "json") {
    text << to_json(report).dump(2) << '\n';
  } else {
    // The settings run, which --seed / --samples may have changed.
    text << fmt::format("regress {} · model {} · {} samples, seed {}\n", baseline_path, model_path, report.samples,
                        report.seed);
    write_regression_table(report, text, vm->count("all") > 0);
  }
  std::cout << text.str() << std::flush;
  return report.moved == 0 ? kExitOk : 1;
}

}  // namespace riskcast::cli
