// Baselines and regression checks (docs/regression.md): a run's statistics
// saved to a file (schema riskcast.baseline/1), and a later run of the model
// compared with them — did a change move the distribution beyond Monte
// Carlo noise, or, with the same model, engine and settings, any bit?
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/format.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

inline constexpr std::string_view kBaselineSchema = "riskcast.baseline/1";

// The quantile function is kept at P0, P0.1, …, P100.
inline constexpr std::size_t kQuantileGridPoints = 1001;

struct OutputBaseline {
  std::string name;
  std::string unit;
  OutputSummary summary;
  std::vector<double> quantiles;  // kQuantileGridPoints values, type-7 estimator
};

struct ScenarioBaseline {
  std::string name;
  std::vector<OutputBaseline> outputs;
};

struct Baseline {
  std::string model_name;
  std::string model_path;          // as given when the baseline was made
  std::string model_fingerprint;   // hash of the model's canonical form
  std::string engine_fingerprint;  // version, numerics version, Boost version
  std::uint64_t samples = 0;
  std::uint64_t seed = 1;
  std::string method = "mc";
  std::vector<std::string> scenarios;  // requested; empty = all
  std::vector<ScenarioBaseline> results;
};

// Family-wise false-alarm rate across all statistics compared in one check.
inline constexpr double kFamilyWiseAlpha = 0.01;

// How a row was tested.
enum class RegressionTest {
  Exact,         // bit-identical or not
  Mean,          // z-test of the difference of the means
  Percentile,    // the baseline's percentile value placed in the new sample's distribution
  Distribution,  // Kolmogorov–Smirnov distance
  Proportion     // a probability output's P: Fisher's exact test of two binomial proportions
};

struct RegressionRow {
  std::string scenario, output, unit;
  std::string statistic;  // "mean", "P50", "distribution (KS)", …
  RegressionTest test = RegressionTest::Exact;
  double baseline = 0, now = 0;
  double difference = 0;  // now − baseline (KS: the distance D)
  // Mean: the |difference| Bonferroni's per-test bound flags. Percentile:
  // half the span of the new run's values between its percentiles band_low
  // and band_high (output units, like the difference). KS: the D it flags.
  double tolerance = 0;
  // Percentile rows: the new sample's F(v − δ) … F(v + δ) at the baseline's
  // value v (δ: the rounding level), and the band of probabilities it must
  // meet at Bonferroni's per-test bound. Proportion rows: the band of new
  // P that passes that bound (tolerance: half its width).
  double now_cdf_low = 0, now_cdf_high = 0, band_low = 0, band_high = 0;
  double p_value = 1;  // two-sided; 0 for a determinism failure
  bool moved = false;
};

struct RegressionReport {
  bool exact = false;         // same model, engine and settings: bits must match
  std::uint64_t samples = 0;  // the settings actually run
  std::uint64_t seed = 0;
  std::vector<std::string> notes;   // why the comparison is statistical, what changed
  std::vector<RegressionRow> rows;  // worst first
  std::size_t moved = 0;
  double alpha = kFamilyWiseAlpha;
};

// Settings to run with instead of the baseline's; any that differ make the
// comparison statistical.
struct RunOverrides {
  std::optional<std::uint64_t> seed, samples;
};

// Runs `model` with `options` and records what a baseline holds: each
// output's summary and its quantile function at kQuantileGridPoints points,
// per scenario. Uses samples, seed, threads, block_size, scenarios, memory,
// progress and stop; a baseline holds every output of the whole sample
// range, so `outputs`, `columns` and `first_sample` must be left empty
// (std::invalid_argument). `model_path` is recorded as the path `riskcast
// regress` finds the model by (empty: model.file()). Errors as run().
Baseline record_baseline(const LoadedModel& model, const RunOptions& options, const std::string& model_path = {});

// The baseline file's text (JSON, riskcast.baseline/1, one-space indent,
// a final newline): what `riskcast baseline --out` writes.
std::string format_baseline(const Baseline& baseline);
// Reads a baseline file (at most kMaxBaselineBytes). A file that cannot be
// read or is not JSON is a ModelError with the file's position ("PATH:
// error: cannot read the baseline: No such file or directory", "PATH:1:1:
// error: the baseline is not valid JSON: …"); a JSON document that is no
// baseline a std::runtime_error "'PATH': FIELD …" naming the first field
// that is missing or wrong.
inline constexpr std::size_t kMaxBaselineBytes = 256u << 20;
Baseline read_baseline_file(const std::string& path);

// The model a baseline was made from: its recorded path as given when that
// exists (or is absolute), else that path relative to the baseline file's
// folder and each of its parents (baselines live beside the models); the
// recorded path unchanged when none exists.
std::string locate_baseline_model(const Baseline& baseline, const std::string& baseline_path);

// "riskcast 0.1.0; numerics 1; boost 1_74": what must match for exact mode.
std::string engine_fingerprint();

// Runs `model` with the baseline's settings (samples, seed, scenarios,
// unless overridden) on `threads` threads and compares (docs/regression.md):
//  * exact mode (model and engine fingerprints and settings equal): every
//    number must be bit-identical; any difference is a determinism failure;
//  * statistical mode: each output's mean (z-test), each standard
//    percentile (the baseline's value placed in the new sample's
//    distribution, arcsine scale) and its distribution (Kolmogorov–Smirnov
//    against the quantile grid); a probability output (in the baseline and
//    the model alike) by its P alone (Fisher's exact test); the family-wise
//    false-alarm rate held at kFamilyWiseAlpha by Holm's step-down method.
// A scenario or output of the baseline that the model lacks is a moved row.
// Errors as run().
RegressionReport check_regression(const Baseline& baseline, const LoadedModel& model, unsigned threads = 0,
                                  const RunOverrides& overrides = {});

// `riskcast regress --update`: the check above, then the baseline recorded
// anew from the model with the baseline's own settings (its recorded model
// path kept). std::invalid_argument when the baseline names a scenario the
// model no longer has (a new baseline is needed then).
struct BaselineUpdate {
  RegressionReport report;  // how the model compared with the old baseline
  Baseline baseline;        // the new one
};
BaselineUpdate update_baseline(const Baseline& baseline, const LoadedModel& model, unsigned threads = 0);

// The report as `riskcast regress` prints it: Format::Table, the mode, then
// statistic · baseline · now · difference · tolerance · p-value · verdict,
// worst first (`all`: every row, else the moved ones and the ten closest to
// moving), then the result line; Format::Json, schema
// riskcast.regression/1 (every row). std::invalid_argument for another format.
std::string format_regression(const RegressionReport& report, Format format, bool all = false);

}  // namespace riskcast
