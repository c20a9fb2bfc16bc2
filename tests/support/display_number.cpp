#include "support/display_number.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string_view>

// No std::regex: GCC 12's <regex> trips -Wmaybe-uninitialized in the
// sanitizer build.
namespace riskcast::testing {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The leading run of digits of `text`, removed from it.
std::string_view take_digits(std::string_view& text) {
  std::size_t n = 0;
  while (n < text.size() && is_digit(text[n])) ++n;
  const std::string_view digits = text.substr(0, n);
  text.remove_prefix(n);
  return digits;
}

}  // namespace

std::optional<DisplayedNumber> read_displayed_number(const std::string& text) {
  // [-] digits [. digits] [e (+|-) digits | k|M|B|T] [%]
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  const std::string_view whole = take_digits(rest);
  if (whole.empty()) return std::nullopt;
  std::string_view fraction;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    fraction = take_digits(rest);
    if (fraction.empty()) return std::nullopt;
  }
  const bool percent = !rest.empty() && rest.back() == '%';
  if (percent) rest.remove_suffix(1);
  std::string mantissa_text(whole);
  if (!fraction.empty()) {
    mantissa_text += '.';
    mantissa_text.append(fraction);
  }
  const double mantissa = std::strtod(mantissa_text.c_str(), nullptr);
  DisplayedNumber d;
  int shift = 0;
  if (!rest.empty() && rest.front() == 'e') {
    // e-notation: one nonzero digit before the point, a signed exponent, nothing after.
    rest.remove_prefix(1);
    if (rest.empty() || (rest.front() != '+' && rest.front() != '-')) return std::nullopt;
    const bool down = rest.front() == '-';
    rest.remove_prefix(1);
    const std::string_view exponent = take_digits(rest);
    if (exponent.empty() || !rest.empty() || whole.size() != 1 || whole == "0") return std::nullopt;
    d.scientific = true;
    shift = (down ? -1 : 1) * std::atoi(std::string(exponent).c_str());
  } else if (rest.size() == 1 && std::string_view("kMBT").find(rest.front()) != std::string_view::npos) {
    // A suffix carries a mantissa in [1, 1000): "1000k" is "1M".
    if (mantissa < 1.0 || mantissa >= 1000.0) return std::nullopt;
    d.has_suffix = true;
    shift = rest.front() == 'k' ? 3 : rest.front() == 'M' ? 6 : rest.front() == 'B' ? 9 : 12;
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  const double scale = percent ? 0.01 : 1.0;
  const int decimals = static_cast<int>(fraction.size());
  std::string scaled = mantissa_text;
  scaled += 'e';
  scaled += std::to_string(shift);
  d.value = (negative ? -1.0 : 1.0) * std::strtod(scaled.c_str(), nullptr) * scale;
  d.half_unit = 0.5 * std::pow(10.0, shift - decimals) * scale;
  return d;
}

bool has_misleading_number(const std::string& text) {
  // A suffix right after digits that follow `e+` / `e-` (1.5e+03B), or after
  // a run of 4 or more digits, with an optional fraction (1000k, 1000.5M).
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::string_view("kMBT").find(text[i]) == std::string_view::npos || i == 0 || !is_digit(text[i - 1])) continue;
    std::size_t start = i;
    while (start > 0 && is_digit(text[start - 1])) --start;
    // As a word: not followed by a letter, digit or `_` (#0072B2 is a colour).
    const bool inside_word =
        i + 1 < text.size() && (std::isalnum(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '_');
    if (inside_word) continue;
    if (start >= 2 && (text[start - 1] == '+' || text[start - 1] == '-') && text[start - 2] == 'e') return true;
    if (start >= 1 && text[start - 1] == 'e') return true;
    std::size_t whole_start = start;
    if (start >= 2 && text[start - 1] == '.' && is_digit(text[start - 2])) {
      whole_start = start - 1;
      while (whole_start > 0 && is_digit(text[whole_start - 1])) --whole_start;
      if ((start - 1) - whole_start >= 4) return true;
    } else if (i - start >= 4) {
      return true;
    }
  }
  return false;
}

}  // namespace riskcast::testing
