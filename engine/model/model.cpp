#include "riskcast/model.hpp"

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
  return out;
}

}  // namespace riskcast
