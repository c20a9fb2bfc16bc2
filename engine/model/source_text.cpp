// Source positions in a YAML file's text (source_text.hpp).
#include "riskcast/source_text.hpp"

#include <algorithm>

#include "riskcast/yaml_text.hpp"

namespace riskcast {
namespace {

// The file offset of every byte of a scalar's value (plus one for the place
// just after it), found by walking the scalar's source from `start` (its
// mark) in step with the value. YAML changes a scalar's text on the way in:
// quotes and escapes go, line breaks fold into spaces, block scalars lose
// their indentation; only whitespace and escapes differ, so the walk skips
// those. Returns an empty vector if the two cannot be matched.
std::vector<std::uint32_t> align_scalar(std::string_view value, std::string_view src, std::size_t start) {
  std::vector<std::uint32_t> map;
  const std::size_t n = src.size();
  std::size_t j = start;
  // Node properties before the scalar: an anchor `&a`, a tag `!t`.
  while (j < n && (src[j] == '&' || src[j] == '!')) {
    while (j < n && !is_blank(src[j])) ++j;
    while (j < n && (src[j] == ' ' || src[j] == '\t')) ++j;
  }
  if (j >= n) return map;
  enum class Style { Plain, Single, Double, Block } style = Style::Plain;
  if (src[j] == '"') {
    style = Style::Double;
    ++j;
  } else if (src[j] == '\'') {
    style = Style::Single;
    ++j;
  } else if (src[j] == '|' || src[j] == '>') {
    style = Style::Block;
    while (j < n && src[j] != '\n') ++j;  // the header: indicators and a comment
  }
  map.reserve(value.size() + 1);
  std::size_t i = 0;
  // The last line break skipped since the last matched byte: a folded line
  // break becomes a space (or a line feed) of the value with no byte of its own.
  std::size_t folded_break = std::string_view::npos;
  auto is_folded = [&](char v) { return folded_break != std::string_view::npos && (v == ' ' || v == '\n'); };
  while (i < value.size()) {
    if (j >= n || (!is_blank(src[j]) && src[j] != value[i] && is_folded(value[i]))) {
      if (!is_folded(value[i])) return {};
      map.push_back(static_cast<std::uint32_t>(folded_break));
      ++i;
      folded_break = std::string_view::npos;
      continue;
    }
    const char c = src[j];
    if (style == Style::Double && c == '\\' && j + 1 < n) {
      const char e = src[j + 1];
      if (e == '\n' || e == '\r') {  // an escaped line break joins the lines
        j += 2;
        continue;
      }
      // One escape gives one character: all of its UTF-8 bytes map to the `\`.
      map.push_back(static_cast<std::uint32_t>(j));
      ++i;
      while (i < value.size() && (static_cast<unsigned char>(value[i]) & 0xc0) == 0x80) {
        map.push_back(static_cast<std::uint32_t>(j));
        ++i;
      }
      j += e == 'x' ? 4 : e == 'u' ? 6 : e == 'U' ? 10 : 2;
      continue;
    }
    if (style == Style::Single && c == '\'') {
      if (j + 1 < n && src[j + 1] == '\'' && value[i] == '\'') {
        map.push_back(static_cast<std::uint32_t>(j));
        ++i;
        j += 2;
        continue;
      }
      return {};  // the closing quote came before the value ended
    }
    if (style == Style::Double && c == '"') return {};
    if (c == value[i]) {
      map.push_back(static_cast<std::uint32_t>(j));
      ++i;
      ++j;
      folded_break = std::string_view::npos;
      continue;
    }
    if (!is_blank(c)) return {};
    if (c == '\n') folded_break = j;
    ++j;
  }
  map.push_back(map.empty() ? static_cast<std::uint32_t>(j) : map.back() + 1);
  return map;
}

}  // namespace

SourceText::SourceText(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts_.push_back(i + 1);
}

SourcePos SourceText::position(std::size_t offset) const {
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::size_t>(it - line_starts_.begin());
  return {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(offset - line_starts_[line - 1] + 1)};
}

std::optional<std::size_t> SourceText::offset(SourcePos pos) const {
  if (pos.line == 0 || pos.line > line_starts_.size() || pos.column == 0) return std::nullopt;
  const std::size_t o = line_starts_[pos.line - 1] + pos.column - 1;
  if (o > text_.size()) return std::nullopt;
  return o;
}

OffsetToPosition SourceText::scalar_positions(const YAML::Node& node) const {
  const SourcePos mark = yaml_position(node);
  std::optional<std::size_t> start = offset(mark);
  std::vector<std::uint32_t> map;
  if (start) map = align_scalar(node.Scalar(), text(), *start);
  if (map.empty()) {
    // Could not follow the source: count bytes from the start of the
    // scalar (past its opening quote), never beyond the end of the file.
    if (!start) return [mark](std::size_t) { return mark; };
    const std::size_t first = *start + (node.Tag() == "!" ? 1 : 0);
    return [this, first](std::size_t offset) { return position(std::min(first + offset, text().size())); };
  }
  return [this, map = std::move(map)](std::size_t offset) { return position(map[std::min(offset, map.size() - 1)]); };
}

}  // namespace riskcast
