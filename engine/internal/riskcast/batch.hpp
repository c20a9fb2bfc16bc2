// Batch files: many runs (model, scenarios, samples, seed, formats) listed in
// one YAML file, for `riskcast batch`. See docs/batch.md. The types and the
// reading are public (batch_runs.hpp); this adds what needs the model IR.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/batch_runs.hpp"
#include "riskcast/diagnostics.hpp"
#include "riskcast/model.hpp"
#include "riskcast/report.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast {

// Reports each scenario the run names that `model` lacks, positioned at the
// name in the batch file, with a hint when one is close.
void check_run_scenarios(const BatchRun& run, const Model& model, Diagnostics& diagnostics);

// Reports each output the run's `exceed:` names that `model` lacks, likewise,
// and each threshold written in percent for an output that is no share
// (is_share_unit), positioned at the threshold.
void check_run_outputs(const BatchRun& run, const Model& model, Diagnostics& diagnostics);

// Both checks above.
void check_run_names(const BatchRun& run, const Model& model, Diagnostics& diagnostics);
// The names `batch.runs[index]` gives that `model` lacks (check_run_names);
// a sweep's cells share their settings, so only its first cell's are
// checked, with the sweep's levers (parameters of the model) and output.
void check_batch_names(const BatchFile& batch, std::size_t index, const Model& model, Diagnostics& diagnostics);

}  // namespace riskcast
