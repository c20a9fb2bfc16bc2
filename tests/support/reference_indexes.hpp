// The reference evaluator's own reading of a model's indexes
// (docs/language.md "Indexes"), from the model text, independently of the
// engine's expansion (engine/model/indexes.cpp): which entries are over
// which indexes, each element's definition chosen from one value, a list, a
// mapping or a mapping of mappings as written (a scenario's partial
// mapping keeping the model's value for the elements it leaves out), and
// the formulas as written, with their broadcast names, picks and reductions
// unresolved. The evaluator (reference_evaluator.cpp) evaluates those trees
// element by element, so that the engine's flat program is checked against
// an array reading of the same text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/model.hpp"

namespace riskcast::reference {

struct ReferenceIndex {
  std::string name;
  std::vector<std::string> elements;
};

// Per index of the layer: the element an index name stands for while a
// definition is evaluated, or -1 where it is not bound.
using Binding = std::vector<std::int32_t>;

// One element of an entry over indexes, or an entry over none whose formulas
// hold picks or reductions: everything the evaluator takes from the text
// rather than from the engine's loaded model.
struct ElementDefinition {
  std::string name;  // the flat name: `units[huawei]`, `revenue[huawei,h200]`, or the entry's own
  SourcePos pos;     // the entry's key
  Binding binding;   // the element's indexes bound to it
  std::optional<Distribution> distribution;  // a parameter's
  std::optional<Expr> formula;               // a monthly formula's or an output's, as written
  std::optional<Switch> switch_;             // hazards as written
  std::optional<Arrivals> arrivals;          // the rate as written
};

struct IndexLayer {
  std::vector<ReferenceIndex> indexes;
  // Entries declared with `over:` and data tables by index: their indexes
  // (positions in `indexes`), in declaration order.
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> over;
  std::map<std::string, ElementDefinition, std::less<>> definitions;  // by flat name
  std::vector<std::string> outputs;                                   // every output's flat name, in file order
};

// The layer of `model_text` with scenario `scenario` applied; nullopt for a
// model without `indexes:`. Throws std::logic_error for what it does not
// read (a regime or an innovation over an index).
std::optional<IndexLayer> read_index_layer(std::string_view model_text, std::string_view scenario);

// `name[e1,e2]`, written here again from docs/language.md rather than taken from the engine.
std::string flat_name(std::string_view name, const std::vector<std::string_view>& elements);

}  // namespace riskcast::reference
