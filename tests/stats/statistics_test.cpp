// Summary statistics: order-statistic intervals against exact binomial
// reasoning, the type-7 percentile estimator on hand-checked data (ties
// included), summarize() against a sort-based reference, the coverage of
// the percentile intervals, and the goodness-of-fit helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

#include "riskcast/random.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {
namespace {

using Ranks = std::pair<std::uint64_t, std::uint64_t>;

// P(B ≤ k) for B ~ Binomial(n, p), summed exactly in long double from the
// pmf (lgamma), independent of the Boost code under test.
long double binomial_cdf(std::uint64_t n, double p, std::int64_t k) {
  if (k < 0) return 0.0L;
  long double total = 0.0L;
  for (std::int64_t i = 0; i <= k && static_cast<std::uint64_t>(i) <= n; ++i) {
    const long double log_pmf =
        std::lgamma(static_cast<long double>(n) + 1) - std::lgamma(static_cast<long double>(i) + 1) -
        std::lgamma(static_cast<long double>(n - i) + 1) + i * std::log(static_cast<long double>(p)) +
        (n - i) * std::log1p(-static_cast<long double>(p));
    total += std::exp(log_pmf);
  }
  return total;
}

// The documented ranks by brute force: l the largest rank with
// P(B ≤ l − 1) ≤ α/2, u the smallest with P(B ≥ u) ≤ α/2, clamped to [1, n].
std::pair<std::uint64_t, std::uint64_t> brute_force_ranks(std::uint64_t n, double p, double confidence) {
  const long double tail = (1.0L - confidence) / 2.0L;
  std::uint64_t l = 0;
  for (std::uint64_t r = 0; r <= n; ++r)
    if (binomial_cdf(n, p, static_cast<std::int64_t>(r) - 1) <= tail) l = r;
  std::uint64_t u = n + 1;
  for (std::uint64_t r = n + 1; r >= 1; --r)
    if (1.0L - binomial_cdf(n, p, static_cast<std::int64_t>(r) - 1) <= tail) u = r;
  return {std::max<std::uint64_t>(l, 1), std::min<std::uint64_t>(u, n)};
}

TEST(QuantileIntervalRanks, KnownAnswers) {
  // Median of 100: the textbook interval x_(40) … x_(61)
  // (P(B ≤ 39) = 0.0176 ≤ 0.025 < P(B ≤ 40) = 0.0284).
  EXPECT_EQ(quantile_interval_ranks(100, 0.5), Ranks(40, 61));
  EXPECT_EQ(quantile_interval_ranks(20, 0.5), Ranks(6, 15));
  // Too few samples for 95 %: clamped to the extremes
  // (P(B = 0) = 1/32 > 0.025 for n = 5).
  EXPECT_EQ(quantile_interval_ranks(5, 0.5), Ranks(1, 5));
  EXPECT_EQ(quantile_interval_ranks(1, 0.5), Ranks(1, 1));
  EXPECT_EQ(quantile_interval_ranks(400, 0.01), Ranks(1, 9));
  EXPECT_EQ(quantile_interval_ranks(400, 0.5), Ranks(180, 221));
  EXPECT_EQ(quantile_interval_ranks(0, 0.5), Ranks(0, 0));
}

TEST(QuantileIntervalRanks, MatchExactBinomialReasoningForSmallN) {
  for (double confidence : {0.95, 0.9}) {
    for (std::uint64_t n = 1; n <= 60; ++n) {
      for (double p : {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99}) {
        const auto [l, u] = quantile_interval_ranks(n, p, confidence);
        ASSERT_EQ(std::make_pair(l, u), brute_force_ranks(n, p, confidence))
            << "n " << n << " p " << p << " confidence " << confidence;
        ASSERT_LE(l, u);
        // Unclamped intervals cover at least the confidence level:
        // P(X_(l) ≤ ξ_p ≤ X_(u)) = P(l ≤ B ≤ u − 1) for continuous X.
        const bool clamped_low = binomial_cdf(n, p, 0) > (1 - confidence) / 2;
        const bool clamped_high = 1 - binomial_cdf(n, p, static_cast<std::int64_t>(n) - 1) > (1 - confidence) / 2;
        if (!clamped_low && !clamped_high) {
          const long double coverage = binomial_cdf(n, p, static_cast<std::int64_t>(u) - 1) -
                                       binomial_cdf(n, p, static_cast<std::int64_t>(l) - 1);
          EXPECT_GE(coverage, confidence - 1e-12L) << "n " << n << " p " << p;
        }
      }
    }
  }
}

TEST(QuantileIntervalRanks, SymmetricInP) {
  // Rank r for p is rank n + 1 − r for 1 − p (p = 0.5 ± k/8 is exact in binary).
  for (std::uint64_t n : {7u, 50u, 333u, 10000u}) {
    for (double p : {0.125, 0.25, 0.375}) {
      const auto [l, u] = quantile_interval_ranks(n, p);
      const auto [l2, u2] = quantile_interval_ranks(n, 1 - p);
      EXPECT_EQ(l, n + 1 - u2) << n << " " << p;
      EXPECT_EQ(u, n + 1 - l2) << n << " " << p;
    }
  }
}

TEST(QuantileIntervalRanks, LargeNMatchesTheNormalApproximation) {
  // n = 10^6, p = 0.5: n·p ∓ 1.96·√(n·p·(1 − p)) = 500000 ∓ 980, to within
  // a couple of ranks (continuity correction and skew).
  const auto [l, u] = quantile_interval_ranks(1'000'000, 0.5);
  EXPECT_NEAR(static_cast<double>(l), 500000.0 - 980.0, 2.0);
  EXPECT_NEAR(static_cast<double>(u), 500000.0 + 981.0, 2.0);
}

// Type 7 (NumPy's default) by the definition, on a sorted copy.
double type7(std::vector<double> x, double p) {
  std::sort(x.begin(), x.end());
  const double h = static_cast<double>(x.size() - 1) * p;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (h - std::floor(h)) * (x[hi] - x[lo]);
}

TEST(Percentiles, Type7OnOneToTen) {
  std::vector<double> x = {7, 3, 10, 1, 5, 9, 2, 8, 6, 4};
  const OutputSummary s = summarize(x);
  ASSERT_EQ(s.percentiles.size(), kStandardPercentiles.size());
  // h = 9p; value = 1 + h (the data are 1 … 10). NumPy agrees:
  // np.percentile(range(1, 11), [1, 5, 10, 25, 50, 75, 90, 95, 99]).
  const double expected[] = {1.09, 1.45, 1.9, 3.25, 5.5, 7.75, 9.1, 9.55, 9.91};
  for (std::size_t i = 0; i < s.percentiles.size(); ++i) {
    EXPECT_EQ(s.percentiles[i].p, kStandardPercentiles[i]);
    EXPECT_NEAR(s.percentiles[i].value, expected[i], 1e-12) << "p " << kStandardPercentiles[i];
  }
  EXPECT_EQ(s.n, 10u);
  EXPECT_EQ(s.mean, 5.5);
  EXPECT_NEAR(s.sd, std::sqrt(82.5 / 9.0), 1e-15);  // Σ (x − 5.5)² = 82.5
  EXPECT_NEAR(s.mean_se, std::sqrt(82.5 / 9.0) / std::sqrt(10.0), 1e-15);
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 10.0);
}

TEST(Percentiles, TiesAndAtoms) {
  // Sorted: 0 0 0 0 1 2 2 5.  h = 7p.
  std::vector<double> x = {2, 0, 5, 0, 1, 0, 2, 0};
  const double probabilities[] = {0.1, 0.25, 0.5, 0.75, 0.9, 0.99};
  const OutputSummary s = summarize(x, probabilities);
  // p 0.1: h 0.7 between two zeros → 0 exactly; 0.25: h 1.75 → 0;
  // 0.5: h 3.5 → 0 + 0.5·(1 − 0) = 0.5; 0.75: h 5.25 between the two 2s →
  // 2 exactly; 0.9: h 6.3 → 2 + 0.3·(5 − 2) = 2.9; 0.99: h 6.93 → 4.79.
  EXPECT_EQ(s.percentiles[0].value, 0.0);
  EXPECT_EQ(s.percentiles[1].value, 0.0);
  EXPECT_DOUBLE_EQ(s.percentiles[2].value, 0.5);
  EXPECT_EQ(s.percentiles[3].value, 2.0);
  EXPECT_NEAR(s.percentiles[4].value, 2.9, 1e-12);
  EXPECT_NEAR(s.percentiles[5].value, 4.79, 1e-12);

  // An atom at a value with no exact binary form is reported exactly.
  std::vector<double> atom(1000, 0.1);
  atom[999] = 7.0;
  const OutputSummary a = summarize(atom);
  for (const PercentileEstimate& pe : a.percentiles) {
    if (pe.p < 0.99) {
      EXPECT_EQ(pe.value, 0.1) << pe.p;
    }
  }
}

TEST(Summarize, TinySamples) {
  std::vector<double> one = {3.5};
  const OutputSummary s1 = summarize(one);
  EXPECT_EQ(s1.n, 1u);
  EXPECT_EQ(s1.mean, 3.5);
  EXPECT_EQ(s1.sd, 0.0);
  EXPECT_EQ(s1.mean_se, 0.0);
  for (const PercentileEstimate& pe : s1.percentiles) {
    EXPECT_EQ(pe.value, 3.5);
    EXPECT_EQ(pe.ci_low, 3.5);
    EXPECT_EQ(pe.ci_high, 3.5);
  }
  std::vector<double> two = {3.0, 1.0};
  const double quarter[] = {0.25};
  const OutputSummary s2 = summarize(two, quarter);
  EXPECT_EQ(s2.percentiles[0].value, 1.5);  // h = 0.25
  EXPECT_EQ(s2.mean, 2.0);
  EXPECT_EQ(s2.sd, std::sqrt(2.0));
  EXPECT_EQ(s2.min, 1.0);
  EXPECT_EQ(s2.max, 3.0);

  std::vector<double> none;
  const OutputSummary s0 = summarize(none);
  EXPECT_EQ(s0.n, 0u);
  EXPECT_TRUE(s0.percentiles.empty());
}

TEST(Summarize, MeanAndSdOfKnownData) {
  // 0 … 199999: exact sums, across several 65,536-value chunks.
  std::vector<double> x(200000);
  std::iota(x.begin(), x.end(), 0.0);
  EXPECT_EQ(mean_of(x), 99999.5);
  // Var of 0 … n−1 with divisor n − 1: n(n + 1)/12.
  EXPECT_NEAR(sd_of(x, 99999.5), std::sqrt(200000.0 * 200001.0 / 12.0), 1e-9);
  // A large offset loses nothing in the two-pass sd.
  std::vector<double> shifted = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4};
  EXPECT_EQ(sd_of(shifted, mean_of(shifted)), std::sqrt(5.0 / 3.0));
  EXPECT_EQ(mean_of({}), 0.0);
  EXPECT_EQ(sd_of(std::vector<double>{2.0}, 2.0), 0.0);
}

// summarize() selects ranks with nth_element; compare with a full sort for
// many sizes and tie patterns, bit for bit.
TEST(Summarize, MatchesSortBasedReference) {
  std::mt19937_64 rng(12345);
  const double probabilities[] = {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
  for (std::size_t n : {1u, 2u, 3u, 4u, 5u, 9u, 10u, 17u, 64u, 100u, 101u, 1000u, 4097u}) {
    for (int ties : {0, 1}) {
      std::vector<double> x(n);
      for (double& v : x) v = ties ? static_cast<double>(rng() % 5) : std::ldexp(static_cast<double>(rng() >> 11), -53);
      std::vector<double> sorted = x;
      std::sort(sorted.begin(), sorted.end());
      std::vector<double> work = x;
      const OutputSummary s = summarize(work, probabilities);
      std::vector<double> after = work;
      std::sort(after.begin(), after.end());
      ASSERT_EQ(after, sorted) << "summarize must only reorder the values";
      EXPECT_EQ(s.min, sorted.front());
      EXPECT_EQ(s.max, sorted.back());
      for (std::size_t i = 0; i < s.percentiles.size(); ++i) {
        const double p = probabilities[i];
        const auto [l, u] = quantile_interval_ranks(n, p);
        const double expected = type7(x, p);
        EXPECT_NEAR(s.percentiles[i].value, expected, 1e-15) << "n " << n << " p " << p;
        EXPECT_EQ(s.percentiles[i].ci_low, sorted[l - 1]) << "n " << n << " p " << p;
        EXPECT_EQ(s.percentiles[i].ci_high, sorted[u - 1]) << "n " << n << " p " << p;
      }
    }
  }
}

// Columns of 65,536 values or more go through the bucketed selection; its
// values must be the exact order statistics, whatever the shape: smooth,
// heavy-tailed (few buckets hold most values), atoms at the ends (min and
// max come from the first pass), an atom in the middle (too full a bucket:
// the plain selection), a range too wide for bucket arithmetic, one ulp of
// spread, and signed zeros (always reported as +0).
TEST(Summarize, LargeColumnsGiveExactOrderStatistics) {
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  const double probabilities[] = {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
  const std::size_t n = 100'000;
  const std::vector<std::pair<const char*, std::function<double(std::size_t)>>> shapes = {
      {"uniform", [&](std::size_t) { return unit(rng); }},
      {"lognormal sigma 3", [&](std::size_t) { return std::exp(3.0 * normal(rng)); }},
      {"60 % zeros then uniform", [&](std::size_t) { return unit(rng) < 0.6 ? 0.0 : unit(rng); }},
      {"zeros and ones at both ends",
       [&](std::size_t) {
         double u = unit(rng);
         return u < 0.3 ? 0.0 : u > 0.7 ? 1.0 : u;
       }},
      {"atom in the middle", [&](std::size_t) { return unit(rng) < 0.5 ? 0.5 : unit(rng); }},
      {"range wider than a double", [&](std::size_t i) { return i % 2 ? 1e308 * unit(rng) : -1e308 * unit(rng); }},
      {"one ulp apart", [&](std::size_t i) { return i % 3 ? 1.0 : std::nextafter(1.0, 2.0); }},
      {"all equal", [&](std::size_t) { return 7.0; }},
      {"signed zeros", [&](std::size_t i) { return i % 2 ? -0.0 : (i % 5 == 0 ? unit(rng) : 0.0); }},
  };
  for (const auto& [name, draw] : shapes) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = draw(i);
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> work = x;
    const OutputSummary s = summarize(work, probabilities);
    EXPECT_EQ(s.min, sorted.front()) << name;
    EXPECT_EQ(s.max, sorted.back()) << name;
    for (std::size_t i = 0; i < s.percentiles.size(); ++i) {
      const double p = probabilities[i];
      const auto [l, u] = quantile_interval_ranks(n, p);
      EXPECT_EQ(s.percentiles[i].value, type7(x, p)) << name << " p " << p;
      EXPECT_EQ(s.percentiles[i].ci_low, sorted[l - 1]) << name << " p " << p;
      EXPECT_EQ(s.percentiles[i].ci_high, sorted[u - 1]) << name << " p " << p;
      EXPECT_FALSE(std::signbit(s.percentiles[i].value) && s.percentiles[i].value == 0.0) << name << " p " << p;
    }
  }
}

// 200 independent runs of n = 400 uniform(0, 1) draws, each from its own
// seed: the 95 % interval of each standard percentile p must contain the
// true quantile p in about π_p of the runs, π_p = P(l ≤ B ≤ u − 1) the
// interval's exact coverage for continuous data (≥ 0.95: conservative).
// Tolerance: 4 binomial standard errors √(π(1 − π)/200) ≈ 0.055.
TEST(Summarize, PercentileIntervalsCoverTheTrueQuantile) {
  constexpr int kRuns = 200;
  constexpr std::size_t kN = 400;
  std::vector<int> covered(kStandardPercentiles.size(), 0);
  std::vector<double> x(kN);
  for (int run = 0; run < kRuns; ++run) {
    for (std::size_t i = 0; i < kN; ++i) x[i] = RandomStream(1000 + run, i, 1, 0).uniform();
    const OutputSummary s = summarize(x);
    for (std::size_t k = 0; k < kStandardPercentiles.size(); ++k) {
      const PercentileEstimate& pe = s.percentiles[k];
      covered[k] += pe.ci_low <= pe.p && pe.p <= pe.ci_high;
      EXPECT_LE(pe.ci_low, pe.value);
      EXPECT_GE(pe.ci_high, pe.value);
    }
  }
  for (std::size_t k = 0; k < kStandardPercentiles.size(); ++k) {
    const double p = kStandardPercentiles[k];
    const auto [l, u] = quantile_interval_ranks(kN, p);
    const double pi = static_cast<double>(binomial_cdf(kN, p, static_cast<std::int64_t>(u) - 1) -
                                          binomial_cdf(kN, p, static_cast<std::int64_t>(l) - 1));
    EXPECT_GE(pi, kConfidence) << "p " << p;
    const double rate = static_cast<double>(covered[k]) / kRuns;
    EXPECT_NEAR(rate, pi, 4.0 * std::sqrt(pi * (1 - pi) / kRuns)) << "p " << p;
  }
}

TEST(GoodnessOfFit, KsStatisticByHand) {
  // Against U(0, 1): max over i of (i/n − F, F − (i−1)/n) is 1/3 − 0.1 at
  // x = 0.1 and 0.9 − 2/3 at x = 0.9.
  std::vector<double> x = {0.9, 0.1, 0.5};
  const double d = ks_statistic(x, [](double v) { return std::clamp(v, 0.0, 1.0); });
  EXPECT_NEAR(d, 1.0 / 3.0 - 0.1, 1e-15);
  EXPECT_TRUE(std::is_sorted(x.begin(), x.end()));
  std::vector<double> empty;
  EXPECT_EQ(ks_statistic(empty, [](double) { return 0.0; }), 0.0);
  // A sample all at one point: D = 1 − F there, or F.
  std::vector<double> point(10, 0.25);
  EXPECT_NEAR(ks_statistic(point, [](double v) { return v; }), 0.75, 1e-15);
}

TEST(GoodnessOfFit, KsCriticalValue) {
  // Tabled asymptotic values: 1.3581 (5 %), 1.6276 (1 %), 1.9495 (0.1 %).
  EXPECT_NEAR(ks_critical_value(1, 0.05), 1.3581, 5e-4);
  EXPECT_NEAR(ks_critical_value(1, 0.01), 1.6276, 5e-4);
  EXPECT_NEAR(ks_critical_value(10000, 0.001), 1.9495 / 100.0, 5e-6);
}

}  // namespace
}  // namespace riskcast
