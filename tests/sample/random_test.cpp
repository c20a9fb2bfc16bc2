// Counter-based random numbers: Philox known answers, the stream layout of
// RandomStream, and the pure-function property (a draw depends only on its
// address, never on what was drawn before).
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "riskcast/random.hpp"
#include "riskcast/riskcast.hpp"
#include "sample/philox_lanes.hpp"

namespace riskcast {
namespace {

static_assert(std::uniform_random_bit_generator<RandomStream>);

// Random123's published known-answer vectors (kat_vectors, philox4x32 10):
// counter[4] key[2] -> output[4].
TEST(Philox, Random123KnownAnswers) {
  struct Kat {
    r123::Philox4x32::ctr_type ctr;
    r123::Philox4x32::key_type key;
    std::array<std::uint32_t, 4> expected;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, {{0, 0}}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}},
       {{0xffffffff, 0xffffffff}},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}},
       {{0xa4093822, 0x299f31d0}},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  r123::Philox4x32 philox;
  for (const Kat& k : kats) {
    const auto out = philox(k.ctr, k.key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out.v[i], k.expected[i]) << "word " << i;
  }
}

// The stream's words are Philox blocks read as (v[1] << 32 | v[0]),
// (v[3] << 32 | v[2]): with seed, sample, slot and substream all 0 the
// counter is {0, 0, 0, 0} and the key {0, 0}, so the first block is the KAT.
TEST(RandomStream, FirstBlockOfZeroAddressIsTheKnownAnswer) {
  RandomStream s(0, 0, 0, 0);
  EXPECT_EQ(s(), 0xe169c58d6627e8d5ull);
  EXPECT_EQ(s(), 0x9b00dbd8bc57ac4cull);
  // Next block: counter {1, 0, 0, 0}.
  EXPECT_EQ(s(), 0x5cb200dbf8e4cca4ull);
  EXPECT_EQ(s(), 0x097eff67b1a574ebull);
}

// Values pinned from an independent Python implementation of
// Philox4x32-10 (checked against the KATs above) and the documented layout:
// counter (draw/2, sample low 32 bits, slot, substream | sample high bits
// << 24), key (seed low, seed high). Any change here changes every result.
TEST(RandomStream, PinnedWordsAndUniformsForFixedAddresses) {
  const RandomSlot slot = random_slot_for("parameter", "demand_total");
  {
    RandomStream s(1, 12345, slot, substream_of(3, 2));
    EXPECT_EQ(s(), 0x524bd145239b2bffull);
    EXPECT_EQ(s(), 0xfe3ff384fef87291ull);
    EXPECT_EQ(s(), 0xbf3288c0feae0814ull);
  }
  {
    RandomStream s(1, 12345, slot, substream_of(3, 2));
    EXPECT_EQ(s.uniform(), 0.3214693826481435);
    EXPECT_EQ(s.uniform(), 0.9931633186051573);
    EXPECT_EQ(s.uniform(), 0.746864840619928);
  }
  {
    // A 64-bit seed and a sample index above 2^32.
    RandomStream s(0x0123456789abcdefull, (std::uint64_t{1} << 32) + 7, slot, 5);
    EXPECT_EQ(s(), 0x362716f1372afba0ull);
    EXPECT_EQ(s.uniform(), 0.3027439371346735);
    EXPECT_EQ(s.uniform(), 0.673924908839897);
  }
}

TEST(RandomSlot, PinnedFnv1aValues) {
  // 32-bit FNV-1a of "role:name", computed independently.
  EXPECT_EQ(random_slot_for("parameter", "demand_total"), 0xe1731690u);
  EXPECT_EQ(random_slot_for("event", "us_export"), 0x002ea1feu);
  EXPECT_EQ(random_slot_for("arrivals.size", "gray_nvidia"), 0x9c19920fu);
  // Role and name both matter.
  EXPECT_NE(random_slot_for("event", "x"), random_slot_for("parameter", "x"));
  EXPECT_NE(random_slot_for("event", "x"), random_slot_for("event", "y"));
}

TEST(RandomStream, SubstreamLayout) {
  EXPECT_EQ(substream_of(0), 0u);
  EXPECT_EQ(substream_of(12), 12u);
  EXPECT_EQ(substream_of(5, 3), 5u | (3u << 11));
  // The largest month and burst still fit below the sample's high bits (bit 24).
  EXPECT_LT(substream_of((1u << 11) - 1, kMaxBurstsPerMonth - 1), 1u << 24);
}

// The layout, checked against the bits written out by hand (docs/architecture.md,
// "Randomness"): a change of any field moves every result.
TEST(RandomCounterLayout, PlacesEachFieldWhereTheDocumentedLayoutHasIt) {
  const std::uint64_t sample = (std::uint64_t{0xab} << 32) | 0x12345678u;
  const auto counter = RandomCounterLayout::counter(7, sample, 0xdeadbeefu, substream_of(1200, 8191));
  EXPECT_EQ(counter[0], 7u);
  EXPECT_EQ(counter[1], 0x12345678u);
  EXPECT_EQ(counter[2], 0xdeadbeefu);
  EXPECT_EQ(counter[3], 0xabu << 24 | 8191u << 11 | 1200u);
  EXPECT_EQ(kMaxSamples, std::uint64_t{1} << 40);
  EXPECT_EQ(kMaxBurstsPerMonth, 8192u);
  EXPECT_EQ(kMonthsAddressable, 2048u);
  EXPECT_LT(kMaxHorizon, kMonthsAddressable);
}

TEST(RandomCounterLayout, TilingCheckRefusesOverlapsGapsAndFieldsOutsideTheirWord) {
  EXPECT_TRUE(fields_tile_counter(RandomCounterLayout::kFields));
  using F = CounterField;
  const std::array<F, 4> whole_words = {F{0, 0, 32}, F{1, 0, 32}, F{2, 0, 32}, F{3, 0, 32}};
  EXPECT_TRUE(fields_tile_counter(whole_words));
  // The burst field one bit wider overlaps the sample's high bits.
  std::array<F, 6> overlap = RandomCounterLayout::kFields;
  overlap[4].width = 14;
  overlap[5].width = 7;  // keeps the total at 128 bits
  EXPECT_FALSE(fields_tile_counter(overlap));
  // A field one bit narrower leaves a gap.
  std::array<F, 6> gap = RandomCounterLayout::kFields;
  gap[3].width = 10;
  EXPECT_FALSE(fields_tile_counter(gap));
  // A field running past bit 31 of its word, or in a fifth word.
  EXPECT_FALSE(fields_tile_counter(std::array<F, 4>{F{0, 1, 32}, F{1, 0, 32}, F{2, 0, 32}, F{3, 0, 31}}));
  EXPECT_FALSE(fields_tile_counter(std::array<F, 4>{F{0, 0, 32}, F{1, 0, 32}, F{2, 0, 32}, F{4, 0, 32}}));
}

TEST(RandomStream, UniformStaysStrictlyInsideTheUnitInterval) {
  // Extreme words map to the centres of the first and last cells.
  EXPECT_EQ(RandomStream::to_open_unit(0), 0x1.0p-53);
  EXPECT_EQ(RandomStream::to_open_unit(~std::uint64_t{0}), 1.0 - 0x1.0p-53);
  EXPECT_GT(RandomStream::to_open_unit(0), 0.0);
  EXPECT_LT(RandomStream::to_open_unit(~std::uint64_t{0}), 1.0);
  double lo = 1.0, hi = 0.0;
  for (std::uint64_t sample = 0; sample < 2000; ++sample) {
    RandomStream s(7, sample, 42, 1);
    for (int i = 0; i < 16; ++i) {
      const double u = s.uniform();
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      lo = std::min(lo, u);
      hi = std::max(hi, u);
    }
  }
  // 32,000 uniforms: the extremes are within 1e-3 of the ends with
  // probability 1 − 2·(1 − 1e-3)^32000 ≈ 1 − 2.5e-14.
  EXPECT_LT(lo, 1e-3);
  EXPECT_GT(hi, 1.0 - 1e-3);
}

// pbrt's ConsistentValues: draw every address in order, then again in a
// shuffled order with fresh streams and with interleaved streams; the bits
// must be the same.
TEST(RandomStream, DrawsArePureFunctionsOfTheirAddress) {
  constexpr std::uint64_t kSamples = 64;
  constexpr int kWords = 7;  // odd: the last Philox block is half used
  const RandomSlot slots[] = {random_slot_for("parameter", "a"), random_slot_for("event", "b")};
  auto index = [&](std::uint64_t sample, int slot, std::uint32_t month) {
    return ((sample * 2 + static_cast<std::uint64_t>(slot)) * 13 + month) * kWords;
  };
  std::vector<std::uint64_t> in_order(kSamples * 2 * 13 * kWords);
  for (std::uint64_t sample = 0; sample < kSamples; ++sample)
    for (int slot = 0; slot < 2; ++slot)
      for (std::uint32_t month = 0; month < 13; ++month) {
        RandomStream s(99, sample, slots[slot], substream_of(month));
        for (int w = 0; w < kWords; ++w) in_order[index(sample, slot, month) + w] = s();
      }

  // Revisit in a shuffled order, fresh streams each time.
  std::vector<std::uint64_t> order(kSamples * 2 * 13);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 shuffle_rng(2024);
  std::shuffle(order.begin(), order.end(), shuffle_rng);
  for (std::uint64_t o : order) {
    const std::uint32_t month = static_cast<std::uint32_t>(o % 13);
    const int slot = static_cast<int>((o / 13) % 2);
    const std::uint64_t sample = o / 26;
    RandomStream s(99, sample, slots[slot], substream_of(month));
    for (int w = 0; w < kWords; ++w)
      ASSERT_EQ(s(), in_order[index(sample, slot, month) + w])
          << "sample " << sample << " slot " << slot << " month " << month << " word " << w;
  }

  // Interleave two live streams, drawing one word at a time from each.
  RandomStream a(99, 5, slots[0], substream_of(3)), b(99, 60, slots[1], substream_of(12));
  for (int w = 0; w < kWords; ++w) {
    EXPECT_EQ(b(), in_order[index(60, 1, 12) + w]);
    EXPECT_EQ(a(), in_order[index(5, 0, 3) + w]);
  }
}

// The bulk forms (fill_words, fill_uniforms, BufferedStream) are documented
// as bit-identical to one RandomStream per sample; check odd lane counts
// (a partial SIMD group), odd draw counts (half a Philox block), an even
// first_draw offset and sample indices crossing 2^32.
TEST(RandomStream, BulkFormsMatchOneStreamPerSample) {
  const std::uint64_t seed = 0xfeedfacecafebeefull;
  const RandomSlot slot = random_slot_for("event", "bulk");
  const std::uint64_t first_sample = (std::uint64_t{1} << 32) - 6;
  for (std::size_t lanes : {std::size_t{1}, std::size_t{13}}) {
    for (std::uint32_t first_draw : {0u, 6u}) {
      for (std::uint32_t count : {1u, 5u, 20u}) {
        SCOPED_TRACE(::testing::Message() << "lanes " << lanes << " first_draw " << first_draw << " count " << count);
        const std::size_t stride = lanes + 3;  // rows wider than the lanes
        std::vector<std::uint64_t> words(count * stride, 0);
        std::vector<double> uniforms(count * stride, -1.0);
        fill_words(seed, slot, substream_of(2), first_sample, lanes, first_draw, count, words.data(), stride);
        fill_uniforms(seed, slot, substream_of(2), first_sample, lanes, first_draw, count, uniforms.data(), stride);
        for (std::size_t lane = 0; lane < lanes; ++lane) {
          RandomStream full(seed, first_sample + lane, slot, substream_of(2));
          for (std::uint32_t d = 0; d < first_draw; ++d) full();
          RandomStream skipped(seed, first_sample + lane, slot, substream_of(2), first_draw);
          for (std::uint32_t d = 0; d < count; ++d) {
            const std::uint64_t w = full();
            ASSERT_EQ(skipped(), w) << "lane " << lane << " draw " << d;
            ASSERT_EQ(words[d * stride + lane], w) << "lane " << lane << " draw " << d;
            ASSERT_EQ(uniforms[d * stride + lane], RandomStream::to_open_unit(w)) << "lane " << lane << " draw " << d;
          }
        }
        // Nothing is written outside the lanes.
        for (std::uint32_t d = 0; d < count; ++d)
          for (std::size_t lane = lanes; lane < stride; ++lane) {
            ASSERT_EQ(words[d * stride + lane], 0u);
            ASSERT_EQ(uniforms[d * stride + lane], -1.0);
          }
      }
    }
  }
  // A BufferedStream serves its buffered words, then continues the stream.
  std::vector<std::uint64_t> buffer(4 * 3);
  fill_words(seed, slot, 0, 10, 3, 0, 4, buffer.data(), 3);
  BufferedStream buffered(buffer.data() + 1, 3, 4, seed, 11, slot, 0);
  RandomStream plain(seed, 11, slot, 0);
  for (int d = 0; d < 9; ++d) EXPECT_EQ(buffered(), plain()) << "draw " << d;
}

// Every Philox form this CPU can run (portable loops, AVX2, AVX-512; the
// dispatcher picks one) against Random123 on arbitrary counters and keys.
TEST(RandomStream, EveryPhiloxFormMatchesRandom123) {
  std::mt19937_64 rng(77);
  r123::Philox4x32 philox;
  const std::vector<PhiloxForm> forms = philox_forms_available();
  ASSERT_FALSE(forms.empty());
  for (int trial = 0; trial < 50; ++trial) {
    const std::uint32_t key0 = static_cast<std::uint32_t>(rng()), key1 = static_cast<std::uint32_t>(rng());
    PhiloxLanes input;
    for (std::size_t i = 0; i < kPhiloxLanes; ++i) {
      input.c0[i] = static_cast<std::uint32_t>(rng());
      input.c1[i] = static_cast<std::uint32_t>(rng());
      input.c2[i] = static_cast<std::uint32_t>(rng());
      input.c3[i] = static_cast<std::uint32_t>(rng());
    }
    for (const PhiloxForm& form : forms) {
      PhiloxLanes x = input;
      form.rounds(x, key0, key1);
      for (std::size_t i = 0; i < kPhiloxLanes; ++i) {
        const auto expected = philox(r123::Philox4x32::ctr_type{{input.c0[i], input.c1[i], input.c2[i], input.c3[i]}},
                                     r123::Philox4x32::key_type{{key0, key1}});
        ASSERT_EQ(x.c0[i], expected.v[0]) << form.name << " lane " << i;
        ASSERT_EQ(x.c1[i], expected.v[1]) << form.name << " lane " << i;
        ASSERT_EQ(x.c2[i], expected.v[2]) << form.name << " lane " << i;
        ASSERT_EQ(x.c3[i], expected.v[3]) << form.name << " lane " << i;
      }
    }
  }
}

// fill_first_words (arrival sizes: one stream per burst, addresses scattered
// over samples and substreams): the first two words of each address's
// RandomStream, for counts that leave a partial SIMD group and samples past 2^32.
TEST(RandomStream, FirstWordsOfScatteredStreamsMatchTheirStreams) {
  const std::uint64_t seed = 0x5eed5eed12345678ull;
  const RandomSlot slot = random_slot_for("arrivals.size", "bursts");
  for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{16}, std::size_t{37}}) {
    std::vector<std::uint64_t> samples(count);
    std::vector<std::uint32_t> substreams(count);
    for (std::size_t i = 0; i < count; ++i) {
      samples[i] = (std::uint64_t{1} << 32) - 20 + 3 * (i / 4);  // several bursts per sample
      substreams[i] = substream_of(static_cast<std::uint32_t>(1 + i % 12), static_cast<std::uint32_t>(i % 4));
    }
    std::vector<std::uint64_t> out(2 * count + 1, 0);
    fill_first_words(seed, slot, samples.data(), substreams.data(), count, out.data());
    for (std::size_t i = 0; i < count; ++i) {
      RandomStream stream(seed, samples[i], slot, substreams[i]);
      ASSERT_EQ(out[2 * i], stream()) << "count " << count << " burst " << i;
      ASSERT_EQ(out[2 * i + 1], stream()) << "count " << count << " burst " << i;
    }
    EXPECT_EQ(out[2 * count], 0u) << "nothing written past the end";
  }
}

// fill_uniforms32: the d-th uniform is (w + 1/2)·2^−32 for the d-th 32-bit
// word w of the stream, four per Philox block in the order v[0] … v[3];
// checked against r123::Philox4x32 on the documented counter layout.
TEST(RandomStream, Bulk32BitUniformsFollowTheirDocumentedLayout) {
  const std::uint64_t seed = 0x0123456789abcdefull;
  const RandomSlot slot = random_slot_for("event", "bulk32");
  const std::uint64_t first_sample = (std::uint64_t{1} << 32) - 6;
  r123::Philox4x32 philox;
  const r123::Philox4x32::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  for (std::size_t lanes : {std::size_t{1}, std::size_t{13}}) {
    for (std::uint32_t first_draw : {0u, 8u}) {
      for (std::uint32_t count : {1u, 6u, 20u}) {
        SCOPED_TRACE(::testing::Message() << "lanes " << lanes << " first_draw " << first_draw << " count " << count);
        const std::size_t stride = lanes + 2;
        std::vector<double> out(count * stride, -1.0);
        fill_uniforms32(seed, slot, 0, first_sample, lanes, first_draw, count, out.data(), stride);
        for (std::size_t lane = 0; lane < lanes; ++lane) {
          const std::uint64_t sample = first_sample + lane;
          for (std::uint32_t d = 0; d < count; ++d) {
            const std::uint32_t draw = first_draw + d;
            const r123::Philox4x32::ctr_type ctr = {
                {draw / 4, static_cast<std::uint32_t>(sample), slot, static_cast<std::uint32_t>(sample >> 32) << 24}};
            const std::uint32_t w = philox(ctr, key).v[draw % 4];
            const double u = out[d * stride + lane];
            ASSERT_EQ(u, (static_cast<double>(w) + 0.5) * 0x1.0p-32) << "lane " << lane << " draw " << d;
            ASSERT_GT(u, 0.0);
            ASSERT_LT(u, 1.0);
          }
        }
        for (std::uint32_t d = 0; d < count; ++d)
          for (std::size_t lane = lanes; lane < stride; ++lane) ASSERT_EQ(out[d * stride + lane], -1.0);
      }
    }
  }
}

TEST(RandomStream, EveryCoordinateChangesTheDraws) {
  auto first_word = [](std::uint64_t seed, std::uint64_t sample, RandomSlot slot, std::uint32_t sub) {
    return RandomStream(seed, sample, slot, sub)();
  };
  std::set<std::uint64_t> words;
  words.insert(first_word(1, 0, 10, 0));
  words.insert(first_word(2, 0, 10, 0));
  words.insert(first_word(std::uint64_t{1} << 32 | 1, 0, 10, 0));  // seed high word
  words.insert(first_word(1, 1, 10, 0));
  words.insert(first_word(1, std::uint64_t{1} << 32, 10, 0));  // sample high bits
  words.insert(first_word(1, 0, 11, 0));
  words.insert(first_word(1, 0, 10, substream_of(1)));
  words.insert(first_word(1, 0, 10, substream_of(0, 1)));
  EXPECT_EQ(words.size(), 8u);
}

}  // namespace
}  // namespace riskcast
