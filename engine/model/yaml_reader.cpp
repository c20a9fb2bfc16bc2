// Reading parsed YAML into checked values (yaml_reader.hpp).
#include "riskcast/yaml_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "riskcast/count.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast {

bool MappingHooks::skip_entry(const YAML::Node&, const YAML::Node&) {
  return false;
}

std::string MappingHooks::unknown_key_hint(const std::string&, const YAML::Node&, std::string hint) {
  return hint;
}

void MappingHooks::end() {}

namespace {

// Open brackets a formula's text leaves unclosed.
int unclosed_brackets(std::string_view text) {
  int open = 0;
  for (char c : text) open += (c == '(' || c == '[') - (c == ')' || c == ']');
  return open;
}

bool is_quoted(const YAML::Node& node) {
  return node.Tag() == "!";
}

// Longest value a hint quotes in full.
constexpr std::size_t kShownValue = 40;

}  // namespace

CommaCutWatch::CommaCutWatch(YamlReader& reader, const YAML::Node& map, Cut cut, std::string subject, std::string noun)
    : reader_(reader), map_(map), cut_(cut), subject_(std::move(subject)), noun_(std::move(noun)) {}

void CommaCutWatch::following(const YAML::Node&) {}
void CommaCutWatch::not_cut(const YAML::Node&) {}

bool CommaCutWatch::skip_entry(const YAML::Node& key, const YAML::Node& value) {
  if (followed_ && key.IsScalar() && value.IsNull()) {
    ++followed_->pieces;
    followed_->open += unclosed_brackets(key.Scalar());
    // A formula's arguments are written ", "-separated; the pieces of a
    // value (digits grouped, a list of numbers) are joined as they most
    // likely were, where a blank would change their meaning (split_number_list).
    if (followed_->text.size() <= kShownValue) followed_->text += (cut_ == Cut::Formula ? ", " : ",") + key.Scalar();
    if (cut_ == Cut::Formula && followed_->open <= 0) end();
    return true;
  }
  end();
  if (map_.Style() == YAML::EmitterStyle::Flow && key.IsScalar() && value.IsScalar() && !is_quoted(value) &&
      (cut_ == Cut::Value || unclosed_brackets(value.Scalar()) > 0)) {
    followed_ = Followed{key.Scalar(), value, unclosed_brackets(value.Scalar()), 0,
                         value.Scalar().size() <= kShownValue ? value.Scalar() : std::string{}};
    following(value);
  }
  return false;
}

void CommaCutWatch::end() {
  if (!followed_) return;
  if (followed_->pieces == 0) {
    not_cut(followed_->value);
  } else {
    const bool whole = followed_->open == 0 && !followed_->text.empty() && followed_->text.size() <= kShownValue;
    const std::string owner = quote_for_message(followed_->owner);
    reader_.diagnostics().error(
        reader_.text_position(followed_->value),
        fmt::format("{} is cut at a comma: YAML reads `{}` as its value and the rest as keys of their own",
                    fmt::format(fmt::runtime(subject_), owner), quote_for_message(followed_->value.Scalar())),
        fmt::format("inside `{{…}}` a comma ends an entry: quote the {}{} or write the mapping in block style", noun_,
                    whole ? fmt::format(", `{}: \"{}\"`,", owner, quote_for_message(followed_->text)) : ""));
  }
  followed_.reset();
}

YamlReader::YamlReader(Diagnostics& diagnostics, std::string_view text) : d_(diagnostics), source_(text) {}

SourcePos YamlReader::position(const YAML::Node& node, const YAML::Node& owner) const {
  SourcePos pos = yaml_position(node);
  if (node.IsNull() || pos.line == 0) {
    if (owner.IsDefined() && yaml_position(owner).line != 0) {
      pos = yaml_position(owner);
    } else if (node.IsNull()) {
      const YAML::Mark m = node.Mark();
      if (auto it = empty_values_.find({m.line, m.column}); it != empty_values_.end()) pos = it->second;
    }
  }
  return pos.line == 0 ? SourcePos{1, 1} : pos;
}

SourcePos YamlReader::text_position(const YAML::Node& node) const {
  if (!node.IsScalar()) return position(node);
  const std::string& text = node.Scalar();
  std::size_t first = 0;
  while (first < text.size() && is_blank(text[first])) ++first;
  return source_.scalar_positions(node)(first);
}

void YamlReader::note_value(const YAML::Node& key, const YAML::Node& value) {
  if (value.IsNull()) {
    const YAML::Mark m = value.Mark();
    empty_values_.emplace(std::make_pair(m.line, m.column), yaml_position(key));
  }
}

std::string YamlReader::hint_for(std::string_view name, const std::vector<std::string>& candidates) const {
  return hints_wanted() ? did_you_mean(name, candidates) : std::string{};
}

YamlMapping YamlReader::mapping(const YAML::Node& node, const std::vector<std::string>& allowed,
                                std::string_view context, MappingHooks* hooks) {
  YamlMapping out;
  if (!node.IsMap()) {
    d_.error(position(node), fmt::format("{} must be a mapping of keys, not {}", context, yaml_kind_name(node)));
    return out;
  }
  MappingHooks no_hooks;
  if (!hooks) hooks = &no_hooks;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (hooks->skip_entry(key, it->second)) continue;
    if (!key.IsScalar()) {
      d_.error(position(key), fmt::format("keys in {} must be plain names", context));
      continue;
    }
    const std::string& k = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string hint = hooks->unknown_key_hint(k, it->second, hint_for(k, allowed));
      d_.error(position(key), fmt::format("unknown key `{}` in {}", quote_for_message(k), context), std::move(hint));
      continue;
    }
    if (auto first = out.find(k); first != out.end()) {
      d_.error(position(key), fmt::format("duplicate key `{}` in {}", k, context),
               fmt::format("first given at line {}", position(first->second.key).line));
      continue;
    }
    note_value(key, it->second);
    out.emplace(k, YamlEntry{key, it->second});
  }
  hooks->end();
  return out;
}

std::optional<std::string> YamlReader::text(const YAML::Node& value, std::string_view what, const YAML::Node& owner,
                                            std::string_view expected, bool may_be_empty) {
  if (!value.IsScalar()) {
    d_.error(position(value, owner), fmt::format("{} must be {}, not {}", what, expected, yaml_kind_name(value)));
    return std::nullopt;
  }
  if (value.Scalar().empty() && !may_be_empty) {
    d_.error(position(value, owner), fmt::format("{} must not be empty", what));
    return std::nullopt;
  }
  return value.Scalar();
}

std::optional<std::uint64_t> YamlReader::whole_count(const YAML::Node& value, const YAML::Node& owner,
                                                     std::string_view what, std::uint64_t lo, std::uint64_t hi) {
  if (!value.IsScalar()) {
    d_.error(position(value, owner),
             fmt::format("{} must be a whole number from {} to {}, not {}", what, lo, hi, yaml_kind_name(value)));
    return std::nullopt;
  }
  std::string problem;
  if (auto n = parse_whole_number(value.Scalar(), lo, hi, &problem)) return n;
  d_.error(position(value, owner), fmt::format("{} must be a whole number from {} to {} (1e6, 1_000_000 …); '{}' {}",
                                               what, lo, hi, quote_for_message(value.Scalar()), problem));
  return std::nullopt;
}

std::optional<std::vector<std::pair<std::string, SourcePos>>> YamlReader::text_list(
    const YAML::Node& value, const YAML::Node& owner, std::string_view what, std::string_view example,
    bool may_be_empty, std::string_view empty_advice) {
  if (!value.IsSequence()) {
    d_.error(position(value, owner),
             fmt::format("{} must be a list, e.g. {}, not {}", what, example, yaml_kind_name(value)));
    return std::nullopt;
  }
  if (value.size() == 0 && !may_be_empty) {
    d_.error(position(value, owner), fmt::format("{} is empty; {}", what, empty_advice));
    return std::nullopt;
  }
  std::vector<std::pair<std::string, SourcePos>> out;
  bool ok = true;
  for (const YAML::Node& item : value) {
    if (item.IsScalar() && !item.Scalar().empty()) {
      out.emplace_back(item.Scalar(), position(item, owner));
    } else {
      d_.error(position(item, owner),
               item.IsScalar() ? fmt::format("an empty name in {}", what)
                               : fmt::format("each of {} must be a single value, not {}", what, yaml_kind_name(item)));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace riskcast
