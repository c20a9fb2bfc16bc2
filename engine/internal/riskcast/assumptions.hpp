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
  // A parameter given in other terms: the standard law it solves to, to 6
  // significant digits ("pert(-6.08442, -5.62832, 280.003)"); else empty.
  std::string solved;
};

// A rank correlation in force under the scenario, or one the scenario
// removes (rank_correlation 0).
struct CorrelationRow {
  std::string first, second;  // in the model's parameter order
  double rank_correlation = 0;
  bool overridden = false;  // set (or removed) by the scenario
};

// A data table (docs/language.md, "Data tables"): where its numbers come from.
struct DataRow {
  std::string name;
  std::string file;  // as the model writes it
  std::string by;    // "month" or an index
  std::string column;
  std::string values;  // "12 values, 0.8 – 1.3"
  std::string unit, source, note;
};

struct Assumptions {
  std::string scenario;
  std::string scenario_description;
  std::vector<DataRow> data;  // in file order
  std::vector<AssumptionRow> parameters, events;
  std::vector<AssumptionRow> outputs;  // in file order
  // Ordered as the parameters are; a pair a scenario sets to 0 is listed
  // with 0, a pair with a parameter the scenario fixes as in the model (the
  // parameter's row shows it fixed).
  std::vector<CorrelationRow> correlations;
};

// "name = solved" when the row has a solved form, else the definition.
std::string definition_with_solved(const AssumptionRow& row);

Assumptions assumptions_of(const Model& model, const Scenario& scenario);

// The assumptions table as text (riskcast describe): Format::Table,
// Markdown or Csv; std::invalid_argument for Json.
std::string describe_assumptions(const Model& model, const Scenario& scenario, Format format);

// "SOURCE — NOTE", or whichever of the two there is ("note: NOTE" alone).
std::string source_with_note(const AssumptionRow& row);
std::string source_with_note(const DataRow& row);

}  // namespace riskcast
