// The HTML report's composition (report_page.hpp): one run, one sensitivity
// analysis, then the page's sections in order.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "riskcast/api_checks.hpp"
#include "riskcast/assumptions.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/html_report.hpp"
#include "riskcast/model.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast {

ReportPage LoadedModel::report(const ReportOptions& options) const {
  const Model& model = ir();
  RunOptions run;
  run.samples = options.samples;
  run.seed = options.seed;
  run.threads = options.threads;
  run.block_size = options.block_size;
  run.scenarios = options.scenarios;
  run.progress = options.progress;
  run.stop = options.stop;
  run.memory = MemoryPolicy::unchecked;  // checked below, with the analysis's, before either samples

  std::size_t output = 0;  // the headlined output's index among the model's (and the run's) outputs
  if (!options.output.empty()) {
    check_output_names(model, {options.output});
    while (model.outputs[output].name != options.output) ++output;
  }
  if (options.memory == MemoryPolicy::refuse)
    refuse_beyond_available(estimate_memory(run), options.samples);  // also checks the run's options
  else
    estimate_memory(run);
  if (options.samples > kMaxSensitivitySamples)
    throw std::invalid_argument(fmt::format("report includes a sensitivity analysis, which supports at most {} samples",
                                            kMaxSensitivitySamples));

  // The scenario shown: base, or the first scenario run when base is not among them.
  std::size_t shown = 0;
  for (std::size_t i = 0; i < options.scenarios.size(); ++i)
    if (options.scenarios[i] == "base") {
      shown = i;
      break;
    }
  // What drives the output in that scenario, and every scenario minus base:
  // one more pass over that scenario, one per other scenario.
  SensitivityOptions analysis;
  analysis.samples = options.samples;
  analysis.seed = options.seed;
  analysis.threads = options.threads;
  analysis.block_size = options.block_size;
  analysis.scenario = options.scenarios.empty() ? model.scenarios.front().name : options.scenarios[shown];
  analysis.output = options.output;
  analysis.memory = MemoryPolicy::unchecked;
  analysis.progress = options.analysis_progress;
  analysis.stop = options.stop;
  if (options.memory == MemoryPolicy::refuse) {
    SensitivityRequest request;
    request.settings.samples = analysis.samples;
    request.settings.seed = analysis.seed;
    request.settings.threads = analysis.threads;
    request.settings.block_size = analysis.block_size;
    request.scenario = analysis.scenario;
    request.output = analysis.output;
    refuse_beyond_available(estimate_sensitivity_memory(model, request), analysis.samples, " for sensitivity");
  }

  // The histogram of the output in the scenario shown, built as its column goes by.
  chart::Histogram histogram;
  run.visit_column = [&](std::size_t s, std::size_t o, std::span<const double> column) {
    if (s == shown && o == output) histogram = chart::make_histogram(column);
  };
  ReportPage report;
  report.result = this->run(run);
  const RunResult& result = report.result;
  const SensitivityResult drivers = sensitivity(analysis);
  std::optional<SensitivityResult> indices;
  if (options.sobol_samples > 0) {
    SensitivityOptions sobol = analysis;
    sobol.method = SensitivityMethod::sobol;
    sobol.samples = options.sobol_samples;
    indices = sensitivity(sobol);
  }

  html::Page page;
  page.title = model.title.empty() ? model.name : model.title;
  page.subtitle = model.description.empty() ? fmt::format("Model {}", model.name)
                                            : fmt::format("Model {}: {}", model.name, model.description);
  page.sections.push_back(html::headline_section(result, model, output));
  if (!result.scenarios.empty()) {
    page.sections.push_back(html::distribution_section(result.scenarios[shown], std::move(histogram), output));
    page.sections.push_back(html::sensitivity_section(drivers));
    if (indices) page.sections.push_back(html::sobol_section(*indices));
    page.sections.push_back(html::percentile_section(result.scenarios[shown]));
  }
  page.sections.push_back(html::assumptions_section(assumptions_of(model, model.scenarios.front()), model));
  page.sections.push_back(html::settings_section(result, model.file));
  report.html = html::render_page(page);
  return report;
}

}  // namespace riskcast
