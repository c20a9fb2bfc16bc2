// The engine's version. Written here once: CMake reads it for
// project(VERSION) and the package version (CMakeLists.txt), so a consumer
// of the installed headers sees the same string without a definition.
#pragma once

#include <string_view>

namespace riskcast {
inline constexpr std::string_view kVersion = "0.1.0";

// Bumped whenever a change alters any sampled number (a distribution
// method, the random-stream layout, the percentile estimator): baselines
// made with another numerics version are compared statistically, not bit
// for bit.
inline constexpr int kNumericsVersion = 4;
}  // namespace riskcast
