// The program verifier: a compiled program reads each register only where it
// holds the value meant. It exists because an optimisation once renamed a
// register that earlier code still read, and every reader saw 0.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "riskcast/program.hpp"

namespace riskcast {
namespace {

// What may be read, as bits: a register's origin, and for a section's own
// results whether they were written yet.
enum Origin : std::uint16_t {
  kUnwritten = 0,
  kConstant = 1 << 0,
  kParameter = 1 << 1,
  kMonth = 1 << 2,
  kRegimeOrSwitch = 1 << 3,
  kArrivals = 1 << 4,
  kPrev = 1 << 5,
  kAccumulator = 1 << 6,
  kStart = 1 << 7,
  kHazard = 1 << 8,
  kRate = 1 << 9,
  kMonthly = 1 << 10,
  kOutput = 1 << 11,
  kInnovation = 1 << 12,
  kInnovationArgument = 1 << 13,
};

constexpr std::uint16_t kInvariant = kConstant | kParameter | kStart;
constexpr std::uint16_t kEvents = kRegimeOrSwitch | kArrivals | kInnovation;

class Verifier {
 public:
  explicit Verifier(const Program& p) : p_(p), origin_(p.register_count, kUnwritten) {}

  void run() {
    for (auto [r, v] : p_.constants) fill(r, kConstant, "constant");
    fill(p_.month, kMonth, "month");
    for (const MonthSeries& s : p_.series) {
      fill(s.reg, kMonth, "data series " + s.name);
      if (s.values.size() != p_.horizon)
        fail(fmt::format("data series {} has a value for {}", s.name, counted(s.values.size(), "month")));
    }
    for (const ParameterDraw& d : p_.parameters) fill(d.reg, kParameter, "parameter " + d.name);
    for (const RegimeStep& r : p_.regimes) fill(r.state, kRegimeOrSwitch, "regime " + r.name);
    for (const SwitchStep& s : p_.switches) fill(s.state, kRegimeOrSwitch, "switch " + s.name);
    for (const ArrivalsStep& a : p_.arrivals) fill(a.total, kArrivals, "arrivals " + a.name);
    for (const InnovationStep& i : p_.innovations) fill(i.value, kInnovation, "innovation " + i.name);
    for (const PrevLink& l : p_.prev_links) fill(l.reg, kPrev, "prev value");
    for (const Accumulator& a : p_.accumulators) fill(a.acc, kAccumulator, "accumulator");

    section("start", p_.start_code, kStart, kInvariant);
    section("hazards", p_.hazard_code, kHazard, kInvariant | kMonth | kEvents);
    for (const RegimeStep& r : p_.regimes)
      for (const auto& row : r.moves)
        for (Register m : row)
          if (m != kNoRegister) step_reads(m, kInvariant | kMonth | kHazard, "regime " + r.name + "'s transition");
    for (const SwitchStep& s : p_.switches) {
      if (s.fixed_on_from) continue;
      step_reads(s.on_hazard, kInvariant | kMonth | kHazard, "switch " + s.name + "'s hazard to turn on");
      step_reads(s.off_hazard, kInvariant | kMonth | kHazard, "switch " + s.name + "'s hazard to turn off");
    }
    section("rates", p_.rate_code, kRate, kInvariant | kMonth | kRegimeOrSwitch);
    for (const ArrivalsStep& a : p_.arrivals)
      step_reads(a.rate, kInvariant | kMonth | kRegimeOrSwitch | kRate, "arrivals " + a.name + "'s rate");
    // Innovations are drawn after the arrivals and read neither each other
    // nor anything computed later in the month.
    constexpr std::uint16_t kInnovationReads = kInvariant | kMonth | kRegimeOrSwitch | kArrivals;
    section("innovations", p_.innovation_code, kInnovationArgument, kInnovationReads);
    for (const InnovationStep& i : p_.innovations)
      for (Register a : i.arguments)
        step_reads(a, kInnovationReads | kInnovationArgument, "innovation " + i.name + "'s argument");
    constexpr std::uint16_t kMonthValues = kInvariant | kMonth | kEvents | kPrev | kMonthly;
    section("monthly", p_.monthly_code, kMonthly, kMonthValues);
    for (const Accumulator& a : p_.accumulators) step_reads(a.series, kMonthValues, "an aggregate's series");
    for (const PrevLink& l : p_.prev_links) {
      // A series may be a value fixed for the run (a formula of parameters
      // only lives in the start code) but not another prev value: the copies
      // run one after another, so that one could already hold next month's.
      step_reads(l.source, kMonthValues & ~kPrev, "prev's series");
      step_reads(l.initial, kInvariant, "prev's initial value");
    }
    section("outputs", p_.output_code, kOutput, kInvariant | kAccumulator);
    for (const OutputColumn& o : p_.outputs) step_reads(o.reg, kInvariant | kAccumulator | kOutput, "output " + o.name);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ProgramError(fmt::format(
        "internal error: the compiled program is invalid ({}); this is a bug in riskcast, not in the model", what));
  }

  std::string describe(Register r) const {
    if (r == kNoRegister) return "no register";
    if (r >= p_.register_count) return fmt::format("r{} (beyond the {} registers)", r, p_.register_count);
    const std::string& name = p_.register_names[r];
    return name.empty() ? fmt::format("r{}", r) : fmt::format("r{}:{}", r, name);
  }

  void check_register(Register r, const std::string& where) const {
    if (r == kNoRegister || r >= p_.register_count) fail(fmt::format("{} uses {}", where, describe(r)));
  }

  // A register the runner fills before the code that reads it runs.
  void fill(Register r, Origin origin, const std::string& what) {
    check_register(r, what);
    if (origin_[r] != kUnwritten && !(origin == kConstant && origin_[r] == kConstant))
      fail(fmt::format("{} is {} and also written elsewhere", describe(r), what));
    origin_[r] = origin;
  }

  void section(std::string_view name, const Code& code, Origin own, std::uint16_t readable) {
    for (std::size_t i = 0; i < code.size(); ++i) {
      const Instruction& ins = code[i];
      const std::string where = fmt::format("{} instruction {} ({} at line {}, column {})", name, i, to_string(ins.op),
                                            ins.pos.line, ins.pos.column);
      const Operation& op = operation(ins.op);
      const Register operands[3] = {ins.a, ins.b, ins.c};
      for (std::size_t k = 0; k < 3; ++k) {
        if (k >= op.operands) {
          if (operands[k] != kNoRegister) fail(fmt::format("{} has an operand too many", where));
          continue;
        }
        check_register(operands[k], where);
        reads(operands[k], readable | own, where);
      }
      check_register(ins.dst, where);
      if (origin_[ins.dst] != kUnwritten)
        fail(fmt::format("{} writes {}, which is already written", where, describe(ins.dst)));
      origin_[ins.dst] = own;
    }
  }

  void reads(Register r, std::uint16_t readable, const std::string& where) const {
    if (origin_[r] == kUnwritten) fail(fmt::format("{} reads {}, which nothing wrote before", where, describe(r)));
    if (!(origin_[r] & readable))
      fail(fmt::format("{} reads {}, which does not hold this month's value there", where, describe(r)));
  }

  void step_reads(Register r, std::uint16_t readable, const std::string& what) {
    check_register(r, what);
    reads(r, readable, what);
  }

  const Program& p_;
  std::vector<std::uint16_t> origin_;
};

}  // namespace

void verify_program(const Program& program) {
  if (program.register_names.size() != program.register_count)
    throw ProgramError("internal error: the compiled program's register names do not match its registers");
  Verifier(program).run();
}

}  // namespace riskcast
