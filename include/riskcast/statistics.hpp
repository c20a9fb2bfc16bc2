// Summary statistics of one output's samples, with Monte Carlo error.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace riskcast {

// The percentiles every report carries: P1 P5 P10 P25 P50 P75 P90 P95 P99.
inline constexpr std::array<double, 9> kStandardPercentiles = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};

// Confidence level of every interval reported.
inline constexpr double kConfidence = 0.95;

// Open interval ends. Where the samples cannot bound an interval on one side
// at the stated confidence, that end is open: −∞ for a lower end, +∞ for an
// upper one (never a narrower finite end). Output values are finite, so an
// infinite end always means "open". JSON writes an open end as null; the
// text formats show −∞ / +∞.
inline bool is_open(double end) {
  return std::isinf(end);
}

// The distance from an estimate to the farther end of its interval, the
// Monte Carlo error every table shows as ±; +∞ when an end is open.
inline double interval_half_width(double estimate, double low, double high) {
  if (is_open(low) || is_open(high)) return std::numeric_limits<double>::infinity();
  return std::max(estimate - low, high - estimate);
}
inline constexpr double kOpenLow = -std::numeric_limits<double>::infinity();
inline constexpr double kOpenHigh = std::numeric_limits<double>::infinity();

// The standard normal critical value of a two-sided interval at kConfidence:
// z with P(|Z| ≤ z) = kConfidence, the (1 + kConfidence) / 2 quantile
// (1.959963984540054 at 95 %), from Boost.Math's normal quantile, computed
// once. Every normal-theory interval uses it.
double confidence_z();

struct PercentileEstimate {
  double p;        // probability in (0, 1)
  double value;    // the estimate
  double ci_low;   // 95 % distribution-free interval for the true quantile; kOpenLow when open
  double ci_high;  // kOpenHigh when open
};

// The probabilities a percentile may have: normal doubles in (0, 1), from
// the smallest normal double, 2.2250738585072014e-308 (P2.2250738585072014e-306),
// to the largest below 1, 1 − 2⁻⁵³ (P99.99999999999999). Each has a name
// (percentile_label) that reads neither as P0 nor as P100 and reads back
// as the same probability; a subnormal would not (and 10³⁰⁸ samples would
// not estimate it). --percentiles, `percentiles:` and RunOptions::percentiles
// refuse any other.
inline constexpr double kSmallestPercentile = std::numeric_limits<double>::min();
inline constexpr double kLargestPercentile = 1.0 - std::numeric_limits<double>::epsilon() / 2;
inline bool is_nameable_probability(double p) {
  return p >= kSmallestPercentile && p <= kLargestPercentile;
}

// A percentile's name: "P5", "P50", "P97.5", "P99.95", "P99.99999999999"
// — P and 100·p from p's shortest round-trip digits, the point moved two
// places (so 0.07 is P7, and parse_percentile reads the name's number back
// as p, bit for bit).
std::string percentile_label(double p);

// Whether a probability looked up finds a percentile computed: equal within
// 1e-12, so 0.975 finds the percentile computed for 97.5 / 100 however the
// division rounded. Only for lookups: two percentiles asked for are two
// percentiles whenever they differ (each has its own name), so
// P99.9999999999 and P99.99999999999 are both reported.
inline bool same_probability(double a, double b) {
  return std::fabs(a - b) < 1e-12;
}

// The percentiles a run reports: kStandardPercentiles and `chosen`
// (probabilities in (0, 1)), ascending, each once (equal doubles).
std::vector<double> with_standard_percentiles(std::span<const double> chosen);

// The estimate for p among `percentiles`: the one at p, else the nearest
// within same_probability, or nullptr.
const PercentileEstimate* find_percentile(std::span<const PercentileEstimate> percentiles, double p);
// The same, but std::out_of_range ("no P97.5 was computed") when absent.
const PercentileEstimate& percentile_in(std::span<const PercentileEstimate> percentiles, double p);

// An exceedance probability to estimate: P(X > threshold) for an output X,
// the threshold in the output's own units (a share as a fraction: 0.3).
struct ExceedanceThreshold {
  std::string output;
  double threshold = 0;
};

// The exceedance probability P(X > threshold) (strictly greater: samples
// equal to the threshold do not count) estimated by the share of samples
// above it, k / n, with its 95 % interval (proportion_interval).
struct ExceedanceEstimate {
  double threshold;
  double probability;  // k / n
  double ci_low;       // Clopper–Pearson; 0 when k = 0
  double ci_high;      // 1 when k = n
};
// k: how many of `values` are strictly greater than `threshold` (NaN never is).
std::uint64_t count_above(std::span<const double> values, double threshold);

// The two-sided interval at `confidence` for a binomial proportion from
// `successes` of `trials`: the exact Clopper–Pearson interval (Clopper &
// Pearson, 1934; Boost.Math binomial_distribution::find_lower_bound_on_p /
// find_upper_bound_on_p, each tail (1 − confidence) / 2). Its coverage is at
// least `confidence` for every n and true p (conservative: the discreteness
// of k keeps it above), unlike Wald's or Wilson's, which fall below it near
// p = 0 or 1, where rare outcomes (tail exceedances, rare events) live.
// Measured in tests/stats/statistics_test.cpp (Exceedance.*). The lower end
// is 0 for k = 0 and the upper end 1 for k = n; [0, 1] for no trials.
std::pair<double, double> proportion_interval(std::uint64_t successes, std::uint64_t trials,
                                              double confidence = kConfidence);

// A binomial proportion estimated from `successes` of `trials`: the share
// successes / trials with its interval from proportion_interval (exact,
// Clopper–Pearson). What a probability output reports (OutputKind::Probability,
// metadata.hpp): the share of samples in which its 0/1 indicator is 1.
struct ProportionEstimate {
  std::uint64_t successes = 0, trials = 0;
  double estimate = 0;             // successes / trials; 0 for no trials
  double ci_low = 0, ci_high = 1;  // proportion_interval at kConfidence
  bool operator==(const ProportionEstimate&) const = default;
};
ProportionEstimate estimate_proportion(std::uint64_t successes, std::uint64_t trials, double confidence = kConfidence);
// The estimate from a probability output's 0/1 values: successes are the values equal to 1.
ProportionEstimate estimate_indicator_proportion(std::span<const double> indicator, double confidence = kConfidence);

// The difference P_b − P_a of two proportions measured on the same samples
// (paired: scenarios share random numbers, so sample i of both is one
// pair). Only discordant pairs carry information: `gained` samples are 0 in
// a and 1 in b, `lost` are 1 in a and 0 in b, of `trials` pairs; the
// difference is (gained − lost) / trials.
//
// Interval: with D = (gained + lost) / trials the discordant share and
// π = gained / (gained + lost) the share of discordant pairs that gained,
// the difference is D·(2π − 1). D gets its Clopper–Pearson interval at
// 1 − α/2, π (given the number of discordant pairs) its Clopper–Pearson
// interval at 1 − α/2 ([0, 1] when no pair is discordant), and the interval
// is the range of D·(2π − 1) over both (α = 1 − confidence). By Bonferroni
// both hold together with probability at least 1 − α, so its coverage is at
// least `confidence` for every n and every pair of true probabilities —
// conservative, like each Clopper–Pearson interval it is made of; Wald's
// interval for the difference has zero width when no pair is discordant.
// Measured in tests/stats/statistics_test.cpp (PairedProportionDifference.*).
struct PairedProportionDifference {
  std::uint64_t trials = 0, gained = 0, lost = 0;
  double estimate = 0;              // (gained − lost) / trials
  double ci_low = -1, ci_high = 1;  // in [−1, 1]
  bool operator==(const PairedProportionDifference&) const = default;
};
PairedProportionDifference paired_proportion_difference(std::uint64_t gained, std::uint64_t lost, std::uint64_t trials,
                                                        double confidence = kConfidence);
// The discordant pairs of two 0/1 columns of the same samples, `before`
// (a, whose values may be stored as bytes) and `after` (b): sample k gained
// when after[k] is 1 and before[k] is not, lost when before[k] is 1 and
// after[k] is not. std::invalid_argument when the columns differ in length.
struct DiscordantPairs {
  std::uint64_t gained = 0, lost = 0;
};
template <typename Before>
DiscordantPairs discordant_pairs(std::span<const Before> before, std::span<const double> after) {
  if (before.size() != after.size())
    throw std::invalid_argument("discordant pairs need two columns of the same samples");
  DiscordantPairs pairs;
  for (std::size_t k = 0; k < after.size(); ++k) {
    const bool now = after[k] == 1.0, then = before[k] == Before{1};
    pairs.gained += now && !then;
    pairs.lost += then && !now;
  }
  return pairs;
}
// paired_proportion_difference of two such columns' discordant pairs.
template <typename Before>
PairedProportionDifference paired_indicator_difference(std::span<const Before> before, std::span<const double> after,
                                                       double confidence = kConfidence) {
  const DiscordantPairs pairs = discordant_pairs(before, after);
  return paired_proportion_difference(pairs.gained, pairs.lost, after.size(), confidence);
}

struct OutputSummary {
  std::uint64_t n = 0;
  // sd: the sample standard deviation (divisor n − 1); mean_se = sd / √n.
  // Both are NaN (JSON null) for n < 2, where they are undefined.
  double mean = 0, sd = 0, mean_se = 0;
  // The mean's 95 % Student-t interval, mean ± t(0.975, n − 1)·mean_se
  // (mean_interval); open on both sides for n < 2.
  double mean_ci_low = kOpenLow, mean_ci_high = kOpenHigh;
  double min = 0, max = 0;
  std::vector<PercentileEstimate> percentiles;  // in the order asked for (a run's: ascending)
  std::vector<ExceedanceEstimate> exceedances;  // in the order the thresholds were asked for
  // A probability output's estimate (OutputKind::Probability): the share of
  // samples that are 1. Empty for a value output. Its percentiles, mean and
  // sd are still those of the 0/1 values (the mean equals the estimate up to
  // rounding), but reports show this instead.
  std::optional<ProportionEstimate> probability;

  // The estimate for p; std::out_of_range when p was not computed.
  const PercentileEstimate& percentile(double p) const { return percentile_in(percentiles, p); }
};

// Mean and sample standard deviation (divisor n − 1) of a column, in one
// fixed order: the same bits whatever the thread count. The values are
// scaled by a power of two that brings the largest magnitude near 1 (exact:
// nothing overflows near ±1.8e308, nothing underflows near 4.9e−324) and
// shifted by the midpoint of their range, so a constant column has exactly
// its value as mean and exactly 0 as sd; then two passes, the mean's sum
// taken over fixed chunks of 65,536 values, the chunk sums in order. The
// mean is kept within [min, max]. sd is NaN for n < 2; for an empty column
// both are 0. A column holding ±∞ or NaN gives a NaN sd.
struct Moments {
  double mean = 0, sd = 0;
};
Moments moments_of(std::span<const double> values);
double mean_of(std::span<const double> values);  // moments_of(values).mean

// The mean's two-sided interval at `confidence` from Student's t with n − 1
// degrees of freedom: mean ± t·sd/√n. Exact for normal data at every n ≥ 2;
// for other data its coverage tends to `confidence` as n grows (the central
// limit theorem), and is below it at small n for skewed data — measured in
// tests/stats/statistics_test.cpp and stated in docs/results.md. Open on both
// sides for n < 2 or a non-finite sd. No interval from the sample alone can
// bound the mean of every distribution (Bahadur & Savage, 1956): a constant
// column gives [mean, mean].
std::pair<double, double> mean_interval(double mean, double sd, std::uint64_t n, double confidence = kConfidence);

// Order-statistic ranks [l, u] of the distribution-free interval
// [X_(l), X_(u)] for the p-quantile ξ_p, with the conventions X_(0) = −∞ and
// X_(n+1) = +∞ (an open end). With B ~ Binomial(n, p), l is the largest rank
// in [0, n] with P(B ≤ l − 1) ≤ α/2 and u the smallest in [1, n + 1] with
// P(B ≥ u) ≤ α/2 (α = 1 − confidence). Its coverage P(l ≤ B ≤ u − 1) is at
// least `confidence` for every n and p, exact for continuous data and
// conservative for data with atoms. l = 0 when even the sample minimum
// exceeds ξ_p too often (P(B = 0) > α/2, e.g. P1 below 368 samples); u = n + 1
// likewise at the top.
std::pair<std::uint64_t, std::uint64_t> quantile_interval_ranks(std::uint64_t n, double p,
                                                                double confidence = kConfidence);

// The ranks summarize() reports for the type-7 estimate at p: those of
// quantile_interval_ranks, widened where needed so that the interval holds
// the estimate, which lies between X_(⌊h⌋+1) and X_(⌊h⌋+2), h = (n − 1)·p
// (only at small n·p or n·(1 − p), e.g. P1 of 2 samples). Widening only
// raises the coverage.
std::pair<std::uint64_t, std::uint64_t> percentile_interval_ranks(std::uint64_t n, double p,
                                                                  double confidence = kConfidence);

// The percentile estimator used everywhere (Hyndman & Fan type 7, NumPy's
// default): h = (n − 1)·p, value = x_(⌊h⌋) + (h − ⌊h⌋)·(x_(⌊h⌋+1) − x_(⌊h⌋))
// on the 0-based sorted sample. Ties (atoms) need no special case; equal
// neighbours give their value exactly. type7_percentile reads it from a
// sorted sample (p in [0, 1]; 0 for an empty one).
double type7_percentile(std::span<const double> sorted, double p);

// summarize(): the percentiles above at `probabilities`, in that order, and
// the exceedance probabilities at `thresholds`, likewise (one counting pass
// each).
//
// Each percentile's interval is [X_(l), X_(u)] for the ranks of
// percentile_interval_ranks, an open end where the rank is 0 or n + 1.
//
// Summarises `values`, which it may reorder: percentiles come from selection,
// not a full sort. A column of 65,536 values or more is bucketed by value in
// one pass and only the buckets holding a needed rank are selected in (two
// streaming passes); otherwise, and for columns with NaN or too full a
// bucket, a multi-way selection (nth_element recursion over the needed
// ranks, O(n log k) for k ranks) runs on the whole column.
OutputSummary summarize(std::span<double> values, std::span<const double> probabilities = kStandardPercentiles,
                        std::span<const double> thresholds = {});

// summarize() of a column made of `replicates` (R ≥ 2) equal consecutive
// parts, each an independent randomized design (randomized quasi-Monte Carlo
// or replicated Latin hypercube, sampling.hpp): the estimates are the whole
// column's, and every interval (the mean's, each percentile's, each
// exceedance's) is estimate ± t(R − 1)·s/√R with s the standard deviation of
// the R parts' own estimates (mean_interval of them; exceedances kept in
// [0, 1]); mean_se is s/√R. Points of one design are not independent, so
// the spread within a part says nothing of the error; the parts' estimates
// are independent and identically distributed, so the t interval is exact
// when they are normal and tends to its level as they approach normality
// (measured: tests/sample/design_test.cpp, docs/analysis.md). The
// percentile's part estimates carry the bias of a quantile from n / R
// points, O(R/n). n must be a multiple of R.
// Where the parts hold a percentile's or an exceedance's tail too thinly
// (replicated_tail_is_thin) their spread understates the error, and the
// interval is the wider of theirs and the Monte Carlo one of all n values
// (order statistics, Clopper–Pearson), which is conservative for a design's
// points (measured before this rule: qmc, 16 parts of 16 points, P1's
// interval covered 72 %, P(X > 3) of a standard normal 34 %).
OutputSummary summarize_replicated(std::span<double> values, unsigned replicates,
                                   std::span<const double> probabilities = kStandardPercentiles,
                                   std::span<const double> thresholds = {});

// Whether parts of `points` values each hold fewer than kReplicatedTailPoints
// values beyond the percentile or proportion p: points · min(p, 1 − p) < 10.
inline constexpr double kReplicatedTailPoints = 10;
bool replicated_tail_is_thin(std::uint64_t points, double p);

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
