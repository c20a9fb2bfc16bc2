#include "riskcast/count.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace riskcast {

std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t lo, std::uint64_t hi) {
  std::string digits;
  for (char c : text)
    if (c != '_') digits += c;
  if (digits.empty() || digits.find_first_not_of("0123456789eE+.") != std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size() || errno == ERANGE || !std::isfinite(value) || value != std::floor(value) ||
      value < static_cast<double>(lo) || value > static_cast<double>(hi))
    return std::nullopt;
  // Exact for plain digit strings beyond 2^53, where double would round.
  if (digits.find_first_not_of("0123456789") == std::string::npos) {
    errno = 0;
    const unsigned long long exact = std::strtoull(digits.c_str(), nullptr, 10);
    if (errno == ERANGE || exact < lo || exact > hi) return std::nullopt;
    return exact;
  }
  return static_cast<std::uint64_t>(value);
}

}  // namespace riskcast
