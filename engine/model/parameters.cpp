// Parameters and their distributions.
#include "model_reader.hpp"

#include <fmt/format.h>

#include <cmath>

namespace riskcast::model_reading {

std::optional<Distribution> ModelReader::distribution(const YAML::Node& raw, std::string_view what) {
  const std::optional<YAML::Node> chosen = for_element(raw, what);
  if (!chosen) return std::nullopt;
  const YAML::Node& node = *chosen;
  std::optional<Expr> e = formula(node, what, "a number or a distribution");
  if (!e) return std::nullopt;
  if (std::optional<double> v = constant_value(*e); v && !std::isfinite(*v)) {
    d_.error(text_position(node), fmt::format("{} must be a finite number, got {}", what, *v));
    return std::nullopt;
  }
  return distribution_from(*e);
}

std::optional<Distribution> ModelReader::distribution_from(const Expr& e) {
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
    d_.error(e.pos, fmt::format("{} takes {} ({}), got {}", sig->name, counted(sig->arity, "argument"),
                                sig->argument_names, e.operands.size()));
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
std::string ModelReader::dependence_hint(const Expr& e) const {
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

std::optional<Parameter> ModelReader::parameter(const std::string& name, const Entry& entry) {
  Parameter p;
  p.name = name;
  p.pos = position(entry.key);
  if (entry.value.IsMap() && !element_keyed(entry.value, kParameterKeys)) {
    auto keys = mapping(entry.value, kParameterKeys, fmt::format("parameter `{}`", name));
    metadata(keys, p.metadata);
    auto it = keys.find("dist");
    if (it == keys.end()) {
      d_.error(position(entry.key), fmt::format("parameter `{}` needs `dist:` (a number or a distribution)", name));
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

}  // namespace riskcast::model_reading
