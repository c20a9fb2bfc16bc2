#include "support/display_number.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>

namespace riskcast::testing {

std::optional<DisplayedNumber> read_displayed_number(const std::string& text) {
  // sign, digits with an optional fraction, then either e-notation or a
  // suffix (never both), then an optional percent sign.
  static const std::regex form(R"(^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+)|([kMBT]))?(%?)$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) return std::nullopt;
  DisplayedNumber d;
  const std::string whole = m[2], fraction = m[3], exponent = m[4], suffix = m[5];
  const bool percent = m[6].matched && m[6].length() == 1;
  const double mantissa = std::strtod((whole + (fraction.empty() ? "" : "." + fraction)).c_str(), nullptr);
  double scale = percent ? 0.01 : 1.0;
  int shift = 0;
  if (!exponent.empty()) {
    // e-notation: one nonzero digit before the point.
    if (whole.size() != 1 || whole == "0") return std::nullopt;
    d.scientific = true;
    shift = std::atoi(exponent.c_str());
  }
  if (!suffix.empty()) {
    // A suffix carries a mantissa in [1, 1000): "1000k" is "1M".
    if (mantissa < 1.0 || mantissa >= 1000.0) return std::nullopt;
    d.has_suffix = true;
    shift = suffix == "k" ? 3 : suffix == "M" ? 6 : suffix == "B" ? 9 : 12;
  }
  const int decimals = static_cast<int>(fraction.size());
  d.value =
      (m[1].length() ? -1.0 : 1.0) *
      std::strtod((whole + (fraction.empty() ? "" : "." + fraction) + "e" + std::to_string(shift)).c_str(), nullptr) *
      scale;
  d.half_unit = 0.5 * std::pow(10.0, shift - decimals) * scale;
  return d;
}

bool has_misleading_number(const std::string& text) {
  static const std::regex misleading(R"(e[+-]?[0-9]+[kMBT]|[0-9]{4,}(\.[0-9]+)?[kMBT]\b)");
  return std::regex_search(text, misleading);
}

}  // namespace riskcast::testing
