// A minimal XML well-formedness check for the SVG the charts write.
#pragma once

#include <string>

namespace riskcast::testing {

// Empty when `text` is one well-formed XML element (optionally after an XML
// declaration): tags nest and match, attribute values are quoted and not
// repeated within a tag, every '&' starts a known entity or a character
// reference, no '<' in text. Otherwise what is wrong and where.
std::string xml_problem(const std::string& text);

}  // namespace riskcast::testing
