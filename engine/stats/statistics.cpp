#include "riskcast/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <map>
#include <vector>

namespace riskcast {

namespace {
constexpr std::size_t kChunk = 65536;

// Puts the elements of sorted rank r (for each r in `ranks`, sorted) at
// position r of [first, last), recursing on the middle rank.
void select_ranks(double* first, double* last, std::size_t offset, const std::uint64_t* ranks_begin,
                  const std::uint64_t* ranks_end) {
  if (ranks_begin == ranks_end || last - first <= 1) return;
  const std::uint64_t* mid = ranks_begin + (ranks_end - ranks_begin) / 2;
  double* nth = first + (*mid - offset);
  std::nth_element(first, nth, last);
  select_ranks(first, nth, offset, ranks_begin, mid);
  select_ranks(nth + 1, last, offset + (nth + 1 - first), mid + 1, ranks_end);
}

// Values of the given sorted, distinct 0-based ranks, as if `values` were
// sorted, written to out[i] for ranks[i]; may reorder `values`.
//
// A large column is bucketed first: one pass counts values into equal-width
// buckets between min and max (bucket(x) never decreases as x grows, so a
// bucket holds a contiguous run of ranks), a second copies only the buckets
// that hold a wanted rank into a small buffer, and selection runs there.
// Two streaming passes replace several partitioning passes over the column,
// which are bound by branch mispredictions and cache misses. Columns whose
// wanted buckets are too full (atoms, extreme skew), or that hold NaN, take
// the plain multi-way selection. Either way the values are the exact order
// statistics.
void values_at_ranks(std::span<double> values, std::span<const std::uint64_t> ranks, double* out) {
  const std::size_t n = values.size();
  auto plain = [&] {
    select_ranks(values.data(), values.data() + n, 0, ranks.data(), ranks.data() + ranks.size());
    for (std::size_t i = 0; i < ranks.size(); ++i) out[i] = values[ranks[i]];
  };
  constexpr std::size_t kMinBucketed = 1u << 16;
  constexpr std::size_t kBuffer = 1u << 18;  // doubles gathered at most: 2 MB
  if (n < kMinBucketed || n >= (std::size_t{1} << 32)) return plain();

  double lo = values[0], hi = values[0];
  bool has_nan = false;
  for (double x : values) {
    lo = x < lo ? x : lo;
    hi = x > hi ? x : hi;
    has_nan |= x != x;
  }
  const std::size_t buckets = std::clamp<std::size_t>(n / 64, 1024, 16384);
  const double scale = static_cast<double>(buckets) / (hi - lo);
  if (has_nan || !(hi > lo) || !std::isfinite(scale) || !std::isfinite(hi - lo)) return plain();
  auto bucket_of = [&](double x) { return std::min(buckets - 1, static_cast<std::size_t>((x - lo) * scale)); };

  std::vector<std::uint32_t> count(buckets, 0);
  for (double x : values) ++count[bucket_of(x)];
  std::vector<std::uint64_t> start(buckets + 1, 0);
  for (std::size_t b = 0; b < buckets; ++b) start[b + 1] = start[b] + count[b];

  // Wanted buckets and where each one's values go in the buffer.
  std::vector<std::uint32_t> offset(buckets, 0);
  std::vector<unsigned char> wanted(buckets, 0);
  std::size_t gathered = 0;
  // The smallest and largest values are known already; an atom at either end
  // (a share that is often 0) would otherwise fill a wanted bucket.
  auto is_extreme = [&](std::uint64_t r) { return r == 0 || r == n - 1; };
  for (std::uint64_t r : ranks) {
    if (is_extreme(r)) continue;
    const std::size_t b = static_cast<std::size_t>(std::upper_bound(start.begin(), start.end(), r) - start.begin()) - 1;
    if (wanted[b]) continue;
    wanted[b] = 1;
    offset[b] = static_cast<std::uint32_t>(gathered);
    gathered += count[b];
    if (gathered > kBuffer) return plain();
  }
  std::vector<double> buffer(gathered);
  std::vector<std::uint32_t> fill = offset;
  for (double x : values) {
    const std::size_t b = bucket_of(x);
    if (wanted[b]) buffer[fill[b]++] = x;
  }
  // Each wanted bucket's slice holds ranks start[b] … start[b + 1] − 1.
  for (std::size_t i = 0; i < ranks.size();) {
    if (is_extreme(ranks[i])) {
      out[i] = ranks[i] == 0 ? lo : hi;
      ++i;
      continue;
    }
    const std::size_t b =
        static_cast<std::size_t>(std::upper_bound(start.begin(), start.end(), ranks[i]) - start.begin()) - 1;
    std::size_t j = i;
    while (j < ranks.size() && ranks[j] < start[b + 1] && !is_extreme(ranks[j])) ++j;
    double* slice = buffer.data() + offset[b];
    select_ranks(slice, slice + count[b], start[b], ranks.data() + i, ranks.data() + j);
    for (std::size_t k = i; k < j; ++k) out[k] = slice[ranks[k] - start[b]];
    i = j;
  }
}
}  // namespace

double mean_of(std::span<const double> values) {
  if (values.empty()) return 0.0;
  double total = 0.0;
  for (std::size_t start = 0; start < values.size(); start += kChunk) {
    const std::size_t end = std::min(values.size(), start + kChunk);
    double chunk = 0.0;
    for (std::size_t i = start; i < end; ++i) chunk += values[i];
    total += chunk;
  }
  return total / static_cast<double>(values.size());
}

double sd_of(std::span<const double> values, double mean) {
  if (values.size() < 2) return 0.0;
  double total = 0.0;
  for (std::size_t start = 0; start < values.size(); start += kChunk) {
    const std::size_t end = std::min(values.size(), start + kChunk);
    double chunk = 0.0;
    for (std::size_t i = start; i < end; ++i) chunk += (values[i] - mean) * (values[i] - mean);
    total += chunk;
  }
  return std::sqrt(total / static_cast<double>(values.size() - 1));
}

std::pair<std::uint64_t, std::uint64_t> quantile_interval_ranks(std::uint64_t n, double p, double confidence) {
  if (n == 0) return {0, 0};
  const double tail = (1.0 - confidence) / 2.0;
  const boost::math::binomial_distribution<double> b(static_cast<double>(n), p);
  auto cdf = [&](std::int64_t k) -> double {  // P(B ≤ k)
    if (k < 0) return 0.0;
    if (static_cast<std::uint64_t>(k) >= n) return 1.0;
    return boost::math::cdf(b, static_cast<double>(k));
  };
  // l: largest rank with P(B ≤ l − 1) ≤ tail. cdf is increasing in k.
  std::int64_t lo = 0, hi = static_cast<std::int64_t>(n);  // search l in [0, n]
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo + 1) / 2;
    if (cdf(mid - 1) <= tail)
      lo = mid;
    else
      hi = mid - 1;
  }
  std::uint64_t l = static_cast<std::uint64_t>(std::max<std::int64_t>(lo, 1));
  // u: smallest rank with P(B ≥ u) = 1 − P(B ≤ u − 1) ≤ tail.
  lo = 1;
  hi = static_cast<std::int64_t>(n) + 1;
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo) / 2;
    if (1.0 - cdf(mid - 1) <= tail)
      hi = mid;
    else
      lo = mid + 1;
  }
  std::uint64_t u = static_cast<std::uint64_t>(std::min<std::int64_t>(lo, static_cast<std::int64_t>(n)));
  return {l, u};
}

OutputSummary summarize(std::span<double> values, std::span<const double> probabilities) {
  OutputSummary s;
  s.n = values.size();
  if (values.empty()) return s;
  s.mean = mean_of(values);
  s.sd = sd_of(values, s.mean);
  s.mean_se = s.sd / std::sqrt(static_cast<double>(s.n));

  struct Needed {
    std::uint64_t below, above, ci_low, ci_high;
    double fraction;
  };
  std::vector<Needed> needed;
  std::vector<std::uint64_t> ranks = {0, s.n - 1};  // min and max
  for (double p : probabilities) {
    const double h = static_cast<double>(s.n - 1) * p;
    Needed q;
    q.below = static_cast<std::uint64_t>(std::floor(h));
    q.above = std::min(q.below + 1, s.n - 1);
    q.fraction = h - std::floor(h);
    auto [l, u] = quantile_interval_ranks(s.n, p);
    q.ci_low = l - 1;
    q.ci_high = u - 1;
    ranks.insert(ranks.end(), {q.below, q.above, q.ci_low, q.ci_high});
    needed.push_back(q);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  std::vector<double> at(ranks.size());
  values_at_ranks(values, ranks, at.data());
  // +0.0 turns −0.0 into 0.0: which of two equal zeros a selection meets
  // first must not show in the output.
  auto value_of = [&](std::uint64_t rank) {
    return at[static_cast<std::size_t>(std::lower_bound(ranks.begin(), ranks.end(), rank) - ranks.begin())] + 0.0;
  };
  s.min = value_of(0);
  s.max = value_of(s.n - 1);
  for (std::size_t i = 0; i < needed.size(); ++i) {
    const Needed& q = needed[i];
    const double lo = value_of(q.below), hi = value_of(q.above);
    // Equal neighbours (an atom) give that value exactly, not lo + 0·(hi − lo) rounding.
    const double value = lo == hi ? lo : lo + q.fraction * (hi - lo);
    s.percentiles.push_back({probabilities[i], value, value_of(q.ci_low), value_of(q.ci_high)});
  }
  return s;
}

double ks_statistic(std::span<double> values, const std::function<double(double)>& cdf) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  double d = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double f = cdf(values[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

double ks_critical_value(std::uint64_t n, double alpha) {
  return std::sqrt(-std::log(alpha / 2.0) / 2.0) / std::sqrt(static_cast<double>(n));
}

}  // namespace riskcast
