// Reading a YAML input file (a model, a batch file) with the same guards and
// compiler-style errors for every kind of file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "riskcast/diagnostics.hpp"

namespace riskcast {

// The first byte of `text` that breaks UTF-8 (a NUL byte, an overlong form,
// a surrogate), or npos: every input text file is UTF-8.
std::size_t first_invalid_utf8(std::string_view text);

// The 1-based line and column of a byte offset of `text` (columns count bytes).
SourcePos position_at(std::string_view text, std::size_t offset);

// The whole file, or nullopt with the reason in `diagnostics` ("cannot read
// the model file: …", "is a directory, not a model file", "the model file is
// larger than 64 MiB"); `kind` names the file in those messages. Under
// ranks (ranks.hpp) a collective step: rank 0 reads, every rank returns
// its bytes or its reason.
std::optional<std::string> read_input_file(const std::string& path, std::string_view kind, std::size_t max_bytes,
                                           Diagnostics& diagnostics);

// Parses YAML text after the checks a hostile file needs: valid UTF-8 without
// NUL bytes, bracket nesting yaml-cpp can recurse through. A byte-order mark
// is skipped; `kind` ("model file") names the file in messages. Returns nullopt with a positioned error in
// `diagnostics` when the text is not usable YAML; an empty document gives a null node.
std::optional<YAML::Node> parse_yaml_text(std::string_view text, std::string_view kind, Diagnostics& diagnostics);

// The 1-based position of a node (line 0 when yaml-cpp has none).
SourcePos yaml_position(const YAML::Node& node);

// A hint for a YAML syntax error (yaml-cpp's message `error`) at `line` that
// a key's indentation explains: a line lined up with no key above it ("end
// of map not found"), a key indented under one whose value is already
// given, or an unquoted `c ? a : b` ("illegal map value"); "" if none.
std::string layout_hint(std::string_view text, std::uint32_t line, std::string_view error);

// YAML's white space: a blank or a line break.
constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// "nothing", "a single value", "a list", "a mapping": for "must be …, not …".
std::string_view yaml_kind_name(const YAML::Node& node);

}  // namespace riskcast
