// Summary statistics of one output's samples, with Monte Carlo error.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace riskcast {

// The percentiles every report carries: P1 P5 P10 P25 P50 P75 P90 P95 P99.
inline constexpr std::array<double, 9> kStandardPercentiles = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};

// Confidence level of every interval reported.
inline constexpr double kConfidence = 0.95;

struct PercentileEstimate {
  double p;       // probability in (0, 1)
  double value;   // the estimate
  double ci_low;  // 95 % distribution-free interval for the true quantile
  double ci_high;
};

struct OutputSummary {
  std::uint64_t n = 0;
  double mean = 0, sd = 0, mean_se = 0;
  double min = 0, max = 0;
  std::vector<PercentileEstimate> percentiles;
};

// Mean by summing fixed chunks of 65,536 values in order, then the chunk
// sums in order: the same bits whatever the thread count.
double mean_of(std::span<const double> values);

// Sample standard deviation sqrt(Σ (x − mean)² / (n − 1)), two-pass.
double sd_of(std::span<const double> values, double mean);

// Order-statistic ranks (1-based, inclusive) [l, u] such that
// P(X_(l) ≤ ξ_p ≤ X_(u)) ≥ confidence for any continuous distribution:
// with B ~ Binomial(n, p), l is the largest rank with P(B < l) ≤ α/2 and u
// the smallest with P(B ≥ u) ≤ α/2 (α = 1 − confidence), clamped to [1, n].
std::pair<std::uint64_t, std::uint64_t> quantile_interval_ranks(std::uint64_t n, double p,
                                                                double confidence = kConfidence);

// The percentile estimator used everywhere (Hyndman & Fan type 7, NumPy's
// default): h = (n − 1)·p, value = x_(⌊h⌋) + (h − ⌊h⌋)·(x_(⌊h⌋+1) − x_(⌊h⌋))
// on the 0-based sorted sample. Ties (atoms) need no special case.
//
// Summarises `values`, which it may reorder: percentiles come from selection,
// not a full sort. A column of 65,536 values or more is bucketed by value in
// one pass and only the buckets holding a needed rank are selected in (two
// streaming passes); otherwise, and for columns with NaN or too full a
// bucket, a multi-way selection (nth_element recursion over the needed
// ranks, O(n log k) for k ranks) runs on the whole column.
OutputSummary summarize(std::span<double> values, std::span<const double> probabilities = kStandardPercentiles);

// Kolmogorov–Smirnov distance D_n = sup_x |F_n(x) − F(x)| between the
// empirical CDF F_n of `values` and a continuous CDF F. Sorts `values`;
// with x_(1) ≤ … ≤ x_(n): D_n = max_i max(i/n − F(x_(i)), F(x_(i)) − (i − 1)/n).
// 0 for an empty sample.
double ks_statistic(std::span<double> values, const std::function<double(double)>& cdf);

// Asymptotic critical value of D_n at significance level α (Kolmogorov's
// limit law, first term: P(√n·D_n > x) ≈ 2·exp(−2x²)):
// sqrt(−ln(α/2) / 2) / √n, e.g. 1.9495/√n at α = 0.001. Accurate for n ≳ 100.
double ks_critical_value(std::uint64_t n, double alpha);

}  // namespace riskcast
