// The address of every random number: how (sample index, random slot,
// month, burst, draw) fill the 128-bit counter of Philox4x32-10, keyed by
// the 64-bit seed (docs/architecture.md, "Randomness"). The sampler's limits
// (kMaxSamples, kMaxBurstsPerMonth, the longest horizon) are what these
// fields can hold: beyond them two random numbers would share an address.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace riskcast {

// `width` bits of the counter's 32-bit word `word`, from bit `shift` up.
struct CounterField {
  unsigned word, shift, width;

  // How many values the field holds: 0 … count() − 1.
  constexpr std::uint64_t count() const { return std::uint64_t{1} << width; }
  constexpr std::uint32_t mask() const { return static_cast<std::uint32_t>(count() - 1) << shift; }
  // `value` (below count()) in its place of the word.
  constexpr std::uint32_t place(std::uint64_t value) const { return static_cast<std::uint32_t>(value) << shift; }
};

// Whether `fields` tile a 128-bit counter: each lies inside its 32-bit word,
// no two overlap, and together they cover every bit.
template <std::size_t N>
constexpr bool fields_tile_counter(const std::array<CounterField, N>& fields) {
  std::array<std::uint32_t, 4> used{};
  unsigned bits = 0;
  for (const CounterField& f : fields) {
    if (f.word >= 4 || f.width == 0 || f.shift + f.width > 32) return false;
    if (used[f.word] & f.mask()) return false;
    used[f.word] |= f.mask();
    bits += f.width;
  }
  return bits == 128;
}

// The counter's fields. A stream is one (sample, slot, substream); its words
// come from consecutive Philox blocks, each giving two 64-bit draws (or four
// 32-bit ones for events' monthly uniforms). A substream splits one slot's
// stream by month and by burst within the month.
struct RandomCounterLayout {
  static constexpr CounterField block{0, 0, 32};        // Philox block of the stream: draw / 2 (draw / 4)
  static constexpr CounterField sample_low{1, 0, 32};   // sample index, low bits
  static constexpr CounterField slot{2, 0, 32};         // random slot (FNV-1a of "role:name")
  static constexpr CounterField month{3, 0, 11};        // substream: month, 0 … 2047
  static constexpr CounterField burst{3, 11, 13};       // substream: burst within the month
  static constexpr CounterField sample_high{3, 24, 8};  // sample index, high bits
  static constexpr std::array<CounterField, 6> kFields = {block, sample_low, slot, month, burst, sample_high};

  // The sample index spans the low and high fields.
  static constexpr unsigned kSampleBits = sample_low.width + sample_high.width;

  static constexpr std::uint32_t substream(std::uint32_t month_index, std::uint32_t burst_index) {
    return month.place(month_index) | burst.place(burst_index);
  }
  // Counter word 1 and word 3 of a sample's stream: word 3 holds the substream too.
  static constexpr std::uint32_t sample_word(std::uint64_t sample) { return static_cast<std::uint32_t>(sample); }
  static constexpr std::uint32_t substream_word(std::uint64_t sample, std::uint32_t substream_bits) {
    return substream_bits | sample_high.place(sample >> sample_low.width);
  }
  // The whole counter of block `block_index` of stream (sample, slot, substream).
  static constexpr std::array<std::uint32_t, 4> counter(std::uint32_t block_index, std::uint64_t sample,
                                                        std::uint32_t slot_id, std::uint32_t substream_bits) {
    return {block_index, sample_word(sample), slot_id, substream_word(sample, substream_bits)};
  }
};

static_assert(fields_tile_counter(RandomCounterLayout::kFields), "the random counter's fields must tile its 128 bits");
// counter() writes the words in this order.
static_assert(RandomCounterLayout::block.word == 0 && RandomCounterLayout::sample_low.word == 1 &&
                  RandomCounterLayout::slot.word == 2 && RandomCounterLayout::month.word == 3 &&
                  RandomCounterLayout::burst.word == 3 && RandomCounterLayout::sample_high.word == 3,
              "counter() places each field in its word");
static_assert(RandomCounterLayout::sample_low.shift == 0 && RandomCounterLayout::sample_low.width == 32,
              "sample_word keeps the index's low 32 bits as they are");

// Most samples a run may take (first_sample + samples): indices below 2^40.
inline constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << RandomCounterLayout::kSampleBits;
// Burst numbers one month can address (0 … 8191); the runner stops a run
// whose arrivals draw kMaxBurstsPerMonth or more bursts in one month.
inline constexpr std::uint32_t kMaxBurstsPerMonth = static_cast<std::uint32_t>(RandomCounterLayout::burst.count());
// Months a substream can name (0 … 2047); a horizon is at most kMaxHorizon
// (riskcast.hpp), which must lie below it.
inline constexpr std::uint64_t kMonthsAddressable = RandomCounterLayout::month.count();

}  // namespace riskcast
