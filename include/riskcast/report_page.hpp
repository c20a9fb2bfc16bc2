// The HTML report of a model (`riskcast report`, docs/charts.md): one
// self-contained page, inline CSS and SVG, no scripts, nothing fetched from
// the network (its Content-Security-Policy forbids it). The same model and
// options give the same bytes: no dates, no thread count, no ids.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "riskcast/riskcast.hpp"

namespace riskcast {

// What LoadedModel::report samples and shows.
struct ReportOptions {
  // 1 … kMaxSensitivitySamples: the page includes a sensitivity analysis.
  std::uint64_t samples = 1'000'000;
  std::uint64_t seed = 1;
  unsigned threads = 0;                // results never depend on it
  std::size_t block_size = 256;        // 1 … kMaxBlockSize; results never depend on it
  std::vector<std::string> scenarios;  // empty: every scenario, in model order
  // The output the page headlines, charts and analyses; empty: the model's
  // first. The percentile table lists every output.
  std::string output;
  // Base rows N of a Sobol analysis of the output in the scenario analysed
  // (SensitivityMethod::sobol, N·(d + 2) more evaluations), shown after the
  // tornado; 0: none, and the page is what it was without.
  std::uint64_t sobol_samples = 0;
  MemoryPolicy memory = MemoryPolicy::refuse;  // for the run and the analysis, both checked before either
  ProgressCallback progress;                   // the run, as RunOptions::progress
  // The analysis's passes, as SensitivityOptions::progress (one "scenario"
  // named "sensitivity" counting every pass).
  ProgressCallback analysis_progress;
  std::stop_token stop;  // ends the run or the analysis with RunCancelled
};

// The page and the run it shows (for warnings: format_result_warnings).
struct ReportPage {
  std::string html;
  RunResult result;
};

// Defined in riskcast.hpp: LoadedModel::report(const ReportOptions&) samples
// the scenarios (every output), then analyses the chosen output in base (or
// the first scenario run when base is not among them): drivers, outcomes,
// and each scenario minus base. The page's sections, in order: the output
// across the scenarios with 95 % Monte Carlo intervals and a comparison
// chart; that scenario's histogram of the output and its quarterly fan
// charts; what drives the output (tornado, outcomes, deltas); that
// scenario's percentiles of every output; the assumptions with their
// sources; the run settings. Errors: std::invalid_argument for an unknown
// scenario or output, samples beyond kMaxSensitivitySamples or a block size
// outside 1 … kMaxBlockSize; ResourceError before any sampling; otherwise
// as run() and sensitivity().

}  // namespace riskcast
