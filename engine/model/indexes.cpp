// Indexes (docs/language.md, "Indexes"): the `indexes:` section, each
// entry's `over:`, and the expansion of an entry over indexes into one flat
// entry per element: its values chosen element by element from a list or a
// mapping (for_element), its formulas rewritten into flat names
// (IndexExpander). Nothing after loading sees an index.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "model_reader.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast::model_reading {

void ModelReader::indexes(const YAML::Node& node, Model& model) {
  for (auto& [name, entry] : named_entries(node, "indexes", {})) {
    Index index;
    index.name = name;
    index.pos = position(entry.key);
    const YAML::Node& list = entry.value;
    if (!list.IsSequence() || list.size() == 0) {
      d_.error(position(list, entry.key),
               fmt::format("index `{}` must be a non-empty list of element names, e.g. `[{}_a, {}_b]`, not {}", name,
                           name, name, list.IsSequence() ? "an empty list" : yaml_kind_name(list)));
      continue;
    }
    if (list.size() > kMaxIndexElements) {
      d_.error(position(list), fmt::format("index `{}` has {}; at most {} are allowed", name,
                                           counted(list.size(), "element"), kMaxIndexElements));
      continue;
    }
    const std::size_t errors_before = d_.size();
    for (const YAML::Node& element : list) {
      if (!element.IsScalar() || !is_identifier(element.Scalar())) {
        d_.error(position(element, list),
                 fmt::format("`{}` is not a valid element name of index `{}` (letters, digits and _, not starting "
                             "with a digit)",
                             element.IsScalar() ? quote_for_message(element.Scalar()) : "?", name));
        continue;
      }
      if (std::optional<std::uint32_t> first = index.find(element.Scalar())) {
        d_.error(position(element), fmt::format("duplicate element `{}` in index `{}`", element.Scalar(), name),
                 fmt::format("first listed at line {}, column {}", index.element_positions[*first].line,
                             index.element_positions[*first].column));
        continue;
      }
      index.elements.push_back(element.Scalar());
      index.element_positions.push_back(position(element));
    }
    if (d_.size() == errors_before) model.indexes.push_back(std::move(index));
  }
}

namespace {

std::string index_names(const std::vector<Index>& indexes, const std::vector<std::uint32_t>& over) {
  std::vector<std::string_view> names;
  for (std::uint32_t i : over) names.push_back(indexes[i].name);
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

std::optional<std::vector<std::uint32_t>> ModelReader::over_of(const YAML::Node& value, const std::string& name) {
  std::vector<std::uint32_t> over;
  std::vector<YAML::Node> items;
  if (value.IsScalar()) {
    items.push_back(value);
  } else if (value.IsSequence() && value.size() > 0) {
    for (const YAML::Node& item : value) items.push_back(item);
  } else {
    d_.error(position(value), fmt::format("`over:` of `{}` must name an index or list indexes, `[vendor, product]`, "
                                          "not {}",
                                          name, value.IsSequence() ? "an empty list" : yaml_kind_name(value)));
    return std::nullopt;
  }
  if (items.size() > kMaxIndexesPerEntry) {
    d_.error(position(value), fmt::format("`{}` is over {}; an entry may be over at most {}", name,
                                          counted(items.size(), "index", "indexes"), kMaxIndexesPerEntry));
    return std::nullopt;
  }
  std::vector<std::string> known;
  for (const Index& index : *indexes_) known.push_back(index.name);
  std::size_t combinations = 1;
  for (const YAML::Node& item : items) {
    const std::string text = item.IsScalar() ? item.Scalar() : std::string{};
    std::optional<std::uint32_t> found;
    for (std::uint32_t i = 0; i < indexes_->size(); ++i)
      if ((*indexes_)[i].name == text) found = i;
    if (!found) {
      std::string hint = hint_for(text, known);
      if (hint.empty() && entry_names_.count(text))
        hint = fmt::format("`{}` is an entry; `over:` names indexes, declared in `indexes:`", text);
      if (hint.empty())
        hint = known.empty() ? "declare it in `indexes:`, e.g. `indexes: {vendor: [huawei, cambricon]}`"
                             : fmt::format("indexes: {}", fmt::join(known, ", "));
      d_.error(position(item, value), fmt::format("`over:` of `{}`: unknown index `{}`", name, quote_for_message(text)),
               std::move(hint));
      return std::nullopt;
    }
    if (std::find(over.begin(), over.end(), *found) != over.end()) {
      d_.error(position(item), fmt::format("`over:` of `{}` lists index `{}` twice", name, text));
      return std::nullopt;
    }
    over.push_back(*found);
    combinations *= (*indexes_)[*found].elements.size();
    if (combinations > kMaxElementsPerEntry) {
      d_.error(position(value), fmt::format("`{}` over {} has more than {} combinations of elements", name,
                                            index_names(*indexes_, over), kMaxElementsPerEntry));
      return std::nullopt;
    }
  }
  return over;
}

void ModelReader::read_over(const YAML::Node& node, std::string_view section) {
  if (!node.IsMap()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsMap()) continue;
    const std::string& name = it->first.Scalar();
    std::optional<YAML::Node> over;
    for (auto k = it->second.begin(); k != it->second.end(); ++k)
      if (k->first.IsScalar() && k->first.Scalar() == "over") over.emplace(k->second);
    if (!over) continue;
    if (section == "outputs" || !indexed_names_.count(name)) {
      if (std::optional<std::vector<std::uint32_t>> o = over_of(*over, name)) {
        // Outputs are read by no formula: their `over` is looked up only
        // when they are read themselves.
        if (section == "outputs")
          output_over_[name] = std::move(*o);
        else
          indexed_names_[name] = {std::move(*o), {}};
      }
      // A wrong `over:` has been reported: the entry is read as over no
      // index, so that its other mistakes (unknown keys) are reported too.
    }
  }
}

const ModelReader::IndexedName* ModelReader::indexed_entry(std::string_view name) const {
  auto it = indexed_names_.find(name);
  return it == indexed_names_.end() || !it->second.constants.empty() ? nullptr : &it->second;
}

std::string ModelReader::element_name(const std::string& name) const {
  std::vector<std::string_view> elements;
  for (std::size_t k = 0; k < scope_->over.size(); ++k)
    elements.push_back((*indexes_)[scope_->over[k]].elements[scope_->combination[k]]);
  return riskcast::element_entry_name(name, elements);
}

void ModelReader::read_over_elements(const std::string& name, const Entry& entry, std::vector<IndexedEntry>* record,
                                     bool output, bool partial, const ReadElement& read,
                                     const std::function<bool()>& given) {
  reading_ = name;
  const std::vector<std::uint32_t>* over = nullptr;
  if (const IndexedName* indexed = indexed_entry(name); indexed && !output) over = &indexed->over;
  if (auto it = output_over_.find(name); output && it != output_over_.end()) over = &it->second;
  if (!over) {
    read(name);
    return;
  }
  const std::vector<std::vector<std::uint32_t>> combinations = element_combinations(*indexes_, *over);
  if (combinations.size() > kMaxExpandedEntries - expanded_entries_) {
    d_.error(position(entry.key), fmt::format("the entries over indexes expand to more than {} elements in all; `{}` "
                                              "would add {}",
                                              kMaxExpandedEntries, name, combinations.size()));
    expanded_entries_ = kMaxExpandedEntries;
    return;
  }
  expanded_entries_ += combinations.size();
  if (record) record->push_back({name, position(entry.key), *over});
  // Each element is read with its own diagnostics, merged so that a mistake
  // in a value shared by every element is reported once.
  // A mistake only some elements make (a shared formula whose numbers
  // differ by element) names them, unless its message already does.
  struct Reported {
    Diagnostic diagnostic;
    bool warning = false;
    std::vector<std::string> elements;  // flat names of the elements that made it
  };
  std::vector<Reported> found;
  std::map<std::tuple<SourcePos, std::string, std::string>, std::size_t> index_of;
  std::size_t elements_read = 0;
  Diagnostics outer = std::move(d_);
  for (const std::vector<std::uint32_t>& combination : combinations) {
    scope_ = ElementScope{*over, combination, partial};
    d_ = Diagnostics(outer.file());
    if (!given()) continue;
    const std::string flat = element_name(name);
    read(flat);
    ++elements_read;
    for (const bool warning : {false, true})
      for (const Diagnostic& item : warning ? d_.warnings() : d_.items()) {
        const auto [at, fresh] = index_of.emplace(std::tuple(item.pos, item.message, item.hint), found.size());
        if (fresh) found.push_back({item, warning, {}});
        found[at->second].elements.push_back(flat);
      }
  }
  for (Reported& r : found) {
    std::string& message = r.diagnostic.message;
    if (r.elements.size() < elements_read && message.find(r.elements.front()) == std::string::npos) {
      const std::size_t shown = std::min<std::size_t>(r.elements.size(), 3);
      message +=
          fmt::format(" ({} `{}`{})", r.elements.size() == 1 ? "element" : "elements",
                      fmt::join(r.elements.begin(), r.elements.begin() + static_cast<std::ptrdiff_t>(shown), "`, `"),
                      r.elements.size() > shown ? ", …" : "");
    }
    if (r.warning)
      outer.warning(r.diagnostic);
    else
      outer.error(r.diagnostic.pos, r.diagnostic.message, r.diagnostic.hint);
  }
  d_ = std::move(outer);
  scope_.reset();
}

namespace {

// Whether a mapping at a per-element place gives one value per element of
// `index` rather than being a value itself (whose keys are `own_keys`).
bool is_element_mapping(const YAML::Node& node, const Index& index, const std::vector<std::string>* own_keys) {
  if (!own_keys) return true;
  if (node.size() == 0) return false;
  const YAML::Node first = node.begin()->first;
  return first.IsScalar() && index.find(first.Scalar()) &&
         std::find(own_keys->begin(), own_keys->end(), first.Scalar()) == own_keys->end();
}

std::optional<YAML::Node> element_value(const YAML::Node& map, std::string_view element) {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == element) return it->second;
  return std::nullopt;
}

}  // namespace

std::optional<YAML::Node> ModelReader::for_element(const YAML::Node& node, std::string_view what,
                                                   const std::vector<std::string>* own_keys) {
  if (!scope_) return node;
  // The value's shape is the entry's, not one element's: say `capacity`, not
  // `capacity[huawei]`, so that the message is the same for every element.
  std::string whole(what);
  if (const std::string flat = element_name(reading_); whole.find(flat) != std::string::npos)
    whole.replace(whole.find(flat), flat.size(), reading_);
  what = whole;
  // YAML::Node's `=` would write into the tree: reset() moves the handle.
  YAML::Node n;
  n.reset(node);
  for (std::size_t level = 0; level < scope_->over.size(); ++level) {
    const Index& index = (*indexes_)[scope_->over[level]];
    const std::uint32_t element = scope_->combination[level];
    if (n.IsSequence()) {
      if (n.size() != index.elements.size()) {
        d_.error(position(n),
                 fmt::format("{} lists {}, but index `{}` has {}", what, counted(n.size(), "value"), index.name,
                             counted(index.elements.size(), "element")),
                 "a list gives one value per element, in the index's order; a mapping names them");
        return std::nullopt;
      }
      n.reset(static_cast<const YAML::Node&>(n)[element]);
      continue;
    }
    if (!n.IsMap() || !is_element_mapping(n, index, own_keys)) break;  // one value for the remaining indexes
    bool ok = true;
    std::map<std::string, SourcePos, std::less<>> seen;  // YAML keeps a repeated key; the first would win silently
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string{};
      if (!index.find(key)) {
        d_.error(position(it->first),
                 fmt::format("{}: `{}` is not an element of index `{}`", what, quote_for_message(key), index.name),
                 hint_for(key, index.elements));
        ok = false;
      } else if (auto [first, fresh] = seen.emplace(key, position(it->first)); !fresh) {
        d_.error(position(it->first), fmt::format("{}: element `{}` is given twice", what, key),
                 fmt::format("first given at line {}, column {}", first->second.line, first->second.column));
        ok = false;
      }
    }
    std::vector<std::string_view> missing;
    for (const std::string& e : index.elements)
      if (!element_value(n, e)) missing.push_back(e);
    if (!missing.empty() && !scope_->partial) {
      constexpr std::size_t kShown = 5;
      const std::size_t shown = std::min(missing.size(), kShown);
      d_.error(position(n),
               fmt::format("{} gives no value for {} of index `{}`: {}{}", what, counted(missing.size(), "element"),
                           index.name,
                           fmt::join(missing.begin(), missing.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                           missing.size() > shown ? ", …" : ""),
               "a mapping gives every element a value; one value for all is written once, without a mapping");
      ok = false;
    }
    if (!ok) return std::nullopt;
    std::optional<YAML::Node> value = element_value(n, index.elements[element]);
    if (!value) {
      d_.error(
          position(n),
          fmt::format("{} gives no value for element `{}` of index `{}`", what, index.elements[element], index.name),
          "in a scenario only a key's whole value may leave elements out");
      return std::nullopt;
    }
    n.reset(*value);
  }
  return n;
}

bool ModelReader::element_keyed(const YAML::Node& node, const std::vector<std::string>& keys) const {
  return scope_ && node.IsMap() && is_element_mapping(node, (*indexes_)[scope_->over[0]], &keys);
}

bool ModelReader::gives_element(const YAML::Node& node, const std::vector<std::string>* own_keys) const {
  if (!scope_) return true;
  YAML::Node n;
  n.reset(node);
  for (std::size_t level = 0; level < scope_->over.size(); ++level) {
    const Index& index = (*indexes_)[scope_->over[level]];
    const std::uint32_t element = scope_->combination[level];
    if (n.IsSequence()) {
      if (n.size() != index.elements.size()) return true;  // for_element reports it
      n.reset(static_cast<const YAML::Node&>(n)[element]);
    } else if (n.IsMap() && is_element_mapping(n, index, own_keys)) {
      for (auto it = n.begin(); it != n.end(); ++it)
        if (!it->first.IsScalar() || !index.find(it->first.Scalar())) return true;  // for_element reports it
      std::optional<YAML::Node> value = element_value(n, index.elements[element]);
      if (!value) return false;
      n.reset(*value);
    } else {
      return true;
    }
  }
  return true;
}

namespace {

// A formula of one element rewritten into flat names (docs/language.md,
// "Indexes"). `bound[i]` is the element index `i` stands for: the entry's
// own, and inside a reduction the one being summed.
class IndexExpander {
 public:
  using IndexedName = ModelReader::IndexedName;
  IndexExpander(const std::vector<Index>& indexes, const std::map<std::string, IndexedName, std::less<>>& names,
                const std::set<std::string, std::less<>>& entries, const std::string& reading,
                const std::vector<std::uint32_t>& over, Diagnostics& d, bool hints, std::size_t& terms)
      : indexes_(indexes),
        names_(names),
        entries_(entries),
        reading_(reading),
        over_(over),
        d_(d),
        hints_(hints),
        terms_(terms),
        bound_(indexes.size()) {}

  void bind(const std::vector<std::uint32_t>& over, const std::vector<std::uint32_t>& combination) {
    for (std::size_t k = 0; k < over.size(); ++k) bound_[over[k]] = combination[k];
  }

  // One frame per level of the tree (up to kMaxExpressionHeight): what
  // formats messages is out of line.
  [[gnu::noinline]] bool expand(Expr& e) {
    switch (e.kind) {
      case ExprKind::Number:
        return true;
      case ExprKind::Name:
        return expand_name(e);
      case ExprKind::Pick:
        return expand_pick(e);
      case ExprKind::Reduction:
        return expand_reduction(e);
      case ExprKind::List:
      case ExprKind::Unary:
      case ExprKind::Binary:
      case ExprKind::Conditional:
      case ExprKind::Call:
        for (Expr& o : e.operands)
          if (!expand(o)) return false;
        return true;
    }
    return true;
  }

 private:
  std::string hint_for(std::string_view name, const std::vector<std::string>& candidates) const {
    return hints_ ? did_you_mean(name, candidates) : std::string{};
  }

  const Index* index_named(std::string_view name, std::uint32_t* at = nullptr) const {
    for (std::uint32_t i = 0; i < indexes_.size(); ++i)
      if (indexes_[i].name == name) {
        if (at) *at = i;
        return &indexes_[i];
      }
    return nullptr;
  }

  // The element of `name` at `elements` (one per index of `named.over`):
  // its flat name, or the table's number.
  void replace(Expr& e, const std::string& name, const IndexedName& named, const std::vector<std::uint32_t>& elements) {
    if (!named.constants.empty()) {
      std::size_t at = 0;
      for (std::size_t k = 0; k < named.over.size(); ++k)
        at = at * indexes_[named.over[k]].elements.size() + elements[k];
      e = Expr::make_number(named.constants[at], e.pos);
      return;
    }
    std::vector<std::string_view> element_names;
    for (std::size_t k = 0; k < named.over.size(); ++k)
      element_names.push_back(indexes_[named.over[k]].elements[elements[k]]);
    e.kind = ExprKind::Name;
    e.name = element_entry_name(name, element_names);
    e.operands.clear();
  }

  // An example pick of `name`: name[first element of each index].
  std::string example_pick(const std::string& name, const IndexedName& named) const {
    std::vector<std::string_view> first;
    for (std::uint32_t i : named.over) first.push_back(indexes_[i].elements.front());
    return fmt::format("{}[{}]", name, fmt::join(first, ", "));
  }

  [[gnu::noinline]] bool expand_name(Expr& e) {
    auto it = names_.find(e.name);
    if (it == names_.end()) {
      if (index_named(e.name) && !entries_.count(e.name)) {
        d_.error(e.pos, fmt::format("`{}` is an index, not a value", e.name),
                 fmt::format("reduce a value over it, sum(x over {0}), or pick an element, x[{1}]", e.name,
                             index_named(e.name)->elements.front()));
        return false;
      }
      return true;  // unindexed: the same for every element
    }
    const IndexedName& named = it->second;
    std::vector<std::uint32_t> elements;
    for (std::uint32_t i : named.over) {
      if (!bound_[i]) {
        const std::string reader_over =
            over_.empty() ? "is not" : fmt::format("is over {}", index_names(indexes_, over_));
        d_.error(e.pos,
                 fmt::format("`{}` is over {} but `{}` {}", e.name, index_names(indexes_, named.over), reading_,
                             reader_over),
                 fmt::format("reduce it with sum({} over {}) or pick an element, {}", e.name, indexes_[i].name,
                             example_pick(e.name, named)));
        return false;
      }
      elements.push_back(*bound_[i]);
    }
    replace(e, e.name, named, elements);
    return true;
  }

  [[gnu::noinline]] bool expand_pick(Expr& e) {
    auto it = names_.find(e.name);
    if (it == names_.end()) {
      const bool month = e.operands.size() == 1 && e.operands[0].name == "month";
      if (entries_.count(e.name)) {
        d_.error(e.pos, fmt::format("`{}` is not over an index, so it has no elements to pick", e.name),
                 month ? fmt::format("a series has no index: last month's `{0}` is `prev({0}, initial)`, and a "
                                     "formula cannot read later months (no look-ahead)",
                                     e.name)
                       : "only an entry declared with `over:` has elements");
      } else {
        std::vector<std::string> candidates;
        for (const auto& [name, named] : names_) candidates.push_back(name);
        d_.error(e.pos, fmt::format("unknown name `{}`", quote_for_message(e.name)), hint_for(e.name, candidates));
      }
      return false;
    }
    const IndexedName& named = it->second;
    if (e.operands.size() != named.over.size()) {
      d_.error(e.pos,
               fmt::format("`{}` is over {}: pick {}, one per index in that order, not {}", e.name,
                           index_names(indexes_, named.over), counted(named.over.size(), "element"), e.operands.size()),
               fmt::format("e.g. {}", example_pick(e.name, named)));
      return false;
    }
    std::vector<std::uint32_t> elements;
    for (std::size_t k = 0; k < named.over.size(); ++k) {
      const Index& index = indexes_[named.over[k]];
      const Expr& element = e.operands[k];
      std::optional<std::uint32_t> at = index.find(element.name);
      if (!at) {
        std::string hint = hint_for(element.name, index.elements);
        if (hint.empty() && index_named(element.name))
          hint = fmt::format("a pick names elements; to reduce an index write sum({} over {})", e.name, element.name);
        d_.error(element.pos,
                 fmt::format("`{}` is not an element of index `{}`", quote_for_message(element.name), index.name),
                 std::move(hint));
        return false;
      }
      elements.push_back(*at);
    }
    const std::string name = e.name;
    replace(e, name, named, elements);
    return true;
  }

  // The indexes `e` varies over once the indexes bound outside it are set
  // aside: those of its names not picked, less those reduced inside it.
  void indexes_of(const Expr& e, std::vector<bool>& out) const {
    if (e.kind == ExprKind::Name) {
      if (auto it = names_.find(e.name); it != names_.end())
        for (std::uint32_t i : it->second.over) out[i] = true;
      return;
    }
    if (e.kind == ExprKind::Pick) return;
    if (e.kind == ExprKind::Reduction) {
      std::vector<bool> inner(indexes_.size());
      indexes_of(e.operands[0], inner);
      std::uint32_t reduced = 0;
      if (index_named(e.operands[1].name, &reduced)) inner[reduced] = false;
      for (std::size_t i = 0; i < inner.size(); ++i) out[i] = out[i] || inner[i];
      return;
    }
    for (const Expr& o : e.operands) indexes_of(o, out);
  }

  [[gnu::noinline]] bool expand_reduction(Expr& e) {
    const Expr& index_name = e.operands[1];
    std::uint32_t reduced = 0;
    const Index* index = index_named(index_name.name, &reduced);
    if (!index) {
      std::vector<std::string> known;
      for (const Index& i : indexes_) known.push_back(i.name);
      std::string hint = hint_for(index_name.name, known);
      if (hint.empty() && (names_.count(index_name.name) || entries_.count(index_name.name)))
        hint = fmt::format("`{}` is an entry; `over` names an index", index_name.name);
      d_.error(index_name.pos, fmt::format("unknown index `{}`", quote_for_message(index_name.name)), std::move(hint));
      return false;
    }
    std::vector<bool> varies(indexes_.size());
    indexes_of(e.operands[0], varies);
    if (!varies[reduced]) {
      d_.error(e.pos,
               fmt::format("{}(… over {}) reduces index `{}`, but `{}` is not over it", e.name, index->name,
                           index->name, quote_for_message(to_string(e.operands[0]))),
               "a reduction adds up (or averages, or compares) a value's elements; name a value over the index");
      return false;
    }
    // terms_ past the limit marks it reported: once for the model, and
    // never a silent drop (reaching the limit exactly used to drop the
    // entries after it without an error).
    if (terms_ > kMaxExpandedTerms || index->elements.size() > kMaxExpandedTerms - terms_) {
      if (terms_ <= kMaxExpandedTerms)
        d_.error(e.pos, fmt::format("the model's reductions expand to more than {} terms in all", kMaxExpandedTerms),
                 "an entry over k elements repeats each reduction it holds k times: compute the reduction once, in "
                 "a monthly formula not over the index (`total: sum(x over i)`), and read that");
      terms_ = kMaxExpandedTerms + 1;
      return false;
    }
    terms_ += index->elements.size();
    const std::optional<std::uint32_t> outer = bound_[reduced];
    std::vector<Expr> terms;
    terms.reserve(index->elements.size());
    for (std::uint32_t k = 0; k < index->elements.size(); ++k) {
      bound_[reduced] = k;
      terms.push_back(e.operands[0]);
      if (!expand(terms.back())) {
        bound_[reduced] = outer;
        return false;
      }
    }
    bound_[reduced] = outer;
    const std::string function = e.name;
    const SourcePos pos = e.pos;
    Expr combined = combine(function, terms, 0, terms.size(), pos);
    if (function == "mean") {
      Expr count = Expr::make_number(static_cast<double>(terms.size()), pos);
      Expr quotient;
      quotient.kind = ExprKind::Binary;
      quotient.binary = BinaryOp::Div;
      quotient.pos = pos;
      quotient.operands.push_back(std::move(combined));
      quotient.operands.push_back(std::move(count));
      combined = std::move(quotient);
    }
    e = std::move(combined);
    return true;
  }

  // terms[from, to) combined pairwise, halves first: the tree's height
  // grows with the logarithm of the number of elements (docs/language.md,
  // "Indexes": the order of a reduction).
  static Expr combine(const std::string& function, std::vector<Expr>& terms, std::size_t from, std::size_t to,
                      SourcePos pos) {
    if (to - from == 1) return std::move(terms[from]);
    const std::size_t middle = from + (to - from + 1) / 2;
    Expr e;
    e.pos = pos;
    if (function == "min" || function == "max") {
      e.kind = ExprKind::Call;
      e.name = function;
    } else {
      e.kind = ExprKind::Binary;
      e.binary = BinaryOp::Add;
    }
    e.operands.push_back(combine(function, terms, from, middle, pos));
    e.operands.push_back(combine(function, terms, middle, to, pos));
    return e;
  }

  const std::vector<Index>& indexes_;
  const std::map<std::string, IndexedName, std::less<>>& names_;
  const std::set<std::string, std::less<>>& entries_;
  const std::string& reading_;
  const std::vector<std::uint32_t>& over_;
  Diagnostics& d_;
  bool hints_;
  std::size_t& terms_;  // element terms made by reductions so far, the whole model's
  std::vector<std::optional<std::uint32_t>> bound_;
};

}  // namespace

bool ModelReader::expand_indexes(Expr& e) {
  static const std::vector<Index> kNone;
  static const std::vector<std::uint32_t> kUnindexed;
  const std::vector<Index>& indexes = indexes_ ? *indexes_ : kNone;
  IndexExpander expander(indexes, indexed_names_, entry_names_, reading_, scope_ ? scope_->over : kUnindexed, d_,
                         hints_wanted(), expanded_terms_);
  if (scope_) expander.bind(scope_->over, scope_->combination);
  return expander.expand(e);
}

}  // namespace riskcast::model_reading
