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

struct RegressionRow {
  std::string scenario, output, unit;
  std::string statistic;  // "mean", "P50", "distribution (KS)", …
  double baseline = 0, now = 0;
  double difference = 0;  // now − baseline (KS: the distance D)
  double tolerance = 0;   // the difference Bonferroni's bound would flag
  double p_value = 1;     // two-sided; 0 for a determinism failure
  bool moved = false;
};

struct RegressionReport {
  bool exact = false;               // same model, engine and settings: bits must match
  std::vector<std::string> notes;   // why the comparison is statistical, what changed
  std::vector<RegressionRow> rows;  // worst first
  std::size_t moved = 0;
  double alpha = kFamilyWiseAlpha;
};

// Runs `model` with the baseline's settings (samples, seed, scenarios,
// unless overridden) on `threads` threads and compares.
//
// Exact mode (fingerprints and settings equal): every number must be
// bit-identical; any difference is a determinism failure.
// Statistical mode: each mean and standard percentile is tested with
// z = (now − baseline) / sqrt(se_b² + se_n²) (percentile SEs from the
// order-statistic 95 % intervals, half-width / 1.96), and each output's
// distribution with a Kolmogorov–Smirnov distance between the new sample
// and the baseline's quantile function (evaluated at its 1001 points, with
// atoms handled through F(x−) and F(x)), p-value from Kolmogorov's limit law
// with n_eff = n_b·n_n / (n_b + n_n). The family-wise false-alarm rate over
// all these tests is held at kFamilyWiseAlpha by Holm's step-down method.
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
