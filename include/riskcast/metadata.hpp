// What a number of a model means and where it comes from; shown in reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace riskcast {

// What an output's samples are (docs/language.md, "Probability outputs"):
//  * Value: a quantity, reported by its distribution (mean, sd, percentiles);
//  * Probability: an indicator that is exactly 0 or 1 in every sample (a run
//    stops at a sample where it is not), reported as the probability that it
//    is 1, P = k / n, with its exact (Clopper–Pearson) interval
//    (OutputSummary::probability, statistics.hpp).
enum class OutputKind : std::uint8_t { Value, Probability };

// The kind as the model file writes it (`kind: probability`), and back.
std::string_view to_string(OutputKind kind);
std::optional<OutputKind> parse_output_kind(std::string_view text);

struct Metadata {
  std::string unit;    // free text: "share", "USD bn", "months"
  std::string source;  // where the number comes from
  std::string note;
  OutputKind kind = OutputKind::Value;  // an output's; always Value for parameters, events and monthly formulas
};

// Whether `name` is an element of the entry `entry` over an index: an entry
// over indexes becomes one entry per element named `entry[e1,e2]`
// (docs/language.md, "Names of elements, random draws and results"), so the
// elements of `units` are the names `units[…]`. Where a list of outputs or
// columns is asked for, the entry's name stands for all its elements.
inline bool is_element_of(std::string_view name, std::string_view entry) {
  return name.size() > entry.size() + 1 && name.starts_with(entry) && name[entry.size()] == '[';
}

}  // namespace riskcast
