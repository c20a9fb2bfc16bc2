// Sampling designs (design.hpp): Latin hypercube permutations, scrambled
// Sobol points, and the uniforms they give each design coordinate.
#include "riskcast/design.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <bit>
#include <boost/random/sobol.hpp>
#include <cmath>

#include "riskcast/model.hpp"

namespace riskcast {

const std::uint32_t kSobolDimensions = boost::random::default_sobol_table::max_dimension;

namespace {

// Philox block (c0, c1, c2, c3) under the seed: the design's own words,
// apart from every sample stream because c3's month field is kDesignMonth
// with burst bits no sample stream sets together with it (see the tags).
std::array<std::uint32_t, 4> design_block(std::uint64_t seed, std::uint32_t c0, std::uint32_t c1, std::uint32_t c2,
                                          std::uint32_t tag) {
  using Philox = r123::Philox4x32;
  const Philox::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const Philox::ctr_type counter = {{c0, c1, c2, kDesignSubstream | RandomCounterLayout::burst.place(tag)}};
  const Philox::ctr_type block = Philox()(counter, key);
  return {block.v[0], block.v[1], block.v[2], block.v[3]};
}

// The burst field tells the design's keys apart from the jitter streams,
// which use burst 0 of the design month.
constexpr std::uint32_t kLatinKeyTag = 1;
constexpr std::uint32_t kScrambleKeyTag = 2;

// A 64-bit mixing function (the finaliser of SplitMix64, Steele, Lea &
// Flood 2014): the Feistel network's round function.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

struct FeistelKeys {
  std::array<std::uint32_t, 4> round;
};

FeistelKeys latin_keys(std::uint64_t seed, RandomSlot slot, std::uint64_t replicate) {
  return {design_block(seed, slot, static_cast<std::uint32_t>(replicate), static_cast<std::uint32_t>(replicate >> 32),
                       kLatinKeyTag)};
}

// One pass of the 4-round Feistel network over 2·half bits.
std::uint64_t feistel(const FeistelKeys& keys, unsigned half, std::uint64_t x) {
  const std::uint64_t mask = (std::uint64_t{1} << half) - 1;
  std::uint64_t left = x >> half, right = x & mask;
  for (std::uint32_t key : keys.round) {
    const std::uint64_t f = mix64(right ^ (std::uint64_t{key} << 32)) & mask;
    const std::uint64_t next = left ^ f;
    left = right;
    right = next;
  }
  return (left << half) | right;
}

std::uint64_t permute(const FeistelKeys& keys, std::uint64_t m, std::uint64_t k) {
  if (m <= 1) return 0;
  const unsigned bits = static_cast<unsigned>(std::bit_width(m - 1));
  const unsigned half = (bits + 1) / 2;
  std::uint64_t x = k;
  do x = feistel(keys, half, x);
  while (x >= m);
  return x;
}

// The largest double below 1: where a uniform that rounds up to 1 is kept.
constexpr double kBelowOne = 1.0 - 0x1p-53;

}  // namespace

std::uint64_t latin_permutation(std::uint64_t seed, RandomSlot slot, std::uint64_t replicate, std::uint64_t m,
                                std::uint64_t k) {
  return permute(latin_keys(seed, slot, replicate), m, k);
}

std::uint32_t sobol_coordinate(std::uint32_t dimension, std::uint32_t index) {
  // Boost's lattice of `dimension + 1` dimensions holds direction number j
  // of dimension d at j·(dimension + 1) + d; a lattice of every dimension
  // is built once.
  static const std::vector<std::uint32_t> directions = [] {
    const boost::random::qrng_detail::sobol_lattice<std::uint32_t, 32, boost::random::default_sobol_table> lattice(
        kSobolDimensions);
    std::vector<std::uint32_t> v(std::size_t{32} * kSobolDimensions);
    for (std::uint32_t d = 0; d < kSobolDimensions; ++d)
      for (unsigned j = 0; j < 32; ++j)
        v[std::size_t{32} * d + j] = *lattice.iter_at(std::size_t{j} * kSobolDimensions + d);
    return v;
  }();
  const std::uint32_t* v = directions.data() + std::size_t{32} * dimension;
  std::uint32_t x = 0;
  for (unsigned j = 0; index != 0; ++j, index >>= 1)
    if (index & 1u) x ^= v[j];
  return x;
}

std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t key) {
  auto reverse = [](std::uint32_t v) {
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
    v = ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8);
    return (v >> 16) | (v << 16);
  };
  x = reverse(x);
  x += key;
  x ^= x * 0x6c50b47cu;
  x ^= x * 0xb82f1e52u;
  x ^= x * 0xc7afe638u;
  x ^= x * 0x8d22f6e6u;
  return reverse(x);
}

std::uint32_t scramble_key(std::uint64_t seed, std::uint64_t replicate, std::uint32_t dimension) {
  return design_block(seed, dimension, static_cast<std::uint32_t>(replicate),
                      static_cast<std::uint32_t>(replicate >> 32), kScrambleKeyTag)[0];
}

DesignDimensions design_dimensions(const Model& model) {
  DesignDimensions dims;
  for (const Parameter& p : model.parameters) {
    bool random = p.distribution.kind != DistributionKind::Constant;
    for (const Scenario& s : model.scenarios)
      for (const Parameter& o : s.parameters) random |= o.name == p.name;
    if (!random) continue;
    dims.key_slots.push_back(random_slot_for("parameter", p.name));
    dims.copula_slots.push_back(random_slot_for("copula", p.name));
  }
  for (EventKind kind : {EventKind::Regime, EventKind::Switch, EventKind::Arrivals})
    for (const Event& e : model.events)
      if (e.kind() == kind) {
        dims.key_slots.push_back(random_slot_for("event", e.name));
        dims.copula_slots.push_back(0);
      }
  return dims;
}

SamplingDesign::SamplingDesign(const Model& model, SamplingMethod method, std::uint64_t seed, std::uint64_t points,
                               unsigned replicates)
    : method_(method), seed_(seed), points_(points), replicates_(replicates), dimensions_(design_dimensions(model)) {}

std::optional<DesignCoordinate> SamplingDesign::coordinate(RandomSlot slot) const {
  if (method_ == SamplingMethod::mc) return std::nullopt;
  for (std::size_t d = 0; d < dimensions_.key_slots.size(); ++d) {
    if (dimensions_.key_slots[d] != slot && (dimensions_.copula_slots[d] == 0 || dimensions_.copula_slots[d] != slot))
      continue;
    if (method_ == SamplingMethod::qmc && d >= kSobolDimensions) return std::nullopt;
    return DesignCoordinate{dimensions_.key_slots[d], static_cast<std::uint32_t>(d)};
  }
  return std::nullopt;
}

void SamplingDesign::fill(const DesignCoordinate& c, std::uint64_t first, std::size_t n, double* out) const {
  fill_uniforms(seed_, c.key_slot, kDesignSubstream, first, n, 0, 1, out, n);
  std::uint64_t replicate = first / points_, k = first % points_;
  // The replicate's keys, recomputed where a block crosses into the next.
  FeistelKeys latin{};
  std::uint32_t scramble = 0;
  auto start_replicate = [&] {
    if (method_ == SamplingMethod::lhs)
      latin = latin_keys(seed_, c.key_slot, replicate);
    else
      scramble = scramble_key(seed_, replicate, c.dimension);
  };
  start_replicate();
  const double scale = 1.0 / static_cast<double>(points_);
  for (std::size_t j = 0; j < n; ++j) {
    double u;
    if (method_ == SamplingMethod::lhs) {
      u = (static_cast<double>(permute(latin, points_, k)) + out[j]) * scale;
    } else {
      const auto index = static_cast<std::uint32_t>(k ^ (k >> 1));
      u = (static_cast<double>(owen_scramble(sobol_coordinate(c.dimension, index), scramble)) + out[j]) * 0x1p-32;
    }
    out[j] = std::min(u, kBelowOne);
    if (++k == points_) {
      k = 0;
      ++replicate;
      start_replicate();
    }
  }
}

}  // namespace riskcast
