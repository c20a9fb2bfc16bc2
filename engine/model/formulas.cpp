// Formula-valued reads of a model file: formulas, numbers, probabilities and
// whole numbers written as formulas; monthly formulas and outputs; metadata.
#include "model_reader.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <type_traits>

#include "riskcast/count.hpp"
#include "riskcast/riskcast.hpp"  // kMaxHorizon
#include "riskcast/yaml_text.hpp"

namespace riskcast::model_reading {
namespace {

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

}  // namespace

std::string ModelReader::text(const YAML::Node& node, std::string_view what) {
  return YamlReader::text(node, what).value_or(std::string{});
}

std::string ModelReader::identifier_text(const YAML::Node& node, std::string_view what) {
  std::string s = text(node, what);
  if (!s.empty() && !is_identifier(s) && s.find_first_of(" \t\n/\\") != std::string::npos)
    d_.error(position(node), fmt::format("{} `{}` may not contain spaces or slashes", what, quote_for_message(s)));
  return s;
}

std::optional<Expr> ModelReader::formula(const YAML::Node& raw, std::string_view what, std::string_view expected) {
  const std::optional<YAML::Node> chosen = for_element(raw, what);
  if (!chosen) return std::nullopt;
  const YAML::Node& node = *chosen;
  // A formula cut at a comma has been reported as such.
  if (node.IsScalar() && cut_values_.count({node.Mark().line, node.Mark().column})) return std::nullopt;
  if (!node.IsScalar()) {
    d_.error(position(node), fmt::format("{} must be {}, not {}", what, expected, yaml_kind_name(node)));
    return std::nullopt;
  }
  if (is_special_float(node.Scalar())) {
    d_.error(text_position(node),
             fmt::format("{} is `{}`, not a finite number", what, quote_for_message(trimmed(node.Scalar()))));
    return std::nullopt;
  }
  std::optional<Expr> e = parse_expression(node.Scalar(), source().scalar_positions(node), d_);
  if (e && !expand_indexes(*e)) return std::nullopt;
  return e;
}

std::optional<double> ModelReader::number(const YAML::Node& raw, std::string_view what) {
  const std::optional<YAML::Node> chosen = for_element(raw, what);
  if (!chosen) return std::nullopt;
  const YAML::Node& node = *chosen;
  std::optional<Expr> e = formula(node, what);
  if (!e) return std::nullopt;
  std::optional<double> v = constant_value(*e);
  if (!v) {
    d_.error(text_position(node), fmt::format("{} must be a number", what));
    return std::nullopt;
  }
  if (!std::isfinite(*v)) {
    d_.error(text_position(node), fmt::format("{} is not a finite number", what));
    return std::nullopt;
  }
  return v;
}

std::optional<double> ModelReader::probability(const YAML::Node& raw, std::string_view what) {
  const std::optional<YAML::Node> chosen = for_element(raw, what);
  if (!chosen) return std::nullopt;
  const YAML::Node& node = *chosen;
  std::optional<double> v = number(node, what);
  if (v && (*v < 0.0 || *v > 1.0)) {
    d_.error(text_position(node), fmt::format("{} must be a probability in [0, 1], got {}", what, *v));
    return std::nullopt;
  }
  return v;
}

// A probability formula: a constant must lie in [0, 1]; a formula is
// checked as it is evaluated.
std::optional<Expr> ModelReader::probability_formula(const YAML::Node& raw, std::string_view what) {
  const std::optional<YAML::Node> chosen = for_element(raw, what);
  if (!chosen) return std::nullopt;
  const YAML::Node& node = *chosen;
  std::optional<Expr> e = formula(node, what);
  if (!e) return std::nullopt;
  if (std::optional<double> v = constant_value(*e)) {
    if (!std::isfinite(*v) || *v < 0.0 || *v > 1.0) {
      d_.error(text_position(node), fmt::format("{} must be a probability in [0, 1], got {}", what, *v));
      return std::nullopt;
    }
    return Expr::make_number(*v, e->pos);
  }
  return e;
}

// A whole-number setting: a number written as on the command line (12,
// 1_200, 1e3, 12.0), read exactly (count.hpp), or a constant formula
// (6 * 2) whose value is whole.
std::optional<std::uint64_t> ModelReader::whole_number(const YAML::Node& raw, std::string_view what, std::uint64_t lo,
                                                       std::uint64_t hi) {
  const std::optional<YAML::Node> chosen = for_element(raw, what);
  if (!chosen) return std::nullopt;
  const YAML::Node& node = *chosen;
  const std::string_view expected = "must be a whole number";
  if (node.IsScalar() && looks_like_number(trimmed(node.Scalar()))) {
    std::string problem;
    if (auto n = parse_whole_number(trimmed(node.Scalar()), lo, hi, &problem)) return n;
    d_.error(text_position(node), fmt::format("{} {} from {} to {}; `{}` {}", what, expected, lo, hi,
                                              quote_for_message(trimmed(node.Scalar())), problem));
    return std::nullopt;
  }
  std::optional<double> v = number(node, what);
  if (!v) return std::nullopt;
  if (*v < static_cast<double>(lo) || *v > static_cast<double>(hi) || std::floor(*v) != *v) {
    d_.error(text_position(node), fmt::format("{} {} from {} to {}, got {}", what, expected, lo, hi, *v));
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*v);
}

std::uint32_t ModelReader::horizon(const YAML::Node& node) {
  const std::optional<std::uint64_t> months = whole_number(node, "horizon (months)", 1, kMaxHorizon);
  return months ? static_cast<std::uint32_t>(*months) : 12;
}

void ModelReader::metadata(const std::map<std::string, Entry>& keys, Metadata& meta) {
  if (auto it = keys.find("unit"); it != keys.end()) meta.unit = text(it->second.value, "unit");
  if (auto it = keys.find("source"); it != keys.end()) meta.source = text(it->second.value, "source");
  if (auto it = keys.find("note"); it != keys.end()) meta.note = text(it->second.value, "note");
}

// An output's `kind:` (metadata.hpp); nullopt, with the error, for a kind
// there is not.
std::optional<OutputKind> ModelReader::output_kind(const YAML::Node& node, std::string_view what) {
  const std::string text = node.IsScalar() ? std::string(trimmed(node.Scalar())) : std::string{};
  if (std::optional<OutputKind> kind = parse_output_kind(text)) return kind;
  const std::vector<std::string> kinds = {"value", "probability"};
  const std::string hint = did_you_mean(text, kinds);
  d_.error(text_position(node), fmt::format("unknown kind `{}` of {}", quote_for_message(text), what),
           hint.empty() ? "an output is a `value` (the default) or a `probability` (0 or 1 in every sample)" : hint);
  return std::nullopt;
}

bool ModelReader::formula_entry(const Entry& entry, std::string_view what, const std::vector<std::string>& allowed,
                                Expr& out, Metadata& meta) {
  const YAML::Node& node = entry.value;
  // The formula's node: the entry itself, or the value of its `formula:`,
  // which lives in `keys`.
  const YAML::Node* formula_node = &node;
  std::map<std::string, Entry> keys;
  if (node.IsMap()) {
    keys = mapping(node, allowed, std::string(what));
    metadata(keys, meta);
    bool kind_read = true;
    if (auto it = keys.find("kind"); it != keys.end()) {
      const std::optional<OutputKind> kind = output_kind(it->second.value, what);
      kind_read = kind.has_value();
      meta.kind = kind.value_or(OutputKind::Value);
    }
    auto it = keys.find("formula");
    if (it == keys.end()) {
      d_.error(position(entry.key), fmt::format("{} needs `formula:`", what));
      return false;
    }
    formula_node = &it->second.value;
    if (!kind_read) {
      formula(*formula_node, what);  // still reported, so one check shows every error
      return false;
    }
  }
  std::optional<Expr> e = formula(*formula_node, what);
  if (!e) return false;
  // A probability output must be 0 or 1 in every sample: checked as it is
  // sampled, and here already where the formula is a constant.
  if (meta.kind == OutputKind::Probability)
    if (std::optional<double> v = constant_value(*e); v && *v != 0.0 && *v != 1.0) {
      d_.error(text_position(*formula_node),
               fmt::format("{} is a probability, 0 or 1 in every sample, but its formula is the constant {}", what, *v),
               "a probability output is an indicator, such as `sum(us_export == ban) > 0`; a number between 0 "
               "and 1 is a value: drop `kind: probability`");
      return false;
    }
  out = std::move(*e);
  return true;
}

template <class NamedFormula>
void ModelReader::formula_section(const YAML::Node& node, std::string_view section, std::string_view kind,
                                  std::vector<NamedFormula>& out, std::vector<IndexedEntry>& indexed) {
  // Only an output has a kind.
  constexpr bool output = std::is_same_v<NamedFormula, Output>;
  const std::vector<std::string>& keys = output ? kOutputKeys : kFormulaKeys;
  for (auto& [name, entry] : named_entries(node, section, keys)) {
    if (broken_names_.count(name)) continue;  // its `over:` was wrong
    read_entry(name, entry, &indexed, output, [&](const std::string& flat) {
      NamedFormula f;
      f.name = flat;
      f.pos = position(entry.key);
      if (formula_entry(entry, fmt::format("{} `{}`", kind, flat), keys, f.formula, f.metadata))
        out.push_back(std::move(f));
    });
  }
}

template void ModelReader::formula_section(const YAML::Node&, std::string_view, std::string_view,
                                           std::vector<MonthlyFormula>&, std::vector<IndexedEntry>&);
template void ModelReader::formula_section(const YAML::Node&, std::string_view, std::string_view, std::vector<Output>&,
                                           std::vector<IndexedEntry>&);

}  // namespace riskcast::model_reading
