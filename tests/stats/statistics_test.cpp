// Summary statistics: order-statistic intervals against exact binomial
// reasoning, the type-7 percentile estimator on hand-checked data (ties
// included), summarize() against a sort-based reference, the coverage of
// the percentile intervals, and the goodness-of-fit helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include <fmt/format.h>

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

// The documented ranks by brute force: l the largest rank in [0, n] with
// P(B ≤ l − 1) ≤ α/2, u the smallest in [1, n + 1] with P(B ≥ u) ≤ α/2.
std::pair<std::uint64_t, std::uint64_t> brute_force_ranks(std::uint64_t n, double p, double confidence) {
  const long double tail = (1.0L - confidence) / 2.0L;
  std::uint64_t l = 0;
  for (std::uint64_t r = 0; r <= n; ++r)
    if (binomial_cdf(n, p, static_cast<std::int64_t>(r) - 1) <= tail) l = r;
  std::uint64_t u = n + 1;
  for (std::uint64_t r = n + 1; r >= 1; --r)
    if (1.0L - binomial_cdf(n, p, static_cast<std::int64_t>(r) - 1) <= tail) u = r;
  return {l, u};
}

// P(l ≤ B ≤ u − 1): the exact coverage of [X_(l), X_(u)] for continuous
// data, X_(0) = −∞ and X_(n+1) = +∞ included.
double exact_coverage(std::uint64_t n, double p, Ranks ranks) {
  return static_cast<double>(binomial_cdf(n, p, static_cast<std::int64_t>(ranks.second) - 1) -
                             binomial_cdf(n, p, static_cast<std::int64_t>(ranks.first) - 1));
}

TEST(QuantileIntervalRanks, KnownAnswers) {
  // Median of 100: the textbook interval x_(40) … x_(61)
  // (P(B ≤ 39) = 0.0176 ≤ 0.025 < P(B ≤ 40) = 0.0284).
  EXPECT_EQ(quantile_interval_ranks(100, 0.5), Ranks(40, 61));
  EXPECT_EQ(quantile_interval_ranks(20, 0.5), Ranks(6, 15));
  // Too few samples to bound the median at 95 %: open at both ends
  // (P(B = 0) = 1/32 > 0.025 for n = 5), never the sample's extremes.
  EXPECT_EQ(quantile_interval_ranks(5, 0.5), Ranks(0, 6));
  EXPECT_EQ(quantile_interval_ranks(1, 0.5), Ranks(0, 2));
  // P1 of 10 (the case): P(B = 0) = 0.904, open below; P(B ≥ 2) = 0.0043.
  EXPECT_EQ(quantile_interval_ranks(10, 0.01), Ranks(0, 2));
  // P1 needs 368 samples for a lower end: 0.99^367 = 0.02501, 0.99^368 = 0.02476.
  EXPECT_EQ(quantile_interval_ranks(367, 0.01).first, 0u);
  EXPECT_EQ(quantile_interval_ranks(368, 0.01).first, 1u);
  EXPECT_EQ(quantile_interval_ranks(400, 0.01), Ranks(1, 9));
  EXPECT_EQ(quantile_interval_ranks(400, 0.5), Ranks(180, 221));
  EXPECT_EQ(quantile_interval_ranks(0, 0.5), Ranks(0, 1));
}

TEST(QuantileIntervalRanks, MatchExactBinomialReasoningForSmallN) {
  for (double confidence : {0.95, 0.9}) {
    for (std::uint64_t n = 1; n <= 60; ++n) {
      for (double p : {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99}) {
        const auto ranks = quantile_interval_ranks(n, p, confidence);
        ASSERT_EQ(ranks, brute_force_ranks(n, p, confidence))
            << "n " << n << " p " << p << " confidence " << confidence;
        ASSERT_LT(ranks.first, ranks.second);
        // Every interval, open ends included, covers at least the
        // confidence level: P(X_(l) ≤ ξ_p ≤ X_(u)) = P(l ≤ B ≤ u − 1).
        EXPECT_GE(exact_coverage(n, p, ranks), confidence - 1e-12) << "n " << n << " p " << p;
      }
    }
  }
}

// The reported interval holds the type-7 estimate (or is open on that
// side) and is never narrower than the order-statistic interval.
TEST(QuantileIntervalRanks, ReportedIntervalHoldsTheEstimate) {
  for (std::uint64_t n = 1; n <= 400; ++n) {
    for (double p : {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999}) {
      const auto [l0, u0] = quantile_interval_ranks(n, p);
      const auto [l, u] = percentile_interval_ranks(n, p);
      EXPECT_LE(l, l0);
      EXPECT_GE(u, u0);
      const double h = static_cast<double>(n - 1) * p;
      const auto below = static_cast<std::uint64_t>(std::floor(h)) + 1;  // 1-based
      const std::uint64_t above = h > std::floor(h) ? below + 1 : below;
      EXPECT_LE(l, below) << "n " << n << " p " << p;
      EXPECT_GE(u, above) << "n " << n << " p " << p;
    }
  }
  // P1 of 2 samples (the case): the estimate x_(1) + 0.01·(x_(2) − x_(1))
  // lies above x_(1), where the order-statistic interval would end.
  EXPECT_EQ(quantile_interval_ranks(2, 0.01), Ranks(0, 1));
  EXPECT_EQ(percentile_interval_ranks(2, 0.01), Ranks(0, 2));
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
  // One sample: no spread is defined, the mean's interval is open, and each
  // percentile's interval is open where one order statistic cannot bound it
  // at 95 %: P1 is at most x_(1) (P(B ≥ 1) = 0.01), P99 at least x_(1),
  // everything between open on both sides.
  std::vector<double> one = {3.5};
  const OutputSummary s1 = summarize(one);
  EXPECT_EQ(s1.n, 1u);
  EXPECT_EQ(s1.mean, 3.5);
  EXPECT_TRUE(std::isnan(s1.sd));
  EXPECT_TRUE(std::isnan(s1.mean_se));
  EXPECT_EQ(s1.mean_ci_low, kOpenLow);
  EXPECT_EQ(s1.mean_ci_high, kOpenHigh);
  for (const PercentileEstimate& pe : s1.percentiles) {
    EXPECT_EQ(pe.value, 3.5);
    EXPECT_EQ(pe.ci_low, pe.p >= 0.975 ? 3.5 : kOpenLow) << pe.p;
    EXPECT_EQ(pe.ci_high, pe.p <= 0.025 ? 3.5 : kOpenHigh) << pe.p;
  }
  std::vector<double> two = {3.0, 1.0};
  const double quarter[] = {0.25};
  const OutputSummary s2 = summarize(two, quarter);
  EXPECT_EQ(s2.percentiles[0].value, 1.5);  // h = 0.25
  EXPECT_EQ(s2.mean, 2.0);
  EXPECT_EQ(s2.sd, std::sqrt(2.0));
  EXPECT_EQ(s2.min, 1.0);
  EXPECT_EQ(s2.max, 3.0);
  // t(0.975, 1) = 12.7062047: 2 ± 12.7062·√2/√2.
  EXPECT_NEAR(s2.mean_ci_low, 2.0 - 12.706204736174707, 1e-12);
  EXPECT_NEAR(s2.mean_ci_high, 2.0 + 12.706204736174707, 1e-12);
  // P25 of two: P(B = 0) = 0.5625, P(B = 2) = 0.0625: open on both sides.
  EXPECT_EQ(s2.percentiles[0].ci_low, kOpenLow);
  EXPECT_EQ(s2.percentiles[0].ci_high, kOpenHigh);
  // P1 of two: the estimate 1.02 lies above x_(1) = 1, so the interval runs
  // to x_(2), not to x_(1) (which would exclude its own estimate).
  const double p1[] = {0.01};
  std::vector<double> again = {3.0, 1.0};
  const OutputSummary s3 = summarize(again, p1);
  EXPECT_DOUBLE_EQ(s3.percentiles[0].value, 1.02);
  EXPECT_EQ(s3.percentiles[0].ci_low, kOpenLow);
  EXPECT_EQ(s3.percentiles[0].ci_high, 3.0);

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
  EXPECT_NEAR(moments_of(x).sd, std::sqrt(200000.0 * 200001.0 / 12.0), 1e-9);
  // A large offset loses nothing.
  std::vector<double> shifted = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4};
  EXPECT_EQ(moments_of(shifted).mean, 1e9 + 2.5);
  EXPECT_EQ(moments_of(shifted).sd, std::sqrt(5.0 / 3.0));
  EXPECT_EQ(mean_of({}), 0.0);
  EXPECT_TRUE(std::isnan(moments_of(std::vector<double>{2.0}).sd));
}

// The case: a constant output (c: 0.1) at 10^6 samples printed
// mean 0.10000000000009417 and sd 9.4e−14. A constant column has its value
// as mean and 0 as sd, exactly, whatever its length and value.
TEST(Summarize, ConstantColumnsHaveExactMomentsAndZeroSpread) {
  for (double c : {0.1, -0.1, 1.0 / 3.0, 192.53, 1e-300, 4.9e-324, -1.7976931348623157e308, 0.0}) {
    std::vector<double> column(1'000'000, c);
    const OutputSummary s = summarize(column);
    EXPECT_EQ(s.mean, c + 0.0) << c;
    EXPECT_EQ(s.sd, 0.0) << c;
    EXPECT_EQ(s.mean_se, 0.0) << c;
    EXPECT_EQ(s.mean_ci_low, c + 0.0) << c;
    EXPECT_EQ(s.mean_ci_high, c + 0.0) << c;
    for (const PercentileEstimate& q : s.percentiles) {
      EXPECT_EQ(q.value, c + 0.0) << c;
      EXPECT_EQ(q.ci_low, c + 0.0) << c;
      EXPECT_EQ(q.ci_high, c + 0.0) << c;
    }
  }
}

// Moments over the whole double range: values near ±1.8e308 must not
// overflow the sum or the squares to ∞, subnormals must not underflow them
// to 0. Expected values are exact (the data are chosen so), or computed in
// long double with 2^±k scaling by hand.
TEST(Summarize, MomentsStayFiniteAndAccurateOverTheWholeDoubleRange) {
  const double big = std::numeric_limits<double>::max();
  std::vector<double> huge = {big, big, big, big};
  EXPECT_EQ(moments_of(huge).mean, big);
  EXPECT_EQ(moments_of(huge).sd, 0.0);
  std::vector<double> both = {big, -big, big, -big};  // mean 0, sd = big·√(4/3)
  const Moments mb = moments_of(both);
  EXPECT_EQ(mb.mean, 0.0);
  EXPECT_TRUE(std::isinf(mb.sd)) << "the sd of ±max is √(4/3)·max: beyond the double range";
  std::vector<double> near_top = {big / 2, big / 4, big / 2, big / 4};  // mean 3/8·big, sd big/8·√(4/3)
  const Moments mt = moments_of(near_top);
  EXPECT_DOUBLE_EQ(mt.mean, 0.375 * big);
  EXPECT_DOUBLE_EQ(mt.sd, big / 8.0 * std::sqrt(4.0 / 3.0));
  // 10^6 values near the top: the naive sum would overflow after two.
  std::vector<double> many(1'000'000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = i % 2 ? big * 0.75 : big * 0.25;
  const Moments mm = moments_of(many);
  EXPECT_DOUBLE_EQ(mm.mean, 0.5 * big);
  EXPECT_NEAR(mm.sd / big, 0.25 * std::sqrt(1e6 / (1e6 - 1)), 1e-12);
  // Subnormals: 1, 2, 3, 4 times the smallest one; squares of the
  // deviations would be 0 without scaling.
  const double tiny = std::numeric_limits<double>::denorm_min();
  std::vector<double> subnormal = {tiny, 2 * tiny, 3 * tiny, 4 * tiny};
  const Moments ms = moments_of(subnormal);
  // 2.5·tiny and √(5/3)·tiny are not doubles: they round to 2·tiny (ties to
  // even) and tiny.
  EXPECT_EQ(ms.mean, 2 * tiny);
  EXPECT_EQ(ms.sd, tiny);
  std::vector<double> small = {1e-300, 2e-300, 3e-300, 4e-300};
  const Moments mv = moments_of(small);
  EXPECT_DOUBLE_EQ(mv.mean, 2.5e-300);
  EXPECT_DOUBLE_EQ(mv.sd, std::sqrt(5.0 / 3.0) * 1e-300);
  // The mean stays within [min, max] even when rounding would leave it.
  std::vector<double> ulp = {1.0, std::nextafter(1.0, 2.0), std::nextafter(1.0, 2.0)};
  const double m = mean_of(ulp);
  EXPECT_GE(m, 1.0);
  EXPECT_LE(m, std::nextafter(1.0, 2.0));
}

// The interval ends summarize() should report, from a sorted copy.
std::pair<double, double> interval_end(const std::vector<double>& sorted, double p) {
  const auto [l, u] = percentile_interval_ranks(sorted.size(), p);
  return {l == 0 ? kOpenLow : sorted[l - 1], u > sorted.size() ? kOpenHigh : sorted[u - 1]};
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
        const double expected = type7(x, p);
        EXPECT_NEAR(s.percentiles[i].value, expected, 1e-15) << "n " << n << " p " << p;
        EXPECT_EQ(s.percentiles[i].ci_low, interval_end(sorted, p).first) << "n " << n << " p " << p;
        EXPECT_EQ(s.percentiles[i].ci_high, interval_end(sorted, p).second) << "n " << n << " p " << p;
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
      EXPECT_EQ(s.percentiles[i].value, type7(x, p)) << name << " p " << p;
      EXPECT_EQ(s.percentiles[i].ci_low, interval_end(sorted, p).first + 0.0) << name << " p " << p;
      EXPECT_EQ(s.percentiles[i].ci_high, interval_end(sorted, p).second + 0.0) << name << " p " << p;
      EXPECT_FALSE(std::signbit(s.percentiles[i].value) && s.percentiles[i].value == 0.0) << name << " p " << p;
    }
  }
}

// The k-th uniform of run `run`: each run its own seed, fixed, so every
// coverage count below is reproducible.
double uniform_draw(std::uint64_t run, std::uint64_t k) {
  return RandomStream(1000 + run, k, 1, 0).uniform();
}

// Coverage of the percentile intervals, repeated over seeds, at small and
// large n. For each standard percentile p the interval must contain the true
// quantile in about π of the runs, π = P(l ≤ B ≤ u − 1) the exact coverage
// of the reported ranks for continuous data (open ends count as covering),
// and π ≥ 95 %. Data: uniform(0, 1), so ξ_p = p.
//
// Tolerance: the coverage count over R runs is Binomial(R, π); 4 of its
// standard errors √(π(1 − π)/R) make a false failure of any one of these
// 54 checks less likely than 6·10⁻⁵ (and the fixed seeds reproducible).
// Before the fix, P1 at n = 10 covered in 6.8 % of runs and at n = 100 in 64 %.
TEST(Summarize, PercentileIntervalsCoverTheTrueQuantileAtSmallAndLargeN) {
  constexpr int kRuns = 2000;
  for (std::size_t n : {2u, 5u, 10u, 30u, 100u, 400u}) {
    std::vector<int> covered(kStandardPercentiles.size(), 0);
    std::vector<double> x(n);
    for (int run = 0; run < kRuns; ++run) {
      for (std::size_t i = 0; i < n; ++i) x[i] = uniform_draw(static_cast<std::uint64_t>(run), i);
      const OutputSummary s = summarize(x);
      for (std::size_t k = 0; k < kStandardPercentiles.size(); ++k) {
        const PercentileEstimate& pe = s.percentiles[k];
        covered[k] += pe.ci_low <= pe.p && pe.p <= pe.ci_high;
        // The estimate lies within its own interval.
        ASSERT_LE(pe.ci_low, pe.value) << "n " << n << " p " << pe.p;
        ASSERT_GE(pe.ci_high, pe.value) << "n " << n << " p " << pe.p;
      }
    }
    for (std::size_t k = 0; k < kStandardPercentiles.size(); ++k) {
      const double p = kStandardPercentiles[k];
      const double pi = exact_coverage(n, p, percentile_interval_ranks(n, p));
      EXPECT_GE(pi, kConfidence) << "n " << n << " p " << p;
      const double rate = static_cast<double>(covered[k]) / kRuns;
      EXPECT_NEAR(rate, pi, 4.0 * std::sqrt(pi * (1 - pi) / kRuns) + 1e-9) << "n " << n << " p " << p;
    }
  }
}

// With atoms the order-statistic interval is conservative: coverage at least
// 95 %. The true quantile is ξ_p = inf{x : F(x) ≥ p}. Data: a share that is
// 0 in 30 % of samples and uniform otherwise, and a four-valued discrete
// output. Tolerance: 4 binomial standard errors at 95 %, one-sided.
TEST(Summarize, PercentileIntervalsCoverWithAtoms) {
  constexpr int kRuns = 2000;
  const double tolerance = 4.0 * std::sqrt(0.95 * 0.05 / kRuns);
  struct Shape {
    const char* name;
    double (*draw)(double u, double v);
    double (*quantile)(double p);
  };
  const Shape shapes[] = {
      {"30 % zeros", [](double u, double v) { return u < 0.3 ? 0.0 : v; },
       [](double p) { return p <= 0.3 ? 0.0 : (p - 0.3) / 0.7; }},
      {"four values", [](double u, double) { return std::floor(4.0 * u); },
       [](double p) { return std::ceil(4.0 * p) - 1.0; }},
  };
  for (const Shape& shape : shapes) {
    for (std::size_t n : {2u, 5u, 10u, 30u, 100u}) {
      std::vector<int> covered(kStandardPercentiles.size(), 0);
      std::vector<double> x(n);
      for (int run = 0; run < kRuns; ++run) {
        for (std::size_t i = 0; i < n; ++i)
          x[i] = shape.draw(uniform_draw(static_cast<std::uint64_t>(run), 2 * i),
                            uniform_draw(static_cast<std::uint64_t>(run), 2 * i + 1));
        const OutputSummary s = summarize(x);
        for (std::size_t k = 0; k < kStandardPercentiles.size(); ++k) {
          const PercentileEstimate& pe = s.percentiles[k];
          const double truth = shape.quantile(pe.p);
          covered[k] += pe.ci_low <= truth && truth <= pe.ci_high;
        }
      }
      for (std::size_t k = 0; k < kStandardPercentiles.size(); ++k)
        EXPECT_GE(static_cast<double>(covered[k]) / kRuns, kConfidence - tolerance)
            << shape.name << " n " << n << " p " << kStandardPercentiles[k];
    }
  }
}

// The mean's Student-t interval, repeated over seeds. Normal data: exactly
// 95 % at every n ≥ 2. Other data: the coverage docs/results.md states,
// measured here. Each rate is checked within 4 binomial standard errors
// √(π(1 − π)/R) of the stated value (R = 4000 runs: ±0.014 at 95 %).
TEST(Summarize, MeanIntervalCoverage) {
  constexpr int kRuns = 4000;
  const boost::math::normal_distribution<double> standard;
  struct Shape {
    const char* name;
    std::function<double(double)> draw;  // from one uniform
    double mean;
    std::vector<std::pair<std::size_t, double>> stated;  // n → coverage in docs/results.md
  };
  const std::vector<Shape> shapes = {
      {"normal",
       [&](double u) { return boost::math::quantile(standard, u); },
       0.0,
       {{2, 0.95}, {5, 0.95}, {10, 0.95}, {30, 0.95}, {100, 0.95}}},
      {"uniform",
       [](double u) { return u; },
       0.5,
       {{2, 0.925}, {5, 0.934}, {10, 0.945}, {30, 0.95}, {100, 0.95}, {1000, 0.95}}},
      {"exponential",
       [](double u) { return -std::log1p(-u); },
       1.0,
       {{2, 0.909}, {5, 0.883}, {10, 0.902}, {30, 0.925}, {100, 0.941}, {1000, 0.95}}},
      {"lognormal sigma 1",
       [&](double u) { return std::exp(boost::math::quantile(standard, u)); },
       std::exp(0.5),
       {{2, 0.893}, {5, 0.818}, {10, 0.833}, {30, 0.882}, {100, 0.918}}},
      {"30 % zeros",
       [](double u) { return u < 0.3 ? 0.0 : (u - 0.3) / 0.7; },
       0.35,
       {{2, 0.852}, {5, 0.918}, {10, 0.939}, {30, 0.948}, {100, 0.949}}},
  };
  for (const Shape& shape : shapes) {
    for (const auto& [n, stated] : shape.stated) {
      int covered = 0;
      std::vector<double> x(n);
      for (int run = 0; run < kRuns; ++run) {
        for (std::size_t i = 0; i < n; ++i) x[i] = shape.draw(uniform_draw(static_cast<std::uint64_t>(run), i));
        const Moments m = moments_of(x);  // summarize() reports mean_interval of these
        const auto [low, high] = mean_interval(m.mean, m.sd, n);
        covered += low <= shape.mean && shape.mean <= high;
      }
      const double rate = static_cast<double>(covered) / kRuns;
      RecordProperty(fmt::format("{} n={}", shape.name, n), fmt::format("{:.3f}", rate));
      EXPECT_NEAR(rate, stated, 4.0 * std::sqrt(stated * (1 - stated) / kRuns)) << shape.name << " n " << n;
    }
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

// P(B = k) for B ~ Binomial(n, p), from lgamma (independent of Boost).
long double binomial_pmf(std::uint64_t n, double p, std::uint64_t k) {
  const long double nn = static_cast<long double>(n), kk = static_cast<long double>(k);
  return std::exp(std::lgamma(nn + 1) - std::lgamma(kk + 1) - std::lgamma(nn - kk + 1) +
                  kk * std::log(static_cast<long double>(p)) + (nn - kk) * std::log1p(-static_cast<long double>(p)));
}

// The Clopper–Pearson ends by their definition: the lower end p_L solves
// P(B ≥ k | p_L) = α/2 and the upper end p_U solves P(B ≤ k | p_U) = α/2,
// checked with the long-double binomial sums above; and table values.
TEST(ProportionInterval, IsClopperPearson) {
  const auto [low0, high0] = proportion_interval(0, 10);
  EXPECT_EQ(low0, 0.0);
  EXPECT_NEAR(high0, 1.0 - std::pow(0.025, 0.1), 1e-12);  // (1 − p)^10 = 0.025
  const auto [low10, high10] = proportion_interval(10, 10);
  EXPECT_NEAR(low10, std::pow(0.025, 0.1), 1e-12);
  EXPECT_EQ(high10, 1.0);
  const auto [low3, high3] = proportion_interval(3, 10);  // tabled: 0.0667, 0.6525
  EXPECT_NEAR(low3, 0.06673951, 1e-7);
  EXPECT_NEAR(high3, 0.65245285, 1e-7);
  for (std::uint64_t n : {7u, 50u, 400u})
    for (std::uint64_t k : {1ul, n / 3, n - 1}) {
      const auto [low, high] = proportion_interval(k, n);
      EXPECT_NEAR(static_cast<double>(1.0L - binomial_cdf(n, low, static_cast<std::int64_t>(k) - 1)), 0.025, 1e-9)
          << k << "/" << n;
      EXPECT_NEAR(static_cast<double>(binomial_cdf(n, high, static_cast<std::int64_t>(k))), 0.025, 1e-9)
          << k << "/" << n;
    }
  EXPECT_EQ(proportion_interval(0, 0), (std::pair<double, double>{0.0, 1.0}));
}

// Exceedance probabilities count samples strictly above the threshold.
TEST(Exceedance, CountsSamplesStrictlyAbove) {
  std::vector<double> x = {0.0, 0.0, 0.0, 0.5, 1.0, 2.0};
  const std::array<double, 3> thresholds = {0.0, 1.0, -1.0};
  const OutputSummary s = summarize(x, kStandardPercentiles, thresholds);
  ASSERT_EQ(s.exceedances.size(), 3u);
  EXPECT_EQ(s.exceedances[0].threshold, 0.0);
  EXPECT_EQ(s.exceedances[0].probability, 0.5);  // 0.5, 1, 2; not the three zeros
  EXPECT_EQ(s.exceedances[1].probability, 1.0 / 6.0);
  EXPECT_EQ(s.exceedances[2].probability, 1.0);
  const auto [low, high] = proportion_interval(3, 6);
  EXPECT_EQ(s.exceedances[0].ci_low, low);
  EXPECT_EQ(s.exceedances[0].ci_high, high);
  EXPECT_EQ(s.exceedances[2].ci_high, 1.0);
  // The count itself (shared with streamed runs): NaN is above nothing, +∞ above everything finite.
  const std::vector<double> odd = {std::nan(""), 1.0, std::numeric_limits<double>::infinity(), -0.0};
  EXPECT_EQ(count_above(odd, 0.0), 2u);
  EXPECT_EQ(count_above(odd, -std::numeric_limits<double>::infinity()), 3u);
  EXPECT_EQ(count_above(odd, std::numeric_limits<double>::infinity()), 0u);
  EXPECT_EQ(count_above(std::vector<double>{}, 0.0), 0u);
  // The percentiles do not move for asking.
  std::vector<double> y = {0.0, 0.0, 0.0, 0.5, 1.0, 2.0};
  const OutputSummary plain = summarize(y);
  for (std::size_t i = 0; i < plain.percentiles.size(); ++i)
    EXPECT_EQ(plain.percentiles[i].value, s.percentiles[i].value);
}

// Coverage of the exceedance intervals: uniform samples, thresholds 1 − p
// so that P(X > t) = p exactly, p = 0.01, 0.1, 0.5, over 2000 runs (fixed
// seeds) at n = 5 … 10,000. Each run either covers p or not, so the share
// of runs that do is Binomial(2000, π)/2000 with π the exact coverage,
// Σ_k P(B = k)·[p ∈ CI(k)]; the measured share must lie within 4 of its
// standard errors √(π(1 − π)/2000) of π (a false alarm about once in
// 16,000 checks), and π itself at least 95 % (Clopper–Pearson's guarantee).
TEST(Exceedance, IntervalsCoverTheTrueProbabilityAtSmallAndLargeN) {
  constexpr int kRuns = 2000;
  const std::array<double, 3> probabilities = {0.01, 0.1, 0.5};
  const std::array<double, 3> thresholds = {1 - 0.01, 1 - 0.1, 1 - 0.5};
  for (std::size_t n : {5u, 20u, 100u, 1000u, 10000u}) {
    std::array<int, 3> covered{};
    std::vector<double> x(n);
    for (int run = 0; run < kRuns; ++run) {
      for (std::size_t i = 0; i < n; ++i) x[i] = uniform_draw(50'000 + static_cast<std::uint64_t>(run), i);
      const OutputSummary s = summarize(x, {}, thresholds);
      for (std::size_t k = 0; k < probabilities.size(); ++k)
        covered[k] += s.exceedances[k].ci_low <= probabilities[k] && probabilities[k] <= s.exceedances[k].ci_high;
    }
    for (std::size_t k = 0; k < probabilities.size(); ++k) {
      const double p = probabilities[k];
      long double pi = 0.0L;
      for (std::uint64_t successes = 0; successes <= n; ++successes) {
        const auto [low, high] = proportion_interval(successes, n);
        if (low <= p && p <= high) pi += binomial_pmf(n, p, successes);
      }
      const double coverage = static_cast<double>(pi);
      EXPECT_GE(coverage, kConfidence) << "n " << n << " p " << p;
      const double rate = static_cast<double>(covered[k]) / kRuns;
      EXPECT_NEAR(rate, coverage, 4.0 * std::sqrt(coverage * (1 - coverage) / kRuns) + 1e-9) << "n " << n << " p " << p;
    }
  }
}

// A probability output's estimate: k / n with the same interval as an
// exceedance (one concept, proportion_interval).
TEST(ProportionEstimate, IsTheShareWithItsClopperPearsonInterval) {
  const ProportionEstimate e = estimate_proportion(3, 12);
  EXPECT_EQ(e.successes, 3u);
  EXPECT_EQ(e.trials, 12u);
  EXPECT_EQ(e.estimate, 0.25);
  EXPECT_EQ(std::make_pair(e.ci_low, e.ci_high), proportion_interval(3, 12));
  const ProportionEstimate none = estimate_proportion(0, 0);
  EXPECT_EQ(none.estimate, 0.0);
  EXPECT_EQ(none.ci_low, 0.0);
  EXPECT_EQ(none.ci_high, 1.0);
}

TEST(PairedProportionDifference, EstimateEndsAndLimits) {
  // 30 gained and 10 lost of 1000 pairs: +2 points.
  const PairedProportionDifference d = paired_proportion_difference(30, 10, 1000);
  EXPECT_EQ(d.estimate, 0.02);
  EXPECT_LT(d.ci_low, 0.02);
  EXPECT_GT(d.ci_high, 0.02);
  // The ends by construction: Clopper–Pearson at 97.5 % for the discordant
  // share (40 of 1000) and for the share of those that gained (30 of 40).
  const auto [d_low, d_high] = proportion_interval(40, 1000, 0.975);
  const auto [g_low, g_high] = proportion_interval(30, 40, 0.975);
  EXPECT_DOUBLE_EQ(d.ci_low, d_low * (2 * g_low - 1));
  EXPECT_DOUBLE_EQ(d.ci_high, d_high * (2 * g_high - 1));
  // Mirrored counts give the mirrored interval.
  const PairedProportionDifference m = paired_proportion_difference(10, 30, 1000);
  EXPECT_DOUBLE_EQ(m.ci_low, -d.ci_high);
  EXPECT_DOUBLE_EQ(m.ci_high, -d.ci_low);
  // No discordant pair: the difference is 0 and bounded by how few pairs
  // could differ unseen, on both sides.
  const PairedProportionDifference same = paired_proportion_difference(0, 0, 1000);
  EXPECT_EQ(same.estimate, 0.0);
  EXPECT_DOUBLE_EQ(same.ci_high, proportion_interval(0, 1000, 0.975).second);
  EXPECT_DOUBLE_EQ(same.ci_low, -same.ci_high);
  // Every pair gained: +100 % exactly, the interval's top end at 1.
  const PairedProportionDifference all = paired_proportion_difference(50, 0, 50);
  EXPECT_EQ(all.estimate, 1.0);
  EXPECT_EQ(all.ci_high, 1.0);
  // Both 97.5 % lower ends are those of 50 of 50, 0.0125^(1/50).
  const double q = std::pow(0.0125, 1.0 / 50.0);
  EXPECT_NEAR(all.ci_low, q * (2 * q - 1), 1e-12);
  const PairedProportionDifference empty = paired_proportion_difference(0, 0, 0);
  EXPECT_EQ(empty.ci_low, -1.0);
  EXPECT_EQ(empty.ci_high, 1.0);
  EXPECT_THROW(paired_proportion_difference(6, 5, 10), std::invalid_argument);
}

// The paired difference's coverage. Pairs are (a, b) in {0, 1}²; `gained`
// pairs (0, 1) have probability g, `lost` pairs (1, 0) probability l, and
// the difference of the two proportions is g − l.
struct PairedCase {
  double gained, lost;
};
constexpr std::array<PairedCase, 7> kPairedCases = {
    {{0.0, 0.0}, {0.01, 0.0}, {0.05, 0.02}, {0.2, 0.2}, {0.3, 0.1}, {0.5, 0.0}, {0.45, 0.45}}};

// Small n, exactly: the coverage Σ P(gained, lost)·[g − l ∈ CI(gained, lost)]
// over the trinomial distribution of the counts, summed in long double from
// lgamma (independent of Boost), at least 95 % for every case. No Monte
// Carlo error: this is the coverage itself.
// From 0/1 columns: the values equal to 1 count, sample k of one column is
// paired with sample k of the other, and the first may be stored as bytes.
TEST(PairedProportionDifference, FromIndicatorColumns) {
  const std::vector<double> before = {1, 0, 1, 0, 1, 0, 0};
  const std::vector<double> after = {1, 1, 0, 0, 1, 1, 0};
  const std::vector<std::uint8_t> bytes(before.begin(), before.end());
  const PairedProportionDifference expected = paired_proportion_difference(2, 1, 7);
  EXPECT_EQ(paired_indicator_difference(std::span<const double>(before), after), expected);
  EXPECT_EQ(paired_indicator_difference(std::span<const std::uint8_t>(bytes), after), expected);
  EXPECT_EQ(paired_indicator_difference(std::span<const double>(after), before), paired_proportion_difference(1, 2, 7));
  EXPECT_THROW(paired_indicator_difference(std::span<const double>(before), std::span<const double>(after).first(6)),
               std::invalid_argument);
  const DiscordantPairs pairs = discordant_pairs(std::span<const std::uint8_t>(bytes), after);
  EXPECT_EQ(pairs.gained, 2u);
  EXPECT_EQ(pairs.lost, 1u);
  EXPECT_EQ(estimate_indicator_proportion(after), estimate_proportion(4, 7));
  EXPECT_EQ(estimate_indicator_proportion(std::vector<double>{}), estimate_proportion(0, 0));
}

TEST(PairedProportionDifference, ExactCoverageIsAtLeastTheLevelAtSmallN) {
  for (std::uint64_t n : {1u, 5u, 20u, 100u}) {
    for (const PairedCase& c : kPairedCases) {
      const double truth = c.gained - c.lost;
      long double coverage = 0.0L;
      for (std::uint64_t g = 0; g <= n; ++g) {
        for (std::uint64_t l = 0; g + l <= n; ++l) {
          const long double nn = n, gg = g, ll = l, rest = n - g - l;
          const long double log_p = std::lgamma(nn + 1) - std::lgamma(gg + 1) - std::lgamma(ll + 1) -
                                    std::lgamma(rest + 1) +
                                    (g ? gg * std::log(static_cast<long double>(c.gained)) : 0.0L) +
                                    (l ? ll * std::log(static_cast<long double>(c.lost)) : 0.0L) +
                                    (rest > 0 ? rest * std::log1p(-static_cast<long double>(c.gained + c.lost)) : 0.0L);
          const bool possible =
              (g == 0 || c.gained > 0) && (l == 0 || c.lost > 0) && (rest == 0 || c.gained + c.lost < 1);
          if (!possible) continue;
          const PairedProportionDifference d = paired_proportion_difference(g, l, n);
          if (d.ci_low <= truth && truth <= d.ci_high) coverage += std::exp(log_p);
        }
      }
      EXPECT_GE(static_cast<double>(coverage), kConfidence) << "n " << n << " g " << c.gained << " l " << c.lost;
    }
  }
}

// Large n, by simulation: 2000 runs of 10,000 pairs each (fixed seeds). The
// share of runs whose interval holds g − l must reach 95 % less four
// binomial standard errors of the rate, sqrt(0.95·0.05/2000) = 0.0049.
TEST(PairedProportionDifference, CoverageIsAtLeastTheLevelAtLargeN) {
  constexpr int kRuns = 2000;
  constexpr std::uint64_t n = 10000;
  for (const PairedCase& c : kPairedCases) {
    int covered = 0;
    for (int run = 0; run < kRuns; ++run) {
      std::uint64_t gained = 0, lost = 0;
      for (std::uint64_t i = 0; i < n; ++i) {
        const double u = uniform_draw(90'000 + static_cast<std::uint64_t>(run), i);
        gained += u < c.gained;
        lost += u >= c.gained && u < c.gained + c.lost;
      }
      const PairedProportionDifference d = paired_proportion_difference(gained, lost, n);
      covered += d.ci_low <= c.gained - c.lost && c.gained - c.lost <= d.ci_high;
    }
    const double rate = static_cast<double>(covered) / kRuns;
    RecordProperty(fmt::format("coverage_g{}_l{}", c.gained, c.lost), fmt::format("{}", rate));
    EXPECT_GE(rate, kConfidence - 4.0 * std::sqrt(kConfidence * (1 - kConfidence) / kRuns))
        << "g " << c.gained << " l " << c.lost;
  }
}

TEST(Percentiles, LookupLabelsAndTheReportedSet) {
  std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<double> chosen = with_standard_percentiles(std::vector<double>{0.975, 0.8, 0.5, 97.5 / 100});
  EXPECT_EQ(chosen, (std::vector<double>{0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.8, 0.90, 0.95, 0.975, 0.99}));
  const OutputSummary s = summarize(x, chosen);
  EXPECT_DOUBLE_EQ(s.percentile(0.8).value, 8.2);
  EXPECT_EQ(&s.percentile(97.5 / 100), &s.percentiles[9]);
  EXPECT_EQ(s.percentile(0.5).value, type7_percentile(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5));
  EXPECT_EQ(find_percentile(s.percentiles, 0.3), nullptr);
  try {
    (void)s.percentile(0.3);
    ADD_FAILURE() << "P30 was never computed";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "no P30 was computed");
  }
  EXPECT_EQ(percentile_label(0.05), "P5");
  EXPECT_EQ(percentile_label(0.07), "P7");
  EXPECT_EQ(percentile_label(0.975), "P97.5");
  EXPECT_EQ(percentile_label(0.9995), "P99.95");  // was "P100" when labels kept one decimal
}

TEST(ConfidenceZ, IsTheTwoSidedNormalQuantile) {
  EXPECT_NEAR(confidence_z(), 1.959963984540054, 1e-14);
  const boost::math::normal_distribution<double> standard;
  EXPECT_NEAR(boost::math::cdf(standard, confidence_z()) - boost::math::cdf(standard, -confidence_z()), kConfidence,
              1e-15);
}

}  // namespace
}  // namespace riskcast

namespace riskcast {
namespace {

// Replicated designs: where the parts hold a tail thinly their spread
// understates the error (a trial: qmc, 16 parts of 16 points, a P = 0.00135
// indicator's interval was [0, 0] in 66 % of seeds), so the interval is the
// wider of theirs and the Monte Carlo one of all the values.
TEST(ReplicatedSummary, AThinTailTakesTheWiderInterval) {
  std::vector<double> values(256);
  std::iota(values.begin(), values.end(), 0.0);
  const double threshold = 255.5;  // no value above: every part estimates 0
  const double p = 0.01;           // each part's P1 is near its smallest value
  std::vector<double> copy = values;
  const OutputSummary mc = summarize(copy, std::span(&p, 1), std::span(&threshold, 1));
  const OutputSummary s = summarize_replicated(values, 16, std::span(&p, 1), std::span(&threshold, 1));
  EXPECT_EQ(s.exceedances[0].probability, 0.0);
  EXPECT_EQ(s.exceedances[0].ci_high, mc.exceedances[0].ci_high);  // 1 − 0.025^(1/256) ≈ 0.0143, not 0
  EXPECT_GT(s.exceedances[0].ci_high, 0.014);
  EXPECT_LE(s.percentiles[0].ci_low, mc.percentiles[0].ci_low);
  EXPECT_GE(s.percentiles[0].ci_high, mc.percentiles[0].ci_high);
  EXPECT_TRUE(replicated_tail_is_thin(16, 0.01));
  EXPECT_FALSE(replicated_tail_is_thin(4096, 0.01));  // 40.96 points beyond P1 in each part
}

}  // namespace
}  // namespace riskcast
