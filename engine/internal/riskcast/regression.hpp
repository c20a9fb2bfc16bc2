// Regression of distribution statistics against a baseline: did a change
// move the distribution beyond Monte Carlo noise? The types are public
// (regress.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "riskcast/baseline.hpp"

namespace riskcast {

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
//  * a probability output, when the baseline holds its P too: its mean,
//    percentiles and distribution say nothing more than P, so P alone is
//    tested, by Fisher's exact test (fisher_exact_p below).
// The family-wise false-alarm rate over all these tests is held at
// kFamilyWiseAlpha by Holm's step-down method. Measured rates and power:
// docs/regression.md. Overrides (regress.hpp) make the comparison statistical.
RegressionReport run_regression(const Baseline& baseline, const Model& model, unsigned threads,
                                const RunOverrides& overrides = {});

// Holm's step-down: which of these p-values are rejected at family-wise α.
std::vector<bool> holm_rejections(const std::vector<double>& p_values, double alpha);

// Fisher's exact test of two binomial proportions, k_a of n_a and k_b of
// n_b: given the k_a + k_b successes of both, k_b is hypergeometric under
// equal proportions; the two-sided p-value is twice the smaller tail at
// k_b, at most 1 (Boost.Math hypergeometric_distribution). Its false-alarm
// rate is at most the level for every n and proportion (conservative: it
// conditions on a discrete margin). Where n_a + n_b exceeds 2^32 − 1 (the
// largest population Boost's hypergeometric takes) the pooled two-proportion
// z-test is used instead; its normal approximation is exact enough at that
// size unless the successes are very few.
double fisher_exact_p(std::uint64_t k_a, std::uint64_t n_a, std::uint64_t k_b, std::uint64_t n_b);

// P(K > x) for the Kolmogorov distribution: 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²x²}.
double kolmogorov_survival(double x);

nlohmann::ordered_json to_json(const RegressionReport& report);
// The table: statistic · baseline · now · difference · tolerance · verdict,
// worst first; `all` lists every row, otherwise the moved ones and the ten
// closest to moving.
void write_regression_table(const RegressionReport& report, std::ostream& out, bool all);

}  // namespace riskcast
