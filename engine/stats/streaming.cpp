#include "riskcast/streaming.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace riskcast {

namespace {

constexpr std::uint64_t kLastKey = std::numeric_limits<std::uint64_t>::max();

// The smallest shift s with (span >> s) < buckets: buckets of 2^s keys
// starting at a region's first key cover `span` + 1 keys.
int shift_for(std::uint64_t span, std::size_t buckets) {
  int s = 0;
  while (s < 64 && (span >> s) >= buckets) ++s;
  return s;
}

// 2^k·x, exactly (a power of two), with ldexp where 2^k is not a double.
struct PowerOfTwo {
  int k = 0;
  double up = 1, down = 1;
  bool by_multiply = true;
  explicit PowerOfTwo(int k_) : k(k_), by_multiply(k_ >= -1022 && k_ <= 1023) {
    if (by_multiply) up = std::ldexp(1.0, k), down = std::ldexp(1.0, -k);
  }
  double scale(double x) const { return by_multiply ? x * up : std::ldexp(x, k); }
  double unscale(double x) const { return by_multiply ? x * down : std::ldexp(x, -k); }
};

}  // namespace

void first_moment_pass(MomentChunk& c, std::span<const double> piece, double origin) {
  if (piece.empty()) return;
  if (c.count == 0) c.lo = c.hi = piece[0];
  double lo = c.lo, hi = c.hi, shifted = c.shifted, plain = c.plain;
  bool not_finite = !c.finite;
  for (double x : piece) {
    lo = x < lo ? x : lo;
    hi = x > hi ? x : hi;
    not_finite |= !(x - x == 0.0);  // NaN for ±∞ and NaN
    shifted += x - origin;
    plain += x;
  }
  c.count += piece.size();
  c.lo = lo;
  c.hi = hi;
  c.finite = !not_finite;
  c.shifted = shifted;
  c.plain = plain;
}

void add_chunk(MomentTotals& totals, const MomentChunk& chunk) {
  if (chunk.count == 0) return;
  if (totals.n == 0) {
    totals.lo = chunk.lo;
    totals.hi = chunk.hi;
  } else {
    totals.lo = std::min(totals.lo, chunk.lo);
    totals.hi = std::max(totals.hi, chunk.hi);
  }
  totals.n += chunk.count;
  totals.finite = totals.finite && chunk.finite;
  totals.shifted += chunk.shifted;
  totals.plain += chunk.plain;
}

SecondMomentPass second_moment_pass_of(const MomentTotals& t) {
  SecondMomentPass pass;
  if (t.n == 0 || !t.finite || t.lo == t.hi) return pass;
  pass.needed = true;
  // 2^k brings the largest magnitude into [1, 2): nothing overflows or
  // underflows in the squares.
  pass.k = -std::ilogb(std::max(std::fabs(t.lo), std::fabs(t.hi)));
  const PowerOfTwo p(pass.k);
  const double mean = t.origin + t.shifted / static_cast<double>(t.n);
  // Where Σ (x − origin) overflowed (magnitudes near 1.8e308), the
  // mid-range: any centre within the data will do, since the second pass's
  // own sum corrects it.
  pass.centre = std::isfinite(mean) ? p.scale(std::clamp(mean, t.lo, t.hi)) : 0.5 * p.scale(t.lo) + 0.5 * p.scale(t.hi);
  return pass;
}

void second_moment_pass(SquareChunk& chunk, std::span<const double> piece, const SecondMomentPass& pass) {
  const PowerOfTwo p(pass.k);
  double sum = chunk.sum, squares = chunk.squares;
  if (p.by_multiply) {
    for (double x : piece) {
      const double d = x * p.up - pass.centre;
      sum += d;
      squares += d * d;
    }
  } else {
    for (double x : piece) {
      const double d = p.scale(x) - pass.centre;
      sum += d;
      squares += d * d;
    }
  }
  chunk.sum = sum;
  chunk.squares = squares;
}

Moments moments_from(const MomentTotals& t, const SecondMomentPass& pass, const SquareChunk& squares) {
  Moments m;
  if (t.n == 0) return m;
  const double n = static_cast<double>(t.n), nan = std::numeric_limits<double>::quiet_NaN();
  if (!t.finite) {  // ±∞ or NaN: the mean is whatever they make it, the sd undefined
    m.mean = t.plain / n;
    m.sd = nan;
    return m;
  }
  if (!pass.needed) {  // constant: exactly
    m.mean = t.lo + 0.0;
    m.sd = t.n < 2 ? nan : 0.0;
    return m;
  }
  const PowerOfTwo p(pass.k);
  // The first pass's mean is only as good as its partial sums, which grow
  // with |origin − mean|·n; the second pass's deviations d are small, so
  // centre + Σd/n is the mean to about the rounding of its last step (the
  // two-pass mean, whose correction term is the one the variance below
  // subtracts: Chan, Golub & LeVeque 1983). In scaled units,
  // so that a mean of subnormals rounds once.
  m.mean = std::clamp(p.unscale(pass.centre + squares.sum / n), t.lo, t.hi) + 0.0;  // + 0.0: −0 reads as 0
  // The corrected two-pass formula (Chan, Golub & LeVeque 1983): squares
  // about the first pass's mean, less the square of what that mean missed.
  const double centred = std::max(0.0, squares.squares - squares.sum * squares.sum / n);
  m.sd = t.n < 2 ? nan : p.unscale(std::sqrt(centred / (n - 1.0)));
  return m;
}

StreamedSelection::StreamedSelection(std::uint64_t n, std::vector<std::uint64_t> ranks)
    : n_(n), ranks_(std::move(ranks)), values_(ranks_.size(), 0.0), resolved_(ranks_.size(), false) {
  for (std::uint64_t r : ranks_)
    if (r >= n_) throw std::invalid_argument(fmt::format("rank {} among {} values", r, n_));
}

void StreamedSelection::plan_first_pass(std::span<const double> pilot, const SelectionBudget& budget) {
  coarse_ = std::max<std::size_t>(4, budget.coarse_buckets);
  std::uint64_t lo = kLastKey, hi = 0;
  for (double x : pilot) {
    const std::uint64_t k = order_key(x);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  if (pilot.empty()) lo = 0, hi = kLastKey;
  base_ = lo;
  shift_ = shift_for(hi - lo, coarse_ - 2);
  first_pass_ = true;
  counts_.assign(ranks_.empty() ? 0 : coarse_, 0);
  lo_.assign(counts_.size(), kLastKey);
  hi_.assign(counts_.size(), 0);
  touched_.assign(coarse_, 1);
}

namespace {
// The first pass's bucket of a key: 0 below base, then 2^shift keys each,
// the last holding everything above.
inline std::size_t coarse_bucket(std::uint64_t key, std::uint64_t base, int shift, std::size_t buckets) {
  if (key < base) return 0;
  const std::uint64_t b = (key - base) >> shift;
  return b >= buckets - 2 ? buckets - 1 : static_cast<std::size_t>(b) + 1;
}
}  // namespace

std::size_t StreamedSelection::bucket_in(const Counting& c, std::uint64_t key) const {
  return static_cast<std::size_t>((key - c.region.lo) >> c.shift);
}

StreamedSelection::Tally StreamedSelection::tally() const {
  Tally t;
  t.counts.assign(counts_.size(), 0);
  t.lo.assign(counts_.size(), kLastKey);
  t.hi.assign(counts_.size(), 0);
  t.kept.resize(keeping_.size());
  return t;
}

void StreamedSelection::observe(Tally& tally, std::span<const double> values) const {
  if (!pending()) return;
  if (first_pass_) {
    for (double x : values) {
      const std::uint64_t key = order_key(x);
      const std::size_t b = coarse_bucket(key, base_, shift_, coarse_);
      ++tally.counts[b];
      tally.lo[b] = std::min(tally.lo[b], key);
      tally.hi[b] = std::max(tally.hi[b], key);
    }
    return;
  }
  for (double x : values) {
    const std::uint64_t key = order_key(x);
    if (!touched_[coarse_bucket(key, base_, shift_, coarse_)]) [[likely]]
      continue;
    // The last region starting at or below the key.
    auto it =
        std::upper_bound(spans_.begin(), spans_.end(), key, [](std::uint64_t k, const Span& s) { return k < s.lo; });
    if (it == spans_.begin()) continue;
    const Span& s = *--it;
    if (key > s.hi) continue;
    if (s.index < counting_.size()) {
      const Counting& c = counting_[s.index];
      const std::size_t b = c.offset + bucket_in(c, key);
      ++tally.counts[b];
      tally.lo[b] = std::min(tally.lo[b], key);
      tally.hi[b] = std::max(tally.hi[b], key);
    } else {
      tally.kept[s.index - counting_.size()].push_back(x);
    }
  }
}

void StreamedSelection::absorb(Tally& tally) {
  for (std::size_t b = 0; b < tally.counts.size(); ++b) {
    counts_[b] += tally.counts[b];
    lo_[b] = std::min(lo_[b], tally.lo[b]);
    hi_[b] = std::max(hi_[b], tally.hi[b]);
  }
  for (std::size_t r = 0; r < tally.kept.size(); ++r) {
    std::vector<double>& into = kept_[r];
    if (into.empty())
      into = std::move(tally.kept[r]);
    else
      into.insert(into.end(), tally.kept[r].begin(), tally.kept[r].end());
    tally.kept[r] = {};
  }
  tally.counts.clear();
  tally.lo.clear();
  tally.hi.clear();
}

std::uint64_t StreamedSelection::finish_pass(const SelectionBudget& budget, std::uint64_t gathered) {
  ++passes_;
  // Kept regions: their wanted ranks by selection among their values.
  for (std::size_t r = 0; r < keeping_.size(); ++r) {
    const Region& region = keeping_[r];
    std::vector<double>& values = kept_[r];
    if (values.size() != region.count)
      throw std::logic_error(
          fmt::format("a streamed pass kept {} values of a region that holds {}", values.size(), region.count));
    const auto begin = std::lower_bound(ranks_.begin(), ranks_.end(), region.first);
    const auto end = std::lower_bound(begin, ranks_.end(), region.first + region.count);
    select_ranks(values.data(), values.data() + values.size(), region.first, ranks_.data() + (begin - ranks_.begin()),
                 ranks_.data() + (end - ranks_.begin()));
    for (auto it = begin; it != end; ++it) {
      const auto i = static_cast<std::size_t>(it - ranks_.begin());
      values_[i] = values[*it - region.first];
      resolved_[i] = true;
    }
    values = {};
  }
  // Counted regions: each bucket that holds an unresolved wanted rank.
  std::vector<Region> wanted;
  // A bucket's region is narrowed to the keys seen in it: a bucket of one
  // key (an atom: a share that is often exactly 0, a probability output's
  // 0s and 1s) is resolved without another pass.
  auto consider = [&](std::size_t b, std::uint64_t first, std::uint64_t count) {
    if (count == 0) return;
    const std::uint64_t lo = lo_[b], hi = hi_[b];
    auto it = std::lower_bound(ranks_.begin(), ranks_.end(), first);
    bool any = false;
    for (; it != ranks_.end() && *it < first + count; ++it) {
      const auto i = static_cast<std::size_t>(it - ranks_.begin());
      if (resolved_[i]) continue;
      if (lo == hi) {  // one key: its values are all that number
        values_[i] = from_order_key(lo);
        resolved_[i] = true;
      } else {
        any = true;
      }
    }
    if (any) wanted.push_back({lo, hi, first, count});
  };
  if (first_pass_) {
    std::uint64_t first = 0;
    for (std::size_t b = 0; b < counts_.size(); ++b) {
      consider(b, first, counts_[b]);
      first += counts_[b];
    }
  } else {
    for (const Counting& c : counting_) {
      std::uint64_t first = c.region.first;
      for (std::size_t b = 0; b < c.buckets; ++b) {
        consider(c.offset + b, first, counts_[c.offset + b]);
        first += counts_[c.offset + b];
      }
    }
  }
  first_pass_ = false;
  plan_regions(std::move(wanted), budget, gathered);
  std::uint64_t keeps = 0;
  for (const Region& r : keeping_) keeps += r.count;
  return keeps;
}

void StreamedSelection::plan_regions(std::vector<Region> wanted, const SelectionBudget& budget,
                                     std::uint64_t gathered) {
  counting_.clear();
  keeping_.clear();
  std::uint64_t total = 0;
  for (const Region& r : wanted) total += r.count;
  // The most crowded regions are counted again, finer, until the others fit.
  std::vector<std::size_t> order(wanted.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return wanted[a].count > wanted[b].count; });
  std::vector<bool> refine(wanted.size(), false);
  for (std::size_t i : order) {
    if (total <= gathered) break;
    refine[i] = true;
    total -= wanted[i].count;
  }
  const std::size_t fine = std::max<std::size_t>(2, budget.fine_buckets);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (!refine[i]) {
      keeping_.push_back(wanted[i]);
      continue;
    }
    Counting c;
    c.region = wanted[i];
    c.shift = shift_for(c.region.hi - c.region.lo, fine);
    c.buckets = static_cast<std::size_t>((c.region.hi - c.region.lo) >> c.shift) + 1;
    c.offset = offset;
    offset += c.buckets;
    counting_.push_back(c);
  }
  counts_.assign(offset, 0);
  lo_.assign(offset, kLastKey);
  hi_.assign(offset, 0);
  kept_.assign(keeping_.size(), {});
  index_regions();
}

void StreamedSelection::index_regions() {
  spans_.clear();
  for (std::size_t i = 0; i < counting_.size(); ++i)
    spans_.push_back({counting_[i].region.lo, counting_[i].region.hi, i});
  for (std::size_t i = 0; i < keeping_.size(); ++i)
    spans_.push_back({keeping_[i].lo, keeping_[i].hi, counting_.size() + i});
  std::sort(spans_.begin(), spans_.end(), [](const Span& a, const Span& b) { return a.lo < b.lo; });
  touched_.assign(coarse_, 0);
  for (const Span& s : spans_) {
    const std::size_t from = coarse_bucket(s.lo, base_, shift_, coarse_),
                      to = coarse_bucket(s.hi, base_, shift_, coarse_);
    std::fill(touched_.begin() + static_cast<std::ptrdiff_t>(from),
              touched_.begin() + static_cast<std::ptrdiff_t>(to) + 1, std::uint8_t{1});
  }
}

void StreamedSelection::merge_over(RankGroup& group) {
  if (!pending()) return;
  group.sum(counts_);
  group.min(lo_);
  // The largest key as the least complement.
  for (std::uint64_t& h : hi_) h = ~h;
  group.min(hi_);
  for (std::uint64_t& h : hi_) h = ~h;
  const auto ranks = static_cast<std::size_t>(group.size());
  for (std::vector<double>& kept : kept_) {
    std::vector<std::uint64_t> sizes(ranks, 0);
    sizes[static_cast<std::size_t>(group.rank())] = kept.size();
    group.sum(sizes);
    std::vector<std::size_t> bounds{0};
    for (std::uint64_t size : sizes) bounds.push_back(bounds.back() + static_cast<std::size_t>(size));
    std::vector<double> all(bounds.back());
    std::copy(kept.begin(), kept.end(), all.begin() + static_cast<std::ptrdiff_t>(bounds[group.rank()]));
    group.all_gather(all, bounds);
    kept = std::move(all);
  }
}

double StreamedSelection::value_at(std::uint64_t rank) const {
  const auto it = std::lower_bound(ranks_.begin(), ranks_.end(), rank);
  const auto i = static_cast<std::size_t>(it - ranks_.begin());
  if (it == ranks_.end() || *it != rank || !resolved_[i])
    throw std::logic_error(fmt::format("rank {} was not selected", rank));
  return values_[i];
}

}  // namespace riskcast
