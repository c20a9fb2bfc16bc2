// Regression of distribution statistics against a baseline: did a change
// move the distribution beyond Monte Carlo noise?
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "riskcast/baseline.hpp"

namespace riskcast {

// Family-wise false-alarm rate across all statistics compared in one check.
inline constexpr double kFamilyWiseAlpha = 0.01;

// How a row was tested.
enum class RegressionTest {
  Exact,        // bit-identical or not
  Mean,         // z-test of the difference of the means
  Percentile,   // the baseline's percentile value placed in the new sample's distribution
  Distribution  // Kolmogorov–Smirnov distance
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
  // value v (δ: rounding_level), and the band of probabilities it must meet
  // at Bonferroni's per-test bound.
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

// Two values of one output closer than this count as equal in statistical
// mode: kRoundingUlps units in the last place of the output's largest
// magnitude, max(|min|, |max|) over both runs. Rounding in a formula chain
// (1 − (a + b)/c gives 2.2e−16 where it means 0) stays far below it; Monte
// Carlo error, at any sample count the engine can run, stays far above it
// (2^20 ulps ≈ 2.3e−10 of the magnitude).
inline constexpr double kRoundingUlps = 1048576.0;  // 2^20
double rounding_level(double largest_magnitude);

// Runs `model` with the baseline's settings (samples, seed, scenarios,
// unless overridden) on `threads` threads and compares.
//
// Exact mode (fingerprints and settings equal): every number must be
// bit-identical; any difference is a determinism failure.
//
// Statistical mode (δ = rounding_level of the output):
//  * mean: z = (now − baseline) / sqrt(se_b² + se_n² + δ²);
//  * each standard percentile, in probability space: where does the new
//    sample put the baseline's value v? With F_n the new sample's CDF, the
//    position is [F_n(v − δ), F_n(v + δ)] (an interval at an atom). Under no
//    change, F_n(v) has mean μ = (h + 1)/(n_b + 1) (v is the baseline's
//    type-7 estimate, h = (n_b − 1)·p; F at an order statistic is Beta) and
//    variance μ(1 − μ)·(1/(n_b + 2) + (n_b + 1)/((n_b + 2)·n_n)); the test is
//    on the arcsine scale, z = distance from asin√μ to the position,
//    divided by its standard error √((1/(n_b + 2) + (n_b + 1)/((n_b + 2)·n_n))/4).
//    Immune to atoms (p inside an atom: distance 0) and to rounding;
//  * each output's distribution: the Kolmogorov–Smirnov distance between the
//    new sample and the baseline's quantile function at its 1001 points (an
//    atom counts as consistent while p lies within [F(x − δ), F(x + δ)]),
//    p-value from Kolmogorov's limit law with n_eff = n_b·n_n / (n_b + n_n).
// The family-wise false-alarm rate over all these tests is held at
// kFamilyWiseAlpha by Holm's step-down method. Measured rates and power:
// docs/regression.md.
//
// Settings to run with instead of the baseline's; any that differ make the
// comparison statistical.
struct RunOverrides {
  std::optional<std::uint64_t> seed, samples;
};

RegressionReport run_regression(const Baseline& baseline, const Model& model, unsigned threads,
                                const RunOverrides& overrides = {});

// Holm's step-down: which of these p-values are rejected at family-wise α.
std::vector<bool> holm_rejections(const std::vector<double>& p_values, double alpha);

// P(K > x) for the Kolmogorov distribution: 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²x²}.
double kolmogorov_survival(double x);

nlohmann::ordered_json to_json(const RegressionReport& report);
// The table: statistic · baseline · now · difference · tolerance · verdict,
// worst first; `all` lists every row, otherwise the moved ones and the ten
// closest to moving.
void write_regression_table(const RegressionReport& report, std::ostream& out, bool all);

}  // namespace riskcast
