// The model file's conventions for mappings and named entries on top of the
// shared YAML reading layer: entry names, formulas cut at a comma inside
// `{…}`, and keys or sections indented to the wrong level.
#include "model_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "riskcast/builtins.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast::model_reading {

const std::vector<std::string> kTopLevelKeys = {"model",        "title",      "description", "horizon", "indexes",
                                                "data",         "parameters", "events",      "monthly", "outputs",
                                                "correlations", "scenarios",  "groups"};
const std::vector<std::string> kParameterKeys = {"dist", "over", "unit", "source", "note"};
const std::vector<std::string> kFormulaKeys = {"formula", "over", "unit", "source", "note"};
const std::vector<std::string> kOutputKeys = {"formula", "over", "kind", "unit", "source", "note"};
const std::vector<std::string> kScenarioKeys = {"description", "parameters", "events", "correlations"};
const std::vector<std::string> kEventKeys = {"kind",   "over",    "unit",        "source",  "note",
                                             "states", "initial", "transitions", "on",      "off",
                                             "rate",   "size",    "fix",         "on_from", "dist"};

bool contains(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string reserved_hint(std::string_view name) {
  const std::optional<std::string_view> meaning = reserved_word_meaning(name);
  if (!meaning) return {};
  return fmt::format("`{}` is {} in formulas; choose another name, e.g. `{}_`", name, *meaning, name);
}

namespace {

// Whether a mapping holds only keys from `keys`.
bool keys_within(const YAML::Node& map, const std::vector<std::string>& keys) {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (!it->first.IsScalar() || !contains(keys, it->first.Scalar())) return false;
  return true;
}

}  // namespace

// A formula in a flow mapping without quotes is cut at its commas:
// `{p: uniform(0.1, 0.2)}` reads as `p: uniform(0.1` and a key `0.2)` with
// no value. Followed entry by entry through one mapping, the pieces are
// skipped and the cut reported once, at the formula. For a mapping of keys
// (`context` given) it also explains unknown keys that are misindented.
class ModelReader::CutFormulaWatch : public CommaCutWatch {
 public:
  CutFormulaWatch(ModelReader& reader, const YAML::Node& map, std::string_view context = {})
      : CommaCutWatch(reader, map, Cut::Formula, "the formula of `{}`", "formula"), r_(reader), context_(context) {}

  // A formula followed as cut is not parsed: its report is the cut's.
  void following(const YAML::Node& value) override {
    const YAML::Mark m = value.Mark();
    r_.cut_values_.emplace(m.line, m.column);
  }
  // No piece followed: an unclosed bracket, which the formula parser reports.
  void not_cut(const YAML::Node& value) override {
    const YAML::Mark m = value.Mark();
    r_.cut_values_.erase({m.line, m.column});
  }

  std::string unknown_key_hint(const std::string& key, const YAML::Node& value, std::string hint) override {
    if (context_ != "model" && contains(kTopLevelKeys, key)) {
      // A section indented under another one.
      r_.misplaced_sections_.insert(key);
      return fmt::format("`{}` is a top-level section: start it in column 1, not indented under {}", key, context_);
    }
    if (hint.empty() && value.IsMap() && r_.hints_wanted())
      return fmt::format("if `{}` is meant as an entry of its own, it is indented one level too deep",
                         quote_for_message(key));
    return hint;
  }

 private:
  ModelReader& r_;
  std::string_view context_;
};

std::map<std::string, Entry> ModelReader::mapping(const YAML::Node& node, const std::vector<std::string>& allowed,
                                                  std::string_view context) {
  CutFormulaWatch watch(*this, node, context);
  return YamlReader::mapping(node, allowed, context, &watch);
}

// Named entries of a section, in file order, with duplicate and bad names
// reported. `entry_keys` are the keys an entry of the section may have: one
// of them as an entry's name is most likely a key indented too little.
std::vector<std::pair<std::string, Entry>> ModelReader::named_entries(const YAML::Node& node, std::string_view section,
                                                                      const std::vector<std::string>& entry_keys) {
  std::vector<std::pair<std::string, Entry>> out;
  if (node.IsNull()) return out;
  if (!node.IsMap()) {
    d_.error(position(node), fmt::format("`{}` must be a mapping of names, not {}", section, yaml_kind_name(node)));
    return out;
  }
  std::map<std::string, SourcePos> seen;
  CutFormulaWatch watch(*this, node);
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (watch.skip_entry(key, it->second)) continue;
    if (!key.IsScalar() || !is_identifier(key.Scalar())) {
      d_.error(position(key),
               fmt::format("`{}` is not a valid name in {} (letters, digits and _, not starting with a digit)",
                           key.IsScalar() ? quote_for_message(key.Scalar()) : "?", section));
      continue;
    }
    const std::string& name = key.Scalar();
    if (std::string hint = reserved_hint(name); !hint.empty()) {
      d_.error(position(key), fmt::format("`{}` is a reserved word and cannot name an entry in {}", name, section),
               std::move(hint));
      continue;
    }
    if (auto s = seen.find(name); s != seen.end()) {
      d_.error(position(key), fmt::format("duplicate name `{}` in {}", name, section),
               fmt::format("first defined at line {}", s->second.line));
      continue;
    }
    if (misindented(section, entry_keys, key, it->second, out.empty() ? nullptr : &out.back().second)) continue;
    seen[name] = position(key);
    note_value(key, it->second);
    out.emplace_back(name, Entry{key, it->second});
  }
  watch.end();
  return out;
}

// Indentation mistakes that make a key an entry of a section: a top-level
// section indented under another (an error, and the entry is skipped, when
// it cannot be an entry: its value is empty or a mapping of keys no entry
// has), or a key of the entry above indented too little (a warning: `unit`
// may also be a name).
bool ModelReader::misindented(std::string_view section, const std::vector<std::string>& entry_keys,
                              const YAML::Node& key, const YAML::Node& value, const Entry* previous) {
  const std::string& name = key.Scalar();
  if (contains(kTopLevelKeys, name)) {
    if (value.IsNull() || (value.IsMap() && !keys_within(value, entry_keys))) {
      misplaced_sections_.insert(name);
      d_.error(
          position(key),
          fmt::format("`{}` is indented into {}, so it is an entry there, not the `{}:` section", name, section, name),
          "top-level sections start in column 1");
      return true;
    }
    if (value.IsScalar())
      d_.warning(position(key), fmt::format("`{}` is an entry in {} here", name, section),
                 fmt::format("if it is the model's `{}:`, start it in column 1", name));
    return false;
  }
  if (previous && previous->value.IsMap() && contains(entry_keys, name) &&
      !(value.IsMap() && keys_within(value, entry_keys)))
    d_.warning(position(key),
               fmt::format("`{}` is a new entry in {} here, not a key of `{}`", name, section,
                           quote_for_message(previous->key.Scalar())),
               fmt::format("if it belongs to `{0}`, indent it like `{0}`'s other keys",
                           quote_for_message(previous->key.Scalar())));
  return false;
}

void ModelReader::check_unique_names(const Model& model) {
  std::map<std::string, std::pair<std::string_view, SourcePos>> seen;
  auto add = [&](const std::string& name, std::string_view what, SourcePos pos) {
    auto [it, fresh] = seen.emplace(name, std::make_pair(what, pos));
    if (!fresh)
      d_.error(pos,
               fmt::format("`{}` is already defined as {} at line {}", name, it->second.first, it->second.second.line),
               "every data table, parameter, event, monthly formula and output needs its own name");
  };
  for (const auto& t : model.data) add(t.name, "a data table", t.pos);
  for (const auto& p : model.parameters) add(p.name, "a parameter", p.pos);
  for (const auto& e : model.events) add(e.name, "an event", e.pos);
  for (const auto& m : model.monthly) add(m.name, "a monthly formula", m.pos);
  for (const auto& o : model.outputs) add(o.name, "an output", o.pos);
  for (const auto& index : model.indexes) {
    auto it = seen.find(index.name);
    if (it != seen.end())
      d_.error(
          index.pos,
          fmt::format("index `{}` has the name of {} (line {})", index.name, it->second.first, it->second.second.line),
          "indexes and entries share one namespace: rename one of them");
  }
}

}  // namespace riskcast::model_reading
