// Summaries computed in passes over a column's chunks, so that a column
// need not be kept: a run too large for memory samples its outputs twice
// (or more) instead (docs/scale.md). Every draw is a pure function of its
// sample's address, so each pass sees the same values, and what is summed
// or selected here equals summarize()'s result on the stored column bit for
// bit: summarize() computes its moments with these same chunk functions,
// and percentiles are exact order statistics either way.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "riskcast/ranks.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

// The moments' chunks: sums are taken over chunks of kMomentChunk
// consecutive samples (the first chunk starts at the column's first sample,
// the last may be shorter), then the chunk sums in chunk order. One order
// for any thread count, any number of passes and any split of the chunks
// between processes.
inline constexpr std::size_t kMomentChunk = 65536;

// The first pass over one chunk: its extent and two sums, each in sample
// order. `origin` is the column's first value: sums of x − origin keep
// their precision for data far from zero. A chunk may come in pieces, in
// order: each call continues the sums (the same additions in the same
// order as one call over the whole chunk).
struct MomentChunk {
  std::uint64_t count = 0;
  double lo = 0, hi = 0;
  bool finite = true;  // no ±∞ or NaN
  double shifted = 0;  // Σ (x − origin)
  double plain = 0;    // Σ x, for columns with ±∞ or NaN
};
void first_moment_pass(MomentChunk& chunk, std::span<const double> piece, double origin);

// What the first pass of all chunks gives, and what the second pass needs:
// the centre the squares are taken about, in units scaled by a power of two
// that brings the largest magnitude into [1, 2).
struct MomentTotals {
  std::uint64_t n = 0;
  double origin = 0;
  double lo = 0, hi = 0;
  bool finite = true;
  double shifted = 0, plain = 0;
};
// Adds chunk sums in chunk order (the caller's loop gives the order).
void add_chunk(MomentTotals& totals, const MomentChunk& chunk);

// Whether the moments need a second pass (not for an empty, constant or
// non-finite column), and its centre.
struct SecondMomentPass {
  bool needed = false;
  int k = 0;          // values are scaled by 2^k
  double centre = 0;  // scaled: the first pass's mean, or the mid-range when that sum overflowed
};
SecondMomentPass second_moment_pass_of(const MomentTotals& totals);

// The second pass over one chunk: Σ d and Σ d² for d = 2^k·x − centre,
// continued piece by piece as the first.
struct SquareChunk {
  double sum = 0, squares = 0;
};
void second_moment_pass(SquareChunk& chunk, std::span<const double> piece, const SecondMomentPass& pass);

// The moments from the totals and the second pass's chunk sums (added in
// chunk order by the caller; zero when no second pass was needed).
Moments moments_from(const MomentTotals& totals, const SecondMomentPass& pass, const SquareChunk& squares);

// What summarize() reports besides the moments, from counts and the values
// at given ranks, so that a streamed summary is assembled by the same code.
// The exceedance P(X > threshold) from the `above` of n values.
ExceedanceEstimate exceedance_of(double threshold, std::uint64_t above, std::uint64_t n);
// mean, sd, mean_se and the mean's interval (s.n set).
void fill_moments(OutputSummary& s, const Moments& m);
// The 0-based ranks whose values give each percentile and its interval
// (percentile_interval_ranks, the type-7 estimate), with 0 and n − 1 (the
// minimum and maximum): sorted, each once.
struct PercentilePlan {
  struct Needed {
    std::uint64_t below, above;  // the type-7 estimate lies between these ranks
    double fraction;
    std::uint64_t l, u;  // 1-based interval ranks, 0 and n + 1 open
  };
  std::vector<Needed> needed;  // per probability
  std::vector<std::uint64_t> ranks;
};
PercentilePlan plan_percentiles(std::uint64_t n, std::span<const double> probabilities);
// s.min, s.max and s.percentiles from at[i], the value of rank plan.ranks[i] (s.n set).
void fill_percentiles(OutputSummary& s, const PercentilePlan& plan, std::span<const double> probabilities,
                      std::span<const double> at);

// An order-preserving map of doubles to unsigned integers: a < b ⇒
// order_key(a) < order_key(b) for all non-NaN doubles (−0 just below +0).
inline std::uint64_t order_key(double x) {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}
inline double from_order_key(std::uint64_t key) {
  return std::bit_cast<double>((key >> 63) ? key & ~(std::uint64_t{1} << 63) : ~key);
}

// Puts the elements of 0-based sorted rank r − offset, for each r in
// [ranks_begin, ranks_end) (sorted), at position r − offset of [first,
// last): the multi-way selection summarize() and StreamedSelection share.
void select_ranks(double* first, double* last, std::uint64_t offset, const std::uint64_t* ranks_begin,
                  const std::uint64_t* ranks_end);

// Memory a streamed selection may use, and how finely it counts.
struct SelectionBudget {
  std::size_t coarse_buckets = 1u << 16;     // the first pass's buckets per column (≥ 4)
  std::size_t fine_buckets = 1u << 12;       // a refined bucket's sub-buckets (≥ 2)
  std::uint64_t gathered_values = 1u << 24;  // values kept at once over all columns
  // Chunks sampled between two foldings of their moment sums, in a run
  // that streams (ChunkWindow): the chunk sums held at once.
  std::uint64_t window_chunks = 1024;
};

// The exact order statistics of one column at given ranks, found in passes
// without keeping the column (docs/scale.md, "Exact percentiles in bounded
// memory"). Pass 1 counts the values into buckets of their order keys
// (order_key), spaced over the keys of a pilot (the column's first chunk)
// with one bucket below and one above; a later pass keeps the values of the
// buckets that hold a wanted rank, or, where those would not fit in the
// budget, counts the largest such bucket again in finer buckets. A bucket of
// one key needs no pass: its values are that key's. Exact for any column of
// non-NaN values whatever the budget; more passes only where the data are
// crowded into a few keys' neighbourhoods.
//
// Protocol: plan_first_pass(pilot); per pass: observe(values) on any number
// of threads, each with its own Tally (tally()), merge every Tally into the
// column (absorb), then finish_pass(); repeat while pending(). Then
// value_at(rank) for each wanted rank.
class StreamedSelection {
 public:
  // `ranks`: the 0-based ranks wanted (sorted, unique) among n values.
  StreamedSelection(std::uint64_t n, std::vector<std::uint64_t> ranks);

  // Chooses the first pass's buckets from a pilot of the column's values.
  void plan_first_pass(std::span<const double> pilot, const SelectionBudget& budget);

  // One thread's counts and kept values in one pass.
  struct Tally {
    std::vector<std::uint64_t> counts;
    std::vector<std::uint64_t> lo, hi;      // per bucket, the smallest and largest key seen
    std::vector<std::vector<double>> kept;  // per kept region, this thread's values
  };
  Tally tally() const;
  void observe(Tally& tally, std::span<const double> values) const;
  void absorb(Tally& tally);
  // After every rank has absorbed its own tallies of a pass (each its own
  // chunks, sample_chunks over ranks): the counts summed, the keys seen
  // merged and the kept values gathered over `group`, so that every rank
  // holds what one process would and finishes the pass alike. Kept values
  // come in another order, which no selection depends on. Collective.
  void merge_over(RankGroup& group);

  // After the pass's tallies are absorbed: resolves what it can and plans
  // the next pass within `gathered` values of the budget; returns the
  // values this column will keep in the next pass.
  std::uint64_t finish_pass(const SelectionBudget& budget, std::uint64_t gathered);
  // Whether another pass is needed (after plan_first_pass).
  bool pending() const { return first_pass_ ? !counts_.empty() : !spans_.empty(); }

  double value_at(std::uint64_t rank) const;
  std::uint64_t passes() const { return passes_; }

 private:
  struct Region {  // keys [lo, hi], holding ranks first … first + count − 1
    std::uint64_t lo = 0, hi = 0;
    std::uint64_t first = 0, count = 0;
  };
  struct Counting {  // a region counted in `buckets` buckets of 2^shift keys
    Region region;
    int shift = 0;
    std::size_t buckets = 0;
    std::size_t offset = 0;  // its counts in a Tally
  };
  std::size_t bucket_in(const Counting& c, std::uint64_t key) const;
  // Regions of this pass, sorted by key: a Counting or a kept region.
  void index_regions();
  void resolve(const Region& region, std::span<double> values);
  void plan_regions(std::vector<Region> wanted, const SelectionBudget& budget, std::uint64_t gathered);

  std::uint64_t n_;
  std::vector<std::uint64_t> ranks_;
  std::vector<double> values_;  // per rank, once resolved
  std::vector<bool> resolved_;
  // The first pass: keys below base_ in bucket 0, then buckets of 2^shift_ keys, the last holding the rest.
  std::uint64_t base_ = 0;
  int shift_ = 0;
  std::size_t coarse_ = 0;
  bool first_pass_ = true;
  std::vector<Counting> counting_;
  std::vector<Region> keeping_;
  std::vector<std::uint64_t> counts_, lo_, hi_;  // this pass's merged counts and keys seen, per bucket
  std::vector<std::vector<double>> kept_;        // this pass's merged kept values, per keeping_ region
  // Lookup: this pass's regions sorted by key; index < counting_.size()
  // counts, else keeps keeping_[index − counting_.size()]. A value is looked
  // up only when its first-pass bucket is touched by one of them.
  struct Span {
    std::uint64_t lo, hi;
    std::size_t index;
  };
  std::vector<Span> spans_;
  std::vector<std::uint8_t> touched_;  // per first-pass bucket
  std::uint64_t passes_ = 0;
};

}  // namespace riskcast
