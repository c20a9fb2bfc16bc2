// Counter-based random numbers: every draw is a pure function of
// (seed, sample index, random slot, substream, draw number).
#pragma once

#include <Random123/philox.h>

#include <algorithm>

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "riskcast/random_layout.hpp"

namespace riskcast {

// A stable id of one random quantity in a model, derived from its name
// (see random_slot_for), so adding or reordering other entries never changes
// its draws.
using RandomSlot = std::uint32_t;
static_assert(RandomCounterLayout::slot.width == 32, "a slot fills its counter field");

// The id of the random quantity `role` of the model entry `name`:
// 32-bit FNV-1a of "role:name". Roles in use: "parameter", "event", "copula",
// "arrivals.size".
RandomSlot random_slot_for(std::string_view role, std::string_view name);

// Substreams split one slot's draws by time and burst: month m and burst k
// (RandomCounterLayout::month, ::burst).
constexpr std::uint32_t substream_of(std::uint32_t month, std::uint32_t burst = 0) {
  return RandomCounterLayout::substream(month, burst);
}
// The largest constant arrival rate a model may give (bursts a month): at
// 7500 a month draws kMaxBurstsPerMonth or more bursts with probability
// 1.8e-15 (Boost.Math's Poisson CDF), so no run stops on it in practice.
// Rates computed by formulas are checked as they are drawn.
inline constexpr double kMaxConstantArrivalRate = 7500;

// A per-slot remapping of the sample address, for the hybrid samples of
// Saltelli's scheme (docs/analysis.md, "Variance-based sensitivity"): the
// draws of sample s from a slot in `slots` are those of sample s + `by`, every
// other slot's those of s. Sample s of a run with a shift is then the
// model evaluated with some inputs' randomness from sample s and the rest
// from sample s + by. Slots are kept sorted.
struct AddressShift {
  std::vector<RandomSlot> slots;
  std::uint64_t by = 0;

  std::uint64_t of(RandomSlot slot) const { return std::binary_search(slots.begin(), slots.end(), slot) ? by : 0; }
};

// One stream of random 64-bit words, addressed by its coordinates: Philox
// block draw / 2 of counter RandomCounterLayout::counter(…), keyed by the
// 64-bit seed.
//
// Satisfies UniformRandomBitGenerator, so Boost.Random distributions can
// consume it as their engine.
class RandomStream {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  // `first_draw` (even) skips the stream's first draws: a stream that
  // starts at draw k yields exactly draws k, k + 1, … of the full stream.
  RandomStream(std::uint64_t seed, std::uint64_t sample, RandomSlot slot, std::uint32_t substream,
               std::uint32_t first_draw = 0) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    const auto counter = RandomCounterLayout::counter(first_draw / 2, sample, slot, substream);
    counter_ = {{counter[0], counter[1], counter[2], counter[3]}};
  }

  result_type operator()() {
    if (index_ == 2) {
      block_ = philox_(counter_, key_);
      ++counter_.v[0];
      index_ = 0;
    }
    const std::uint64_t word = (static_cast<std::uint64_t>(block_.v[2 * index_ + 1]) << 32) | block_.v[2 * index_];
    ++index_;
    return word;
  }

  // A uniform double strictly inside (0, 1): the top 52 bits of a word,
  // centred in their interval, so neither 0 nor 1 can occur.
  double uniform() { return to_open_unit(operator()()); }

  static double to_open_unit(std::uint64_t word) {
    // (word >> 12) as a double, exactly, without a 64-bit integer
    // conversion (which SSE2 lacks): place the 52 bits in the mantissa of
    // 2^52 and subtract 2^52. Vectorises; same value as static_cast.
    const std::uint64_t bits = (word >> 12) | 0x4330000000000000ull;
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return (d - 0x1.0p52) * 0x1.0p-52 + 0x1.0p-53;
  }

 private:
  using Philox = r123::Philox4x32;
  Philox philox_;
  Philox::ctr_type counter_;
  Philox::key_type key_;
  Philox::ctr_type block_{};
  unsigned index_ = 2;
};

// Bulk form of RandomStream::operator(): words number first_draw …
// first_draw + count − 1 of stream (seed, s, slot, substream) for each
// sample s in [first_sample, first_sample + lanes), written to
// out[(d − first_draw) · stride + (s − first_sample)]. `first_draw` must be
// even (words come in pairs from one Philox block).
void fill_words(std::uint64_t seed, RandomSlot slot, std::uint32_t substream, std::uint64_t first_sample,
                std::size_t lanes, std::uint32_t first_draw, std::uint32_t count, std::uint64_t* out,
                std::size_t stride);

// Bulk form for scattered addresses: the first two words (one Philox block)
// of stream (seed, samples[i], slot, substreams[i]) for each i < count,
// written to out[2i] and out[2i + 1]. Feeds BufferedStreams of arrival sizes,
// one per burst, whose sample and burst number vary together.
void fill_first_words(std::uint64_t seed, RandomSlot slot, const std::uint64_t* samples,
                      const std::uint32_t* substreams, std::size_t count, std::uint64_t* out);

// A stream that serves its first words from a bulk-filled buffer and
// continues with a RandomStream when they run out: the same words as a
// RandomStream of the same address, cheaper when most draws need few words.
class BufferedStream {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  // words[i · stride] is word i, for i < buffered (even).
  BufferedStream(const std::uint64_t* words, std::size_t stride, std::uint32_t buffered, std::uint64_t seed,
                 std::uint64_t sample, RandomSlot slot, std::uint32_t substream)
      : words_(words),
        stride_(stride),
        buffered_(buffered),
        seed_(seed),
        sample_(sample),
        slot_(slot),
        substream_(substream) {}

  result_type operator()() {
    if (next_ < buffered_) return words_[next_++ * stride_];
    if (next_ == buffered_) {
      rest_.emplace(seed_, sample_, slot_, substream_, buffered_);
      ++next_;
    }
    return (*rest_)();
  }
  double uniform() { return RandomStream::to_open_unit(operator()()); }

 private:
  const std::uint64_t* words_;
  std::size_t stride_;
  std::uint32_t buffered_, next_ = 0;
  std::uint64_t seed_, sample_;
  RandomSlot slot_;
  std::uint32_t substream_;
  std::optional<RandomStream> rest_;
};

// Bulk form of RandomStream::uniform(): for each sample s in
// [first_sample, first_sample + lanes) and each draw d in
// [first_draw, first_draw + count), writes the d-th uniform of stream
// (seed, s, slot, substream) to out[(d − first_draw) · stride + (s − first_sample)].
// Bit-identical to drawing one by one; `first_draw` must be even (draws
// come in pairs from one Philox block).
void fill_uniforms(std::uint64_t seed, RandomSlot slot, std::uint32_t substream, std::uint64_t first_sample,
                   std::size_t lanes, std::uint32_t first_draw, std::uint32_t count, double* out, std::size_t stride);

// Coarser, cheaper uniforms for events' monthly draws: the d-th uniform is
// (w + 1/2) · 2^−32 for the d-th 32-bit word w of the stream (four per
// Philox block, in the order v[0], v[1], v[2], v[3]), so it lies strictly
// inside (0, 1) on a grid of 2^−32 — ample for comparing with a monthly
// probability. Same addressing as fill_uniforms; `first_draw` must be a
// multiple of 4.
void fill_uniforms32(std::uint64_t seed, RandomSlot slot, std::uint32_t substream, std::uint64_t first_sample,
                     std::size_t lanes, std::uint32_t first_draw, std::uint32_t count, double* out, std::size_t stride);

}  // namespace riskcast
