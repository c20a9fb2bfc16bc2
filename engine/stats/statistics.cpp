#include "riskcast/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "riskcast/decimal.hpp"
#include "riskcast/streaming.hpp"

namespace riskcast {

void select_ranks(double* first, double* last, std::uint64_t offset, const std::uint64_t* ranks_begin,
                  const std::uint64_t* ranks_end) {
  if (ranks_begin == ranks_end || last - first <= 1) return;
  const std::uint64_t* mid = ranks_begin + (ranks_end - ranks_begin) / 2;
  double* nth = first + (*mid - offset);
  std::nth_element(first, nth, last);
  select_ranks(first, nth, offset, ranks_begin, mid);
  select_ranks(nth + 1, last, offset + static_cast<std::uint64_t>(nth + 1 - first), mid + 1, ranks_end);
}

namespace {

// The smallest and largest value of a column, and whether it holds NaN
// (then lo and hi are those of the other values) or ±∞; one pass.
struct Extent {
  double lo = 0, hi = 0;
  bool has_nan = false, finite = true;
};

Extent extent_of(std::span<const double> values) {
  Extent e;
  if (values.empty()) return e;
  double lo = values[0], hi = values[0];
  bool not_finite = false;
  for (double x : values) {
    lo = x < lo ? x : lo;
    hi = x > hi ? x : hi;
    not_finite |= !(x - x == 0.0);  // NaN for ±∞ and NaN
  }
  e.lo = lo;
  e.hi = hi;
  e.finite = !not_finite;
  e.has_nan = not_finite && std::any_of(values.begin(), values.end(), [](double x) { return std::isnan(x); });
  return e;
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
void values_at_ranks(std::span<double> values, const Extent& extent, std::span<const std::uint64_t> ranks,
                     double* out) {
  const std::size_t n = values.size();
  auto plain = [&] {
    select_ranks(values.data(), values.data() + n, 0, ranks.data(), ranks.data() + ranks.size());
    for (std::size_t i = 0; i < ranks.size(); ++i) out[i] = values[ranks[i]];
  };
  constexpr std::size_t kMinBucketed = 1u << 16;
  constexpr std::size_t kBuffer = 1u << 18;  // doubles gathered at most: 2 MB
  if (n < kMinBucketed || n >= (std::size_t{1} << 32)) return plain();

  const double lo = extent.lo, hi = extent.hi;
  const bool has_nan = extent.has_nan;
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

double confidence_z() {
  static const double z = boost::math::quantile(
      boost::math::complement(boost::math::normal_distribution<double>(), (1.0 - kConfidence) / 2.0));
  return z;
}

std::vector<double> with_standard_percentiles(std::span<const double> chosen) {
  std::vector<double> all(kStandardPercentiles.begin(), kStandardPercentiles.end());
  all.insert(all.end(), chosen.begin(), chosen.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

const PercentileEstimate* find_percentile(std::span<const PercentileEstimate> percentiles, double p) {
  const PercentileEstimate* nearest = nullptr;
  for (const PercentileEstimate& q : percentiles)
    if (same_probability(q.p, p) && (!nearest || std::fabs(q.p - p) < std::fabs(nearest->p - p))) nearest = &q;
  return nearest;
}

const PercentileEstimate& percentile_in(std::span<const PercentileEstimate> percentiles, double p) {
  if (const PercentileEstimate* q = find_percentile(percentiles, p)) return *q;
  throw std::out_of_range(fmt::format("no {} was computed", percentile_label(p)));
}

std::string percentile_label(double p) {
  // From p's own digits, not p · 100: 0.07 · 100 = 7.000000000000001.
  return fmt::format("P{}", shortest_decimal(p, 2));
}

std::pair<double, double> proportion_interval(std::uint64_t successes, std::uint64_t trials, double confidence) {
  if (trials == 0) return {0.0, 1.0};
  using binomial = boost::math::binomial_distribution<double>;
  const double tail = (1.0 - confidence) / 2.0, n = static_cast<double>(trials), k = static_cast<double>(successes);
  return {binomial::find_lower_bound_on_p(n, k, tail), binomial::find_upper_bound_on_p(n, k, tail)};
}

ProportionEstimate estimate_proportion(std::uint64_t successes, std::uint64_t trials, double confidence) {
  ProportionEstimate e;
  e.successes = successes;
  e.trials = trials;
  e.estimate = trials ? static_cast<double>(successes) / static_cast<double>(trials) : 0.0;
  std::tie(e.ci_low, e.ci_high) = proportion_interval(successes, trials, confidence);
  return e;
}

ProportionEstimate estimate_indicator_proportion(std::span<const double> indicator, double confidence) {
  return estimate_proportion(static_cast<std::uint64_t>(std::count(indicator.begin(), indicator.end(), 1.0)),
                             indicator.size(), confidence);
}

PairedProportionDifference paired_proportion_difference(std::uint64_t gained, std::uint64_t lost, std::uint64_t trials,
                                                        double confidence) {
  if (gained > trials || lost > trials - gained)
    throw std::invalid_argument(
        fmt::format("{} gained and {} lost pairs cannot be among {} pairs", gained, lost, trials));
  PairedProportionDifference d;
  d.trials = trials;
  d.gained = gained;
  d.lost = lost;
  if (trials == 0) return d;
  const double n = static_cast<double>(trials);
  d.estimate = (static_cast<double>(gained) - static_cast<double>(lost)) / n;
  // Each of the two intervals at 1 − α/2 (Bonferroni).
  const double each = 1.0 - (1.0 - confidence) / 2.0;
  const std::uint64_t discordant = gained + lost;
  const auto [d_low, d_high] = proportion_interval(discordant, trials, each);
  const auto [pi_low, pi_high] = proportion_interval(gained, discordant, each);
  // D·(2π − 1) is monotone in each factor: its range over the box is at its corners.
  const double lowest = 2.0 * pi_low - 1.0, highest = 2.0 * pi_high - 1.0;
  d.ci_low = std::min(d_low * lowest, d_high * lowest);
  d.ci_high = std::max(d_low * highest, d_high * highest);
  // The estimate lies inside by construction; rounding must not put it outside.
  d.ci_low = std::min(d.ci_low, d.estimate);
  d.ci_high = std::max(d.ci_high, d.estimate);
  return d;
}

Moments moments_of(std::span<const double> values) {
  // The passes a streamed run makes over its chunks (streaming.hpp), here
  // over the stored column: the same sums in the same order.
  MomentTotals totals;
  if (!values.empty()) totals.origin = values[0];
  auto chunk = [&](std::size_t start) { return values.subspan(start, std::min(kMomentChunk, values.size() - start)); };
  for (std::size_t start = 0; start < values.size(); start += kMomentChunk) {
    MomentChunk c;
    first_moment_pass(c, chunk(start), totals.origin);
    add_chunk(totals, c);
  }
  const SecondMomentPass pass = second_moment_pass_of(totals);
  SquareChunk squares;
  if (pass.needed)
    for (std::size_t start = 0; start < values.size(); start += kMomentChunk) {
      SquareChunk c;
      second_moment_pass(c, chunk(start), pass);
      squares.sum += c.sum;
      squares.squares += c.squares;
    }
  return moments_from(totals, pass, squares);
}

double mean_of(std::span<const double> values) {
  return moments_of(values).mean;
}

std::pair<double, double> mean_interval(double mean, double sd, std::uint64_t n, double confidence) {
  if (n < 2 || !std::isfinite(sd) || !std::isfinite(mean)) return {kOpenLow, kOpenHigh};
  // Student's t, not confidence_z(): exact for normal data at every n.
  const boost::math::students_t_distribution<double> t(static_cast<double>(n - 1));
  const double half = boost::math::quantile(boost::math::complement(t, (1.0 - confidence) / 2.0)) * sd /
                      std::sqrt(static_cast<double>(n));
  // An overflowing half-width bounds nothing: open.
  return {std::isfinite(mean - half) ? mean - half : kOpenLow, std::isfinite(mean + half) ? mean + half : kOpenHigh};
}

OutputSummary summarize_replicated(std::span<double> values, unsigned replicates, std::span<const double> probabilities,
                                   std::span<const double> thresholds) {
  if (replicates < 2 || values.size() % replicates != 0)
    throw std::invalid_argument(fmt::format("{} values are not {} equal replicates", values.size(), replicates));
  const std::size_t part = values.size() / replicates;
  // The parts' estimates, each from a copy (summarize reorders its column).
  std::vector<double> means, scratch(part);
  std::vector<std::vector<double>> quantiles(probabilities.size()), exceed(thresholds.size());
  for (unsigned r = 0; r < replicates; ++r) {
    std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(r * part), part, scratch.begin());
    const OutputSummary s = summarize(scratch, probabilities, thresholds);
    means.push_back(s.mean);
    for (std::size_t k = 0; k < probabilities.size(); ++k) quantiles[k].push_back(s.percentiles[k].value);
    for (std::size_t k = 0; k < thresholds.size(); ++k) exceed[k].push_back(s.exceedances[k].probability);
  }
  OutputSummary whole = summarize(values, probabilities, thresholds);
  const auto interval = [&](double centre, std::span<const double> estimates) {
    return mean_interval(centre, moments_of(estimates).sd, replicates);
  };
  whole.mean_se = moments_of(means).sd / std::sqrt(static_cast<double>(replicates));
  std::tie(whole.mean_ci_low, whole.mean_ci_high) = interval(whole.mean, means);
  // `whole` holds the Monte Carlo intervals of all n values (order
  // statistics, Clopper–Pearson); a percentile or proportion whose tail the
  // replicates hold too thinly takes the wider of those and the spread's
  // (replicated_tail_is_thin).
  for (std::size_t k = 0; k < probabilities.size(); ++k) {
    PercentileEstimate& q = whole.percentiles[k];
    auto [low, high] = interval(q.value, quantiles[k]);
    if (replicated_tail_is_thin(part, probabilities[k]))
      low = std::min(low, q.ci_low), high = std::max(high, q.ci_high);
    std::tie(q.ci_low, q.ci_high) = std::pair(low, high);
  }
  for (std::size_t k = 0; k < thresholds.size(); ++k) {
    ExceedanceEstimate& e = whole.exceedances[k];
    auto [low, high] = interval(e.probability, exceed[k]);
    if (replicated_tail_is_thin(part, e.probability)) low = std::min(low, e.ci_low), high = std::max(high, e.ci_high);
    e.ci_low = std::clamp(low, 0.0, 1.0);
    e.ci_high = std::clamp(high, 0.0, 1.0);
  }
  return whole;
}

bool replicated_tail_is_thin(std::uint64_t points, double p) {
  return static_cast<double>(points) * std::min(p, 1.0 - p) < kReplicatedTailPoints;
}

std::pair<std::uint64_t, std::uint64_t> quantile_interval_ranks(std::uint64_t n, double p, double confidence) {
  if (n == 0) return {0, 1};
  const double tail = (1.0 - confidence) / 2.0;
  const boost::math::binomial_distribution<double> b(static_cast<double>(n), p);
  auto cdf = [&](std::int64_t k) -> double {  // P(B ≤ k)
    if (k < 0) return 0.0;
    if (static_cast<std::uint64_t>(k) >= n) return 1.0;
    return boost::math::cdf(b, static_cast<double>(k));
  };
  // l: largest rank in [0, n] with P(B ≤ l − 1) ≤ tail (l = 0 always
  // qualifies: X_(0) = −∞). cdf is increasing in k.
  std::int64_t lo = 0, hi = static_cast<std::int64_t>(n);
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo + 1) / 2;
    if (cdf(mid - 1) <= tail)
      lo = mid;
    else
      hi = mid - 1;
  }
  const auto l = static_cast<std::uint64_t>(lo);
  // u: smallest rank in [1, n + 1] with P(B ≥ u) = 1 − P(B ≤ u − 1) ≤ tail
  // (u = n + 1 always qualifies: X_(n+1) = +∞).
  lo = 1;
  hi = static_cast<std::int64_t>(n) + 1;
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo) / 2;
    if (1.0 - cdf(mid - 1) <= tail)
      hi = mid;
    else
      lo = mid + 1;
  }
  return {l, static_cast<std::uint64_t>(lo)};
}

namespace {
// Where the type-7 estimate at p sits: between 0-based ranks `below` and
// `above`, `fraction` of the way.
struct Type7Position {
  std::uint64_t below, above;
  double fraction;
};
Type7Position type7_position(std::uint64_t n, double p) {
  const double h = static_cast<double>(n - 1) * p;
  Type7Position t;
  t.below = std::min(static_cast<std::uint64_t>(std::floor(h)), n - 1);
  t.above = std::min(t.below + 1, n - 1);
  t.fraction = h - std::floor(h);
  return t;
}

// The estimate between the order statistics at t.below (lo) and t.above (hi).
// Equal neighbours (an atom) give that value exactly, not lo + 0·(hi − lo) rounding.
double type7_value(const Type7Position& t, double lo, double hi) {
  return lo == hi ? lo : lo + t.fraction * (hi - lo);
}
}  // namespace

double type7_percentile(std::span<const double> sorted, double p) {
  if (sorted.empty()) return 0.0;
  const Type7Position t = type7_position(sorted.size(), p);
  return type7_value(t, sorted[t.below], sorted[t.above]);
}

std::pair<std::uint64_t, std::uint64_t> percentile_interval_ranks(std::uint64_t n, double p, double confidence) {
  auto [l, u] = quantile_interval_ranks(n, p, confidence);
  if (n == 0) return {l, u};
  const Type7Position t = type7_position(n, p);
  // 1-based: the estimate lies in [X_(below+1), X_(below+2)], or is X_(below+1).
  l = std::min(l, t.below + 1);
  u = std::max(u, t.fraction > 0.0 ? t.above + 1 : t.below + 1);
  return {l, u};
}

std::uint64_t count_above(std::span<const double> values, double threshold) {
  return static_cast<std::uint64_t>(
      std::count_if(values.begin(), values.end(), [threshold](double x) { return x > threshold; }));
}

ExceedanceEstimate exceedance_of(double threshold, std::uint64_t above, std::uint64_t n) {
  const auto [low, high] = proportion_interval(above, n);
  return {threshold, static_cast<double>(above) / static_cast<double>(n), low, high};
}

void fill_moments(OutputSummary& s, const Moments& m) {
  s.mean = m.mean;
  s.sd = m.sd;
  s.mean_se = s.sd / std::sqrt(static_cast<double>(s.n));
  std::tie(s.mean_ci_low, s.mean_ci_high) = mean_interval(s.mean, s.sd, s.n);
}

PercentilePlan plan_percentiles(std::uint64_t n, std::span<const double> probabilities) {
  PercentilePlan plan;
  if (n == 0) return plan;
  plan.ranks = {0, n - 1};  // min and max
  for (double p : probabilities) {
    const Type7Position at = type7_position(n, p);
    PercentilePlan::Needed q{at.below, at.above, at.fraction, 0, 0};
    std::tie(q.l, q.u) = percentile_interval_ranks(n, p);
    plan.ranks.insert(plan.ranks.end(), {q.below, q.above});
    if (q.l >= 1) plan.ranks.push_back(q.l - 1);
    if (q.u <= n) plan.ranks.push_back(q.u - 1);
    plan.needed.push_back(q);
  }
  std::sort(plan.ranks.begin(), plan.ranks.end());
  plan.ranks.erase(std::unique(plan.ranks.begin(), plan.ranks.end()), plan.ranks.end());
  return plan;
}

void fill_percentiles(OutputSummary& s, const PercentilePlan& plan, std::span<const double> probabilities,
                      std::span<const double> at) {
  // +0.0 turns −0.0 into 0.0: which of two equal zeros a selection meets
  // first must not show in the output.
  auto value_of = [&](std::uint64_t rank) {
    return at[static_cast<std::size_t>(std::lower_bound(plan.ranks.begin(), plan.ranks.end(), rank) -
                                       plan.ranks.begin())] +
           0.0;
  };
  s.min = value_of(0);
  s.max = value_of(s.n - 1);
  for (std::size_t i = 0; i < plan.needed.size(); ++i) {
    const PercentilePlan::Needed& q = plan.needed[i];
    const double value = type7_value({q.below, q.above, q.fraction}, value_of(q.below), value_of(q.above));
    s.percentiles.push_back(
        {probabilities[i], value, q.l == 0 ? kOpenLow : value_of(q.l - 1), q.u > s.n ? kOpenHigh : value_of(q.u - 1)});
  }
}

OutputSummary summarize(std::span<double> values, std::span<const double> probabilities,
                        std::span<const double> thresholds) {
  OutputSummary s;
  s.n = values.size();
  if (values.empty()) return s;
  for (double t : thresholds) s.exceedances.push_back(exceedance_of(t, count_above(values, t), s.n));
  fill_moments(s, moments_of(values));
  const PercentilePlan plan = plan_percentiles(s.n, probabilities);
  std::vector<double> at(plan.ranks.size());
  values_at_ranks(values, extent_of(values), plan.ranks, at.data());
  fill_percentiles(s, plan, probabilities, at);
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
