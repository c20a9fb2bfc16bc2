// Reads back a number as format_value and the chart axes print it, for
// round-trip tests: the value shown and half a unit of its last digit.
#pragma once

#include <optional>
#include <string>

namespace riskcast::testing {

struct DisplayedNumber {
  double value = 0;      // what the text says, in the value's own unit (a share as a fraction)
  double half_unit = 0;  // half a unit of the last digit shown: the display rounding
  bool has_suffix = false;
  bool scientific = false;
};

// "1.5T", "-2.01e+33", "12.5%", "0", "1e-07%"; nullopt for text in no such form
// (a suffix after e-notation, "1000k", a mantissa outside [1, 10), NaN …).
std::optional<DisplayedNumber> read_displayed_number(const std::string& text);

// Whether `text` holds a number in a form people misread: a suffix after
// e-notation (1.5e+03B) or on a mantissa of 1000 or more (1000k).
bool has_misleading_number(const std::string& text);

}  // namespace riskcast::testing
