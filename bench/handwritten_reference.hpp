// The hand-written R1 loop, the engine's yardstick (see handwritten_reference.cpp).
#pragma once

#include <cstdint>

namespace riskcast::bench {

// Samples R1 `samples` times on `threads` TBB threads, sorts each output
// column for its percentiles, and returns the sum of the medians.
double run_handwritten_reference(std::uint64_t samples, std::uint64_t seed, int threads);

}  // namespace riskcast::bench
