// Whole numbers as people write them, on a command line (--samples) or in a
// batch file (samples:): 1000000, 1e6, 1_000_000.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace riskcast {

// Most samples a run may take: sample indices are 40-bit in the random-stream layout.
inline constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << 40;

// The number `text` spells, or nullopt when it is not a whole number within [lo, hi].
std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t lo, std::uint64_t hi);

}  // namespace riskcast
