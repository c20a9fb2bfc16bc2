// riskcast regress BASELINE.json: did the distribution move beyond Monte Carlo noise?
#include <fmt/format.h>

#include <iostream>

#include "cli.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

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
  auto vm = parse_options(
      "regress", args, options, positional,
      "usage: riskcast regress BASELINE.json [--model MODEL.yaml] [--seed S] [--samples N] [--threads T]\n"
      "                        [--format table|json] [--all] [--update]\n"
      "exit status: 0 nothing moved, 1 something moved (or a determinism failure), 2 error");
  if (!vm) return kExitOk;
  if (!vm->count("baseline")) throw UsageError("regress needs a baseline file: riskcast regress BASELINE.json");
  const std::string format_name = (*vm)["format"].as<std::string>();
  const std::optional<Format> format = parse_format(format_name);
  if (format != Format::Table && format != Format::Json)
    throw UsageError(fmt::format("--format must be table or json, got '{}'", quote_for_message(format_name)));
  const unsigned threads =
      static_cast<unsigned>(parse_count("--threads", (*vm)["threads"].as<std::string>(), 0, kMaxThreads));
  const std::string baseline_path = (*vm)["baseline"].as<std::string>();
  Baseline baseline;
  try {
    baseline = read_baseline_file(baseline_path);
  } catch (const ModelError&) {
    throw;  // positioned already
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  const std::string model_path =
      vm->count("model") ? (*vm)["model"].as<std::string>() : locate_baseline_model(baseline, baseline_path);
  const LoadedModel model = open_model(model_path);
  RunOverrides overrides;
  if (vm->count("seed")) overrides.seed = parse_count("--seed", (*vm)["seed"].as<std::string>(), 0, UINT64_MAX);
  if (vm->count("samples"))
    overrides.samples = parse_count("--samples", (*vm)["samples"].as<std::string>(), 1, kMaxSamples);

  if (vm->count("update")) {
    if (overrides.seed || overrides.samples)
      throw UsageError("--update keeps the baseline's settings; drop --seed / --samples");
    const BaselineUpdate update = update_baseline(baseline, model, threads);
    write_file_atomically(baseline_path, format_baseline(update.baseline));
    std::cout << fmt::format(
        "updated {}: {}; {} of {} compared statistics had moved\n", baseline_path,
        update.report.notes.empty() ? "same model and engine" : fmt::format("{}", fmt::join(update.report.notes, "; ")),
        update.report.moved, update.report.rows.size());
    return kExitOk;
  }

  const RegressionReport report = check_regression(baseline, model, threads, overrides);
  std::string text;
  if (*format == Format::Table)  // the settings run, which --seed / --samples may have changed
    text = fmt::format("regress {} · model {} · {}, seed {}\n", baseline_path, model_path,
                       counted(report.samples, "sample"), report.seed);
  text += format_regression(report, *format, vm->count("all") > 0);
  std::cout << text << std::flush;
  return report.moved == 0 ? kExitOk : kExitFailed;
}

}  // namespace riskcast::cli
