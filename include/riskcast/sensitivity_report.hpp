// Writers for sensitivity results: aligned table, CSV, JSON
// (riskcast.sensitivity/1), Markdown.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "riskcast/report.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast {

inline constexpr std::string_view kSensitivitySchema = "riskcast.sensitivity/1";

nlohmann::ordered_json to_json(const SensitivityResult& result);
void write_sensitivity(const SensitivityResult& result, Format format, std::ostream& out);

// A difference for people: shares in percentage points ("+1.25 pts"),
// other units as format_value with an explicit sign.
std::string format_difference(double value, const std::string& unit);

}  // namespace riskcast
