// YAML → model IR. Every node keeps its position; every problem found is
// reported, and loading goes on where it can so one run shows many errors.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "riskcast/count.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/random.hpp"
#include "riskcast/source_text.hpp"
#include "riskcast/warnings.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast {
namespace {

// Most states a regime may have: its transition matrix has one formula per
// pair of states.
constexpr std::size_t kMaxStates = 256;

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// The hint for a reserved word (builtins.hpp) used as a name, or "" for a
// free name. No name a formula can see (an entry, a regime state) may be one.
std::string reserved_hint(std::string_view name) {
  const std::optional<std::string_view> meaning = reserved_word_meaning(name);
  if (!meaning) return {};
  return fmt::format("`{}` is {} in formulas; choose another name, e.g. `{}_`", name, *meaning, name);
}

// Open brackets a formula's text leaves unclosed.
int unclosed_brackets(std::string_view text) {
  int open = 0;
  for (char c : text) open += (c == '(' || c == '[') - (c == ')' || c == ']');
  return open;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Text that is meant as one number rather than a formula: digits, `.`, `_`
// and an exponent (12, 1_200, 1e3, 12.0, -1).
bool looks_like_number(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool sign_of_exponent = (c == '+' || c == '-') && i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E');
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != 'e' && c != 'E' &&
        !sign_of_exponent)
      return false;
  }
  return true;
}

// YAML's spellings of infinity and not-a-number (`.nan`, `-.inf`, …).
bool is_special_float(std::string_view s) {
  s = trimmed(s);
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  for (std::string_view word : {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"})
    if (s == word) return true;
  return false;
}

struct Entry {
  YAML::Node key;
  YAML::Node value;
};

// The keys of each part of a model file.
const std::vector<std::string> kTopLevelKeys = {"model",  "title",   "description", "horizon",  "parameters",
                                                "events", "monthly", "outputs",     "scenarios"};
const std::vector<std::string> kParameterKeys = {"dist", "unit", "source", "note"};
const std::vector<std::string> kFormulaKeys = {"formula", "unit", "source", "note"};
const std::vector<std::string> kScenarioKeys = {"description", "parameters", "events"};
// Every key any event may have (each kind allows some of them).
const std::vector<std::string> kEventKeys = {"kind", "unit", "source", "note", "states", "initial", "transitions",
                                             "on",   "off",  "rate",   "size", "fix",    "on_from"};

bool contains(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

class Loader {
 public:
  Loader(Diagnostics& diagnostics, std::string_view text) : d_(diagnostics), source_(text) {}

  // A distribution written outside a file (engine/api/overrides.cpp), read
  // exactly as a parameter's `dist:` is.
  std::optional<Distribution> standalone_distribution(const Expr& e) { return distribution_from(e); }

  Model load(const YAML::Node& root, const std::string& file) {
    Model model;
    model.file = file;
    model.name = std::filesystem::path(file).stem().string();
    if (!root.IsMap()) {
      d_.error(position_of(root).line ? position_of(root) : SourcePos{1, 1},
               fmt::format("a model is a mapping of sections (horizon, parameters, …), not {}", yaml_kind_name(root)));
      return model;
    }
    auto top = mapping(root, kTopLevelKeys, "model");
    if (auto it = top.find("model"); it != top.end()) model.name = identifier_text(it->second.value, "model name");
    if (auto it = top.find("title"); it != top.end()) model.title = text(it->second.value, "title");
    if (auto it = top.find("description"); it != top.end()) model.description = text(it->second.value, "description");
    if (auto it = top.find("horizon"); it != top.end()) {
      model.horizon = horizon(it->second.value);
    }
    horizon_ = model.horizon;
    // The names of every parameter, event and monthly formula, as written,
    // before any is read: a distribution may name one defined after it.
    for (const char* section : {"parameters", "events", "monthly"}) {
      if (auto it = top.find(section); it != top.end() && it->second.value.IsMap())
        for (auto e = it->second.value.begin(); e != it->second.value.end(); ++e)
          if (e->first.IsScalar()) entry_names_.insert(e->first.Scalar());
    }
    if (auto it = top.find("parameters"); it != top.end()) {
      for (auto& [name, entry] : named_entries(it->second.value, "parameters", kParameterKeys)) {
        if (auto p = parameter(name, entry))
          model.parameters.push_back(std::move(*p));
        else
          broken_names_.insert(name);
      }
    }
    if (auto it = top.find("events"); it != top.end()) {
      for (auto& [name, entry] : named_entries(it->second.value, "events", kEventKeys)) {
        if (auto e = event(name, entry, nullptr))
          model.events.push_back(std::move(*e));
        else
          broken_names_.insert(name);
      }
    }
    if (auto it = top.find("monthly"); it != top.end()) {
      for (auto& [name, entry] : named_entries(it->second.value, "monthly", kFormulaKeys)) {
        MonthlyFormula f;
        f.name = name;
        f.pos = position_of(entry.key);
        if (formula_entry(entry, fmt::format("monthly formula `{}`", name), f.formula, f.metadata))
          model.monthly.push_back(std::move(f));
      }
    }
    if (auto it = top.find("outputs"); it != top.end()) {
      for (auto& [name, entry] : named_entries(it->second.value, "outputs", kFormulaKeys)) {
        Output o;
        o.name = name;
        o.pos = position_of(entry.key);
        if (formula_entry(entry, fmt::format("output `{}`", name), o.formula, o.metadata))
          model.outputs.push_back(std::move(o));
      }
      if (it->second.value.IsNull() || (it->second.value.IsMap() && it->second.value.size() == 0))
        d_.error(position_of(it->second.key), "`outputs:` is empty; nothing would be reported");
    }
    check_unique_names(model);
    if (auto it = top.find("scenarios"); it != top.end()) {
      for (auto& [name, entry] : named_entries(it->second.value, "scenarios", kScenarioKeys))
        if (auto s = scenario(name, entry, model)) model.scenarios.push_back(std::move(*s));
    }
    // An `outputs:` indented under another section has been reported there.
    if (!top.count("outputs") && !misplaced_sections_.count("outputs"))
      d_.error({1, 1}, "the model has no `outputs:` section; nothing would be reported");
    if (!model.find_scenario("base")) {
      Scenario base;
      base.name = "base";
      base.description = "the model as written";
      model.scenarios.insert(model.scenarios.begin(), std::move(base));
    } else {
      // `base` is listed first whatever its place in the file.
      std::stable_partition(model.scenarios.begin(), model.scenarios.end(),
                            [](const Scenario& s) { return s.name == "base"; });
    }
    return model;
  }

 private:
  // A mapping's entries by key, reporting duplicates, unknown keys and
  // non-string keys. yaml-cpp keeps duplicate keys silently; we do not.
  std::map<std::string, Entry> mapping(const YAML::Node& node, const std::vector<std::string>& allowed,
                                       std::string_view context) {
    std::map<std::string, Entry> out;
    if (!node.IsMap()) {
      d_.error(position_of(node), fmt::format("{} must be a mapping of keys, not {}", context, yaml_kind_name(node)));
      return out;
    }
    std::optional<CutFormula> cut;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      if (cut_piece(node, key, it->second, cut)) continue;
      if (!key.IsScalar()) {
        d_.error(position_of(key), fmt::format("keys in {} must be plain names", context));
        continue;
      }
      const std::string& k = key.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string hint = hint_for(k, allowed);
        if (context != "model" && contains(kTopLevelKeys, k)) {
          // A section indented under another one.
          misplaced_sections_.insert(k);
          hint = fmt::format("`{}` is a top-level section: start it in column 1, not indented under {}", k, context);
        } else if (hint.empty() && it->second.IsMap() && hints_wanted()) {
          hint = fmt::format("if `{}` is meant as an entry of its own, it is indented one level too deep",
                             quote_for_message(k));
        }
        d_.error(position_of(key), fmt::format("unknown key `{}` in {}", quote_for_message(k), context),
                 std::move(hint));
        continue;
      }
      if (out.count(k)) {
        d_.error(position_of(key), fmt::format("duplicate key `{}` in {}", k, context),
                 fmt::format("first given at line {}", position_of(out[k].key).line));
        continue;
      }
      note_value(key, it->second);
      out[k] = Entry{key, it->second};
    }
    report_cut(cut);
    return out;
  }

  // Named entries of a section, in file order, with duplicate and bad names
  // reported. `entry_keys` are the keys an entry of the section may have:
  // one of them as an entry's name is most likely a key indented too little.
  std::vector<std::pair<std::string, Entry>> named_entries(const YAML::Node& node, std::string_view section,
                                                           const std::vector<std::string>& entry_keys) {
    std::vector<std::pair<std::string, Entry>> out;
    if (node.IsNull()) return out;
    if (!node.IsMap()) {
      d_.error(position_of(node),
               fmt::format("`{}` must be a mapping of names, not {}", section, yaml_kind_name(node)));
      return out;
    }
    std::map<std::string, SourcePos> seen;
    std::optional<CutFormula> cut;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      if (cut_piece(node, key, it->second, cut)) continue;
      if (!key.IsScalar() || !is_identifier(key.Scalar())) {
        d_.error(position_of(key),
                 fmt::format("`{}` is not a valid name in {} (letters, digits and _, not starting with a digit)",
                             key.IsScalar() ? quote_for_message(key.Scalar()) : "?", section));
        continue;
      }
      const std::string& name = key.Scalar();
      if (std::string hint = reserved_hint(name); !hint.empty()) {
        d_.error(position_of(key), fmt::format("`{}` is a reserved word and cannot name an entry in {}", name, section),
                 std::move(hint));
        continue;
      }
      if (auto s = seen.find(name); s != seen.end()) {
        d_.error(position_of(key), fmt::format("duplicate name `{}` in {}", name, section),
                 fmt::format("first defined at line {}", s->second.line));
        continue;
      }
      if (misindented(section, entry_keys, key, it->second, out.empty() ? nullptr : &out.back().second)) continue;
      seen[name] = position_of(key);
      note_value(key, it->second);
      out.emplace_back(name, Entry{key, it->second});
    }
    report_cut(cut);
    return out;
  }

  // Whether a mapping holds only keys from `keys`.
  static bool keys_within(const YAML::Node& map, const std::vector<std::string>& keys) {
    for (auto it = map.begin(); it != map.end(); ++it)
      if (!it->first.IsScalar() || !contains(keys, it->first.Scalar())) return false;
    return true;
  }

  // Indentation mistakes that make a key an entry of a section: a top-level
  // section indented under another (an error, and the entry is skipped,
  // when it cannot be an entry: its value is empty or a mapping of keys no
  // entry has), or a key of the entry above indented too little (a
  // warning: `unit` may also be a name).
  bool misindented(std::string_view section, const std::vector<std::string>& entry_keys, const YAML::Node& key,
                   const YAML::Node& value, const Entry* previous) {
    const std::string& name = key.Scalar();
    if (contains(kTopLevelKeys, name)) {
      if (value.IsNull() || (value.IsMap() && !keys_within(value, entry_keys))) {
        misplaced_sections_.insert(name);
        d_.error(position_of(key),
                 fmt::format("`{}` is indented into {}, so it is an entry there, not the `{}:` section", name, section,
                             name),
                 "top-level sections start in column 1");
        return true;
      }
      if (value.IsScalar())
        d_.warning(position_of(key), fmt::format("`{}` is an entry in {} here", name, section),
                   fmt::format("if it is the model's `{}:`, start it in column 1", name));
      return false;
    }
    if (previous && previous->value.IsMap() && contains(entry_keys, name) &&
        !(value.IsMap() && keys_within(value, entry_keys)))
      d_.warning(position_of(key),
                 fmt::format("`{}` is a new entry in {} here, not a key of `{}`", name, section,
                             quote_for_message(previous->key.Scalar())),
                 fmt::format("if it belongs to `{0}`, indent it like `{0}`'s other keys",
                             quote_for_message(previous->key.Scalar())));
    return false;
  }

  // A formula in a flow mapping without quotes is cut at its commas:
  // `{p: uniform(0.1, 0.2)}` reads as `p: uniform(0.1` and a key `0.2)`
  // with no value. Followed entry by entry through one mapping.
  struct CutFormula {
    std::string owner;       // the key whose value was cut
    YAML::Node value;        // the first piece
    int open = 0;            // brackets the pieces so far leave open
    std::size_t pieces = 0;  // after the first
    std::string text;        // the pieces so far, joined again by ", ", while short enough to show
  };
  // Longest formula a hint quotes in full.
  static constexpr std::size_t kShownFormula = 40;

  // Whether this entry is a piece cut off the formula before it (to be
  // skipped: the cut is reported once, at the formula); starts following a
  // value that leaves brackets open.
  bool cut_piece(const YAML::Node& map, const YAML::Node& key, const YAML::Node& value,
                 std::optional<CutFormula>& cut) {
    if (cut && key.IsScalar() && value.IsNull()) {
      ++cut->pieces;
      cut->open += unclosed_brackets(key.Scalar());
      if (cut->text.size() <= kShownFormula) cut->text += ", " + key.Scalar();
      if (cut->open <= 0) report_cut(cut);
      return true;
    }
    report_cut(cut);
    if (map.Style() == YAML::EmitterStyle::Flow && key.IsScalar() && value.IsScalar() &&
        unclosed_brackets(value.Scalar()) > 0 && !is_quoted(value)) {
      cut = CutFormula{key.Scalar(), value, unclosed_brackets(value.Scalar()), 0,
                       value.Scalar().size() <= kShownFormula ? value.Scalar() : std::string{}};
      const YAML::Mark m = value.Mark();
      cut_values_.emplace(m.line, m.column);
    }
    return false;
  }

  void report_cut(std::optional<CutFormula>& cut) {
    if (!cut) return;
    const YAML::Mark m = cut->value.Mark();
    if (cut->pieces == 0) {
      // No piece followed: an unclosed bracket, which the formula parser reports.
      cut_values_.erase({m.line, m.column});
    } else {
      const bool whole = cut->open == 0 && !cut->text.empty() && cut->text.size() <= kShownFormula;
      d_.error(text_position_of(cut->value),
               fmt::format("the formula of `{}` is cut at a comma: YAML reads `{}` as its value and the rest as keys "
                           "of their own",
                           quote_for_message(cut->owner), quote_for_message(cut->value.Scalar())),
               fmt::format(
                   "inside `{{…}}` a comma ends an entry: quote the formula{} or write the mapping in block "
                   "style",
                   whole ? fmt::format(", `{}: \"{}\"`,", quote_for_message(cut->owner), quote_for_message(cut->text))
                         : ""));
    }
    cut.reset();
  }

  static bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

  void check_unique_names(const Model& model) {
    std::map<std::string, std::pair<std::string_view, SourcePos>> seen;
    auto add = [&](const std::string& name, std::string_view what, SourcePos pos) {
      auto [it, fresh] = seen.emplace(name, std::make_pair(what, pos));
      if (!fresh)
        d_.error(
            pos,
            fmt::format("`{}` is already defined as {} at line {}", name, it->second.first, it->second.second.line),
            "every parameter, event, monthly formula and output needs its own name");
    };
    for (const auto& p : model.parameters) add(p.name, "a parameter", p.pos);
    for (const auto& e : model.events) add(e.name, "an event", e.pos);
    for (const auto& m : model.monthly) add(m.name, "a monthly formula", m.pos);
    for (const auto& o : model.outputs) add(o.name, "an output", o.pos);
  }

  std::string text(const YAML::Node& node, std::string_view what) {
    if (!node.IsScalar()) {
      d_.error(position_of(node), fmt::format("{} must be text, not {}", what, yaml_kind_name(node)));
      return {};
    }
    return node.Scalar();
  }

  std::string identifier_text(const YAML::Node& node, std::string_view what) {
    std::string s = text(node, what);
    if (!s.empty() && !is_identifier(s) && s.find_first_of(" \t\n/\\") != std::string::npos)
      d_.error(position_of(node), fmt::format("{} `{}` may not contain spaces or slashes", what, quote_for_message(s)));
    return s;
  }

  std::optional<Expr> formula(const YAML::Node& node, std::string_view what, std::string_view expected = "a formula") {
    // A formula cut at a comma has been reported as such.
    if (node.IsScalar() && cut_values_.count({node.Mark().line, node.Mark().column})) return std::nullopt;
    if (!node.IsScalar()) {
      d_.error(position_of(node), fmt::format("{} must be {}, not {}", what, expected, yaml_kind_name(node)));
      return std::nullopt;
    }
    if (is_special_float(node.Scalar())) {
      d_.error(text_position_of(node),
               fmt::format("{} is `{}`, not a finite number", what, quote_for_message(trimmed(node.Scalar()))));
      return std::nullopt;
    }
    return parse_expression(node.Scalar(), source_.scalar_positions(node), d_);
  }

  std::optional<double> number(const YAML::Node& node, std::string_view what) {
    std::optional<Expr> e = formula(node, what);
    if (!e) return std::nullopt;
    std::optional<double> v = constant_value(*e);
    if (!v) {
      d_.error(text_position_of(node), fmt::format("{} must be a number", what));
      return std::nullopt;
    }
    if (!std::isfinite(*v)) {
      d_.error(text_position_of(node), fmt::format("{} is not a finite number", what));
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> probability(const YAML::Node& node, std::string_view what) {
    std::optional<double> v = number(node, what);
    if (v && (*v < 0.0 || *v > 1.0)) {
      d_.error(text_position_of(node), fmt::format("{} must be a probability in [0, 1], got {}", what, *v));
      return std::nullopt;
    }
    return v;
  }

  // A probability formula: a constant must lie in [0, 1]; a formula is
  // checked as it is evaluated.
  std::optional<Expr> probability_formula(const YAML::Node& node, std::string_view what) {
    std::optional<Expr> e = formula(node, what);
    if (!e) return std::nullopt;
    if (std::optional<double> v = constant_value(*e)) {
      if (!std::isfinite(*v) || *v < 0.0 || *v > 1.0) {
        d_.error(text_position_of(node), fmt::format("{} must be a probability in [0, 1], got {}", what, *v));
        return std::nullopt;
      }
      return Expr::make_number(*v, e->pos);
    }
    return e;
  }

  // A whole-number setting: a number written as on the command line (12,
  // 1_200, 1e3, 12.0), read exactly (count.hpp), or a constant formula
  // (6 * 2) whose value is whole.
  std::optional<std::uint64_t> whole_number(const YAML::Node& node, std::string_view what, std::uint64_t lo,
                                            std::uint64_t hi) {
    const std::string_view expected = "must be a whole number";
    if (node.IsScalar() && looks_like_number(trimmed(node.Scalar()))) {
      std::string problem;
      if (auto n = parse_whole_number(trimmed(node.Scalar()), lo, hi, &problem)) return n;
      d_.error(text_position_of(node), fmt::format("{} {} from {} to {}; `{}` {}", what, expected, lo, hi,
                                                   quote_for_message(trimmed(node.Scalar())), problem));
      return std::nullopt;
    }
    std::optional<double> v = number(node, what);
    if (!v) return std::nullopt;
    if (*v < static_cast<double>(lo) || *v > static_cast<double>(hi) || std::floor(*v) != *v) {
      d_.error(text_position_of(node), fmt::format("{} {} from {} to {}, got {}", what, expected, lo, hi, *v));
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(*v);
  }

  std::uint32_t horizon(const YAML::Node& node) {
    const std::optional<std::uint64_t> months = whole_number(node, "horizon (months)", 1, kMaxHorizon);
    return months ? static_cast<std::uint32_t>(*months) : 12;
  }

  std::optional<Distribution> distribution(const YAML::Node& node, std::string_view what) {
    std::optional<Expr> e = formula(node, what, "a number or a distribution");
    if (!e) return std::nullopt;
    if (std::optional<double> v = constant_value(*e); v && !std::isfinite(*v)) {
      d_.error(text_position_of(node), fmt::format("{} must be a finite number, got {}", what, *v));
      return std::nullopt;
    }
    return distribution_from(*e);
  }

  std::optional<Distribution> distribution_from(const Expr& e) {
    if (std::optional<double> v = constant_value(e)) {
      if (!std::isfinite(*v)) {
        d_.error(e.pos, "a constant parameter must be a finite number");
        return std::nullopt;
      }
      return Distribution::constant(*v, e.pos);
    }
    std::vector<std::string> names;
    for (const auto& s : distribution_signatures()) names.emplace_back(s.name);
    if (e.kind != ExprKind::Call) {
      std::string hint = e.kind == ExprKind::Name ? hint_for(e.name, names) : std::string{};
      if (hint.empty()) hint = dependence_hint(e);
      d_.error(e.pos, "expected a number or a distribution such as `uniform(0, 1)`", std::move(hint));
      return std::nullopt;
    }
    const DistributionSignature* sig = nullptr;
    for (const auto& s : distribution_signatures())
      if (s.name == e.name) sig = &s;
    if (!sig) {
      std::string hint = hint_for(e.name, names);
      if (hint.empty() && hints_wanted()) hint = fmt::format("known: {}", fmt::join(names, ", "));
      d_.error(e.pos, fmt::format("unknown distribution `{}`", quote_for_message(e.name)), hint);
      return std::nullopt;
    }
    if (e.operands.size() != sig->arity) {
      d_.error(e.pos, fmt::format("{} takes {} argument{} ({}), got {}", sig->name, sig->arity,
                                  sig->arity == 1 ? "" : "s", sig->argument_names, e.operands.size()));
      return std::nullopt;
    }
    if (takes_lists(sig->kind))
      return distribution_from_lists(e, *sig, d_, [this](const Expr& item) { return distribution_from(item); });
    Distribution dist;
    dist.kind = sig->kind;
    dist.pos = e.pos;
    for (const Expr& arg : e.operands) {
      std::optional<double> v = constant_value(arg);
      if (!v) {
        d_.error(arg.pos, fmt::format("arguments of {} must be numbers", sig->name), dependence_hint(arg));
        return std::nullopt;
      }
      dist.args.push_back(*v);
    }
    return prepare_distribution(std::move(dist), d_);
  }

  // A distribution written in terms of another entry (`uniform(0, q)`,
  // `q * 2`): say how dependence is written. "" if `e` names no entry.
  std::string dependence_hint(const Expr& e) const {
    std::string name;
    for_each_node(e, [&](const Expr& node) {
      if (name.empty() && node.kind == ExprKind::Name && entry_names_.count(node.name)) name = node.name;
    });
    if (name.empty()) return {};
    return fmt::format(
        "a parameter is drawn on its own, before month 1, from numbers only; to make a value depend on `{0}`, draw "
        "the independent part as a parameter and combine the two in a monthly formula, e.g. `{0} * factor`",
        quote_for_message(name));
  }

  void metadata(const std::map<std::string, Entry>& keys, Metadata& meta) {
    if (auto it = keys.find("unit"); it != keys.end()) meta.unit = text(it->second.value, "unit");
    if (auto it = keys.find("source"); it != keys.end()) meta.source = text(it->second.value, "source");
    if (auto it = keys.find("note"); it != keys.end()) meta.note = text(it->second.value, "note");
  }

  std::optional<Parameter> parameter(const std::string& name, const Entry& entry) {
    Parameter p;
    p.name = name;
    p.pos = position_of(entry.key);
    if (entry.value.IsMap()) {
      auto keys = mapping(entry.value, kParameterKeys, fmt::format("parameter `{}`", name));
      metadata(keys, p.metadata);
      auto it = keys.find("dist");
      if (it == keys.end()) {
        d_.error(position_of(entry.key),
                 fmt::format("parameter `{}` needs `dist:` (a number or a distribution)", name));
        return std::nullopt;
      }
      std::optional<Distribution> dist = distribution(it->second.value, fmt::format("`dist:` of parameter `{}`", name));
      if (!dist) return std::nullopt;
      p.distribution = std::move(*dist);
      return p;
    }
    std::optional<Distribution> dist = distribution(entry.value, fmt::format("parameter `{}`", name));
    if (!dist) return std::nullopt;
    p.distribution = std::move(*dist);
    return p;
  }

  bool formula_entry(const Entry& entry, std::string_view what, Expr& out, Metadata& meta) {
    const YAML::Node& node = entry.value;
    if (node.IsMap()) {
      auto keys = mapping(node, kFormulaKeys, std::string(what));
      metadata(keys, meta);
      auto it = keys.find("formula");
      if (it == keys.end()) {
        d_.error(position_of(entry.key), fmt::format("{} needs `formula:`", what));
        return false;
      }
      std::optional<Expr> e = formula(it->second.value, what);
      if (!e) return false;
      out = std::move(*e);
      return true;
    }
    std::optional<Expr> e = formula(node, what);
    if (!e) return false;
    out = std::move(*e);
    return true;
  }

  // Reads an event; with `base` set, the entry is a scenario override and
  // keys not given keep the base event's values.
  std::optional<Event> event(const std::string& name, const Entry& entry, const Event* base) {
    Event ev;
    if (base) ev = *base;
    ev.name = name;
    ev.pos = position_of(entry.key);
    const std::string context = base ? fmt::format("override of event `{}`", name) : fmt::format("event `{}`", name);
    if (!entry.value.IsMap()) {
      d_.error(position_of(entry.value),
               fmt::format("{} must be a mapping, not {}", context, yaml_kind_name(entry.value)));
      return std::nullopt;
    }
    std::string kind;
    if (base) {
      kind = std::string(to_string(base->kind()));
    } else {
      YAML::Node k;
      bool has_kind = false;
      for (auto it = entry.value.begin(); it != entry.value.end() && !has_kind; ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == "kind") {
          note_value(it->first, it->second);
          k = it->second;
          has_kind = true;
        }
      }
      if (!has_kind) {
        d_.error(position_of(entry.key), fmt::format("{} needs `kind:` (regime, switch or arrivals)", context));
        return std::nullopt;
      }
      kind = k.IsScalar() ? k.Scalar() : "";
      if (kind != "regime" && kind != "switch" && kind != "arrivals") {
        d_.error(position_of(k), fmt::format("unknown event kind `{}`", quote_for_message(kind)),
                 did_you_mean(kind, {"regime", "switch", "arrivals"}).empty()
                     ? "expected regime, switch or arrivals"
                     : did_you_mean(kind, {"regime", "switch", "arrivals"}));
        return std::nullopt;
      }
    }
    std::vector<std::string> allowed;
    if (!base)
      allowed = {"kind", "unit", "source", "note"};
    else
      allowed = {"source", "note"};
    if (kind == "regime") {
      allowed.insert(allowed.end(), {"states", "initial", "transitions"});
      if (base) allowed = {"initial", "transitions", "fix", "source", "note"};
    } else if (kind == "switch") {
      allowed.insert(allowed.end(), {"initial", "on", "off"});
      if (base) allowed.insert(allowed.end(), {"fix", "on_from"});
    } else {
      allowed.insert(allowed.end(), {"rate", "size"});
    }
    auto keys = mapping(entry.value, allowed, context);
    metadata(keys, ev.metadata);
    const std::size_t errors_before = d_.size();
    if (kind == "regime")
      regime(ev, keys, context, base != nullptr);
    else if (kind == "switch")
      switch_event(ev, keys, context, base != nullptr);
    else
      arrivals(ev, keys, context, base != nullptr);
    if (d_.size() != errors_before) return std::nullopt;
    return ev;
  }

  void regime(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override) {
    if (!is_override) ev.definition = Regime{};
    Regime& r = std::get<Regime>(ev.definition);
    if (!is_override) {
      auto it = keys.find("states");
      if (it == keys.end()) {
        d_.error(ev.pos, fmt::format("{} needs `states:`, a list of at least two state names", context));
        return;
      }
      if (!it->second.value.IsSequence() || it->second.value.size() < 2) {
        d_.error(position_of(it->second.value),
                 fmt::format("`states:` of {} must be a list of at least two state names", context));
        return;
      }
      if (it->second.value.size() > kMaxStates) {
        d_.error(position_of(it->second.value),
                 fmt::format("{} has {} states; at most {} are allowed", context, it->second.value.size(), kMaxStates));
        return;
      }
      // Every bad state is reported; the regime is not read further if any is.
      const std::size_t errors_before = d_.size();
      for (const YAML::Node& s : it->second.value) {
        if (!s.IsScalar() || !is_identifier(s.Scalar())) {
          d_.error(position_of(s), "a state name must be a plain name (letters, digits and _)");
        } else if (std::string hint = reserved_hint(s.Scalar()); !hint.empty()) {
          d_.error(position_of(s),
                   fmt::format("`{}` is a reserved word and cannot name a state of {}", s.Scalar(), context),
                   std::move(hint));
        } else if (std::find(r.states.begin(), r.states.end(), s.Scalar()) != r.states.end()) {
          d_.error(position_of(s), fmt::format("duplicate state `{}` in {}", s.Scalar(), context));
        } else {
          r.states.push_back(s.Scalar());
        }
      }
      if (d_.size() != errors_before) return;
      r.initial.assign(r.states.size(), 0.0);
      r.transitions.assign(r.states.size(), std::vector<std::optional<Expr>>(r.states.size()));
    }
    auto state_index = [&](const YAML::Node& key) -> std::optional<std::size_t> {
      const std::string s = key.IsScalar() ? key.Scalar() : "";
      for (std::size_t i = 0; i < r.states.size(); ++i)
        if (r.states[i] == s) return i;
      d_.error(position_of(key),
               fmt::format("`{}` is not a state of regime `{}` (states: {})", quote_for_message(s), ev.name,
                           fmt::join(r.states, ", ")),
               hint_for(s, r.states));
      return std::nullopt;
    };
    if (auto it = keys.find("initial"); it != keys.end()) {
      std::vector<double> initial(r.states.size(), 0.0);
      const std::size_t errors_before = d_.size();
      auto entries = mapping(it->second.value, r.states, fmt::format("initial probabilities of {}", context));
      double total = 0.0;
      bool ok = d_.size() == errors_before;
      for (auto& [state, e] : entries) {
        std::optional<std::size_t> i = state_index(e.key);
        std::optional<double> p = probability(e.value, fmt::format("initial probability of `{}`", state));
        if (!i || !p) {
          ok = false;
          continue;
        }
        initial[*i] = *p;
        total += *p;
      }
      if (ok && std::fabs(total - 1.0) > kProbabilitySumTolerance) {
        d_.error(position_of(it->second.value),
                 fmt::format("initial probabilities of {} sum to {:.12g}, not 1", context, total));
      }
      r.initial = initial;
    } else if (!is_override) {
      d_.error(ev.pos, fmt::format("{} needs `initial:` probabilities for its states", context));
    }
    if (auto it = keys.find("transitions"); it != keys.end()) {
      auto rows = mapping(it->second.value, r.states, fmt::format("transitions of {}", context));
      for (auto& [from_name, row] : rows) {
        std::optional<std::size_t> from = state_index(row.key);
        if (!from) continue;
        std::vector<std::optional<Expr>> probabilities(r.states.size());
        auto cells = mapping(row.value, r.states, fmt::format("transitions from `{}`", from_name));
        double constant_total = 0.0;
        for (auto& [to_name, cell] : cells) {
          std::optional<std::size_t> to = state_index(cell.key);
          if (!to) continue;
          if (*to == *from) {
            d_.error(position_of(cell.key), fmt::format("no transition from `{}` to itself may be given", from_name),
                     "staying has the probability the row leaves over");
            continue;
          }
          probabilities[*to] =
              probability_formula(cell.value, fmt::format("transition probability {} → {}", from_name, to_name));
          if (probabilities[*to]) {
            if (auto v = constant_value(*probabilities[*to])) constant_total += *v;
          }
        }
        if (constant_total > 1.0 + kProbabilitySumTolerance) {
          d_.error(position_of(row.value),
                   fmt::format("transition probabilities out of `{}` sum to {:.12g}, more than 1", from_name,
                               constant_total));
        }
        r.transitions[*from] = std::move(probabilities);
      }
    }
    if (auto it = keys.find("fix"); it != keys.end()) {
      if (std::optional<std::size_t> i = state_index(it->second.value)) r.fixed_state = static_cast<std::uint32_t>(*i);
    }
  }

  void switch_event(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override) {
    if (!is_override) ev.definition = Switch{};
    Switch& s = std::get<Switch>(ev.definition);
    if (auto it = keys.find("initial"); it != keys.end()) {
      if (auto p = probability(it->second.value, "initial probability of being on")) s.initial = *p;
    }
    if (auto it = keys.find("on"); it != keys.end()) {
      if (auto e = probability_formula(it->second.value, "hazard of turning on")) s.on_hazard = std::move(*e);
    } else if (!is_override) {
      d_.error(ev.pos, fmt::format("{} needs `on:` (its monthly hazard of turning on)", context));
    }
    if (auto it = keys.find("off"); it != keys.end()) {
      if (auto e = probability_formula(it->second.value, "hazard of turning off")) s.off_hazard = std::move(*e);
    }
    auto fix = keys.find("fix");
    auto on_from = keys.find("on_from");
    if (fix != keys.end() && on_from != keys.end()) {
      d_.error(position_of(on_from->second.key), "give either `fix:` or `on_from:`, not both");
      return;
    }
    if (fix != keys.end()) {
      const YAML::Node& v = fix->second.value;
      std::string state = v.IsScalar() ? v.Scalar() : "";
      if (state == "on" || state == "true")
        s.fixed_on_from = 1;
      else if (state == "off" || state == "false")
        s.fixed_on_from = Switch::kNever;
      else
        d_.error(position_of(v),
                 fmt::format("`fix:` of a switch is `on` or `off`, got `{}`", quote_for_message(state)));
    }
    if (on_from != keys.end()) {
      if (auto m = whole_number(on_from->second.value, "on_from (a month)", 1, horizon_))
        s.fixed_on_from = static_cast<std::uint32_t>(*m);
    }
  }

  void arrivals(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override) {
    if (!is_override) ev.definition = Arrivals{};
    Arrivals& a = std::get<Arrivals>(ev.definition);
    if (auto it = keys.find("rate"); it != keys.end()) {
      if (std::optional<Expr> e = formula(it->second.value, "arrival rate")) {
        if (auto v = constant_value(*e); v && (!std::isfinite(*v) || *v < 0.0)) {
          d_.error(text_position_of(it->second.value),
                   fmt::format("arrival rate must be a finite number >= 0, got {}", *v));
        } else if (v && *v > kMaxConstantArrivalRate) {
          d_.error(text_position_of(it->second.value),
                   fmt::format("arrival rate must be at most {} bursts a month, got {}: a month holds at most {} "
                               "bursts, and a higher rate draws more with probability above 1.8e-15 a month",
                               kMaxConstantArrivalRate, *v, kMaxBurstsPerMonth - 1));
        } else {
          a.rate = std::move(*e);
        }
      }
    } else if (!is_override) {
      d_.error(ev.pos, fmt::format("{} needs `rate:` (expected bursts per month)", context));
    }
    if (auto it = keys.find("size"); it != keys.end()) {
      if (auto dist = distribution(it->second.value, fmt::format("`size:` of {}", context))) a.size = std::move(*dist);
    } else if (!is_override) {
      d_.error(ev.pos, fmt::format("{} needs `size:` (the distribution of one burst's size)", context));
    }
  }

  std::optional<Scenario> scenario(const std::string& name, const Entry& entry, const Model& model) {
    Scenario s;
    s.name = name;
    s.pos = position_of(entry.key);
    if (entry.value.IsNull()) return s;
    auto keys = mapping(entry.value, kScenarioKeys, fmt::format("scenario `{}`", name));
    if (auto it = keys.find("description"); it != keys.end()) s.description = text(it->second.value, "description");
    if (scenario_names_.parameters.empty() && scenario_names_.events.empty()) {
      for (const auto& p : model.parameters) scenario_names_.parameters.push_back(p.name);
      for (const auto& e : model.events) scenario_names_.events.push_back(e.name);
      for (std::size_t i = 0; i < model.parameters.size(); ++i)
        scenario_names_.parameter_index.emplace(model.parameters[i].name, i);
      for (std::size_t i = 0; i < model.events.size(); ++i)
        scenario_names_.event_index.emplace(model.events[i].name, i);
    }
    const auto& names = scenario_names_;
    if (auto it = keys.find("parameters"); it != keys.end()) {
      for (auto& [pname, pentry] :
           named_entries(it->second.value, fmt::format("parameters of scenario `{}`", name), kParameterKeys)) {
        auto found = names.parameter_index.find(pname);
        if (found == names.parameter_index.end()) {
          // A parameter whose own definition failed has been reported already.
          if (!broken_names_.count(pname))
            d_.error(position_of(pentry.key),
                     fmt::format("scenario `{}` overrides `{}`, which is not a parameter", name, pname),
                     hint_for(pname, names.parameters));
          continue;
        }
        const Parameter* base = &model.parameters[found->second];
        if (auto p = parameter(pname, pentry)) {
          Metadata merged = base->metadata;
          if (!p->metadata.unit.empty()) merged.unit = p->metadata.unit;
          if (!p->metadata.source.empty()) merged.source = p->metadata.source;
          if (!p->metadata.note.empty()) merged.note = p->metadata.note;
          p->metadata = merged;
          s.parameters.push_back(std::move(*p));
        }
      }
    }
    if (auto it = keys.find("events"); it != keys.end()) {
      for (auto& [ename, eentry] :
           named_entries(it->second.value, fmt::format("events of scenario `{}`", name), kEventKeys)) {
        auto found = names.event_index.find(ename);
        if (found == names.event_index.end()) {
          if (!broken_names_.count(ename))
            d_.error(position_of(eentry.key),
                     fmt::format("scenario `{}` overrides `{}`, which is not an event", name, ename),
                     hint_for(ename, names.events));
          continue;
        }
        if (auto e = event(ename, eentry, &model.events[found->second])) s.events.push_back(std::move(*e));
      }
    }
    return s;
  }

  // Where a node is. A null (`key:` with nothing after it) carries the mark
  // of whatever token follows it, often on a later line: report it at its key.
  SourcePos position_of(const YAML::Node& node) const {
    if (node.IsNull()) {
      const YAML::Mark m = node.Mark();
      if (auto it = null_keys_.find({m.line, m.column}); it != null_keys_.end()) return it->second;
    }
    return yaml_position(node);
  }

  void note_value(const YAML::Node& key, const YAML::Node& value) {
    if (value.IsNull()) {
      const YAML::Mark m = value.Mark();
      null_keys_.emplace(std::make_pair(m.line, m.column), yaml_position(key));
    }
  }

  // Where the text of a scalar starts (after a quote, past leading blanks).
  SourcePos text_position_of(const YAML::Node& node) const {
    if (!node.IsScalar()) return position_of(node);
    const std::string& text = node.Scalar();
    std::size_t first = 0;
    while (first < text.size() && is_blank(text[first])) ++first;
    return source_.scalar_positions(node)(first);
  }

  // Gives hints ("did you mean …?") only while errors are few: each costs a
  // scan of every name, and a hostile file can hold a million mistakes.
  bool hints_wanted() const { return d_.size() < kMaxHintedErrors; }
  std::string hint_for(std::string_view name, const std::vector<std::string>& candidates) const {
    return hints_wanted() ? did_you_mean(name, candidates) : std::string{};
  }

  struct ScenarioNames {
    std::vector<std::string> parameters, events;
    std::map<std::string, std::size_t, std::less<>> parameter_index, event_index;
  };

  Diagnostics& d_;
  SourceText source_;
  ScenarioNames scenario_names_;
  std::set<std::string, std::less<>> broken_names_;  // entries whose definition failed
  std::map<std::pair<int, int>, SourcePos> null_keys_;
  std::set<std::pair<int, int>> cut_values_;        // marks of formulas cut at a comma
  std::set<std::string> misplaced_sections_;        // top-level sections found indented under another
  std::set<std::string, std::less<>> entry_names_;  // parameters, events, monthly formulas as written
  std::uint32_t horizon_ = 12;
};

}  // namespace

Model load_model_text(std::string_view text, const std::string& file, Diagnostics* warnings) {
  Diagnostics diagnostics(file);
  if (text.size() > kMaxModelBytes) {
    diagnostics.error({}, fmt::format("the model is larger than {} MiB", kMaxModelBytes >> 20));
    throw ModelError(std::move(diagnostics));
  }
  const std::optional<YAML::Node> root = parse_yaml_text(text, "model file", diagnostics);
  if (!root) throw ModelError(std::move(diagnostics));
  if (!*root || root->IsNull()) {
    diagnostics.error({1, 1}, "the model file is empty (no YAML content, only blanks or comments)");
    throw ModelError(std::move(diagnostics));
  }
  // yaml-cpp skips a byte-order mark without counting it in columns; so do we.
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  Loader loader(diagnostics, text);
  Model model = loader.load(*root, file);
  if (diagnostics.empty()) resolve_model(model, diagnostics);
  if (!diagnostics.empty()) throw ModelError(std::move(diagnostics));
  warn_about_model(model, diagnostics);
  if (warnings) *warnings = std::move(diagnostics);
  return model;
}

std::optional<Distribution> parse_distribution(std::string_view text, SourcePos start, Diagnostics& diagnostics) {
  std::optional<Expr> e = parse_expression(text, start, diagnostics);
  if (!e) return std::nullopt;
  Loader loader(diagnostics, text);
  return loader.standalone_distribution(*e);
}

Model load_model_file(const std::string& path, Diagnostics* warnings) {
  Diagnostics diagnostics(path);
  std::optional<std::string> text = read_input_file(path, "model file", kMaxModelBytes, diagnostics);
  if (!text) throw ModelError(std::move(diagnostics));
  return load_model_text(*text, path, warnings);
}

}  // namespace riskcast
