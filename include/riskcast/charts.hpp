// The charts of a run, as `riskcast run --plot` writes them (docs/charts.md):
// SVG text the engine draws, named by the path each file takes inside the
// chart folder. The same inputs give the same bytes (no ids, no dates).
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "riskcast/riskcast.hpp"

namespace riskcast {

// One chart: `path` is relative to the chart folder, '/'-separated, and
// may name a subfolder ("base/nvidia_units.svg"). An element of an output
// over an index is named with dots for its brackets and commas:
// `units[huawei]` → "base/units.huawei.svg".
struct ChartFile {
  std::string path;
  std::string svg;
};

// The charts of one run of one model:
//  * SCENARIO/OUTPUT.svg: each output's histogram (bins from P0.5 to P99.5,
//    the tails counted in the end bins) with its CDF and P5, P50, P95 marked;
//    for a probability output (0 or 1 in every sample) its P as a bar with
//    its exact 95 % interval instead;
//  * SCENARIO/PREFIX_fan.svg: a fan chart (P5–P95, P25–P75, P50) of each
//    quarterly group of outputs PREFIX_q1 … PREFIX_qN; for a group of
//    probability outputs SCENARIO/PREFIX_quarters.svg, a bar per quarter
//    (a group mixing both kinds has neither);
//  * scenarios_OUTPUT.svg: the first output across the scenarios, when two
//    or more run (a probability output: a bar per scenario);
//  * tornado_OUTPUT.svg (with `tornado`): what drives the first output run
//    in the first scenario run, Spearman ρ with 95 % intervals
//    (LoadedModel::sensitivity without scenario deltas): one more sampling
//    pass of that scenario.
// Histograms need every sample, so they are built while the run's columns
// go by (collector()); nothing is kept per sample.
class RunCharts {
 public:
  // For a run of `model` with `options` (its scenarios, outputs, samples,
  // seed, threads, block size). With `tornado`, checks now what its pass
  // needs, so a refusal costs no sampling: std::invalid_argument beyond
  // kMaxSensitivitySamples samples; ResourceError when its memory estimate
  // exceeds the memory available (under options.memory). A model without
  // outputs has no tornado.
  RunCharts(const LoadedModel& model, const RunOptions& options, bool tornado = true);

  // The visitor to set as the run's RunOptions::visit_column: it builds each
  // output's histogram from its column, then calls `next` (the visitor that
  // was there, if any). Safe to call concurrently for different outputs.
  ColumnVisitor collector(ColumnVisitor next = {}) const;

  // The path of every chart files() will return, in its order: known
  // before the run, so that a command can check where each goes first.
  const std::vector<std::string>& paths() const;

  // The output the tornado analyses; empty without a tornado.
  const std::string& tornado_output() const;

  // After the run (`result`, the one whose columns the collector saw): the
  // tornado's pass, if asked (progress and stop as SensitivityOptions'),
  // then every chart in the order listed above. Throws as
  // LoadedModel::sensitivity does, and std::logic_error for a result
  // that does not match the run given to the constructor.
  std::vector<ChartFile> files(const RunResult& result, const ProgressCallback& tornado_progress = {},
                               std::stop_token stop = {}) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace riskcast
