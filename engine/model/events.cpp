// Events: regimes, switches, arrivals and innovations, and their scenario
// overrides.
#include "model_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "riskcast/random.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast::model_reading {

// Reads an event; with `base` set, the entry is a scenario override and
// keys not given keep the base event's values.
std::optional<Event> ModelReader::event(const std::string& name, const Entry& entry, const Event* base) {
  Event ev;
  if (base) ev = *base;
  ev.name = name;
  ev.pos = position(entry.key);
  const std::string context = base ? fmt::format("override of event `{}`", name) : fmt::format("event `{}`", name);
  if (!entry.value.IsMap()) {
    d_.error(position(entry.value), fmt::format("{} must be a mapping, not {}", context, yaml_kind_name(entry.value)));
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
      d_.error(position(entry.key), fmt::format("{} needs `kind:` (regime, switch, arrivals or innovation)", context));
      return std::nullopt;
    }
    kind = k.IsScalar() ? k.Scalar() : "";
    const std::vector<std::string> kinds = {"regime", "switch", "arrivals", "innovation"};
    if (!contains(kinds, kind)) {
      const std::string hint = did_you_mean(kind, kinds);
      d_.error(position(k), fmt::format("unknown event kind `{}`", quote_for_message(kind)),
               hint.empty() ? "expected regime, switch, arrivals or innovation" : hint);
      return std::nullopt;
    }
  }
  std::vector<std::string> allowed;
  if (!base)
    allowed = {"kind", "over", "unit", "source", "note"};
  else
    allowed = {"source", "note"};
  if (kind == "regime") {
    allowed.insert(allowed.end(), {"states", "initial", "transitions"});
    if (base) allowed = {"initial", "transitions", "fix", "source", "note"};
  } else if (kind == "switch") {
    allowed.insert(allowed.end(), {"initial", "on", "off"});
    if (base) allowed.insert(allowed.end(), {"fix", "on_from"});
  } else if (kind == "arrivals") {
    allowed.insert(allowed.end(), {"rate", "size"});
  } else {
    allowed.insert(allowed.end(), {"dist"});
  }
  auto keys = mapping(entry.value, allowed, context);
  // A scenario's mapping by element may leave elements out: for them the
  // key keeps the model's value.
  const std::vector<std::string>* states =
      kind == "regime" && base ? &std::get<Regime>(base->definition).states : nullptr;
  if (base) std::erase_if(keys, [&](const auto& key) { return !gives_element(key.second.value, states); });
  metadata(keys, ev.metadata);
  const std::size_t errors_before = d_.size();
  if (kind == "regime")
    regime(ev, keys, context, base != nullptr);
  else if (kind == "switch")
    switch_event(ev, keys, context, base != nullptr);
  else if (kind == "arrivals")
    arrivals(ev, keys, context, base != nullptr);
  else
    innovation(ev, keys, context, base != nullptr);
  if (d_.size() != errors_before) return std::nullopt;
  return ev;
}

void ModelReader::regime(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override) {
  if (!is_override) ev.definition = Regime{};
  Regime& r = std::get<Regime>(ev.definition);
  if (!is_override) {
    auto it = keys.find("states");
    if (it == keys.end()) {
      d_.error(ev.pos, fmt::format("{} needs `states:`, a list of at least two state names", context));
      return;
    }
    if (!it->second.value.IsSequence() || it->second.value.size() < 2) {
      d_.error(position(it->second.value),
               fmt::format("`states:` of {} must be a list of at least two state names", context));
      return;
    }
    if (it->second.value.size() > kMaxStates) {
      d_.error(position(it->second.value),
               fmt::format("{} has {} states; at most {} are allowed", context, it->second.value.size(), kMaxStates));
      return;
    }
    // Every bad state is reported; the regime is not read further if any is.
    const std::size_t errors_before = d_.size();
    for (const YAML::Node& s : it->second.value) {
      if (!s.IsScalar() || !is_identifier(s.Scalar())) {
        d_.error(position(s), "a state name must be a plain name (letters, digits and _)");
      } else if (std::string hint = reserved_hint(s.Scalar()); !hint.empty()) {
        d_.error(position(s), fmt::format("`{}` is a reserved word and cannot name a state of {}", s.Scalar(), context),
                 std::move(hint));
      } else if (std::find(r.states.begin(), r.states.end(), s.Scalar()) != r.states.end()) {
        d_.error(position(s), fmt::format("duplicate state `{}` in {}", s.Scalar(), context));
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
    d_.error(position(key),
             fmt::format("`{}` is not a state of regime `{}` (states: {})", quote_for_message(s), ev.name,
                         fmt::join(r.states, ", ")),
             hint_for(s, r.states));
    return std::nullopt;
  };
  if (auto it = keys.find("initial"); it != keys.end()) {
    std::vector<double> initial(r.states.size(), 0.0);
    const std::size_t errors_before = d_.size();
    const std::string what = fmt::format("initial probabilities of {}", context);
    const std::optional<YAML::Node> given = for_element(it->second.value, what, &r.states);
    if (!given) return;
    auto entries = mapping(*given, r.states, what);
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
      d_.error(position(*given), fmt::format("initial probabilities of {} sum to {:.12g}, not 1", context, total));
    }
    r.initial = initial;
  } else if (!is_override) {
    d_.error(ev.pos, fmt::format("{} needs `initial:` probabilities for its states", context));
  }
  if (auto it = keys.find("transitions"); it != keys.end()) {
    const std::string what = fmt::format("transitions of {}", context);
    const std::optional<YAML::Node> given = for_element(it->second.value, what, &r.states);
    if (!given) return;
    auto rows = mapping(*given, r.states, what);
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
          d_.error(position(cell.key), fmt::format("no transition from `{}` to itself may be given", from_name),
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
        d_.error(position(row.value), fmt::format("transition probabilities out of `{}` sum to {:.12g}, more than 1",
                                                  from_name, constant_total));
      }
      r.transitions[*from] = std::move(probabilities);
    }
  }
  if (auto it = keys.find("fix"); it != keys.end()) {
    const std::optional<YAML::Node> given = for_element(it->second.value, "`fix:`");
    if (!given) return;
    if (std::optional<std::size_t> i = state_index(*given)) r.fixed_state = static_cast<std::uint32_t>(*i);
  }
}

void ModelReader::switch_event(Event& ev, std::map<std::string, Entry>& keys, const std::string& context,
                               bool is_override) {
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
    d_.error(position(on_from->second.key), "give either `fix:` or `on_from:`, not both");
    return;
  }
  if (fix != keys.end()) {
    const std::optional<YAML::Node> given = for_element(fix->second.value, "`fix:`");
    if (!given) return;
    const YAML::Node& v = *given;
    std::string state = v.IsScalar() ? v.Scalar() : "";
    if (state == "on" || state == "true")
      s.fixed_on_from = 1;
    else if (state == "off" || state == "false")
      s.fixed_on_from = Switch::kNever;
    else
      d_.error(position(v), fmt::format("`fix:` of a switch is `on` or `off`, got `{}`", quote_for_message(state)));
  }
  if (on_from != keys.end()) {
    if (auto m = whole_number(on_from->second.value, "on_from (a month)", 1, horizon_))
      s.fixed_on_from = static_cast<std::uint32_t>(*m);
  }
}

void ModelReader::arrivals(Event& ev, std::map<std::string, Entry>& keys, const std::string& context,
                           bool is_override) {
  if (!is_override) ev.definition = Arrivals{};
  Arrivals& a = std::get<Arrivals>(ev.definition);
  if (auto it = keys.find("rate"); it != keys.end()) {
    if (std::optional<Expr> e = formula(it->second.value, "arrival rate")) {
      if (auto v = constant_value(*e); v && (!std::isfinite(*v) || *v < 0.0)) {
        d_.error(text_position(it->second.value), fmt::format("arrival rate must be a finite number >= 0, got {}", *v));
      } else if (v && *v > kMaxConstantArrivalRate) {
        d_.error(text_position(it->second.value),
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

void ModelReader::innovation(Event& ev, std::map<std::string, Entry>& keys, const std::string& context,
                             bool is_override) {
  if (!is_override) ev.definition = Innovation{};
  auto it = keys.find("dist");
  if (it == keys.end()) {
    if (!is_override)
      d_.error(ev.pos, fmt::format("{} needs `dist:` (the distribution drawn afresh every month, e.g. "
                                   "`normal(0, 0.02)`)",
                                   context));
    return;
  }
  std::optional<Expr> e =
      formula(it->second.value, fmt::format("`dist:` of {}", context), "a number or a distribution");
  if (!e) return;
  if (std::optional<Innovation> law = innovation_law(*e)) ev.definition = std::move(*law);
}

// A distribution call whose arguments may be formulas. A call with constant
// arguments only (and discrete, cumulative, mixture, whose lists are
// numbers) is read and prepared as a parameter's; otherwise each constant
// argument is checked against the limits it has on its own (normal's sd > 0),
// and the rest wait for the run.
std::optional<Innovation> ModelReader::innovation_law(const Expr& e) {
  if (std::optional<double> v = constant_value(e)) {
    if (!std::isfinite(*v)) {
      d_.error(e.pos, fmt::format("an innovation's constant value must be a finite number, got {}", *v));
      return std::nullopt;
    }
    return Innovation{Distribution::constant(*v, e.pos), {}};
  }
  if (e.kind != ExprKind::Call) {
    d_.error(e.pos, "expected a number or a distribution such as `normal(0, 0.02)`",
             "a formula cannot be drawn from; to scale or shift the draws, give the distribution formula arguments, "
             "`normal(mu, sigma * 2)`, or do it in a monthly formula, `sigma * shock`");
    return std::nullopt;
  }
  const DistributionSignature* sig = nullptr;
  for (const auto& s : distribution_signatures())
    if (s.name == e.name) sig = &s;
  const bool constant_arguments =
      std::all_of(e.operands.begin(), e.operands.end(), [](const Expr& a) { return constant_value(a).has_value(); });
  if (!sig || e.operands.size() != sig->arity || takes_lists(sig->kind) || constant_arguments) {
    std::optional<Distribution> law = distribution_from(e);
    if (!law) return std::nullopt;
    return Innovation{std::move(*law), {}};
  }
  std::vector<std::string_view> names;
  for (std::string_view rest = sig->argument_names; !rest.empty();) {
    const std::size_t comma = rest.find(", ");
    names.push_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
  }
  Innovation innovation;
  innovation.law.kind = sig->kind;
  innovation.law.pos = e.pos;
  bool ok = true;
  for (std::size_t i = 0; i < e.operands.size(); ++i) {
    const Expr& argument = e.operands[i];
    const std::optional<double> v = constant_value(argument);
    innovation.law.args.push_back(v.value_or(0.0));
    innovation.arguments.push_back(v ? Expr::make_number(*v, argument.pos) : argument);
    if (!v) continue;
    if (const std::string requirement = argument_requirement(sig->kind, i, *v); !requirement.empty()) {
      d_.error(argument.pos, fmt::format("{}({}) needs {} {}, got {} = {}", sig->name, sig->argument_names, names[i],
                                         requirement, names[i], *v));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return innovation;
}

}  // namespace riskcast::model_reading
