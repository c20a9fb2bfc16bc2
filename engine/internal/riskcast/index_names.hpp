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

// An element's name made fit for a file name: its brackets and commas,
// which shells and URLs read as patterns and separators, become
// `separator` (the trailing bracket goes): `units[huawei,h20]` with '.' is
// `units.huawei.h20`. Chart files use '.', a sweep's cell names '_' (their
// levers are already separated by dots).
std::string element_file_name(std::string_view name, char separator);

}  // namespace riskcast
