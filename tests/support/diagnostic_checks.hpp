// What every diagnostic must be, whatever the input: shared by the tests of
// hostile input and the fuzz harnesses (fuzz/harness.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "riskcast/diagnostics.hpp"

namespace riskcast::testing {

// Whether `pos` lies in `text`: line 0 (the file as a whole), or a line of
// the text and at most one column past its end (lines end at '\n' and
// columns count bytes, as SourcePos does).
inline bool position_in_text(SourcePos pos, std::string_view text) {
  if (pos.line == 0) return true;
  std::size_t start = 0;
  for (std::uint32_t line = 1; line < pos.line; ++line) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return false;
    start = end + 1;
  }
  const std::size_t length = std::min(text.find('\n', start), text.size()) - start;
  return pos.column >= 1 && pos.column <= length + 1;
}

// What is wrong with the first faulty diagnostic about `text`, or nullopt:
// each has a message, message and hint are printable one-line text (a
// control character would garble the FILE:LINE:COL: error: MESSAGE line),
// and its position lies in the text.
inline std::optional<std::string> diagnostic_fault(const Diagnostics& diagnostics, std::string_view text) {
  auto printable = [](std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte < 0x20 || byte == 0x7f;
    });
  };
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.message.empty()) return "a diagnostic without a message";
    if (!printable(d.message) || !printable(d.hint)) return "a control character in: " + d.message + " " + d.hint;
    if (!position_in_text(d.pos, text)) return "a position outside the text: " + diagnostics.format();
  }
  return std::nullopt;
}

}  // namespace riskcast::testing
