// Reading YAML input files: the checks every file gets before yaml-cpp sees
// it, and yaml-cpp's own failures turned into positioned errors.
#include "riskcast/yaml_text.hpp"

#include "riskcast/ranks.hpp"

#include <yaml-cpp/depthguard.h>

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace riskcast {

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) return i;
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > n) return i;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc >> 6) != 0x2) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points beyond U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return i;
    i += len;
  }
  return std::string_view::npos;
}

SourcePos position_at(std::string_view text, std::size_t offset) {
  SourcePos p{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

namespace {

// A yaml-cpp mark as a position inside `text`: yaml-cpp may mark an error one
// character past the end of the file or of a line (it read the end before it
// failed), so the mark is moved back to the end of that line or of the file.
SourcePos position_of_mark(std::string_view text, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return {};
  std::size_t start = 0;
  for (int line = 0; line < mark.line; ++line) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return position_at(text, text.size());
    start = end + 1;
  }
  const std::size_t end = std::min(text.find('\n', start), text.size());
  return position_at(text, std::min(start + static_cast<std::size_t>(mark.column), end));
}

// yaml-cpp's message with control characters spelt out: it names the end of
// the input by the byte 0x04, which a message must not print raw.
std::string yaml_message(std::string_view text, std::string message) {
  if (text.find('\x04') == std::string_view::npos) {
    for (std::size_t at = message.find('\x04'); at != std::string::npos; at = message.find('\x04', at))
      message.replace(at, 1, "end of file");
  }
  return printable_for_message(message);
}

// yaml-cpp recurses once per nesting level; reject absurd nesting before it
// can exhaust the stack. Counts flow brackets outside quotes and indentation.
std::optional<std::size_t> nesting_too_deep(std::string_view text) {
  constexpr int kMaxNesting = 64;
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (quote == '"' && c == '\\')
        ++i;  // an escape: `\"` does not end the string
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1])))) {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      // A quote opens a string only where a scalar starts (after `:`, `,`,
      // `[`, `{`, `-`, `?` or at the start of a line); inside a plain scalar
      // (`note: it's 'big'`) it is just a character.
      std::size_t k = i;
      while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t')) --k;
      const char before = k == 0 ? '\n' : text[k - 1];
      if (std::string_view(":,[{-?\n\r").find(before) != std::string_view::npos) quote = c;
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

namespace {
std::optional<std::string> read_input_file_here(const std::string& path, std::string_view kind, std::size_t max_bytes,
                                                Diagnostics& diagnostics) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    diagnostics.error({}, fmt::format("is a directory, not a {}", kind));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error({}, fmt::format("cannot read the {}: {}", kind, std::strerror(errno)));
    return std::nullopt;
  }
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      diagnostics.error({}, fmt::format("the {} is larger than {} MiB", kind, max_bytes >> 20));
      return std::nullopt;
    }
  }
  return text;
}
}  // namespace

std::optional<std::string> read_input_file(const std::string& path, std::string_view kind, std::size_t max_bytes,
                                           Diagnostics& diagnostics) {
  RankGroup* const group = active_ranks();
  if (!group || group->size() < 2) return read_input_file_here(path, kind, max_bytes, diagnostics);
  // Under MPI rank 0 reads and the others get its bytes, or its reason: one
  // reading of stdin (which mpirun gives rank 0 alone) or of a file only
  // rank 0's machine holds, and every rank fails alike.
  std::string message;  // "+" and the text, or "!" and why not
  if (group->rank() == 0) {
    Diagnostics reading(diagnostics.file());
    const std::optional<std::string> text = read_input_file_here(path, kind, max_bytes, reading);
    message = text ? "+" + *text : "!" + (reading.empty() ? std::string() : reading.items().front().message);
  }
  group->broadcast(message, 0);
  if (!message.empty() && message[0] == '+') return message.substr(1);
  diagnostics.error({}, message.empty() ? std::string() : message.substr(1));
  return std::nullopt;
}

std::optional<YAML::Node> parse_yaml_text(std::string_view text, std::string_view kind, Diagnostics& diagnostics) {
  if (std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    diagnostics.error(position_at(text, bad), text[bad] == '\0'
                                                  ? "the file contains a NUL byte; is it a binary file?"
                                                  : fmt::format("invalid UTF-8 (byte 0x{:02x}); a {} is UTF-8 text",
                                                                static_cast<unsigned char>(text[bad]), kind));
    return std::nullopt;
  }
  // yaml-cpp skips a byte-order mark without counting it in columns; so do we.
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  if (auto deep = nesting_too_deep(text)) {
    diagnostics.error(position_at(text, *deep), "YAML is nested too deeply (more than 64 levels of brackets)");
    return std::nullopt;
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.error(position_of_mark(text, e.mark), "YAML is nested too deeply");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const SourcePos pos = position_of_mark(text, e.mark);
    std::string message = e.msg.empty() ? "malformed YAML" : "malformed YAML: " + yaml_message(text, e.msg);
    // A tab in the indentation of the line (or the one before) is the usual cause.
    std::string hint;
    if (pos.line != 0) {
      std::vector<std::size_t> line_starts = {0};
      for (std::size_t i = 0; i < text.size() && line_starts.size() <= pos.line; ++i)
        if (text[i] == '\n') line_starts.push_back(i + 1);
      for (std::uint32_t line : {pos.line, pos.line - 1}) {
        if (line == 0 || line > line_starts.size() || !hint.empty()) continue;
        for (std::size_t at = line_starts[line - 1]; at < text.size() && (text[at] == ' ' || text[at] == '\t'); ++at)
          if (text[at] == '\t') hint = "YAML does not allow tabs for indentation; use spaces";
      }
      if (hint.empty()) hint = layout_hint(text, pos.line, e.msg);
    }
    diagnostics.error(pos, message, hint);
    return std::nullopt;
  }
}

namespace {

// One line of a YAML text: its indentation and its content after it.
struct Line {
  std::size_t indent = 0;
  std::string_view content;  // without the indentation and the line break
  bool blank() const { return content.empty() || content[0] == '#'; }
  // The key of a `key: value` or `key:` line, or "".
  std::string_view key() const {
    const std::size_t colon = content.find(": ");
    const std::size_t end = colon != std::string_view::npos ? colon : content.ends_with(':') ? content.size() - 1 : 0;
    return content.substr(0, end);
  }
  // The value after `key: `, without a trailing comment.
  std::string_view value() const {
    const std::size_t colon = content.find(": ");
    if (colon == std::string_view::npos) return {};
    std::string_view v = content.substr(colon + 2);
    if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = v.substr(0, hash);
    while (!v.empty() && (v.front() == ' ' || v.back() == ' ' || v.back() == '\r'))
      v = v.front() == ' ' ? v.substr(1) : v.substr(0, v.size() - 1);
    return v;
  }
};

std::vector<Line> lines_of(std::string_view text, std::uint32_t up_to) {
  std::vector<Line> lines;
  std::size_t start = 0;
  while (start <= text.size() && lines.size() < up_to) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    Line line;
    while (start + line.indent < end && text[start + line.indent] == ' ') ++line.indent;
    line.content = text.substr(start + line.indent, end - start - line.indent);
    if (!line.content.empty() && line.content.back() == '\r') line.content.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string layout_hint(std::string_view text, std::uint32_t line, std::string_view error) {
  const std::vector<Line> lines = lines_of(text, line);
  if (lines.size() < line || line < 2) return {};
  const Line& here = lines[line - 1];
  const Line* above = nullptr;
  std::vector<std::size_t> indents;  // of the content lines above
  for (std::uint32_t i = 0; i + 1 < line; ++i) {
    if (lines[i].blank()) continue;
    above = &lines[i];
    indents.push_back(lines[i].indent);
  }
  if (!above || here.blank()) return {};
  if (error.find("end of map not found") != std::string_view::npos &&
      std::find(indents.begin(), indents.end(), here.indent) == indents.end())
    return fmt::format(
        "line {} is indented by {}, which lines up with no key above it: indent it exactly like the keys it "
        "belongs with",
        line, counted(here.indent, "space"));
  if (error.find("illegal map value") != std::string_view::npos) {
    const std::string_view value = above->value();
    if (here.indent > above->indent && !above->key().empty() && !value.empty() && value != "|" && value != ">" &&
        !here.key().empty())
      return fmt::format(
          "`{}` is indented deeper than `{}` on the line above, whose value is already given: "
          "indent the two alike",
          quote_for_message(here.key()), quote_for_message(above->key()));
    if (here.content.find('?') != std::string_view::npos)
      return "a formula `c ? a : b` holds `: `, which YAML reads as a key: quote the formula, \"c ? a : b\"";
  }
  return {};
}

SourcePos yaml_position(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0) return {};
  return {static_cast<std::uint32_t>(m.line + 1), static_cast<std::uint32_t>(m.column + 1)};
}

std::string_view yaml_kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

}  // namespace riskcast
