// YAML → model IR: the file and its top-level sections. Every node keeps its
// position; every problem found is reported, and loading goes on where it can
// so one run shows many errors. The sections' readers are in model_reader.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "model_reader.hpp"
#include "riskcast/copula.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/warnings.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast {
namespace model_reading {

Model ModelReader::load(const YAML::Node& root, const std::string& file) {
  Model model;
  model.file = file;
  model.name = std::filesystem::path(file).stem().string();
  if (!root.IsMap()) {
    d_.error(position(root),
             fmt::format("a model is a mapping of sections (horizon, parameters, …), not {}", yaml_kind_name(root)));
    return model;
  }
  auto top = mapping(root, kTopLevelKeys, "model");
  if (auto it = top.find("model"); it != top.end()) model.name = identifier_text(it->second.value, "model name");
  if (auto it = top.find("title"); it != top.end()) model.title = text(it->second.value, "title");
  if (auto it = top.find("description"); it != top.end()) model.description = text(it->second.value, "description");
  if (auto it = top.find("horizon"); it != top.end()) {
    model.horizon = horizon(it->second.value);
  }
  horizon_ = model.horizon;
  if (auto it = top.find("indexes"); it != top.end()) indexes(it->second.value, model);
  // The names of every parameter, event and monthly formula, as written,
  // before any is read: a distribution may name one defined after it.
  for (const char* section : {"data", "parameters", "events", "monthly"}) {
    if (auto it = top.find(section); it != top.end() && it->second.value.IsMap())
      for (auto e = it->second.value.begin(); e != it->second.value.end(); ++e)
        if (e->first.IsScalar()) entry_names_.insert(e->first.Scalar());
  }
  // Every entry's `over:`, before any formula is read: a formula reads
  // entries over indexes element by element.
  indexes_ = &model.indexes;
  if (auto it = top.find("data"); it != top.end()) {
    bool table_by_index_failed = false;
    for (auto& [name, entry] : named_entries(it->second.value, "data", kDataKeys)) {
      if (auto t = data_table(name, entry, model)) {
        model.data.push_back(std::move(*t));
        continue;
      }
      broken_names_.insert(name);
      if (entry.value.IsMap())
        for (auto k = entry.value.begin(); k != entry.value.end(); ++k)
          if (k->first.IsScalar() && k->first.Scalar() == "by" && k->second.IsScalar() &&
              model.find_index(k->second.Scalar()))
            table_by_index_failed = true;
    }
    // A table by index is read as its numbers wherever the model uses it
    // (even in distributions' arguments): without them, every entry reading
    // it would report a mistake that is not there. Its file's errors first.
    if (table_by_index_failed) return model;
  }
  for (const char* section : {"parameters", "events", "monthly", "outputs"})
    if (auto it = top.find(section); it != top.end()) read_over(it->second.value, section);
  // An entry's definition failed: the entry, or one of its elements.
  auto read = [&](const std::string& name, const Entry& entry, auto read_one) {
    if (broken_names_.count(name)) return;  // its `over:` was wrong
    bool ok = true;
    read_entry(name, entry, &model.indexed, false, [&](const std::string& flat) { ok = read_one(flat) && ok; });
    if (!ok) broken_names_.insert(name);
  };
  if (auto it = top.find("parameters"); it != top.end()) {
    for (auto& [name, entry] : named_entries(it->second.value, "parameters", kParameterKeys)) {
      read(name, entry, [&](const std::string& flat) {
        std::optional<Parameter> p = parameter(flat, entry);
        if (p) model.parameters.push_back(std::move(*p));
        return p.has_value();
      });
    }
  }
  if (auto it = top.find("events"); it != top.end()) {
    for (auto& [name, entry] : named_entries(it->second.value, "events", kEventKeys)) {
      read(name, entry, [&](const std::string& flat) {
        std::optional<Event> e = event(flat, entry, nullptr);
        if (e) model.events.push_back(std::move(*e));
        return e.has_value();
      });
    }
  }
  if (auto it = top.find("monthly"); it != top.end())
    formula_section(it->second.value, "monthly", "monthly formula", model.monthly, model.indexed);
  if (auto it = top.find("outputs"); it != top.end()) {
    formula_section(it->second.value, "outputs", "output", model.outputs, model.indexed);
    if (it->second.value.IsNull() || (it->second.value.IsMap() && it->second.value.size() == 0))
      d_.error(position(it->second.key), "`outputs:` is empty; nothing would be reported");
  }
  check_unique_names(model);
  if (auto it = top.find("correlations"); it != top.end()) {
    model.correlations_pos = position(it->second.key);
    const std::vector<Parameter> none;
    model.correlations = correlations(it->second.value, {model, "", none, false});
  }
  if (auto it = top.find("scenarios"); it != top.end()) {
    for (auto& [name, entry] : named_entries(it->second.value, "scenarios", kScenarioKeys))
      if (auto s = scenario(name, entry, model)) model.scenarios.push_back(std::move(*s));
  }
  if (auto it = top.find("groups"); it != top.end()) model.groups = groups(it->second.value, model);
  // An `outputs:` indented under another section has been reported there.
  if (!top.count("outputs") && !misplaced_sections_.count("outputs"))
    d_.error({1, 1}, "the model has no `outputs:` section; nothing would be reported");
  if (!model.find_scenario("base")) {
    Scenario base;
    base.name = "base";
    base.description = "the model as written";
    model.scenarios.insert(model.scenarios.begin(), std::move(base));
  } else {
    // `base` is listed first whatever its place in the file.
    std::stable_partition(model.scenarios.begin(), model.scenarios.end(),
                          [](const Scenario& s) { return s.name == "base"; });
  }
  return model;
}

}  // namespace model_reading

using model_reading::ModelReader;

namespace {

// Reads, validates and resolves `text`, every check but the correlation
// matrices' (check_correlations); throws ModelError.
Model read_model(std::string_view text, Diagnostics& diagnostics) {
  const std::string& file = diagnostics.file();
  if (text.size() > kMaxModelBytes) {
    diagnostics.error({}, fmt::format("the model is larger than {} MiB", kMaxModelBytes >> 20));
    throw ModelError(std::move(diagnostics));
  }
  const std::optional<YAML::Node> root = parse_yaml_text(text, "model file", diagnostics);
  if (!root) throw ModelError(std::move(diagnostics));
  if (!*root || root->IsNull()) {
    diagnostics.error({1, 1}, "the model file is empty (no YAML content, only blanks or comments)");
    throw ModelError(std::move(diagnostics));
  }
  // yaml-cpp skips a byte-order mark without counting it in columns; so do we.
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  ModelReader loader(diagnostics, text);
  Model model = loader.load(*root, file);
  if (diagnostics.empty()) resolve_model(model, diagnostics);
  if (!diagnostics.empty()) throw ModelError(std::move(diagnostics));
  return model;
}

// A warning given about every element of an entry over an index, the same
// but for the element's name, is one warning about the entry: "monthly
// formula `share` is never read", not one per `share[huawei]`, … A warning
// about some elements only keeps their names.
void collapse_element_warnings(const Model& model, Diagnostics& diagnostics) {
  if (model.indexed.empty() || diagnostics.warnings().empty()) return;
  std::map<std::string, std::pair<std::string, std::size_t>, std::less<>> entry_of;  // flat name → (entry, elements)
  for (const IndexedEntry& entry : model.indexed) {
    const auto combinations = element_combinations(model.indexes, entry.over);
    for (const auto& combination : combinations)
      entry_of[model.element_entry_name(entry.name, entry.over, combination)] = {entry.name, combinations.size()};
  }
  // The warning with each quoted flat name replaced by its entry's, and how
  // many elements the entry has (0: no flat name in it).
  auto generic = [&](const std::string& text, std::size_t& elements) {
    std::string out;
    std::size_t at = 0;
    while (true) {
      const std::size_t open = text.find('`', at);
      const std::size_t close = open == std::string::npos ? open : text.find('`', open + 1);
      if (close == std::string::npos) break;
      const std::string quoted = text.substr(open + 1, close - open - 1);
      auto it = entry_of.find(quoted);
      out += text.substr(at, open + 1 - at) + (it == entry_of.end() ? quoted : it->second.first) + '`';
      if (it != entry_of.end()) elements = it->second.second;
      at = close + 1;
    }
    return out + text.substr(at);
  };
  using Key = std::tuple<SourcePos, std::string, std::string>;
  std::map<Key, std::size_t> count;
  std::vector<std::pair<Key, std::size_t>> keyed;
  for (const Diagnostic& w : diagnostics.warnings()) {
    std::size_t elements = 0;
    Key key{w.pos, generic(w.message, elements), generic(w.hint, elements)};
    ++count[key];
    keyed.emplace_back(std::move(key), elements);
  }
  Diagnostics collapsed(diagnostics.file());
  std::set<Key> given;
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    const auto& [key, elements] = keyed[i];
    Diagnostic w = diagnostics.warnings()[i];
    if (elements > 0 && count[key] == elements) {
      if (!given.insert(key).second) continue;
      w.message = std::get<1>(key);
      w.hint = std::get<2>(key);
    }
    collapsed.warning(std::move(w));
  }
  diagnostics = std::move(collapsed);
}

}  // namespace

Model load_model_text(std::string_view text, const std::string& file, Diagnostics* warnings) {
  Diagnostics diagnostics(file);
  Model model = read_model(text, diagnostics);
  check_correlations(model, nullptr, diagnostics);
  for (const Scenario& s : model.scenarios)
    if (!s.correlations.empty()) check_correlations(model, &s, diagnostics);
  if (!diagnostics.empty()) throw ModelError(std::move(diagnostics));
  warn_about_model(model, diagnostics);
  collapse_element_warnings(model, diagnostics);
  if (warnings) *warnings = std::move(diagnostics);
  return model;
}

std::string nearest_correlations_of_file(const std::string& path) {
  Diagnostics diagnostics(path);
  std::optional<std::string> text = read_input_file(path, "model file", kMaxModelBytes, diagnostics);
  if (!text) throw ModelError(std::move(diagnostics));
  return nearest_correlations_yaml(read_model(*text, diagnostics));
}

std::optional<Distribution> parse_distribution(std::string_view text, SourcePos start, Diagnostics& diagnostics) {
  std::optional<Expr> e = parse_expression(text, start, diagnostics);
  if (!e) return std::nullopt;
  ModelReader loader(diagnostics, text);
  return loader.standalone_distribution(*e);
}

Model load_model_file(const std::string& path, Diagnostics* warnings) {
  Diagnostics diagnostics(path);
  std::optional<std::string> text = read_input_file(path, "model file", kMaxModelBytes, diagnostics);
  if (!text) throw ModelError(std::move(diagnostics));
  return load_model_text(*text, path, warnings);
}

}  // namespace riskcast
