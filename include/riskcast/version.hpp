// The engine's version, from CMake's project(VERSION).
#pragma once

#include <string_view>

#ifndef RISKCAST_VERSION
#define RISKCAST_VERSION "unknown"
#endif

namespace riskcast {
inline constexpr std::string_view kVersion = RISKCAST_VERSION;

// Bumped whenever a change alters any sampled number (a distribution
// method, the random-stream layout, the percentile estimator): baselines
// made with another numerics version are compared statistically, not bit
// for bit.
inline constexpr int kNumericsVersion = 3;
}  // namespace riskcast
