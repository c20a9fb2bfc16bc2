// `groups:` (docs/language.md, "Groups"): named sets of parameters and
// events whose randomness a variance-based sensitivity analysis takes
// together ("US policy", "Beijing").
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "model_reader.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast {
namespace model_reading {

namespace {

bool is_input(const Model& model, std::string_view name) {
  auto named = [&](const auto& items) {
    return std::any_of(items.begin(), items.end(), [&](const auto& item) { return item.name == name; });
  };
  return named(model.parameters) || named(model.events);
}

// The flat parameters and events `name` stands for: itself, or every
// element of the indexed entry of that name; empty when it names neither.
std::vector<std::string> inputs_named(const Model& model, const std::string& name) {
  if (is_input(model, name)) return {name};
  std::vector<std::string> flat;
  for (const IndexedEntry& entry : model.indexed) {
    if (entry.name != name) continue;
    for (const auto& combination : element_combinations(model.indexes, entry.over)) {
      std::string element = model.element_entry_name(entry.name, entry.over, combination);
      if (is_input(model, element)) flat.push_back(std::move(element));
    }
  }
  return flat;
}

}  // namespace

std::vector<InputGroup> ModelReader::groups(const YAML::Node& node, const Model& model) {
  std::vector<std::string> known;
  for (const Parameter& p : model.parameters) known.push_back(p.name);
  for (const Event& e : model.events) known.push_back(e.name);
  for (const IndexedEntry& e : model.indexed) known.push_back(e.name);
  std::vector<InputGroup> out;
  for (auto& [name, entry] : named_entries(node, "groups", {})) {
    // A group's row in the Sobol table sits beside the parameters' and events' rows.
    if (const std::string kind = model.kind_of_name(name); kind == "a parameter" || kind == "an event") {
      d_.error(
          position(entry.key),
          fmt::format("group `{}` has the name of {}; its Sobol row would be mistaken for that input's", name, kind),
          "name the group after what it takes together, e.g. `us_policy`");
      continue;
    }
    const YAML::Node& list = entry.value;
    if (!list.IsSequence()) {
      d_.error(position(list.IsNull() ? entry.key : list),
               fmt::format("group `{}` must be a list of parameters and events, e.g. [export_rules, purchase_ban], "
                           "not {}",
                           name, list.IsNull() ? "nothing" : yaml_kind_name(list)));
      continue;
    }
    if (list.size() == 0) {
      d_.error(position(list),
               fmt::format("group `{}` is empty; list the parameters and events it takes together", name));
      continue;
    }
    InputGroup group{name, position(entry.key), {}};
    bool ok = true;
    std::set<std::string> seen;
    for (const YAML::Node& item : list) {
      if (!item.IsScalar()) {
        d_.error(position(item), fmt::format("an entry of group `{}` must be the name of a parameter or event, not {}",
                                             name, yaml_kind_name(item)));
        ok = false;
        continue;
      }
      const std::string& member = item.Scalar();
      const std::vector<std::string> flat = inputs_named(model, member);
      if (flat.empty()) {
        const std::string kind = model.kind_of_name(member);
        if (kind.empty())
          d_.error(position(item), fmt::format("unknown parameter or event `{}` in group `{}`", member, name),
                   did_you_mean(member, known));
        else
          d_.error(position(item),
                   fmt::format("`{}` is {}, not a parameter or event; a group takes the randomness of parameters "
                               "and events",
                               member, kind));
        ok = false;
        continue;
      }
      for (const std::string& f : flat) {
        if (!seen.insert(f).second) {
          d_.error(position(item), fmt::format("`{}` is listed twice in group `{}`", f, name));
          ok = false;
          continue;
        }
        group.members.push_back(f);
      }
    }
    if (ok) out.push_back(std::move(group));
  }
  return out;
}

}  // namespace model_reading
}  // namespace riskcast
