// Names of entries over indexes where a message needs them: an entry's name
// used whole where its elements are wanted (docs/language.md, "Names of
// elements, random draws and results").
#pragma once

#include <string>
#include <string_view>

#include "riskcast/model.hpp"

namespace riskcast {

// "`wx` is over an index: name its elements, `wx[a]`, `wx[b]`, `wx[c]`, …",
// or "" when `name` is not an entry over an index of `model`.
std::string over_index_hint(const Model& model, std::string_view name);

}  // namespace riskcast
