// Philox4x32-10 on 16 counters at once: the engine of every bulk draw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace riskcast {

inline constexpr std::size_t kPhiloxLanes = 16;

// Counters in, random words out: lane i's block is (c0[i], c1[i], c2[i], c3[i]).
struct PhiloxLanes {
  std::uint32_t c0[kPhiloxLanes], c1[kPhiloxLanes], c2[kPhiloxLanes], c3[kPhiloxLanes];
};

// Ten Philox rounds on every lane, keyed by (key0, key1): the same arithmetic
// as r123::Philox4x32, in the widest SIMD form the CPU has.
void philox_lanes(PhiloxLanes& x, std::uint32_t key0, std::uint32_t key1);

// Every form this CPU can run, named, so tests can check each against
// Random123 (the dispatcher picks one of them).
struct PhiloxForm {
  std::string_view name;
  void (*rounds)(PhiloxLanes&, std::uint32_t, std::uint32_t);
};
std::vector<PhiloxForm> philox_forms_available();

}  // namespace riskcast
