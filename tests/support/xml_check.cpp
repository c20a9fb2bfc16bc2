#include "support/xml_check.hpp"

#include <fmt/format.h>

#include <cctype>
#include <set>
#include <vector>

namespace riskcast::testing {

namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

// Checks the entity at text[i] == '&'; returns its length, 0 if invalid.
std::size_t entity_length(const std::string& text, std::size_t i) {
  const std::size_t end = text.find(';', i);
  if (end == std::string::npos || end - i > 10) return 0;
  const std::string body = text.substr(i + 1, end - i - 1);
  static const std::set<std::string> named = {"amp", "lt", "gt", "quot", "apos"};
  if (named.count(body)) return end - i + 1;
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x';
    const std::string digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits)
      if (!(hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c)))) return 0;
    return end - i + 1;
  }
  return 0;
}

}  // namespace

std::string xml_problem(const std::string& text) {
  std::vector<std::string> open;
  bool root_seen = false;
  std::size_t i = 0;
  auto where = [&](std::size_t at) {
    std::size_t line = 1;
    for (std::size_t k = 0; k < at && k < text.size(); ++k) line += text[k] == '\n';
    return fmt::format("line {}", line);
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '&') {
      const std::size_t n = entity_length(text, i);
      if (!n) return fmt::format("bare '&' at {}", where(i));
      i += n;
      continue;
    }
    if (c == '>') return fmt::format("stray '>' at {}", where(i));
    if (c != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(c)))
        return fmt::format("text outside the root element at {}", where(i));
      ++i;
      continue;
    }
    if (text.compare(i, 5, "<?xml") == 0) {
      if (root_seen || !open.empty()) return "XML declaration not at the start";
      const std::size_t end = text.find("?>", i);
      if (end == std::string::npos) return "unterminated XML declaration";
      i = end + 2;
      continue;
    }
    if (text.compare(i, 4, "<!--") == 0) {
      const std::size_t end = text.find("-->", i);
      if (end == std::string::npos) return "unterminated comment";
      i = end + 3;
      continue;
    }
    if (text.compare(i, 2, "</") == 0) {
      std::size_t j = i + 2;
      while (j < text.size() && name_char(text[j])) ++j;
      const std::string name = text.substr(i + 2, j - i - 2);
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j >= text.size() || text[j] != '>') return fmt::format("malformed end tag at {}", where(i));
      if (open.empty() || open.back() != name)
        return fmt::format("</{}> does not close <{}> at {}", name, open.empty() ? "" : open.back(), where(i));
      open.pop_back();
      i = j + 1;
      continue;
    }
    // Start tag.
    std::size_t j = i + 1;
    while (j < text.size() && name_char(text[j])) ++j;
    const std::string name = text.substr(i + 1, j - i - 1);
    if (name.empty()) return fmt::format("'<' without a tag name at {}", where(i));
    if (open.empty() && root_seen) return fmt::format("second root element <{}> at {}", name, where(i));
    std::set<std::string> attributes;
    for (;;) {
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j >= text.size()) return fmt::format("unterminated <{}> at {}", name, where(i));
      if (text[j] == '>' || text.compare(j, 2, "/>") == 0) break;
      const std::size_t a = j;
      while (j < text.size() && name_char(text[j])) ++j;
      const std::string attribute = text.substr(a, j - a);
      if (attribute.empty()) return fmt::format("bad attribute in <{}> at {}", name, where(a));
      if (!attributes.insert(attribute).second)
        return fmt::format("attribute {} repeated in <{}> at {}", attribute, name, where(a));
      if (j + 1 >= text.size() || text[j] != '=' || (text[j + 1] != '"' && text[j + 1] != '\''))
        return fmt::format("attribute {} of <{}> not quoted at {}", attribute, name, where(a));
      const char quote = text[j + 1];
      std::size_t k = j + 2;
      while (k < text.size() && text[k] != quote) {
        if (text[k] == '<') return fmt::format("'<' in attribute {} at {}", attribute, where(k));
        if (text[k] == '&') {
          const std::size_t n = entity_length(text, k);
          if (!n) return fmt::format("bare '&' in attribute {} at {}", attribute, where(k));
          k += n;
          continue;
        }
        ++k;
      }
      if (k >= text.size()) return fmt::format("unterminated attribute {} at {}", attribute, where(a));
      j = k + 1;
    }
    root_seen = true;
    if (text[j] == '/') {
      i = j + 2;
    } else {
      open.push_back(name);
      i = j + 1;
    }
  }
  if (!open.empty()) return fmt::format("<{}> never closed", open.back());
  if (!root_seen) return "no element";
  return "";
}

}  // namespace riskcast::testing
