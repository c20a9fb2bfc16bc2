// Model IR → Program. Formulas become straight-line code over registers;
// constant sub-formulas are folded with the same arithmetic the evaluator
// uses, and common subexpressions shared (unless CompileOptions says not).
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <tuple>

#include "riskcast/copula.hpp"
#include "riskcast/format.hpp"
#include "riskcast/program.hpp"

namespace riskcast {
namespace {

struct Operand {
  bool constant = false;
  double value = 0.0;
  Register reg = kNoRegister;
  static Operand of(double v) { return {true, v, kNoRegister}; }
  static Operand in(Register r) { return {false, 0.0, r}; }
};

class Compiler {
 public:
  Compiler(const Model& model, CompileOptions options) : model_(model), options_(options) {}

  Program compile() {
    p_.horizon = model_.horizon;
    p_.month = fresh("month");
    for (const DataTable& t : model_.data) {
      if (!t.by_month()) {
        data_regs_.push_back(kNoRegister);
        continue;
      }
      data_regs_.push_back(fresh(t.name));
      p_.series.push_back({t.name, data_regs_.back(), t.values});
    }
    for (const Parameter& param : model_.parameters) {
      Register r = fresh(param.name);
      mark_invariant(r);
      parameter_regs_.push_back(r);
      p_.parameters.push_back({param.name, r, param.distribution, random_slot_for("parameter", param.name)});
    }
    for (const CopulaGroup& g : copula_groups(model_)) {
      CopulaDraw draw{g.parameters, {}, g.cholesky};
      // The loader refuses a matrix that is not positive definite.
      if (draw.cholesky.empty())
        throw ProgramError("a correlation matrix without a Cholesky factor reached the compiler");
      for (std::size_t i : g.parameters) {
        p_.parameters[i].correlated = true;
        draw.normal_slots.push_back(random_slot_for("copula", p_.parameters[i].name));
      }
      p_.copulas.push_back(std::move(draw));
    }
    for (const Event& ev : model_.events) event_regs_.push_back(fresh(ev.name));
    for (const MonthlyFormula& f : model_.monthly) monthly_regs_.push_back(fresh(f.name));

    for (std::size_t i = 0; i < model_.events.size(); ++i) compile_event(model_.events[i], event_regs_[i]);
    for (std::size_t i = 0; i < model_.monthly.size(); ++i) {
      const MonthlyFormula& f = model_.monthly[i];
      const Register first_new = next_register_;
      last_key_.reset();
      const Operand value = compile_expr(f.formula, p_.monthly_code);
      const Register result = materialize(value);
      // A formula of parameters and constants only is set once per block.
      Code& code = invariant(result) ? p_.start_code : p_.monthly_code;
      // The result is written in place, without a copy, only if it is a
      // temporary this formula's own last instruction created: nothing else
      // reads it yet. A register from before (a common subexpression that an
      // earlier formula, hazard or rate computed) keeps its readers, so it is
      // copied; renaming it would leave them reading a register never written.
      const bool own_temporary = result >= first_new && p_.register_names[result].empty() && !code.empty() &&
                                 code.back().dst == result && last_key_ && cse_.at(*last_key_) == result;
      if (own_temporary) {
        code.back().dst = monthly_regs_[i];
        cse_[*last_key_] = monthly_regs_[i];
      } else {
        emit(code, OpCode::Copy, monthly_regs_[i], result, kNoRegister, kNoRegister, f.pos);
      }
      if (&code == &p_.start_code) mark_invariant(monthly_regs_[i]);
    }
    for (const Output& o : model_.outputs) {
      Operand value = compile_expr(o.formula, p_.output_code);
      p_.outputs.push_back({o.name, materialize(value), o.metadata, o.pos});
    }
    p_.register_count = next_register_;
    return std::move(p_);
  }

 private:
  Register fresh(std::string name = {}) {
    p_.register_names.push_back(std::move(name));
    return next_register_++;
  }

  Register constant_register(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    auto it = constant_regs_.find(bits);
    if (it != constant_regs_.end()) return it->second;
    Register r = fresh(fmt::format("{}", v));
    mark_invariant(r);
    p_.constants.emplace_back(r, v);
    constant_regs_[bits] = r;
    return r;
  }

  Register materialize(Operand o) { return o.constant ? constant_register(o.value) : o.reg; }

  void emit(Code& code, OpCode op, Register dst, Register a, Register b, Register c, SourcePos pos) {
    code.push_back({op, dst, a, b, c, pos});
  }

  bool invariant(Register r) const { return r < invariant_.size() && invariant_[r]; }
  void mark_invariant(Register r) {
    if (invariant_.size() <= r) invariant_.resize(r + 1, false);
    invariant_[r] = true;
  }

  // Emits `op` into `code` and returns its result register, with two
  // optimisations that keep every result bit-identical:
  //  * hoisting: an instruction whose operands are all invariant over the
  //    months (parameters, constants, other hoisted results) runs once per
  //    block in start_code instead of every month;
  //  * common subexpressions: the same operation on the same registers in
  //    the same code section reuses the earlier result (registers are
  //    written once per run of a section, so the earlier value still holds).
  // Not inlined, like compile_call: compile_expr recurses once per level of
  // a formula's tree (up to kMaxExpressionHeight), so its frame stays small.
  [[gnu::noinline]] Operand emit_new(Code& code, OpCode op, std::vector<Operand> args, SourcePos pos) {
    Register r[3] = {kNoRegister, kNoRegister, kNoRegister};
    bool all_invariant = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
      r[i] = materialize(args[i]);
      all_invariant &= invariant(r[i]);
    }
    Code* target = &code;
    if (all_invariant && (&code == &p_.monthly_code || &code == &p_.hazard_code || &code == &p_.rate_code ||
                          &code == &p_.innovation_code))
      target = &p_.start_code;
    // Commuted into one order so that a + b and b + a share; unoptimised,
    // the operands stay as written (a traced cause prints them).
    if (options_.optimise && operation(op).commutative && r[1] < r[0]) std::swap(r[0], r[1]);
    const CseKey key{target, op, r[0], r[1], r[2]};
    if (auto it = cse_.find(key); it != cse_.end() && options_.optimise) {
      last_key_.reset();
      return Operand::in(it->second);
    }
    const Register dst = fresh();
    emit(*target, op, dst, r[0], r[1], r[2], pos);
    if (target == &p_.start_code && all_invariant) mark_invariant(dst);
    cse_[key] = dst;
    last_key_ = key;
    return Operand::in(dst);
  }

  // A hazard or transition probability. Events move in place one after
  // another, so a probability that is an event's state register itself
  // (`on: other_switch`) is copied first: every event must see month m − 1.
  Register probability_register(const Expr& e, Code& code) {
    const Register r = materialize(compile_expr(e, code));
    if (std::find(event_regs_.begin(), event_regs_.end(), r) == event_regs_.end()) return r;
    const Register snapshot = fresh();
    emit(code, OpCode::Copy, snapshot, r, kNoRegister, kNoRegister, e.pos);
    return snapshot;
  }

  void compile_event(const Event& ev, Register state) {
    if (const auto* r = std::get_if<Regime>(&ev.definition)) {
      RegimeStep step{ev.name, r->states, state, r->initial, {}, {}, r->fixed_state, random_slot_for("event", ev.name)};
      const std::size_t n = r->states.size();
      step.moves.assign(n, std::vector<Register>(n, kNoRegister));
      step.move_pos.assign(n, std::vector<SourcePos>(n));
      if (!r->fixed_state) {
        for (std::size_t from = 0; from < n; ++from) {
          for (std::size_t to = 0; to < n; ++to) {
            const auto& cell = r->transitions[from][to];
            if (!cell) continue;
            if (auto v = constant_value(*cell); v && *v == 0.0) continue;
            step.moves[from][to] = probability_register(*cell, p_.hazard_code);
            step.move_pos[from][to] = cell->pos;
          }
        }
      }
      p_.regimes.push_back(std::move(step));
    } else if (const auto* s = std::get_if<Switch>(&ev.definition)) {
      SwitchStep step{ev.name,
                      state,
                      s->initial,
                      kNoRegister,
                      kNoRegister,
                      s->on_hazard.pos,
                      s->off_hazard.pos,
                      s->fixed_on_from,
                      random_slot_for("event", ev.name)};
      if (!s->fixed_on_from) {
        step.on_hazard = probability_register(s->on_hazard, p_.hazard_code);
        step.off_hazard = probability_register(s->off_hazard, p_.hazard_code);
      }
      p_.switches.push_back(std::move(step));
    } else if (const auto* a = std::get_if<Arrivals>(&ev.definition)) {
      p_.arrivals.push_back({ev.name, state, materialize(compile_expr(a->rate, p_.rate_code)), a->rate.pos, a->size,
                             random_slot_for("event", ev.name), random_slot_for("arrivals.size", ev.name)});
    } else {
      const auto& innovation = std::get<Innovation>(ev.definition);
      InnovationStep step{ev.name, state, innovation.law, {}, random_slot_for("event", ev.name)};
      for (const Expr& argument : innovation.arguments)
        step.arguments.push_back(materialize(compile_expr(argument, p_.innovation_code)));
      p_.innovations.push_back(std::move(step));
    }
  }

  // One frame per level of the tree (up to kMaxExpressionHeight): never
  // inlined into itself, its calls and emission out of line.
  [[gnu::noinline]] Operand compile_expr(const Expr& e, Code& code) {
    switch (e.kind) {
      case ExprKind::Number:
        return Operand::of(e.number);
      case ExprKind::List:
      case ExprKind::Pick:        // expanded by loading
      case ExprKind::Reduction:   // expanded by loading
        return Operand::of(0.0);  // rejected by resolution
      case ExprKind::Name:
        switch (e.ref) {
          case RefKind::Constant:
            return Operand::of(e.number);
          case RefKind::RegimeState:
            return Operand::of(static_cast<double>(e.ref_index));
          case RefKind::Parameter: {
            // A constant parameter folds into the code that reads it.
            const Distribution& d = model_.parameters[e.ref_index].distribution;
            if (d.kind == DistributionKind::Constant) return Operand::of(d.args[0]);
            return Operand::in(parameter_regs_[e.ref_index]);
          }
          case RefKind::Event:
            return Operand::in(event_regs_[e.ref_index]);
          case RefKind::Monthly:
            return Operand::in(monthly_regs_[e.ref_index]);
          case RefKind::Month:
            return Operand::in(p_.month);
          case RefKind::Data:
            return Operand::in(data_regs_[e.ref_index]);
          case RefKind::Unresolved:
            return Operand::of(0.0);
        }
        return Operand::of(0.0);
      case ExprKind::Unary: {
        Operand a = compile_expr(e.operands[0], code);
        if (a.constant && options_.optimise) return Operand::of(apply_unary(e.unary, a.value));
        return emit_operands(code, opcode_for(e.unary), e.pos, a);
      }
      case ExprKind::Binary: {
        Operand a = compile_expr(e.operands[0], code);
        Operand b = compile_expr(e.operands[1], code);
        if (a.constant && b.constant && options_.optimise) return Operand::of(apply_binary(e.binary, a.value, b.value));
        return emit_operands(code, opcode_for(e.binary), e.pos, a, b);
      }
      case ExprKind::Conditional: {
        Operand c = compile_expr(e.operands[0], code);
        if (c.constant) return compile_expr(e.operands[c.value != 0.0 ? 1 : 2], code);
        Operand a = compile_expr(e.operands[1], code);
        Operand b = compile_expr(e.operands[2], code);
        return emit_operands(code, OpCode::Select, e.pos, c, a, b);
      }
      case ExprKind::Call:
        return compile_call(e, code);
    }
    return Operand::of(0.0);
  }

  // emit_new of these operands, its argument list built here rather than in
  // compile_expr's frame.
  template <typename... Operands>
  [[gnu::noinline]] Operand emit_operands(Code& code, OpCode op, SourcePos pos, Operands... operands) {
    return emit_new(code, op, {operands...}, pos);
  }

  [[gnu::noinline]] Operand compile_call(const Expr& e, Code& code) {
    const std::string& f = e.name;
    const std::size_t n = e.operands.size();
    if (f == "prev") {
      const Expr& target = e.operands[0];
      Register source = target.ref == RefKind::Monthly ? monthly_regs_[target.ref_index]
                        : target.ref == RefKind::Data  ? data_regs_[target.ref_index]
                                                       : event_regs_[target.ref_index];
      Register initial = materialize(compile_expr(e.operands[1], p_.start_code));
      Register reg = fresh(fmt::format("prev({})", target.name));
      p_.prev_links.push_back({reg, source, initial});
      return Operand::in(reg);
    }
    if (is_aggregate(f, n)) {
      std::uint32_t from = 1, to = model_.horizon;
      if (n == 3) {
        from = static_cast<std::uint32_t>(*constant_value(e.operands[1]));
        to = static_cast<std::uint32_t>(*constant_value(e.operands[2]));
      }
      AggregateKind kind = f == "min"    ? AggregateKind::Min
                           : f == "max"  ? AggregateKind::Max
                           : f == "last" ? AggregateKind::Last
                                         : AggregateKind::Sum;
      Register acc = accumulator(e.operands[0], kind, from, to, e.pos);
      if (f == "mean") return emit_new(code, OpCode::Div, {Operand::in(acc), Operand::of(to - from + 1.0)}, e.pos);
      return Operand::in(acc);
    }
    std::vector<Operand> args;
    bool all_constant = true;
    for (const Expr& o : e.operands) {
      args.push_back(compile_expr(o, code));
      all_constant &= args.back().constant;
    }
    if (all_constant && options_.optimise) {
      std::vector<double> values;
      for (const Operand& a : args) values.push_back(a.value);
      if (auto v = apply_math_function(f, values)) return Operand::of(*v);
    }
    const Operation& op = *function_named(f);   // resolution checked name and arity
    if (op.operands == 2 && args.size() > 2) {  // min(a, b, c, …): left to right, as folding does
      Operand acc = args[0];
      for (std::size_t i = 1; i < args.size(); ++i) acc = emit_new(code, op.op, {acc, args[i]}, e.pos);
      return acc;
    }
    return emit_new(code, op.op, args, e.pos);
  }

  Register accumulator(const Expr& series, AggregateKind kind, std::uint32_t from, std::uint32_t to, SourcePos pos) {
    const std::string key = fmt::format("{}|{}|{}|{}", static_cast<int>(kind), from, to, to_string(series));
    if (auto it = accumulators_.find(key); it != accumulators_.end() && options_.optimise) return it->second;
    Register series_reg;
    auto cached = series_regs_.find(to_string(series));
    if (cached != series_regs_.end() && options_.optimise) {
      series_reg = cached->second;
    } else {
      Operand value = compile_expr(series, p_.monthly_code);
      if (value.constant) {
        series_reg = constant_register(value.value);
      } else {
        series_reg = value.reg;
      }
      series_regs_[to_string(series)] = series_reg;
    }
    static constexpr const char* kNames[] = {"sum", "min", "max", "last"};
    Register acc = fresh(fmt::format("{}({}, {}..{})", kNames[static_cast<int>(kind)], to_string(series), from, to));
    p_.accumulators.push_back({kind, series_reg, acc, from, to, pos});
    accumulators_[key] = acc;
    return acc;
  }

  const Model& model_;
  const CompileOptions options_;
  Program p_;
  Register next_register_ = 0;
  std::vector<Register> parameter_regs_, event_regs_, monthly_regs_;
  std::vector<Register> data_regs_;  // per Model::data entry; kNoRegister for a table that is not by month
  std::map<std::uint64_t, Register> constant_regs_;
  std::map<std::string, Register> accumulators_, series_regs_;
  using CseKey = std::tuple<const Code*, OpCode, Register, Register, Register>;
  std::map<CseKey, Register> cse_;
  std::optional<CseKey> last_key_;  // the key of the instruction emitted last
  std::vector<bool> invariant_;
};

}  // namespace

Program compile_program(const Model& model, CompileOptions options) {
  Program program = Compiler(model, options).compile();
  verify_program(program);
  if (options.optimise)
    program.unoptimised = std::make_shared<const Program>(compile_program(model, {.optimise = false}));
  return program;
}

std::size_t Program::instruction_count() const {
  return start_code.size() + hazard_code.size() + rate_code.size() + innovation_code.size() + monthly_code.size() +
         output_code.size();
}

std::string_view to_string(OpCode op) {
  return operation(op).mnemonic;
}

std::string Program::disassemble(const std::string& file) const {
  auto name = [&](Register r) {
    if (r == kNoRegister) return std::string{};
    const std::string& n = register_names[r];
    return n.empty() ? fmt::format("r{}", r) : fmt::format("r{}:{}", r, n);
  };
  std::string out;
  auto code = [&](std::string_view title, const Code& c) {
    out += fmt::format("{} ({})\n", title, counted(c.size(), "instruction"));
    for (const Instruction& i : c) {
      std::string args = name(i.a);
      if (i.b != kNoRegister) args += ", " + name(i.b);
      if (i.c != kNoRegister) args += ", " + name(i.c);
      out += fmt::format("  {:<28} = {:<6} {:<60} ; {}:{}:{}\n", name(i.dst), to_string(i.op), args, file, i.pos.line,
                         i.pos.column);
    }
  };
  out += fmt::format("program: {}, {}, horizon {}\n", counted(register_count, "register"),
                     counted(instruction_count(), "instruction"), counted(horizon, "month"));
  out += fmt::format("constants ({})\n", constants.size());
  for (auto [r, v] : constants) out += fmt::format("  {:<28} = {}\n", name(r), v);
  // Listed only where there are series, so other models' listings stay as they were.
  if (!series.empty()) out += fmt::format("data series ({}, set each month)\n", series.size());
  for (const MonthSeries& s : series)
    out += fmt::format("  {:<28} = month's value of [{}]\n", name(s.reg), fmt::join(s.values, ", "));
  out += fmt::format("parameters ({} per sample)\n", counted(parameters.size(), "draw"));
  for (const auto& d : parameters)
    if (!d.correlated)
      out += fmt::format("  {:<28} = draw   {:<60} ; slot {:08x}\n", name(d.reg), d.distribution.to_string(), d.slot);
  for (const auto& c : copulas) {
    const std::size_t n = c.members.size();
    out += fmt::format("  copula of {} parameters, Cholesky factor rows:\n", n);
    for (std::size_t i = 0; i < n; ++i) {
      const ParameterDraw& d = parameters[c.members[i]];
      std::string row;
      for (std::size_t j = 0; j <= i; ++j) row += fmt::format("{}{:.6g}", j ? " " : "", c.cholesky[i * n + j]);
      out += fmt::format("  {:<28} = quantile of {} at Phi([{}] . z) ; normal slot {:08x}\n", name(d.reg),
                         d.distribution.to_string(), row, c.normal_slots[i]);
    }
  }
  code("start: once per block (prev() initial values, formulas of parameters only)", start_code);
  code("hazards: months >= 2, on month m-1 states", hazard_code);
  for (const auto& r : regimes)
    out += fmt::format("  step regime {} -> {}{} ; slot {:08x}\n", r.name, name(r.state),
                       r.fixed_state ? fmt::format(" (fixed to state {})", *r.fixed_state) : "", r.slot);
  for (const auto& s : switches)
    out += fmt::format("  step switch {} -> {} (on {}, off {}){} ; slot {:08x}\n", s.name, name(s.state),
                       name(s.on_hazard), name(s.off_hazard),
                       s.fixed_on_from ? fmt::format(" fixed on from month {}", *s.fixed_on_from) : "", s.slot);
  code("rates: on month m states", rate_code);
  for (const auto& a : arrivals)
    out += fmt::format("  step arrivals {} -> {} (rate {}, size {}) ; slots {:08x} {:08x}\n", a.name, name(a.total),
                       name(a.rate), a.size.to_string(), a.count_slot, a.size_slot);
  // Listed only where there are innovations, so other models' listings stay as they were.
  if (!innovations.empty()) code("innovations' arguments: on month m states and arrivals", innovation_code);
  for (const auto& i : innovations) {
    std::vector<std::string> arguments;
    for (Register r : i.arguments) arguments.push_back(name(r));
    const std::string law = i.arguments.empty()
                                ? i.law.to_string()
                                : fmt::format("{}({})", distribution_name(i.law.kind), fmt::join(arguments, ", "));
    out += fmt::format("  step innovation {} -> {} ({}) ; slot {:08x}, substream = month\n", i.name, name(i.value), law,
                       i.slot);
  }
  code("monthly", monthly_code);
  out += fmt::format("accumulators ({})\n", accumulators.size());
  for (const auto& a : accumulators)
    out += fmt::format("  {:<28} <- {} months {}..{}\n", name(a.acc), name(a.series), a.from, a.to);
  for (const auto& l : prev_links)
    out += fmt::format("  {:<28} <- {} (before month 1: {})\n", name(l.reg), name(l.source), name(l.initial));
  code("outputs", output_code);
  for (const auto& o : outputs) out += fmt::format("  output {} <- {}\n", o.name, name(o.reg));
  return out;
}

}  // namespace riskcast
