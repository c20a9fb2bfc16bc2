// Reading the parsed YAML of an input file (a model, a batch file) into
// checked values: keyed mappings and typed scalars, every problem reported
// with its position, and reading going on so one pass shows them all.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riskcast/diagnostics.hpp"
#include "riskcast/source_text.hpp"

namespace riskcast {

// One `key: value` of a mapping.
struct YamlEntry {
  YAML::Node key;
  YAML::Node value;
};

// A mapping's entries by key.
using YamlMapping = std::map<std::string, YamlEntry>;

// What one kind of file adds to reading a mapping (the model file: formulas
// cut at a comma, sections indented under another). The defaults add nothing.
class MappingHooks {
 public:
  virtual ~MappingHooks() = default;
  // Called first for each entry of the mapping, in file order: true skips
  // the entry without any check (it is a piece of an entry before it).
  virtual bool skip_entry(const YAML::Node& key, const YAML::Node& value);
  // The hint for an unknown key, given the did-you-mean one ("" if none is close).
  virtual std::string unknown_key_hint(const std::string& key, const YAML::Node& value, std::string hint);
  // Called after the last entry.
  virtual void end();
};

class YamlReader;

// A value in a flow mapping is cut at each comma it holds: inside `{…}` a
// comma ends an entry, so `{p: uniform(0.1, 0.2)}` reads as `p: uniform(0.1`
// and a key `0.2)` with no value, and `{share: 1,000}` as `share: 1` and a
// key `000`. Followed entry by entry through one mapping (as its hooks), the
// pieces are skipped and the cut reported once, at the value:
//   SUBJECT is cut at a comma: YAML reads `uniform(0.1` as its value and the
//   rest as keys of their own
//   (hint: inside `{…}` a comma ends an entry: quote the NOUN,
//   `p: "uniform(0.1, 0.2)"`, or write the mapping in block style)
// with SUBJECT `subject` with the key for {} ("the formula of `p`").
// Cut::Formula: a value with an unclosed bracket is cut, and its pieces end
// where the brackets close; Cut::Value: any unquoted value followed by keys
// without values is, and they are its pieces.
class CommaCutWatch : public MappingHooks {
 public:
  enum class Cut { Formula, Value };
  CommaCutWatch(YamlReader& reader, const YAML::Node& map, Cut cut, std::string subject, std::string noun);
  bool skip_entry(const YAML::Node& key, const YAML::Node& value) override;
  // Reports the cut value being followed, if any.
  void end() override;

 protected:
  // A value is being followed as possibly cut; no piece followed it after all.
  virtual void following(const YAML::Node& value);
  virtual void not_cut(const YAML::Node& value);

 private:
  struct Followed {
    std::string owner;       // the key whose value was cut
    YAML::Node value;        // the first piece
    int open = 0;            // brackets the pieces so far leave open (Cut::Formula)
    std::size_t pieces = 0;  // after the first
    std::string text;        // the pieces so far, joined again by ", ", while short enough to show
  };

  YamlReader& reader_;
  YAML::Node map_;
  Cut cut_;
  std::string subject_, noun_;
  std::optional<Followed> followed_;
};

class YamlReader {
 public:
  // `text` is the file's text as yaml-cpp read it (no byte-order mark); it
  // must outlive the reader.
  YamlReader(Diagnostics& diagnostics, std::string_view text);

  Diagnostics& diagnostics() const { return d_; }
  const SourceText& source() const { return source_; }

  // Where a node is, 1:1 when yaml-cpp does not say. An empty value
  // (`seed:` with nothing after it) has no place of its own: yaml-cpp marks
  // it where the next token starts, often on a later line, so it is reported
  // at `owner` (the key or list it belongs to) when given, else at the key
  // whose value `mapping` read it as.
  SourcePos position(const YAML::Node& node, const YAML::Node& owner = YAML::Node()) const;
  // Where the text of a scalar starts (after a quote, past leading blanks).
  SourcePos text_position(const YAML::Node& node) const;
  // Records that an empty `value` is reported at `key` (mapping does this for its entries).
  void note_value(const YAML::Node& key, const YAML::Node& value);

  // Hints ("did you mean …?") are given only while errors are few: each
  // costs a scan of every name, and a hostile file can hold a million mistakes.
  bool hints_wanted() const { return d_.size() < kMaxHintedErrors; }
  std::string hint_for(std::string_view name, const std::vector<std::string>& candidates) const;

  // A mapping's entries by key, reporting a node that is not a mapping
  // ("`context` must be a mapping of keys"), keys that are not text,
  // unknown keys (with a did-you-mean hint) and duplicate keys, which
  // yaml-cpp keeps silently. `context` names the mapping ("a run").
  YamlMapping mapping(const YAML::Node& node, const std::vector<std::string>& allowed, std::string_view context,
                      MappingHooks* hooks = nullptr);

  // A single value as text: "`what` must be `expected`, not a list"
  // otherwise, and "`what` must not be empty" for "" unless `may_be_empty`.
  // Positions as `position(value, owner)`.
  std::optional<std::string> text(const YAML::Node& value, std::string_view what,
                                  const YAML::Node& owner = YAML::Node(), std::string_view expected = "text",
                                  bool may_be_empty = true);

  // A whole number from `lo` to `hi` written as on the command line (1e6,
  // 1_000_000, 12.0), read exactly (count.hpp).
  std::optional<std::uint64_t> whole_count(const YAML::Node& value, const YAML::Node& owner, std::string_view what,
                                           std::uint64_t lo, std::uint64_t hi);

  // A list of non-empty single values, each with its position. `example`
  // shows the form ("[json, csv]"); an empty list is an error unless
  // `may_be_empty` ("`what` is empty; `empty_advice`").
  std::optional<std::vector<std::pair<std::string, SourcePos>>> text_list(const YAML::Node& value,
                                                                          const YAML::Node& owner,
                                                                          std::string_view what,
                                                                          std::string_view example, bool may_be_empty,
                                                                          std::string_view empty_advice = {});

 private:
  Diagnostics& d_;
  SourceText source_;
  // The key of each empty value `mapping` read, by the value's mark.
  std::map<std::pair<int, int>, SourcePos> empty_values_;
};

}  // namespace riskcast
