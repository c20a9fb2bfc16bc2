#include "riskcast/model.hpp"

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
  }
  return "";
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
    if (c.rho != 0.0) out.correlations.push_back(c);
  }
  // A parameter a scenario fixes (to a constant, or to a law constant in
  // effect) leaves its correlations: the rest of the matrix, a principal
  // submatrix, stays positive definite.
  std::erase_if(out.correlations, [&](const ParameterCorrelation& c) {
    for (const Parameter& p : out.parameters)
      if ((p.name == c.first || p.name == c.second) && p.distribution.is_degenerate()) return true;
    return false;
  });
  return out;
}

}  // namespace riskcast
