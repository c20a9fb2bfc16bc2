#include "riskcast/assumptions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "riskcast/report.hpp"

namespace riskcast {

namespace {

std::string number(double v) {
  return fmt::format("{:g}", v);
}

std::string describe_regime(const Regime& r) {
  if (r.fixed_state)
    return fmt::format("regime ({}); fixed: {} every month", fmt::join(r.states, ", "), r.states[*r.fixed_state]);
  std::vector<std::string> initial, moves;
  for (std::size_t i = 0; i < r.states.size(); ++i) {
    if (r.initial[i] > 0) initial.push_back(fmt::format("{} {}", r.states[i], number(r.initial[i])));
    if (i >= r.transitions.size()) continue;
    for (std::size_t j = 0; j < r.transitions[i].size(); ++j)
      if (r.transitions[i][j])
        moves.push_back(fmt::format("{}→{} {}", r.states[i], r.states[j], to_string(*r.transitions[i][j])));
  }
  std::string text = fmt::format("regime ({}); initial {}", fmt::join(r.states, ", "), fmt::join(initial, ", "));
  if (!moves.empty()) text += fmt::format("; monthly {}", fmt::join(moves, ", "));
  return text;
}

std::string describe_switch(const Switch& s) {
  if (s.fixed_on_from) {
    if (*s.fixed_on_from == Switch::kNever) return "switch; fixed: off every month";
    if (*s.fixed_on_from <= 1) return "switch; fixed: on every month";
    return fmt::format("switch; off in months 1–{}, on from month {}", *s.fixed_on_from - 1, *s.fixed_on_from);
  }
  std::string text = fmt::format("switch; initial {}; on {}", number(s.initial), to_string(s.on_hazard));
  const std::string off = to_string(s.off_hazard);
  if (off != "0") text += fmt::format("; off {}", off);
  return text;
}

AssumptionRow event_row(const Event& e) {
  AssumptionRow row{e.name, "", false, 0, 0, 0, e.metadata.unit, e.metadata.source, e.metadata.note, false, "", ""};
  if (const auto* r = std::get_if<Regime>(&e.definition)) row.definition = describe_regime(*r);
  if (const auto* s = std::get_if<Switch>(&e.definition)) row.definition = describe_switch(*s);
  if (const auto* a = std::get_if<Arrivals>(&e.definition)) {
    row.definition = fmt::format("arrivals; rate {} / month; burst size {}", to_string(a->rate), a->size.to_string());
    row.has_numbers = true;
    row.median = a->size.quantile(0.5);
    row.p5 = a->size.quantile(0.05);
    row.p95 = a->size.quantile(0.95);
  }
  if (const auto* innovation = std::get_if<Innovation>(&e.definition)) {
    row.definition = fmt::format("innovation; every month {}", innovation->to_string());
    // Quantiles of one month's draw, where the arguments are known.
    if (!innovation->has_formulas()) {
      row.has_numbers = true;
      row.median = innovation->law.quantile(0.5);
      row.p5 = innovation->law.quantile(0.05);
      row.p95 = innovation->law.quantile(0.95);
    }
  }
  return row;
}

// Solved forms are shown to 6 significant digits: enough to recognise and
// compare, short enough for a table (Python's Parameter.solved is exact).
constexpr int kSolvedDigits = 6;

AssumptionRow parameter_row(const Parameter& p) {
  const Distribution& d = p.distribution;
  const std::optional<Distribution> solved = d.solved();
  return AssumptionRow{p.name,
                       d.to_string(),
                       true,
                       d.quantile(0.5),
                       d.quantile(0.05),
                       d.quantile(0.95),
                       p.metadata.unit,
                       p.metadata.source,
                       p.metadata.note,
                       false,
                       "",
                       solved ? solved->to_string(kSolvedDigits) : ""};
}

}  // namespace

Assumptions assumptions_of(const Model& model, const Scenario& scenario) {
  const Model applied = apply_scenario(model, scenario);
  Assumptions a{scenario.name, scenario.description, {}, {}, {}, {}, {}};
  for (const DataTable& t : applied.data) {
    const auto [lo, hi] = std::minmax_element(t.values.begin(), t.values.end());
    std::string values = counted(t.values.size(), "value");
    if (lo != t.values.end())
      values += *lo == *hi
                    ? fmt::format(", all {}", format_value(*lo, t.metadata.unit))
                    : fmt::format(", {} – {}", format_value(*lo, t.metadata.unit), format_value(*hi, t.metadata.unit));
    a.data.push_back(
        {t.name, t.file, t.by, t.column, std::move(values), t.metadata.unit, t.metadata.source, t.metadata.note});
  }
  auto overridden = [](const auto& list, const std::string& n) {
    return std::any_of(list.begin(), list.end(), [&](const auto& x) { return x.name == n; });
  };
  for (const Parameter& p : applied.parameters) {
    a.parameters.push_back(parameter_row(p));
    a.parameters.back().overridden = overridden(scenario.parameters, p.name);
  }
  for (const Event& e : applied.events) {
    a.events.push_back(event_row(e));
    a.events.back().overridden = overridden(scenario.events, e.name);
  }
  for (const Output& o : applied.outputs) {
    AssumptionRow row;
    row.name = o.name;
    row.definition = to_string(o.formula);
    row.unit = o.metadata.unit;
    row.source = o.metadata.source;
    row.note = o.metadata.note;
    row.kind = to_string(o.metadata.kind);
    a.outputs.push_back(std::move(row));
  }
  auto set_by_scenario = [&](const ParameterCorrelation& c) {
    return std::any_of(scenario.correlations.begin(), scenario.correlations.end(),
                       [&](const ParameterCorrelation& s) { return s.first == c.first && s.second == c.second; });
  };
  for (const ParameterCorrelation& c : applied.correlations)
    a.correlations.push_back({c.first, c.second, c.rho, set_by_scenario(c)});
  std::map<std::string, std::size_t, std::less<>> order;
  for (std::size_t i = 0; i < applied.parameters.size(); ++i) order.emplace(applied.parameters[i].name, i);
  std::sort(a.correlations.begin(), a.correlations.end(), [&](const CorrelationRow& x, const CorrelationRow& y) {
    return std::pair(order[x.first], order[x.second]) < std::pair(order[y.first], order[y.second]);
  });
  return a;
}

std::string definition_with_solved(const AssumptionRow& row) {
  return row.solved.empty() ? row.definition : fmt::format("{} = {}", row.definition, row.solved);
}

namespace {
std::string source_with_note(const std::string& source, const std::string& note) {
  if (note.empty()) return source;
  if (source.empty()) return "note: " + note;
  return source + " — " + note;
}
}  // namespace

std::string source_with_note(const AssumptionRow& row) {
  return source_with_note(row.source, row.note);
}

std::string source_with_note(const DataRow& row) {
  return source_with_note(row.source, row.note);
}

}  // namespace riskcast
