#include "riskcast/model.hpp"

#include "riskcast/index_names.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace riskcast {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::Regime:
      return "regime";
    case EventKind::Switch:
      return "switch";
    case EventKind::Arrivals:
      return "arrivals";
    case EventKind::Innovation:
      return "innovation";
  }
  return "";
}

std::string Innovation::to_string() const {
  if (!has_formulas()) return law.to_string();
  std::vector<std::string> written;
  for (const Expr& a : arguments) written.push_back(riskcast::to_string(a));
  return fmt::format("{}({})", distribution_name(law.kind), fmt::join(written, ", "));
}

std::optional<std::uint32_t> Index::find(std::string_view element) const {
  for (std::uint32_t i = 0; i < elements.size(); ++i)
    if (elements[i] == element) return i;
  return std::nullopt;
}

std::string element_entry_name(std::string_view name, const std::vector<std::string_view>& elements) {
  return fmt::format("{}[{}]", name, fmt::join(elements, ","));
}

const Index* Model::find_index(std::string_view wanted) const {
  for (const Index& index : indexes)
    if (index.name == wanted) return &index;
  return nullptr;
}

std::vector<std::vector<std::uint32_t>> element_combinations(const std::vector<Index>& indexes,
                                                             const std::vector<std::uint32_t>& over) {
  std::vector<std::vector<std::uint32_t>> out;
  std::vector<std::uint32_t> combination(over.size(), 0);
  if (over.empty()) return out;
  while (true) {
    out.push_back(combination);
    // Count up, the last index fastest.
    std::size_t k = over.size();
    while (k > 0) {
      --k;
      if (++combination[k] < indexes[over[k]].elements.size()) break;
      combination[k] = 0;
      if (k == 0) return out;
    }
  }
}

std::string Model::element_entry_name(std::string_view name, const std::vector<std::uint32_t>& over,
                                      const std::vector<std::uint32_t>& combination) const {
  std::vector<std::string_view> elements;
  for (std::size_t k = 0; k < over.size(); ++k) elements.push_back(indexes[over[k]].elements[combination[k]]);
  return riskcast::element_entry_name(name, elements);
}

const Scenario* Model::find_scenario(std::string_view wanted) const {
  for (const Scenario& s : scenarios)
    if (s.name == wanted) return &s;
  return nullptr;
}

std::vector<std::string> Model::scenario_names() const {
  std::vector<std::string> names;
  for (const Scenario& s : scenarios) names.push_back(s.name);
  return names;
}

std::string Model::kind_of_name(std::string_view wanted) const {
  auto named = [&](const auto& items) {
    return std::any_of(items.begin(), items.end(), [&](const auto& item) { return item.name == wanted; });
  };
  if (named(data)) return "a data table";
  if (named(parameters)) return "a parameter";
  if (named(events)) return "an event";
  if (named(monthly)) return "a monthly formula";
  if (named(outputs)) return "an output";
  return "";
}

std::string over_index_hint(const Model& model, std::string_view wanted) {
  const auto entry =
      std::find_if(model.indexed.begin(), model.indexed.end(), [&](const IndexedEntry& e) { return e.name == wanted; });
  if (entry == model.indexed.end()) return "";
  const std::vector<std::vector<std::uint32_t>> combinations = element_combinations(model.indexes, entry->over);
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < std::min<std::size_t>(combinations.size(), 3); ++i)
    shown.push_back(fmt::format("`{}`", model.element_entry_name(wanted, entry->over, combinations[i])));
  return fmt::format("`{}` is over an index: name its elements, {}{}", wanted, fmt::join(shown, ", "),
                     combinations.size() > shown.size() ? ", …" : "");
}

std::string element_file_name(std::string_view name, char separator) {
  std::string out;
  for (char c : name)
    if (c == '[' || c == ',')
      out += separator;
    else if (c != ']')
      out += c;
  return out;
}

Model apply_scenario(const Model& model, const Scenario& scenario) {
  Model out = model;
  for (const Parameter& p : scenario.parameters)
    for (Parameter& q : out.parameters)
      if (q.name == p.name) q = p;
  for (const Event& e : scenario.events)
    for (Event& f : out.events)
      if (f.name == e.name) f = e;
  for (const ParameterCorrelation& c : scenario.correlations) {
    auto same = std::find_if(out.correlations.begin(), out.correlations.end(),
                             [&](const ParameterCorrelation& d) { return d.first == c.first && d.second == c.second; });
    if (same != out.correlations.end()) out.correlations.erase(same);
    // A 0 stays: the pair no longer correlates, but keeps both parameters
    // in their copula group, drawn through their own normals, so that a
    // parameter the scenario frees keeps as much of its draws as the new
    // factor allows (all of them when it is first in its group).
    out.correlations.push_back(c);
  }
  // A parameter a scenario fixes (to a constant, or to a law constant in
  // effect) keeps its place in its copula group: the group's normals are
  // drawn and combined as in the model, and only that parameter's value is
  // the constant, so the other members keep their draws exactly (common
  // random numbers: a scenario that only fixes b changes only b).
  return out;
}

}  // namespace riskcast

namespace riskcast {

std::string_view to_string(OutputKind kind) {
  return kind == OutputKind::Probability ? "probability" : "value";
}

std::optional<OutputKind> parse_output_kind(std::string_view text) {
  if (text == "value") return OutputKind::Value;
  if (text == "probability") return OutputKind::Probability;
  return std::nullopt;
}

}  // namespace riskcast
