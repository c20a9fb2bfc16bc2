// Source positions in a YAML file's text: byte offsets to line:column, and
// each byte of a scalar's value back to the place in the file it came from,
// so that an error inside a formula points at its own column.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "riskcast/diagnostics.hpp"
#include "riskcast/expr.hpp"

namespace riskcast {

class SourceText {
 public:
  explicit SourceText(std::string_view text);  // the text must outlive this
  std::string_view text() const { return text_; }
  // The 1-based line and column of a byte offset.
  SourcePos position(std::size_t offset) const;
  // The byte offset of a position, or nullopt outside the text.
  std::optional<std::size_t> offset(SourcePos pos) const;
  // The position of each byte of a scalar node's value (and of the place
  // just after it). YAML changes a scalar's text on the way in (quotes,
  // escapes, folded lines, block indentation); where the value cannot be
  // matched to the source, bytes are counted from the scalar's start.
  // The result refers to this object.
  OffsetToPosition scalar_positions(const YAML::Node& node) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace riskcast
