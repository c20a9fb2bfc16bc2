// Random model files for differential testing (docs/testing.md): each seed
// gives one valid model text, the same text for the same seed on any
// machine, covering every operator, function, distribution, event kind,
// scenario override and context of docs/language.md. A controlled share of
// the models is built to stop at run time with one of the run-time errors.
//
// The choices come from a ChoiceSource, so a fuzzer can drive the generator
// with its bytes (ByteChoices) as well as a seed (SeededChoices).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riskcast::generator {

// Where the generator's decisions come from: 64 bits at a time.
class ChoiceSource {
 public:
  virtual ~ChoiceSource() = default;
  virtual std::uint64_t next() = 0;
};

// SplitMix64 (Steele, Lea & Flood 2014) over the seed: the same sequence on
// every platform, unlike the standard library's distributions.
class SeededChoices : public ChoiceSource {
 public:
  explicit SeededChoices(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() override;

 private:
  std::uint64_t state_;
};

// The bytes of a fuzzer's input, eight per decision, then zeros: every
// decision sequence ends, because sizes and depths are bounded, not drawn
// until a coin says stop.
class ByteChoices : public ChoiceSource {
 public:
  explicit ByteChoices(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint64_t next() override;

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
};

// The run-time errors a generated model may be built to hit
// (docs/language.md "Run-time checks").
enum class PlannedError : std::uint8_t {
  None,
  SwitchHazard,          // a switch hazard formula outside [0, 1] or NaN
  TransitionCell,        // a transition probability formula outside [0, 1] or NaN
  RowSum,                // transition formulas of one row summing above 1
  ConstantParameterRow,  // constant parameters as transition probabilities, out of range or summing above 1
  ArrivalRate,           // an arrival rate below 0, infinite or NaN
  TooManyBursts,         // a rate so high a month has more than 8191 bursts
  OutputNotFinite,       // an output that is infinite or NaN
  InnovationLaw,         // an innovation's formula arguments outside its distribution's domain
};
inline constexpr int kPlannedErrorKinds = 9;
std::string_view to_string(PlannedError e);

struct GeneratorOptions {
  // Share of models built to fail at run time, each with one PlannedError
  // drawn uniformly; the others are built so that no run-time error is
  // possible but for astronomically unlikely draws.
  double error_rate = 0.15;
  // Most horizons are 1 … 36 months; this share runs 60 … 240 months (a
  // tenth of them 1,100 … 1,200, near the longest allowed).
  double long_horizon_rate = 0.03;
  // Share of models with indexes (docs/language.md "Indexes"): entries over
  // them, per-element values, broadcasting, picks, reductions, overrides.
  double index_rate = 0.4;
};

// Which names a formula may use (docs/language.md "Which names a formula may use").
enum class Context : std::uint8_t {
  Constant,    // a number setting: numbers, operators and math functions only
  PrevInit,    // the initial value of prev(): parameters only
  Hazard,      // transition probabilities and switch hazards
  Rate,        // arrival rates
  Innovation,  // the arguments of an innovation's distribution
  Monthly,     // monthly formulas
  Series,      // the argument of an aggregate: a monthly formula without prev
  Output,      // outputs: parameters and aggregates
};

// A formula's syntax tree as the generator writes it.
struct Node {
  enum class Kind : std::uint8_t { Number, Name, Unary, Binary, Conditional, Call };
  // What a Name refers to; a State is the state side of `regime == state`.
  enum class Ref : std::uint8_t { None, Parameter, Event, State, Monthly, Month, Constant };
  Kind kind = Kind::Number;
  Ref ref = Ref::None;
  std::string
      text;  // Number: the literal; Name: the name; Unary: "-", "+" or "not"; Binary: the operator; Call: the function
  std::vector<Node> args;

  static Node number(std::string literal);
  static Node name(std::string name, Ref ref);
  static Node unary(std::string op, Node a);
  static Node binary(std::string op, Node a, Node b);
  static Node conditional(Node c, Node a, Node b);
  static Node call(std::string function, std::vector<Node> args);
  bool is_leaf() const { return kind == Kind::Number || kind == Kind::Name; }
  int height() const;
};

// The formula's text, with parentheses around every operand that is not a
// name, a call or a non-negative number.
std::string render(const Node& node);

// A model file as an ordered tree: mappings keep their order, formulas are
// syntax trees, so transformations can edit the model and print it again.
struct Entry;

struct Value {
  enum class Kind : std::uint8_t { Scalar, Formula, Map, List };
  Kind kind = Kind::Map;
  std::string scalar;  // Scalar: written as is ("" writes `key:` with no value)
  Node formula;        // Formula: written in double quotes
  Context context = Context::Constant;
  std::vector<Entry> entries;      // Map
  std::vector<std::string> items;  // List: written [a, b, …]
  bool flow = false;               // Map: written {k: v, …} on one line

  static Value of_scalar(std::string text);
  static Value of_formula(Node node, Context context);
  static Value map(bool flow = false);
  static Value list(std::vector<std::string> items);
  Value* find(std::string_view key);
  const Value* find(std::string_view key) const;
  Value& add(std::string key, Value value);
};

// A key of a map and its value. (A struct, not std::pair<std::string,
// Value>: a pair of the incomplete Value inside Value does not compile with
// clang and libstdc++, which the fuzz build uses.)
struct Entry {
  std::string first;
  Value second;
};

struct GeneratedModel {
  Value root;
  std::uint32_t horizon = 12;
  PlannedError planned_error = PlannedError::None;
  std::set<std::string> features;  // what this model exercises ("op:^", "dist:gamma", "override:on_from" …)
  std::string text() const;
};

GeneratedModel generate(ChoiceSource& choices, const GeneratorOptions& options = {});
// The text of generate(SeededChoices(seed), options).
std::string generate_model(std::uint64_t seed, const GeneratorOptions& options = {});

// Rewritings that must not change a single bit of any output (docs/testing.md
// "Metamorphic checks"). Random slots come from names, and no name changes.
enum class Transformation : std::uint8_t {
  CommuteOperands,   // a + b ↔ b + a, a * b ↔ b * a, ==, !=, and, or, everywhere
  ReorderEntries,    // parameters, events, monthly formulas, outputs, scenarios and their keys shuffled
  InlineFormula,     // a monthly formula's text replaces its name where it is read
  ExtractFormula,    // a sub-formula becomes a new monthly formula, read by name
  AddUnusedFormula,  // a new monthly formula repeating a sub-formula of another, read by nothing
};
inline constexpr int kTransformations = 5;
std::string_view to_string(Transformation t);

// The model rewritten; nullopt when it offers nothing to rewrite (no monthly
// formula to inline, say).
std::optional<GeneratedModel> transform(const GeneratedModel& model, Transformation t, ChoiceSource& choices);

// Smaller models that may still show a failure: each drops one entry, one
// scenario override, or replaces one sub-formula by an operand or a number,
// or shortens the horizon. For shrinking a failing model by hand or by
// compare.hpp's shrinker; candidates may fail to load.
std::vector<GeneratedModel> shrink_candidates(const GeneratedModel& model);

}  // namespace riskcast::generator
