// The engine's version, from CMake's project(VERSION).
#pragma once

#include <string_view>

#ifndef RISKCAST_VERSION
#define RISKCAST_VERSION "unknown"
#endif

namespace riskcast {
inline constexpr std::string_view kVersion = RISKCAST_VERSION;
}  // namespace riskcast
