// The assumptions table: each parameter and event of a model, one scenario
// applied, with its definition, exact median and 90 % interval (quantiles of
// the distribution, no sampling), unit and source; then each output with its
// formula, kind, unit and source.
#pragma once

#include <string>
#include <vector>

#include "riskcast/format.hpp"
#include "riskcast/model.hpp"

namespace riskcast {

// A parameter, an event (whose numbers, for arrivals, describe the size
// of one burst), or an output (its formula as the definition, and its kind).
struct AssumptionRow {
  std::string name;
  std::string definition;
  bool has_numbers = false;
  double median = 0, p5 = 0, p95 = 0;
  std::string unit;
  std::string source;
  std::string note;
  bool overridden = false;  // changed by the scenario
  std::string kind;         // an output's: "value" or "probability"; empty otherwise
};

struct Assumptions {
  std::string scenario;
  std::string scenario_description;
  std::vector<AssumptionRow> parameters, events;
  std::vector<AssumptionRow> outputs;  // in file order
};

Assumptions assumptions_of(const Model& model, const Scenario& scenario);

// The assumptions table as text (riskcast describe): Format::Table,
// Markdown or Csv; std::invalid_argument for Json.
std::string describe_assumptions(const Model& model, const Scenario& scenario, Format format);

// "SOURCE — NOTE", or whichever of the two there is ("note: NOTE" alone).
std::string source_with_note(const AssumptionRow& row);

}  // namespace riskcast
