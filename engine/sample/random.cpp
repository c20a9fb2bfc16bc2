#include "riskcast/random.hpp"

#include <algorithm>

#include "philox_lanes.hpp"

#include "simd.hpp"

namespace riskcast {

RandomSlot random_slot_for(std::string_view role, std::string_view name) {
  std::uint32_t hash = 2166136261u;
  auto mix = [&](unsigned char c) {
    hash ^= c;
    hash *= 16777619u;
  };
  for (char c : role) mix(static_cast<unsigned char>(c));
  mix(':');
  for (char c : name) mix(static_cast<unsigned char>(c));
  return hash;
}

namespace {

constexpr std::size_t kLanes = kPhiloxLanes;

// The counters of kLanes consecutive samples, as RandomStream lays them out.
void set_counters(PhiloxLanes& x, std::uint32_t block, std::uint64_t first_sample, RandomSlot slot,
                  std::uint32_t substream) {
  for (std::size_t i = 0; i < kLanes; ++i) {
    const std::uint64_t sample = first_sample + i;
    x.c0[i] = block;
    x.c1[i] = RandomCounterLayout::sample_word(sample);
    x.c2[i] = slot;
    x.c3[i] = RandomCounterLayout::substream_word(sample, substream);
  }
}

// Runs Philox blocks first_block … first_block + blocks − 1 for every
// sample, kLanes samples at a time, handing each result to
// `use(x, group, width, b)`: the one loop behind every bulk form.
template <typename Use>
void for_each_block(std::uint64_t seed, RandomSlot slot, std::uint32_t substream, std::uint64_t first_sample,
                    std::size_t lanes, std::uint32_t first_block, std::uint32_t blocks, Use&& use) {
  const std::uint32_t key0 = static_cast<std::uint32_t>(seed), key1 = static_cast<std::uint32_t>(seed >> 32);
  PhiloxLanes x;
  for (std::size_t group = 0; group < lanes; group += kLanes) {
    const std::size_t width = std::min(kLanes, lanes - group);
    for (std::uint32_t b = 0; b < blocks; ++b) {
      set_counters(x, first_block + b, first_sample + group, slot, substream);
      philox_lanes(x, key0, key1);
      use(x, group, width, b);
    }
  }
}

}  // namespace

void fill_words(std::uint64_t seed, RandomSlot slot, std::uint32_t substream, std::uint64_t first_sample,
                std::size_t lanes, std::uint32_t first_draw, std::uint32_t count, std::uint64_t* out,
                std::size_t stride) {
  for_each_block(seed, slot, substream, first_sample, lanes, first_draw / 2, (count + 1) / 2,
                 [&](const PhiloxLanes& x, std::size_t group, std::size_t width, std::uint32_t b) {
                   const std::uint32_t d = 2 * b;
                   std::uint64_t* row0 = out + d * stride + group;
                   for (std::size_t i = 0; i < width; ++i)
                     row0[i] = (static_cast<std::uint64_t>(x.c1[i]) << 32) | x.c0[i];
                   if (d + 1 < count) {
                     std::uint64_t* row1 = out + (d + 1) * stride + group;
                     for (std::size_t i = 0; i < width; ++i)
                       row1[i] = (static_cast<std::uint64_t>(x.c3[i]) << 32) | x.c2[i];
                   }
                 });
}

void fill_first_words(std::uint64_t seed, RandomSlot slot, const std::uint64_t* samples,
                      const std::uint32_t* substreams, std::size_t count, std::uint64_t* out) {
  const std::uint32_t key0 = static_cast<std::uint32_t>(seed), key1 = static_cast<std::uint32_t>(seed >> 32);
  PhiloxLanes x;
  for (std::size_t group = 0; group < count; group += kLanes) {
    const std::size_t width = std::min(kLanes, count - group);
    for (std::size_t i = 0; i < kLanes; ++i) {
      // Lanes past the end repeat the last address; their results are dropped.
      const std::size_t j = group + std::min(i, width - 1);
      x.c0[i] = 0;
      x.c1[i] = RandomCounterLayout::sample_word(samples[j]);
      x.c2[i] = slot;
      x.c3[i] = RandomCounterLayout::substream_word(samples[j], substreams[j]);
    }
    philox_lanes(x, key0, key1);
    for (std::size_t i = 0; i < width; ++i) {
      out[2 * (group + i)] = (static_cast<std::uint64_t>(x.c1[i]) << 32) | x.c0[i];
      out[2 * (group + i) + 1] = (static_cast<std::uint64_t>(x.c3[i]) << 32) | x.c2[i];
    }
  }
}

void fill_uniforms(std::uint64_t seed, RandomSlot slot, std::uint32_t substream, std::uint64_t first_sample,
                   std::size_t lanes, std::uint32_t first_draw, std::uint32_t count, double* out, std::size_t stride) {
  constexpr std::uint32_t kDraws = 16;
  std::uint64_t words[kDraws * kLanes];
  for (std::size_t group = 0; group < lanes; group += kLanes) {
    const std::size_t width = std::min(kLanes, lanes - group);
    for (std::uint32_t d0 = 0; d0 < count; d0 += kDraws) {
      const std::uint32_t draws = std::min(kDraws, count - d0);
      fill_words(seed, slot, substream, first_sample + group, width, first_draw + d0, draws, words, kLanes);
      for (std::uint32_t d = 0; d < draws; ++d)
        for (std::size_t i = 0; i < width; ++i)
          out[(d0 + d) * stride + group + i] = RandomStream::to_open_unit(words[d * kLanes + i]);
    }
  }
}

void fill_uniforms32(std::uint64_t seed, RandomSlot slot, std::uint32_t substream, std::uint64_t first_sample,
                     std::size_t lanes, std::uint32_t first_draw, std::uint32_t count, double* out,
                     std::size_t stride) {
  for_each_block(seed, slot, substream, first_sample, lanes, first_draw / 4, (count + 3) / 4,
                 [&](const PhiloxLanes& x, std::size_t group, std::size_t width, std::uint32_t b) {
                   const std::uint32_t* words[4] = {x.c0, x.c1, x.c2, x.c3};
                   for (std::uint32_t j = 0; j < 4 && 4 * b + j < count; ++j) {
                     double* row = out + (4 * b + j) * stride + group;
                     for (std::size_t i = 0; i < width; ++i)
                       row[i] = (static_cast<double>(words[j][i]) + 0.5) * 0x1.0p-32;
                   }
                 });
}

}  // namespace riskcast
