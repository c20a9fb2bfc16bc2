// The compiled program: a model (with one scenario applied) turned into flat
// instruction lists over numbered registers, each register holding one value
// for every sample of a block.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "riskcast/builtins.hpp"
#include "riskcast/distribution.hpp"
#include "riskcast/model.hpp"
#include "riskcast/random.hpp"

namespace riskcast {

using Register = std::uint32_t;
inline constexpr Register kNoRegister = 0xffffffffu;

struct Instruction {
  OpCode op;
  Register dst;
  Register a, b = kNoRegister, c = kNoRegister;
  SourcePos pos;  // the formula this instruction comes from
};

using Code = std::vector<Instruction>;

struct ParameterDraw {
  std::string name;
  Register reg;
  Distribution distribution;
  RandomSlot slot;
  bool correlated = false;  // drawn by a CopulaDraw, not from `slot`
};

// Correlated parameters (copula.hpp): per sample, one standard normal z_k
// per member from stream (sample, normal_slots[k]), x = L·z, and member k
// is the quantile of its distribution at Φ(x_k).
struct CopulaDraw {
  std::vector<std::size_t> members;      // indices into Program::parameters
  std::vector<RandomSlot> normal_slots;  // random_slot_for("copula", name) per member
  std::vector<double> cholesky;          // members² lower-triangular L, row-major
};

struct RegimeStep {
  std::string name;
  std::vector<std::string> states;
  Register state;
  std::vector<double> initial;               // per state
  std::vector<std::vector<Register>> moves;  // [from][to]: probability register or kNoRegister
  std::vector<std::vector<SourcePos>> move_pos;
  std::optional<std::uint32_t> fixed_state;
  RandomSlot slot;
};

struct SwitchStep {
  std::string name;
  Register state;
  double initial;
  Register on_hazard, off_hazard;
  SourcePos on_pos, off_pos;
  std::optional<std::uint32_t> fixed_on_from;
  RandomSlot slot;
};

struct ArrivalsStep {
  std::string name;
  Register total;
  Register rate;
  SourcePos rate_pos;
  Distribution size;
  RandomSlot count_slot, size_slot;
};

// An innovation: every month a fresh draw into `value`, from stream
// (sample, slot, substream_of(m)). Constant arguments: `law` is prepared and
// drawn as a parameter is (Sampler). Formula arguments: `arguments` holds
// one register per argument of `law`'s call, read after the month's
// arrivals; each lane's law is validated and drawn by its exact quantile at
// the stream's first uniform.
struct InnovationStep {
  std::string name;
  Register value;
  Distribution law;
  std::vector<Register> arguments;  // empty: constant arguments
  RandomSlot slot;
};

// A data series by month (Model::data): a table lookup by month. The runner
// sets `reg` to values[m − 1] at the start of month m, as it sets `month`:
// one fill a month, whatever the number of samples or formulas reading it.
struct MonthSeries {
  std::string name;
  Register reg;
  std::vector<double> values;  // one per month 1 … horizon
};

// prev(x, initial): `reg` holds x of the previous month; before month 1 it
// holds `initial`.
struct PrevLink {
  Register reg, source, initial;
};

enum class AggregateKind : std::uint8_t { Sum, Min, Max, Last };

struct Accumulator {
  AggregateKind kind;
  Register series, acc;
  std::uint32_t from, to;  // months, inclusive
  SourcePos pos;           // the aggregate's call
};

struct OutputColumn {
  std::string name;
  Register reg;
  Metadata metadata;
  SourcePos pos;
};

struct Program {
  std::uint32_t horizon = 12;
  std::uint32_t register_count = 0;
  std::vector<std::string> register_names;             // for listings: a name or "" for temporaries
  std::vector<std::pair<Register, double>> constants;  // filled once per worker
  Register month = kNoRegister;
  std::vector<MonthSeries> series;  // filled with `month`
  std::vector<ParameterDraw> parameters;
  std::vector<CopulaDraw> copulas;
  Code start_code;   // once per block after parameters: initial values of prev()
  Code hazard_code;  // months ≥ 2, before events move: sees month m − 1
  std::vector<RegimeStep> regimes;
  std::vector<SwitchStep> switches;
  Code rate_code;  // after regimes and switches moved: sees month m
  std::vector<ArrivalsStep> arrivals;
  Code innovation_code;  // after arrivals are drawn: innovations' arguments, sees month m
  std::vector<InnovationStep> innovations;
  Code monthly_code;  // monthly formulas and aggregate series, month m
  std::vector<Accumulator> accumulators;
  std::vector<PrevLink> prev_links;
  Code output_code;
  std::vector<OutputColumn> outputs;

  // The same model compiled without folding constant sub-formulas or
  // sharing common subexpressions and aggregates (CompileOptions::optimise
  // false), which gives the same bits. A run traces the cause of a
  // non-finite output in it, so that the cause named is the operation
  // written in that output's own formula, at its own position. Null in an
  // unoptimised program.
  std::shared_ptr<const Program> unoptimised;

  std::size_t instruction_count() const;
  // A readable listing: each instruction with its source position.
  std::string disassemble(const std::string& file) const;
};

struct CompileOptions {
  // Fold constant sub-formulas, share common subexpressions and aggregates
  // of the same series. Either way each value has the same bits; without,
  // every operation written in the model is an instruction of its own.
  bool optimise = true;
};

// Compiles a model whose scenario overrides are already applied; an
// optimised program carries its unoptimised twin. Every program is checked
// by verify_program before it is returned.
Program compile_program(const Model& model, CompileOptions options = {});

// A compiled program that breaks the rules below: a compiler bug, never a
// fault of the model. The message names the register and the instruction.
class ProgramError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Checks that every register is read only where it holds the value meant:
//  * each register is written by one instruction at most, and never one
//    the runner fills (constants, month, data series, parameters, events,
//    prev values, accumulators);
//  * each section reads, besides its own earlier results, only what holds
//    its month's value when it runs: start code the constants, parameters
//    and earlier start results; hazards also `month` (and the data series,
//    which are read wherever `month` is) and the events'
//    month m − 1 states; rates also the regimes' and switches' month-m
//    states; innovations' arguments also the arrivals' month-m totals;
//    monthly code also every event, prev values and `month`;
//    output code the start results and accumulators;
//  * event steps read probabilities and rates computed by their section
//    (never an event's state, which moves in place), accumulators and prev
//    links read monthly values, prev initial values are start values, and
//    every output is computed.
// Throws ProgramError on the first violation. Linear in the program's size.
void verify_program(const Program& program);

std::string_view to_string(OpCode op);

}  // namespace riskcast
