// Scenarios: overrides of parameters and events.
#include "model_reader.hpp"

#include <fmt/format.h>

namespace riskcast::model_reading {

std::optional<Scenario> ModelReader::scenario(const std::string& name, const Entry& entry, const Model& model) {
  Scenario s;
  s.name = name;
  s.pos = position(entry.key);
  if (entry.value.IsNull()) return s;
  auto keys = mapping(entry.value, kScenarioKeys, fmt::format("scenario `{}`", name));
  if (auto it = keys.find("description"); it != keys.end()) s.description = text(it->second.value, "description");
  if (scenario_names_.parameters.empty() && scenario_names_.events.empty()) {
    for (const auto& p : model.parameters) scenario_names_.parameters.push_back(p.name);
    for (const auto& e : model.events) scenario_names_.events.push_back(e.name);
    for (std::size_t i = 0; i < model.parameters.size(); ++i)
      scenario_names_.parameter_index.emplace(model.parameters[i].name, i);
    for (std::size_t i = 0; i < model.events.size(); ++i) scenario_names_.event_index.emplace(model.events[i].name, i);
  }
  const auto& names = scenario_names_;
  if (auto it = keys.find("parameters"); it != keys.end()) {
    for (auto& [pname, pentry] :
         named_entries(it->second.value, fmt::format("parameters of scenario `{}`", name), kParameterKeys)) {
      auto found = names.parameter_index.find(pname);
      if (found == names.parameter_index.end()) {
        // A parameter whose own definition failed has been reported already.
        if (!broken_names_.count(pname))
          d_.error(position(pentry.key),
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
          d_.error(position(eentry.key),
                   fmt::format("scenario `{}` overrides `{}`, which is not an event", name, ename),
                   hint_for(ename, names.events));
        continue;
      }
      if (auto e = event(ename, eentry, &model.events[found->second])) s.events.push_back(std::move(*e));
    }
  }
  return s;
}

}  // namespace riskcast::model_reading
