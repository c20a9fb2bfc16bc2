// Command-line helpers over the engine's internals, for the commands not yet
// moved behind the public API (docs/architecture.md, "Public API and
// internals").
#pragma once

#include "cli.hpp"
#include "riskcast/model.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast::cli {

RunSettings sampling_settings(const boost::program_options::variables_map& vm);
// Refuses up front a run whose memory estimate exceeds what is available.
void check_memory(const Model& model, const RunSettings& settings);
// The same for a sensitivity analysis (sensitivity, run --plot, report).
void check_sensitivity_memory(const Model& model, const SensitivityRequest& request);

// Loads a model (load_model_file) and prints its warnings on stderr.
Model load_model(const std::string& path);
// Prints on stderr the warnings a run's results give (warn_about_results):
// a share output that left [0, 1].
void warn_about_run(const Model& model, const RunResult& result);

}  // namespace riskcast::cli
