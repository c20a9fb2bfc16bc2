// A whole run: each chosen scenario compiled, sampled and summarised (the
// engine side of LoadedModel::run, riskcast.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/result.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/streaming.hpp"

namespace riskcast {

struct RunRequest {
  RunSettings settings;
  std::vector<std::string> scenarios;  // empty: every scenario of the model
  // Per-sample columns to keep (ScenarioResult::columns): names of outputs
  // or parameters, already checked (LoadedModel::resolve_columns).
  std::vector<std::string> columns;
  // Every summary's percentiles (with_standard_percentiles) and exceedance
  // thresholds, already checked.
  std::vector<double> percentiles{kStandardPercentiles.begin(), kStandardPercentiles.end()};
  std::vector<ExceedanceThreshold> exceedances;
  ColumnVisitor visit_column;  // optional
};

// The scenarios a run samples: `names` in order, or every scenario of the
// model; std::invalid_argument for an unknown name.
std::vector<const Scenario*> chosen_scenarios(const Model& model, const std::vector<std::string>& names);
// Per output of `model`, its exceedance thresholds in the order asked, each once.
std::vector<std::vector<double>> thresholds_by_output(const Model& model, const RunRequest& request);

// The worker threads a memory estimate counts: settings.threads, or all
// the arena allows; over ranks (settings.ranks) the most of any rank's, a
// collective step, so that every rank estimates alike.
unsigned estimated_threads(const RunSettings& settings);

MemoryEstimate estimate_memory(const Model& model, const RunRequest& request);
MemoryEstimate estimate_memory(const Model& model, const RunSettings& settings);

// Physical memory this process may use, in bytes: the machine's available
// memory (MemAvailable) over the ranks of the calling thread's group that
// share the machine (RankGroup::ranks_on_machine), the least of any rank's.
std::uint64_t available_memory();
// " to each of the 4 processes on this machine" where that share is taken
// (for messages that give available_memory()), else "".
std::string machine_share_note();

// Throws ResourceError when `memory` for `samples` exceeds the memory
// available; `what` names the work in the message ("" for a plain run,
// " for sensitivity").
void refuse_beyond_available(const MemoryEstimate& memory, std::uint64_t samples, const char* what = "");

// "1.5 GiB", "300 MiB".
std::string format_bytes(std::uint64_t bytes);

// Called when a scenario starts, with its index and name (for progress lines).
using ScenarioCallback = std::function<void(std::size_t index, const std::string& name)>;

// Runs the scenarios in order with common random numbers (same seed, same
// sample indices, same slots). Throws RunError on a model that cannot be
// evaluated, std::invalid_argument on an unknown scenario name or column,
// or on samples beyond the random-stream layout.
RunResult run_model(const Model& model, const RunRequest& request, const ScenarioCallback& on_scenario = {});

// A run that does not keep its samples (docs/scale.md, "Exact percentiles
// in bounded memory"): every chosen scenario sampled chunk by chunk
// (sample_chunks) in two passes or more, each pass regenerating the same
// values; the result equals run_model's bit for bit. `on_pass` is called
// as each pass starts (1, 2, …). std::invalid_argument for a request that
// cannot be streamed (why_not_streamed).
using PassCallback = std::function<void(unsigned pass)>;
RunResult run_model_streamed(const Model& model, const RunRequest& request, const SelectionBudget& budget,
                             const PassCallback& on_pass = {});
// Why `request` cannot be streamed ("it keeps per-sample columns"), or "".
std::string why_not_streamed(const RunRequest& request);
// The budget of a streamed run within `limit` bytes: coarser first-pass
// buckets where their tallies would take more than half of it, the rest
// for kept values. ResourceError when even that does not fit.
SelectionBudget streaming_budget(const Model& model, const RunRequest& request, std::uint64_t limit);

// Precision-based stopping (RunOptions::precision): samples the outputs the
// targets name in blocks of kPrecisionBlock (the last one shorter, at
// request.settings.samples), every chosen scenario block by block with
// common random numbers, and after each block computes every target's
// interval from the samples so far, as a run of that many samples would
// report it; stops at the first block boundary where all are met in every
// scenario. Returns the samples taken and what the targets found there.
// Nothing here depends on the thread count or the block size of
// evaluation, so neither does the stopping point.
PrecisionOutcome find_precision(const Model& model, const RunRequest& request,
                                const std::vector<PrecisionTarget>& targets, std::uint64_t& samples);

// The model with `outputs` in place of its own, resolved on a scratch copy
// so that nothing else of the model can change. Outputs draw no random
// numbers, so every other value of a sample is the same as in the model's
// own run. For engine-made outputs (probes), whose names hold a ':' no model
// can use; a probe that does not resolve is an internal error.
Model with_outputs(const Model& model, std::vector<Output> outputs);

// An expression that reads the entry `name` (a parameter, event, monthly
// formula or state), for building probes as trees, never as text to parse.
Expr name_expr(const std::string& name, SourcePos pos);

// Runs `work`, turning a RunError (a model that cannot be evaluated) into a
// ModelError positioned in `model_path`, reported like any model error: the
// one place run errors are translated.
template <typename Work>
auto run_guarded(const std::string& model_path, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const RunError& e) {
    Diagnostics diagnostics(model_path);
    diagnostics.error(e.pos(), e.what());
    throw ModelError(std::move(diagnostics));
  }
}

}  // namespace riskcast
