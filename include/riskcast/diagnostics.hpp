// Compiler-style diagnostics: every user error names a place in a file.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace riskcast {

// A 1-based line and column in a model file. Line 0 means "no position"
// (for example an error about the file as a whole).
struct SourcePos {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
  friend auto operator<=>(const SourcePos&, const SourcePos&) = default;
};

struct Diagnostic {
  SourcePos pos;
  std::string message;
  std::string hint;  // e.g. "did you mean `ban_scope`?"; may be empty
  // The text `pos` is in when it is not the file of the Diagnostics that
  // holds it: "<overrides>" for a warning about a parameter that
  // LoadedModel::with_parameters redefined. Empty: that file.
  std::string file;
};

// Collects errors so one pass can report several at once, and warnings:
// what is valid but most likely not what the author meant (an entry never
// read, a share that can leave [0, 1]; docs/language.md, "Warnings").
// Warnings never make a model fail, except under `check --strict`.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void error(SourcePos pos, std::string message, std::string hint = {});
  // An error in another file than this one (a model's data file).
  void error(Diagnostic error);
  void warning(SourcePos pos, std::string message, std::string hint = {});
  void warning(Diagnostic warning);
  // Errors only: loading code compares size() before and after a step to
  // see whether the step failed, which a warning must not change.
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  const std::string& file() const { return file_; }

  // Errors and warnings, one per line, sorted by file (this one first) and position:
  // "FILE:LINE:COL: error: MESSAGE (HINT)", "FILE:LINE:COL: warning: …".
  std::string format() const;
  // The warnings alone, in the same form; with `as_errors` each says
  // "error:" instead (check --strict).
  std::string format_warnings(bool as_errors = false) const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
  std::vector<Diagnostic> warnings_;
};

// Thrown when a model cannot be used; carries every diagnostic found.
class ModelError : public std::runtime_error {
 public:
  explicit ModelError(Diagnostics diagnostics);
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

// Hints ("did you mean …?") are looked for only while a run has found fewer
// errors than this: each one scans every name, and a hostile file can hold a
// million mistakes.
inline constexpr std::size_t kMaxHintedErrors = 100;

// Levenshtein-nearest candidate within a small distance, or "" if none is close.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

// A "did you mean `x`?" hint, or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

// Shortens very long user text (a 1 MB identifier, say) for messages, and
// spells out its control characters as printable_for_message does.
std::string quote_for_message(std::string_view text);

// The noun for a count of things: noun_for(1, "sample") = "sample",
// noun_for(7, "sample") = "samples"; `plural` where adding "s" is wrong
// ("switches"). counted(n, …) is the count and its noun: "1 sample",
// "7 samples", "0 weights". Every count printed with a noun, in messages
// and in results, goes through them.
std::string noun_for(std::uint64_t n, std::string_view singular, std::string_view plural = {});
std::string counted(std::uint64_t n, std::string_view singular, std::string_view plural = {});

// User text whole, with each control character (a line break, a tab, 0x7f)
// spelt `\xNN`, so that it cannot break the one line of a message.
std::string printable_for_message(std::string_view text);

}  // namespace riskcast
