// Writers for sensitivity results: aligned table, CSV, JSON
// (riskcast.sensitivity/1), Markdown.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/report.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast {

inline constexpr std::string_view kSensitivitySchema = "riskcast.sensitivity/1";

nlohmann::ordered_json to_json(const SensitivityResult& result);
void write_sensitivity(const SensitivityResult& result, Format format, std::ostream& out);

// A difference for people: shares in percentage points ("+1.25 pts"),
// other units as format_value with an explicit sign.
std::string format_difference(double value, const std::string& unit);

// ρ to two decimals; its interval with as many decimals as its width needs.
std::string format_rho(double rho);
// A driver's swing (Driver::swing) in the output's unit, signed; "" when undefined.
std::string format_swing(const Driver& d, const std::string& unit);
// What the swing column means.
std::string swing_note(const SensitivityResult& r);
std::string format_rho_interval(const Driver& driver);
// Whether any interval of the result (ρ's, a percentile's, a mean's) is open.
bool has_open_interval(const SensitivityResult& result);
// The one-line caveat printed under the tornado when some inputs are
// correlated (SensitivityResult::correlated); "" when none is.
std::string correlated_inputs_note(const SensitivityResult& result);
// A probability as a percentage with one decimal ("<0.1%" below that).
std::string format_probability(double p);

// A probability output's analysis (SensitivityResult::output_summary has
// its P) shows P per outcome and the paired difference of P per scenario
// instead of percentiles. "P(ban_by_june)": the heading of P's column per
// outcome; the notes under its tables: what P is, and (with deltas) what
// its paired difference is.
std::string probability_column(const SensitivityResult& result);
std::vector<std::string> probability_notes(const SensitivityResult& result);

// The order every table and chart shows Sobol indices in: the inputs by
// total index, descending (ties and NaN last keep the model's order); with
// `groups`, the groups instead, in file order.
std::vector<const SobolIndex*> sobol_rows(const SobolIndices& s, bool groups);

}  // namespace riskcast
