// Whether each diagnostic's position lies in the text it is about: shared by
// the tests of hostile input and the fuzz harnesses (fuzz/harness.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "riskcast/diagnostics.hpp"

namespace riskcast::testing {

// The first diagnostic whose position lies outside `text`: past its last line,
// or more than one column past the end of its line (lines end at '\n' and
// columns count bytes, as SourcePos does). Line 0 (the file as a whole) is
// always in place. nullptr when every position is in place.
inline const Diagnostic* misplaced_diagnostic(const Diagnostics& diagnostics, std::string_view text) {
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.pos.line == 0) continue;
    std::size_t start = 0;
    bool past_last_line = false;
    for (std::uint32_t line = 1; line < d.pos.line && !past_last_line; ++line) {
      const std::size_t end = text.find('\n', start);
      past_last_line = end == std::string_view::npos;
      start = end + 1;
    }
    const std::size_t length = std::min(text.find('\n', start), text.size()) - start;
    if (past_last_line || d.pos.column < 1 || d.pos.column > length + 1) return &d;
  }
  return nullptr;
}

}  // namespace riskcast::testing
