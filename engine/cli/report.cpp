// riskcast report MODEL --out report.html: one self-contained HTML page of a run.
#include <fmt/format.h>

#include <filesystem>

#include "cli_internal.hpp"
#include "riskcast/assumptions.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/html_report.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

int command_report(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                    "the HTML file to write (required; written atomically)");
  add_sampling_options(options, "report only this scenario (repeatable; default: every scenario)");
  options.add_options()("model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(
      args, options, positional,
      "usage: riskcast report MODEL.yaml --out REPORT.html [--samples N] [--seed S] [--threads T] [--scenario "
      "NAME]...\n\n"
      "Samples the model and writes one self-contained HTML page (inline CSS and SVG, no scripts, nothing\n"
      "fetched from the network): the first output across the scenarios with Monte Carlo intervals and a\n"
      "comparison chart; base's histogram and quarterly fan charts; what drives the first output in base\n"
      "(tornado chart, outcomes, each scenario minus base: riskcast sensitivity); base's percentiles of every output;\n"
      "the assumptions with their sources; the run settings. The same inputs give the same bytes.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("report needs a model file: riskcast report MODEL.yaml --out REPORT.html");
  if (!vm->count("out")) throw UsageError("report needs --out REPORT.html");
  const std::string out_path = (*vm)["out"].as<std::string>();
  {
    // A missing folder is found before sampling, not after.
    const std::filesystem::path parent = std::filesystem::path(out_path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
      throw UsageError(fmt::format("cannot write '{}': '{}' is not a directory", quote_for_message(out_path),
                                   quote_for_message(parent.string())));
  }

  RunRequest request;
  request.settings = sampling_settings(*vm);
  const std::string path = (*vm)["model"].as<std::string>();
  const Model model = load_model(path);
  request.scenarios = chosen_scenarios(*vm, model.scenario_names(), path);
  check_memory(model, request.settings);
  if (request.settings.samples > kMaxSensitivitySamples)
    throw UsageError(fmt::format("report includes a sensitivity analysis, which supports at most {} samples",
                                 kMaxSensitivitySamples));

  // The histogram of the first output in base (or the first scenario run),
  // built as its column goes by.
  std::size_t shown = 0;
  for (std::size_t i = 0; i < request.scenarios.size(); ++i)
    if (request.scenarios[i] == "base") {
      shown = i;
      break;
    }
  // What drives the first output in that scenario, and every scenario minus
  // base: one more pass over that scenario, one per other scenario.
  SensitivityRequest analysis;
  analysis.settings = request.settings;
  analysis.scenario = request.scenarios.empty() ? model.scenarios.front().name : request.scenarios[shown];
  check_sensitivity_memory(model, analysis);

  chart::Histogram histogram;
  request.visit_column = [&](std::size_t s, std::size_t o, std::span<const double> column) {
    if (s == shown && o == 0) histogram = chart::make_histogram(column);
  };
  RunResult result;
  {
    const std::size_t scenarios = request.scenarios.empty() ? model.scenarios.size() : request.scenarios.size();
    ProgressLine progress(request.settings.samples, "");
    request.settings.progress = &progress.counter;
    result = run_guarded(path, [&] {
      return run_model(model, request,
                       [&](std::size_t i, const std::string& name) { progress.start_scenario(i, scenarios, name); });
    });
    request.settings.progress = nullptr;  // the counter goes with the progress line
  }
  warn_about_run(model, result);
  SensitivityResult drivers;
  {
    ProgressLine progress(analysis.settings.samples * sensitivity_passes(model, analysis), "sensitivity");
    analysis.settings.progress = &progress.counter;
    drivers = run_guarded(path, [&] { return analyze_sensitivity(model, analysis); });
    analysis.settings.progress = nullptr;
  }

  html::Page page;
  page.title = model.title.empty() ? model.name : model.title;
  page.subtitle = model.description.empty() ? fmt::format("Model {}", model.name)
                                            : fmt::format("Model {}: {}", model.name, model.description);
  page.sections.push_back(html::headline_section(result, model));
  if (!result.scenarios.empty()) {
    page.sections.push_back(html::distribution_section(result.scenarios[shown], std::move(histogram)));
    page.sections.push_back(html::sensitivity_section(drivers));
    page.sections.push_back(html::percentile_section(result.scenarios[shown]));
  }
  page.sections.push_back(html::assumptions_section(assumptions_of(model, model.scenarios.front()), model));
  page.sections.push_back(html::settings_section(result, path));

  const std::string text = html::render_page(page);
  write_file_atomically(out_path, [&](std::ostream& out) { out << text; });
  return kExitOk;
}

}  // namespace riskcast::cli
