// Scenarios: overrides of parameters and events.
#include "model_reader.hpp"

#include <fmt/format.h>

#include <functional>

namespace riskcast::model_reading {

std::optional<std::size_t> ModelReader::overridden(const std::string& scenario, const std::string& name,
                                                   const Entry& entry,
                                                   const std::map<std::string, std::size_t, std::less<>>& index,
                                                   const std::vector<std::string>& names, std::string_view what) {
  if (auto found = index.find(name); found != index.end()) return found->second;
  // An entry whose own definition failed has been reported already.
  if (!broken_names_.count(name))
    d_.error(position(entry.key), fmt::format("scenario `{}` overrides `{}`, which is not {}", scenario, name, what),
             hint_for(name, names));
  return std::nullopt;
}

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
  // An entry over indexes is overridden element by element (flat names);
  // a mapping by element may leave elements out, which keep the model's
  // definition. `index` holds the flat names of the section overridden;
  // `value` is the node whose elements decide which are overridden.
  // `given(first)`: whether the override gives the element being read a
  // value (first: the flat name of the entry's first element, whose
  // definition says what the keys mean); the others keep the model's and are
  // not listed as overridden.
  auto indexed_override = [&](const std::string& entry_name, const Entry& entry,
                              const std::map<std::string, std::size_t, std::less<>>& index,
                              const std::function<bool(const std::string&)>& given, const ReadElement& read) {
    const IndexedName* indexed = indexed_entry(entry_name);
    if (!indexed) return false;
    const std::vector<std::vector<std::uint32_t>> combinations = element_combinations(model.indexes, indexed->over);
    const std::string first = model.element_entry_name(entry_name, indexed->over, combinations.front());
    if (!index.count(first)) return false;
    read_over_elements(entry_name, entry, nullptr, false, true, read, [&] { return given(first); });
    return true;
  };
  auto override_parameter = [&](const std::string& pname, const Entry& pentry, std::size_t found) {
    const Parameter* base = &model.parameters[found];
    if (auto p = parameter(pname, pentry)) {
      Metadata merged = base->metadata;
      if (!p->metadata.unit.empty()) merged.unit = p->metadata.unit;
      if (!p->metadata.source.empty()) merged.source = p->metadata.source;
      if (!p->metadata.note.empty()) merged.note = p->metadata.note;
      p->metadata = merged;
      s.parameters.push_back(std::move(*p));
    }
  };
  if (auto it = keys.find("parameters"); it != keys.end()) {
    for (auto& [pname, pentry] :
         named_entries(it->second.value, fmt::format("parameters of scenario `{}`", name), kParameterKeys)) {
      if (pentry.value.IsMap())
        for (auto k = pentry.value.begin(); k != pentry.value.end(); ++k)
          if (k->first.IsScalar() && k->first.Scalar() == "over")
            d_.error(position(k->first),
                     fmt::format("scenario `{}` cannot change the indexes of `{}`: drop `over:`", name, pname),
                     "an override keeps the model's `over:` and gives values for its elements");
      // A parameter's value by element: its `dist:`, or the entry itself.
      std::optional<YAML::Node> value(pentry.value);
      if (pentry.value.IsMap())
        for (auto k = pentry.value.begin(); k != pentry.value.end(); ++k)
          if (k->first.IsScalar() && k->first.Scalar() == "dist") value.emplace(k->second);
      auto parameter_given = [&](const std::string&) { return !value || gives_element(*value); };
      if (indexed_override(pname, pentry, names.parameter_index, parameter_given, [&](const std::string& flat) {
            // An element whose own definition failed has been reported.
            if (auto found = names.parameter_index.find(flat); found != names.parameter_index.end())
              override_parameter(flat, pentry, found->second);
          }))
        continue;
      reading_ = pname;
      const auto found = overridden(name, pname, pentry, names.parameter_index, names.parameters, "a parameter");
      if (found) override_parameter(pname, pentry, *found);
    }
  }
  if (auto it = keys.find("events"); it != keys.end()) {
    for (auto& [ename, eentry] :
         named_entries(it->second.value, fmt::format("events of scenario `{}`", name), kEventKeys)) {
      // An event's element is overridden when a key other than its
      // metadata gives it a value (`fix: {metax: on}` overrides metax only).
      auto event_given = [&](const std::string& first) {
        if (!eentry.value.IsMap()) return true;
        const Event& base = model.events[names.event_index.find(first)->second];
        const std::vector<std::string>* states =
            base.kind() == EventKind::Regime ? &std::get<Regime>(base.definition).states : nullptr;
        for (auto k = eentry.value.begin(); k != eentry.value.end(); ++k) {
          const std::string key = k->first.IsScalar() ? k->first.Scalar() : std::string{};
          if (key != "source" && key != "note" && gives_element(k->second, states)) return true;
        }
        return false;
      };
      if (indexed_override(ename, eentry, names.event_index, event_given, [&](const std::string& flat) {
            auto found = names.event_index.find(flat);
            if (found == names.event_index.end()) return;
            if (auto e = event(flat, eentry, &model.events[found->second])) s.events.push_back(std::move(*e));
          }))
        continue;
      reading_ = ename;
      const auto found = overridden(name, ename, eentry, names.event_index, names.events, "an event");
      if (!found) continue;
      if (auto e = event(ename, eentry, &model.events[*found])) s.events.push_back(std::move(*e));
    }
  }
  if (auto it = keys.find("correlations"); it != keys.end())
    s.correlations =
        correlations(it->second.value, {model, fmt::format(" of scenario `{}`", name), s.parameters, true});
  return s;
}

}  // namespace riskcast::model_reading
