// The model IR: what a model file says, validated, with source positions.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "riskcast/diagnostics.hpp"
#include "riskcast/distribution.hpp"
#include "riskcast/expr.hpp"
#include "riskcast/metadata.hpp"

namespace riskcast {

// An index (docs/language.md, "Indexes"): a named, ordered list of element
// names over which parameters, events, monthly formulas and outputs may be
// declared (`over: vendor`), one value per element.
struct Index {
  std::string name;
  SourcePos pos;                             // the index's name in `indexes:`
  std::vector<std::string> elements;         // distinct identifiers, in file order
  std::vector<SourcePos> element_positions;  // per element

  // The element's position in `elements`, or nullopt.
  std::optional<std::uint32_t> find(std::string_view element) const;
};

// Most elements an index may have, most indexes an entry may be over, and
// most element combinations one entry may have: an indexed entry becomes one
// flat entry per combination (engine/model/indexes.cpp).
inline constexpr std::size_t kMaxIndexElements = 10'000;
inline constexpr std::size_t kMaxIndexesPerEntry = 4;
inline constexpr std::size_t kMaxElementsPerEntry = 100'000;

// An entry declared over indexes. Loading expands it into one flat entry per
// combination of elements (the first index outermost), each named
// `name[e1,e2]` (element_entry_name), so that everything after loading —
// resolution, compilation, sampling, results — sees plain scalar entries.
struct IndexedEntry {
  std::string name;
  SourcePos pos;
  std::vector<std::uint32_t> over;  // into Model::indexes, in declaration order
};

// Every combination of elements of `over` (positions in `indexes`), the
// first index outermost: {{0,0}, {0,1}, …}.
std::vector<std::vector<std::uint32_t>> element_combinations(const std::vector<Index>& indexes,
                                                             const std::vector<std::uint32_t>& over);

// The flat name of one element of an indexed entry: "capacity[huawei]",
// "price[huawei,h200]" (no blanks, the elements in the entry's index order).
std::string element_entry_name(std::string_view name, const std::vector<std::string_view>& elements);

struct Parameter {
  std::string name;
  SourcePos pos;
  Distribution distribution;
  Metadata metadata;
};

// How far a row of probabilities (a regime's initial states, a row of its
// transitions) may miss 1 by rounding: decimal numbers such as 0.1 + 0.2 do
// not sum to exactly 0.3 in binary. Used at load time and at run time alike.
constexpr double kProbabilitySumTolerance = 1e-9;

// A Markov chain over named states, moving once a month.
struct Regime {
  std::vector<std::string> states;
  std::vector<double> initial;  // per state, sums to 1
  // transitions[from][to]: monthly probability, a formula; nullopt = none.
  // The probability of staying is 1 minus the row's sum.
  std::vector<std::vector<std::optional<Expr>>> transitions;
  std::optional<std::uint32_t> fixed_state;  // scenario: this state every month
};

// An on/off state: month-1 probability of being on, monthly hazards to turn
// on (while off) and off (while on).
struct Switch {
  double initial = 0.0;
  Expr on_hazard = Expr::make_number(0.0, {});
  Expr off_hazard = Expr::make_number(0.0, {});
  // Scenario: off before this month, on from it (kNever = off all year).
  std::optional<std::uint32_t> fixed_on_from;
  static constexpr std::uint32_t kNever = std::numeric_limits<std::uint32_t>::max();
};

// A monthly Poisson count of bursts, each with a random size; the event's
// value in a month is the sum of that month's sizes.
struct Arrivals {
  Expr rate = Expr::make_number(0.0, {});
  Distribution size;
};

// A quantity drawn afresh every month: the innovation (the fresh random
// term ε_t, a "shock") of a time series, in Box & Jenkins' terms. Its value
// in month m is month m's draw from `law`, independent of every other month's
// (docs/language.md, "innovation").
struct Innovation {
  // Every argument a constant: the distribution prepared as a parameter's
  // (prepare_distribution) and drawn like one. Otherwise its kind and
  // position, with the constant arguments in place and 0 where `arguments`
  // holds a formula.
  Distribution law;
  // Empty when every argument is a constant; otherwise one formula per
  // argument of the call (a constant one as a number), evaluated each month.
  std::vector<Expr> arguments;

  bool has_formulas() const { return !arguments.empty(); }
  // The call as written: "normal(0, (sigma * 2))", or law.to_string().
  std::string to_string() const;
};

enum class EventKind : std::uint8_t { Regime, Switch, Arrivals, Innovation };
// The kind as the model file writes it (`kind: regime`).
std::string_view to_string(EventKind kind);

struct Event {
  std::string name;
  SourcePos pos;
  Metadata metadata;
  std::variant<Regime, Switch, Arrivals, Innovation> definition;

  EventKind kind() const { return static_cast<EventKind>(definition.index()); }
};

struct MonthlyFormula {
  std::string name;
  SourcePos pos;
  Expr formula;
  Metadata metadata;
};

struct Output {
  std::string name;
  SourcePos pos;
  Expr formula;
  Metadata metadata;
};

// Numbers read from a CSV file (docs/language.md, "Data tables"): a series
// by month (`by: month`, a value for each month 1 … horizon, read in a
// formula as the month's value) or a table by the elements of an index (a
// constant over it: loading puts each element's number where a formula reads
// it, so no formula refers to the table afterwards). No random slot: it is
// the same in every sample.
struct DataTable {
  std::string name;
  SourcePos pos;
  std::string file;            // as written: relative to the model file's folder
  std::string path;            // the file as read: the model's folder joined with `file`
  SourcePos file_pos;          // the `file:` value, for a file that cannot be read
  std::string by;              // "month" or an index's name
  std::string column;          // the column read (the file's only value column when `column:` is not given)
  std::vector<double> values;  // by month: values[m − 1]; by index: one per element, in the index's order
  Metadata metadata;

  bool by_month() const { return by == "month"; }
};

// A rank (Spearman) correlation between two parameters, sampled through a
// Gaussian copula (docs/language.md, "Correlations"). `first` precedes
// `second` in the model's parameter order.
struct ParameterCorrelation {
  std::string first, second;
  double rho = 0.0;  // in (−1, 1); 0 in a scenario removes the pair
  SourcePos pos;     // the pair's entry, or the matrix cell
};

// A named set of inputs whose randomness a variance-based sensitivity
// analysis takes together (docs/language.md, "Groups"): parameters and
// events, an indexed entry's name standing for every element. Groups change
// no number a run computes, so they are not part of the model's fingerprint.
struct InputGroup {
  std::string name;
  SourcePos pos;
  std::vector<std::string> members;  // flat parameter and event names, in the order listed, each once
};

// A named set of overrides. Applying it gives a complete model.
struct Scenario {
  std::string name;
  SourcePos pos;
  std::string description;
  std::vector<Parameter> parameters;  // replace the parameters of the same name
  std::vector<Event> events;          // replace the events of the same name
  // Replace the model's coefficient of the same pair (0 removes it) or add one.
  std::vector<ParameterCorrelation> correlations;
};

struct Model {
  std::string file;  // path the model was read from
  std::string name;  // `model:`, or the file's stem
  std::string title;
  std::string description;
  std::uint32_t horizon = 12;
  std::vector<Index> indexes;         // `indexes:`, in file order
  std::vector<IndexedEntry> indexed;  // entries declared with `over:`, each expanded into flat entries below
  std::vector<DataTable> data;        // in file order
  std::vector<Parameter> parameters;
  std::vector<Event> events;
  std::vector<MonthlyFormula> monthly;  // in dependency order after loading
  std::vector<Output> outputs;
  std::vector<ParameterCorrelation> correlations;  // non-zero pairs, each once
  SourcePos correlations_pos;                      // the `correlations:` key
  std::vector<Scenario> scenarios;                 // `base` first, always present
  std::vector<InputGroup> groups;                  // `groups:`, in file order

  const Scenario* find_scenario(std::string_view name) const;
  const Index* find_index(std::string_view name) const;
  // The flat entry name of `name` over `over` at one combination.
  std::string element_entry_name(std::string_view name, const std::vector<std::uint32_t>& over,
                                 const std::vector<std::uint32_t>& combination) const;
  std::vector<std::string> scenario_names() const;
  // What `name` is in the model: "a data table", "a parameter", "an event",
  // "a monthly formula" or "an output" (names are unique across them), or "" when it
  // names none of them; for messages that refuse a name of the wrong kind.
  std::string kind_of_name(std::string_view name) const;
};

// The model with one scenario's overrides in place.
Model apply_scenario(const Model& model, const Scenario& scenario);

}  // namespace riskcast
