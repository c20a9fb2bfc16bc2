#include "support/reference_indexes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "riskcast/model_loader.hpp"

namespace riskcast::reference {

std::string flat_name(std::string_view name, const std::vector<std::string_view>& elements) {
  return fmt::format("{}[{}]", name, fmt::join(elements, ","));
}

namespace {

[[noreturn]] void refuse(const std::string& what) {
  throw std::logic_error("reference evaluator (indexes): " + what);
}

// The value of `key` in a mapping, or an undefined node.
YAML::Node child(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node(YAML::NodeType::Undefined);
}

std::optional<std::uint32_t> position_of(const std::vector<std::string>& list, std::string_view name) {
  for (std::uint32_t i = 0; i < list.size(); ++i)
    if (list[i] == name) return i;
  return std::nullopt;
}

class LayerReader {
 public:
  explicit LayerReader(IndexLayer& layer) : layer_(layer) {}

  std::vector<std::uint32_t> over_of(const YAML::Node& over) {
    std::vector<std::uint32_t> out;
    std::vector<YAML::Node> items;
    if (over.IsScalar()) {
      items.push_back(over);
    } else {
      for (const YAML::Node& item : over) items.push_back(item);
    }
    for (const YAML::Node& item : items) {
      std::optional<std::uint32_t> at;
      for (std::uint32_t i = 0; i < layer_.indexes.size(); ++i)
        if (layer_.indexes[i].name == item.Scalar()) at = i;
      if (!at) refuse(fmt::format("unknown index `{}`", item.Scalar()));
      out.push_back(*at);
    }
    return out;
  }

  // Every combination of elements of `over`, the first index outermost.
  std::vector<std::vector<std::uint32_t>> combinations(const std::vector<std::uint32_t>& over) const {
    std::vector<std::vector<std::uint32_t>> out{{}};
    for (std::uint32_t index : over) {
      std::vector<std::vector<std::uint32_t>> next;
      for (const auto& prefix : out)
        for (std::uint32_t e = 0; e < layer_.indexes[index].elements.size(); ++e) {
          next.push_back(prefix);
          next.back().push_back(e);
        }
      out = std::move(next);
    }
    return out;
  }

  // One element's value of a key written as one value, a list in element
  // order, or a mapping element → value, level by level for each index
  // (docs/language.md "Values by element"). A partial mapping (a scenario's)
  // may leave the element out at the outer level: nullopt.
  std::optional<YAML::Node> select(const YAML::Node& n, const std::vector<std::uint32_t>& over,
                                   const std::vector<std::uint32_t>& combination, std::size_t level,
                                   bool partial) const {
    if (level == over.size()) return n;
    const ReferenceIndex& index = layer_.indexes[over[level]];
    const std::uint32_t element = combination[level];
    if (n.IsSequence()) {
      if (n.size() != index.elements.size()) refuse(fmt::format("a list as long as index `{}`", index.name));
      return select(n[element], over, combination, level + 1, false);
    }
    if (n.IsMap() && n.size() > 0 && n.begin()->first.IsScalar() &&
        position_of(index.elements, n.begin()->first.Scalar())) {
      const YAML::Node value = child(n, index.elements[element]);
      if (value.IsDefined()) return select(value, over, combination, level + 1, false);
      if (partial) return std::nullopt;
      refuse(fmt::format("no value for element `{}` of index `{}`", index.elements[element], index.name));
    }
    return n;  // one value for every element of the remaining indexes
  }

  std::string flat(const std::string& name, const std::vector<std::uint32_t>& over,
                   const std::vector<std::uint32_t>& combination) const {
    if (over.empty()) return name;
    std::vector<std::string_view> elements;
    for (std::size_t k = 0; k < over.size(); ++k) elements.push_back(layer_.indexes[over[k]].elements[combination[k]]);
    return flat_name(name, elements);
  }

  Binding binding(const std::vector<std::uint32_t>& over, const std::vector<std::uint32_t>& combination) const {
    Binding b(layer_.indexes.size(), -1);
    for (std::size_t k = 0; k < over.size(); ++k) b[over[k]] = static_cast<std::int32_t>(combination[k]);
    return b;
  }

  // A formula as written: its text parsed where it sits in the model file
  // (one line; a quoted scalar's text starts after the quote).
  static Expr formula(const YAML::Node& n) {
    const YAML::Mark mark = n.Mark();
    SourcePos start{static_cast<std::uint32_t>(mark.line + 1),
                    static_cast<std::uint32_t>(mark.column + 1 + (n.Tag() == "!" ? 1 : 0))};
    Diagnostics d("");
    std::optional<Expr> e = parse_expression(n.Scalar(), start, d);
    if (!e) refuse(fmt::format("cannot parse `{}`", n.Scalar()));
    return std::move(*e);
  }

  static double constant(const YAML::Node& n) {
    const std::optional<double> v = constant_value(formula(n));
    if (!v) refuse(fmt::format("`{}` is not a constant", n.Scalar()));
    return *v;
  }

  // A distribution as written for one element, read as a plain parameter
  // of a model of its own: the syntax of a distribution is the engine's,
  // not the choice of the element's text.
  Distribution distribution(const YAML::Node& n) {
    const std::string text = n.Scalar();
    auto it = distributions_.find(text);
    if (it == distributions_.end()) {
      std::string quoted;
      for (char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      const Model m = load_model_text(fmt::format("parameters:\n  x: \"{}\"\noutputs:\n  o: x\n", quoted),
                                      "reference-element.yaml");
      it = distributions_.emplace(text, m.parameters.at(0).distribution).first;
    }
    Distribution d = it->second;
    const YAML::Mark mark = n.Mark();
    d.pos = {static_cast<std::uint32_t>(mark.line + 1),
             static_cast<std::uint32_t>(mark.column + 1 + (n.Tag() == "!" ? 1 : 0))};
    return d;
  }

  static bool has_index_syntax(const Expr& e) {
    bool found = false;
    for_each_node(e,
                  [&](const Expr& x) { found = found || x.kind == ExprKind::Pick || x.kind == ExprKind::Reduction; });
    return found;
  }

  static SourcePos key_pos(const YAML::Node& key) {
    return {static_cast<std::uint32_t>(key.Mark().line + 1), static_cast<std::uint32_t>(key.Mark().column + 1)};
  }

  ElementDefinition& define(const std::string& name, const YAML::Node& key, const std::vector<std::uint32_t>& over,
                            const std::vector<std::uint32_t>& combination) {
    ElementDefinition& d = layer_.definitions[flat(name, over, combination)];
    d.name = flat(name, over, combination);
    d.pos = key_pos(key);
    d.binding = binding(over, combination);
    return d;
  }

  // A monthly formula or an output: its own tree for every element, and
  // for an entry over no index when it holds a pick or a reduction.
  void formulas(const YAML::Node& section, std::vector<std::string>* flat_names) {
    if (!section.IsMap()) return;
    for (auto it = section.begin(); it != section.end(); ++it) {
      const std::string name = it->first.Scalar();
      const YAML::Node v = it->second;  // a copy: `it->second` dies with its proxy (stack use after scope)
      const YAML::Node over = child(v, "over");
      const YAML::Node written = v.IsMap() ? child(v, "formula") : v;
      if (!over.IsDefined()) {
        if (flat_names) flat_names->push_back(name);
        Expr e = formula(written);
        if (has_index_syntax(e)) define(name, it->first, {}, {}).formula = std::move(e);
        continue;
      }
      const std::vector<std::uint32_t> indexes = over_of(over);
      layer_.over[name] = indexes;
      for (const auto& combination : combinations(indexes)) {
        if (flat_names) flat_names->push_back(flat(name, indexes, combination));
        define(name, it->first, indexes, combination).formula =
            formula(*select(written, indexes, combination, 0, false));
      }
    }
  }

  void parameters(const YAML::Node& section, const YAML::Node& overrides) {
    if (!section.IsMap()) return;
    for (auto it = section.begin(); it != section.end(); ++it) {
      const std::string name = it->first.Scalar();
      const YAML::Node over = child(it->second, "over");
      if (!over.IsDefined()) continue;
      const std::vector<std::uint32_t> indexes = over_of(over);
      layer_.over[name] = indexes;
      YAML::Node replaced = child(overrides, name);
      if (child(replaced, "dist").IsDefined()) replaced = child(replaced, "dist");
      for (const auto& combination : combinations(indexes)) {
        std::optional<YAML::Node> chosen;
        if (replaced.IsDefined()) chosen = select(replaced, indexes, combination, 0, true);
        if (!chosen) chosen = select(child(it->second, "dist"), indexes, combination, 0, false);
        define(name, it->first, indexes, combination).distribution = distribution(*chosen);
      }
    }
  }

  // Scans a regime's or an innovation's text for what this reader does not
  // evaluate: `over`, or a name followed by `[` (a pick).
  static bool mentions_indexes(const YAML::Node& n) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (s.find(" over ") != std::string::npos) return true;
      for (std::size_t i = 1; i < s.size(); ++i)
        if (s[i] == '[' && (std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_')) return true;
      return false;
    }
    if (n.IsMap()) {
      for (auto it = n.begin(); it != n.end(); ++it)
        if ((it->first.IsScalar() && it->first.Scalar() == "over") || mentions_indexes(it->second)) return true;
    }
    if (n.IsSequence())
      for (const YAML::Node& item : n)
        if (mentions_indexes(item)) return true;
    return false;
  }

  void events(const YAML::Node& section, const YAML::Node& overrides) {
    if (!section.IsMap()) return;
    for (auto it = section.begin(); it != section.end(); ++it) {
      const std::string name = it->first.Scalar();
      const YAML::Node v = it->second;  // a copy: `it->second` dies with its proxy (stack use after scope)
      const std::string kind = child(v, "kind").Scalar();
      const YAML::Node over = child(v, "over");
      const YAML::Node replaced = child(overrides, name);
      if (kind != "switch" && kind != "arrivals") {
        if (mentions_indexes(v) || mentions_indexes(replaced))
          refuse(fmt::format("a {} over an index or reading one (`{}`)", kind, name));
        continue;
      }
      const std::vector<std::uint32_t> indexes = over.IsDefined() ? over_of(over) : std::vector<std::uint32_t>{};
      if (!over.IsDefined() && !mentions_indexes(v) && !mentions_indexes(replaced)) continue;
      if (over.IsDefined()) layer_.over[name] = indexes;
      for (const auto& combination : combinations(indexes)) {
        // A key's value for this element: the scenario's where it names the
        // element, else the model's; undefined where neither gives one.
        auto value = [&](std::string_view key) -> std::optional<YAML::Node> {
          if (const YAML::Node r = child(replaced, key); r.IsDefined())
            if (std::optional<YAML::Node> s = select(r, indexes, combination, 0, true)) return s;
          if (const YAML::Node base = child(v, key); base.IsDefined())
            return select(base, indexes, combination, 0, false);
          return std::nullopt;
        };
        ElementDefinition& d = define(name, it->first, indexes, combination);
        if (kind == "switch") {
          Switch s;
          if (auto x = value("initial")) s.initial = constant(*x);
          if (auto x = value("on")) s.on_hazard = formula(*x);
          if (auto x = value("off")) s.off_hazard = formula(*x);
          // A scenario's `fix` or `on_from` for this element.
          if (const YAML::Node r = child(replaced, "fix"); r.IsDefined()) {
            if (auto x = select(r, indexes, combination, 0, true)) {
              const std::string f = x->Scalar();
              s.fixed_on_from = f == "on" || f == "true" ? 1u : Switch::kNever;
            }
          }
          if (const YAML::Node r = child(replaced, "on_from"); r.IsDefined())
            if (auto x = select(r, indexes, combination, 0, true))
              s.fixed_on_from = static_cast<std::uint32_t>(constant(*x));
          d.switch_ = std::move(s);
        } else {
          Arrivals a;
          if (auto x = value("rate")) a.rate = formula(*x);
          if (auto x = value("size")) a.size = distribution(*x);
          d.arrivals = std::move(a);
        }
      }
    }
  }

 private:
  IndexLayer& layer_;
  std::map<std::string, Distribution> distributions_;
};

}  // namespace

std::optional<IndexLayer> read_index_layer(std::string_view model_text, std::string_view scenario) {
  const YAML::Node root = YAML::Load(std::string(model_text));
  const YAML::Node indexes = child(root, "indexes");
  if (!indexes.IsDefined() || !indexes.IsMap()) return std::nullopt;
  IndexLayer layer;
  for (auto it = indexes.begin(); it != indexes.end(); ++it) {
    ReferenceIndex index{it->first.Scalar(), {}};
    // A copy: `it->second` belongs to a proxy that dies with the statement,
    // which a range-for over it would outlive (AddressSanitizer: stack use
    // after scope).
    const YAML::Node elements = it->second;
    for (const YAML::Node& e : elements) index.elements.push_back(e.Scalar());
    layer.indexes.push_back(std::move(index));
  }
  LayerReader reader(layer);
  if (const YAML::Node data = child(root, "data"); data.IsMap())
    for (auto it = data.begin(); it != data.end(); ++it)
      if (const YAML::Node by = child(it->second, "by"); by.IsScalar() && by.Scalar() != "month")
        layer.over[it->first.Scalar()] = reader.over_of(by);
  const YAML::Node chosen = child(child(root, "scenarios"), scenario);
  reader.parameters(child(root, "parameters"), child(chosen, "parameters"));
  reader.events(child(root, "events"), child(chosen, "events"));
  reader.formulas(child(root, "monthly"), nullptr);
  reader.formulas(child(root, "outputs"), &layer.outputs);
  return layer;
}

}  // namespace riskcast::reference
