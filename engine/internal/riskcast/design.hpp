// Sampling designs (Latin hypercube, randomized quasi-Monte Carlo): where the
// uniform of a design coordinate comes from. This is the hook that places
// structured points into the sampler; everything else stays Monte Carlo.
//
// A design coordinate is one random quantity whose first uniform the design
// supplies: a parameter (its value is its quantile at the uniform), a
// correlated parameter's copula normal (Φ⁻¹ of the uniform), or a regime's,
// switch's or arrivals process's month-1 uniform. Each coordinate has
//   * a dimension: its place in the design, given from the base model once
//     per run (design_dimensions): the parameters in model order (those
//     constant in the base model and in every scenario left out), then the
//     regimes, switches and arrivals in model order. Scenarios keep the
//     dimensions, so they share design points (common random numbers);
//   * a key slot: the random slot of its own stream, `parameter:NAME` for a
//     parameter whether or not it is correlated, `event:NAME` for an event.
//
// The uniform of coordinate c in global sample i: with m the points of one
// design (RunSettings::samples / replicates, design_points), replicate
// r = ⌊i / m⌋ and point k = i mod m, and v the 64-bit uniform draw 0 of the
// coordinate's own stream (seed, i, key slot, kDesignSubstream) (the jitter:
// fresh randomness below the design's resolution),
//   lhs: u = (π(k) + v) / m, π the keyed bijection of [0, m) of
//        (seed, key slot, r) (latin_permutation): each of the m strata
//        [j/m, (j+1)/m) holds exactly one point of each replicate;
//   qmc: u = (σ(x_d(k)) + v)·2⁻³², x_d(k) the 32-bit Sobol coordinate d of
//        point gray(k) = k ⊕ ⌊k/2⌋ (Joe–Kuo direction numbers from
//        Boost.Random; for k ≥ 1 Boost's sobol_engine yields it as its
//        (k − 1)-th point) and σ the nested uniform scramble keyed by
//        (seed, r, d) (owen_scramble). Dimensions from kSobolDimensions on
//        have no Sobol points: those coordinates are Monte Carlo draws.
// u is a pure function of (seed, i, m, coordinate): the same for any thread
// count, block size or order of evaluation, and a run of whole replicates
// [a·m, b·m) gives the bits of those samples of a longer run with the same m.
// u lies in (0, 1); a sum that rounds up to 1 is kept at 1 − 2⁻⁵³.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "riskcast/random.hpp"
#include "riskcast/sampling.hpp"

namespace riskcast {

struct Model;

// The month field of the substream that holds each coordinate's jitter:
// past every month a horizon can use (kMaxHorizon < 2047), so it is a
// stream no other draw reads.
inline constexpr std::uint32_t kDesignMonth = static_cast<std::uint32_t>(kMonthsAddressable - 1);
inline constexpr std::uint32_t kDesignSubstream = substream_of(kDesignMonth);

// Dimensions with Sobol points: Boost.Random's Joe–Kuo table.
extern const std::uint32_t kSobolDimensions;

struct DesignCoordinate {
  RandomSlot key_slot = 0;
  std::uint32_t dimension = 0;
};

// One named coordinate per dimension, in dimension order: parameters'
// `parameter:` slots, events' `event:` slots.
struct DesignDimensions {
  std::vector<RandomSlot> key_slots;
  std::vector<RandomSlot> copula_slots;  // per dimension: its `copula:` slot, or 0 for an event
};
DesignDimensions design_dimensions(const Model& model);

class SamplingDesign {
 public:
  // `points`: m, the points of one replicate design (≥ 1).
  SamplingDesign(const Model& model, SamplingMethod method, std::uint64_t seed, std::uint64_t points,
                 unsigned replicates);

  SamplingMethod method() const { return method_; }
  std::uint64_t points() const { return points_; }
  unsigned replicates() const { return replicates_; }

  // The coordinate whose stream is `slot` (a parameter's, a copula
  // normal's or an event's), if the design places it; nullopt: Monte Carlo.
  std::optional<DesignCoordinate> coordinate(RandomSlot slot) const;

  // out[j] = the uniform of coordinate c in sample first + j, for j < n.
  void fill(const DesignCoordinate& c, std::uint64_t first, std::size_t n, double* out) const;

 private:
  SamplingMethod method_;
  std::uint64_t seed_, points_;
  unsigned replicates_;
  DesignDimensions dimensions_;
  std::vector<std::uint32_t> directions_;  // Sobol: direction number j of dimension d at [32·d + j]
};

// The keyed bijection of [0, m) a Latin hypercube uses: a balanced Feistel
// network of 4 rounds over the smallest even number of bits b with 2^b ≥ m,
// round keys from Philox of (seed, slot, replicate), walked until the value
// falls below m (cycle walking, Black & Rogaway 2002): a permutation for
// any m, computed for one k in O(1) expected time.
std::uint64_t latin_permutation(std::uint64_t seed, RandomSlot slot, std::uint64_t replicate, std::uint64_t m,
                                std::uint64_t k);

// The 32-bit Sobol coordinate `dimension` (< kSobolDimensions) of the point
// of index `index` (not Gray-coded), unscrambled.
std::uint32_t sobol_coordinate(std::uint32_t dimension, std::uint32_t index);

// Nested uniform scrambling of a 32-bit fraction x, hash-based (Burley 2020,
// "Practical Hash-based Owen Scrambling", JCGT 9(4)): the bits reversed,
// Laine & Karras's permutation with Burley's constants (each output bit
// depends only on itself and less significant bits, so after the reversal a
// digit's flip depends only on the digits above it, as Owen's scrambling
// requires), reversed back. With a uniform `key` every scrambled point is
// uniform on the 2³² grid, so each replicate's estimate is unbiased.
std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t key);

// The key of dimension d's scrambling in replicate r: 32 bits of Philox of
// (seed, r, d).
std::uint32_t scramble_key(std::uint64_t seed, std::uint64_t replicate, std::uint32_t dimension);

}  // namespace riskcast
