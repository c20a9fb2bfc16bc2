// The block interpreter (interpreter.hpp): instructions run over every lane
// of a block, month by month, and the tracing of one sample.
#include "interpreter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "riskcast/copula.hpp"
#include "simd.hpp"

namespace riskcast {

// NaN and infinities as a reader spells them ("-nan" says nothing useful).
std::string value_for_message(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "infinite" : "-infinite";
  return fmt::format("{}", v);
}

namespace {

Distribution standard_normal() {
  Distribution d;
  d.kind = DistributionKind::Normal;
  d.args = {0.0, 1.0};
  return d;
}

// How one operation gave a non-finite value from finite operands, e.g.
// "1e+308 * 10 is infinite", "log(-1) is NaN".
std::string describe_operation(const Instruction& ins, const double* operand, double result) {
  const Operation& op = operation(ins.op);
  std::vector<std::string> values;
  for (std::size_t k = 0; k < op.operands; ++k) values.push_back(value_for_message(operand[k]));
  std::string expression;
  if (!op.function.empty())
    expression = fmt::format("{}({})", op.function, fmt::join(values, ", "));
  else if (op.operands == 1)
    expression = fmt::format("{}{}{}", op.symbol, op.symbol == "not" ? " " : "", values[0]);
  else if (op.operands == 2)
    expression = fmt::format("{} {} {}", values[0], op.symbol, values[1]);
  else
    expression = fmt::format("{} ? {} : {}", values[0], values[1], values[2]);
  return fmt::format("{} is {}", expression, value_for_message(result));
}

// d[i] = kernel(a[i], b[i], c[i]) for the first n lanes, reading only the
// operands the operation has.
template <OpCode Op>
inline void run_kernel(double* __restrict d, const double* a, const double* b, const double* c, std::size_t n) {
  constexpr std::uint8_t operands = operation(Op).operands;
  if constexpr (operands == 1) {
    for (std::size_t i = 0; i < n; ++i) d[i] = kernel<Op>(a[i], 0.0, 0.0);
  } else if constexpr (operands == 2) {
    for (std::size_t i = 0; i < n; ++i) d[i] = kernel<Op>(a[i], b[i], 0.0);
  } else {
    for (std::size_t i = 0; i < n; ++i) d[i] = kernel<Op>(a[i], b[i], c[i]);
  }
}

// Runs straight-line code over the first n lanes of a register file whose
// registers are `block` doubles apart. Cloned for AVX-512 and AVX2 so each
// instruction's loop runs 8 or 4 lanes at a time; every kernel is a single
// IEEE operation or a libm call (builtins.hpp), so every clone gives the same
// bits as constant folding does.
RISKCAST_SIMD_CLONES
void execute_code(std::span<const Instruction> code, double* regs, std::size_t block, std::size_t n) {
  auto R = [&](Register r) { return r == kNoRegister ? nullptr : regs + static_cast<std::size_t>(r) * block; };
  for (const Instruction& ins : code) {
    double* d = R(ins.dst);
    const double *a = R(ins.a), *b = R(ins.b), *c = R(ins.c);
    switch (ins.op) {
#define RISKCAST_RUN(name, ...)              \
  case OpCode::name:                         \
    run_kernel<OpCode::name>(d, a, b, c, n); \
    break;
      RISKCAST_OPERATIONS(RISKCAST_RUN)
#undef RISKCAST_RUN
    }
  }
}

// acc = acc + s, min(acc, s) or max(acc, s), lane by lane.
RISKCAST_SIMD_CLONES
void accumulate_series(AggregateKind kind, double* __restrict acc, const double* s, std::size_t n) {
  switch (kind) {
    case AggregateKind::Sum:
      for (std::size_t i = 0; i < n; ++i) acc[i] += s[i];
      break;
    case AggregateKind::Min:
      for (std::size_t i = 0; i < n; ++i) acc[i] = min_value(acc[i], s[i]);
      break;
    case AggregateKind::Max:
      for (std::size_t i = 0; i < n; ++i) acc[i] = max_value(acc[i], s[i]);
      break;
    case AggregateKind::Last:
      break;
  }
}

}  // namespace

BlockInterpreter::BlockInterpreter(const Program& program, const RunSettings& settings)
    : p_(program),
      settings_(settings),
      block_(settings.block_size),
      regs_(program.register_count * block_),
      standard_normal_(standard_normal()),
      events_(program, block_, settings.design.get()) {
  for (auto [reg, value] : program.constants) std::fill_n(R(reg), block_, value);
  const SamplingDesign* design = settings.design.get();
  for (const auto& d : program.parameters) {
    parameter_samplers_.emplace_back(d.distribution);
    std::optional<DesignCoordinate> coordinate;
    if (design && !d.correlated) coordinate = design->coordinate(d.slot);
    parameter_coordinates_.push_back(coordinate);
    parameter_quantiles_.emplace_back();
    if (coordinate) parameter_quantiles_.back().emplace(d.distribution);
  }
  for (const CopulaDraw& c : program.copulas) {
    std::vector<std::optional<DesignCoordinate>>& coordinates = normal_coordinates_.emplace_back();
    for (RandomSlot slot : c.normal_slots) {
      coordinates.push_back(design ? design->coordinate(slot) : std::nullopt);
      if (coordinates.back() && !normal_quantile_) normal_quantile_.emplace(standard_normal());
    }
  }
  scratch_.resize(Sampler::kBufferedWords * block_);
  std::size_t members = 0;
  for (const CopulaDraw& c : program.copulas) {
    members = std::max(members, c.members.size());
    std::vector<QuantileFunction>& marginals = copula_marginals_.emplace_back();
    for (std::size_t m : c.members) marginals.emplace_back(program.parameters[m].distribution);
  }
  normals_.resize(members * block_);
}

int BlockInterpreter::add_cause(SourcePos pos, std::string what) {
  if (month_ != 0) what += fmt::format(" in month {}", month_);
  causes_.push_back({pos, std::move(what)});
  return static_cast<int>(causes_.size() - 1);
}
// A register just written by a step: a non-finite value gets the cause
// `describe` names unless it came from `from`, a register it was computed from.
template <typename Describe>
void BlockInterpreter::trace_value(Register r, Register from, SourcePos pos, Describe&& describe) {
  const double v = R(r)[0];
  if (std::isfinite(v)) {
    origin_[r] = -1;
  } else if (from != kNoRegister && !std::isfinite(R(from)[0]) && origin_[from] >= 0) {
    origin_[r] = origin_[from];
  } else {
    origin_[r] = add_cause(pos, describe(v));
  }
}

void BlockInterpreter::draw_copula(std::size_t copula, const BlockLanes& lanes) {
  const std::uint64_t first = lanes.first;
  const CopulaDraw& c = p_.copulas[copula];
  const std::size_t m = c.members.size();
  for (std::size_t k = 0; k < m; ++k) {
    double* normals = normals_.data() + k * block_;
    if (const std::optional<DesignCoordinate>& coordinate = normal_coordinates_[copula][k]) {
      // The design's uniform, as a standard normal by inversion.
      settings_.design->fill(*coordinate, first, n_, normals);
      normal_quantile_->quantiles(normals, n_, normals);
    } else {
      standard_normal_.fill(settings_.seed, c.normal_slots[k], lanes.address(c.normal_slots[k]), n_, normals,
                            scratch_.data());
    }
  }
  for (std::size_t k = 0; k < m; ++k) {
    const double* row = c.cholesky.data() + k * m;
    double* out = R(p_.parameters[c.members[k]].reg);
    for (std::size_t i = 0; i < n_; ++i) {
      double x = 0.0;
      for (std::size_t j = 0; j <= k; ++j) x += row[j] * normals_[j * block_ + i];
      out[i] = copula_probability(x);
    }
    copula_marginals_[copula][k].quantiles(out, n_, out);
  }
}

void BlockInterpreter::run_block(std::uint64_t first, std::size_t n, std::span<double* const> columns,
                                 std::uint64_t column_origin) {
  n_ = n;
  const std::uint64_t seed = settings_.seed;
  const BlockLanes lanes{regs_.data(), block_, n, first, seed, settings_.shift.get()};
  events_.begin_block(lanes, error);
  month_ = 0;
  for (std::size_t c = 0; c < p_.copulas.size(); ++c) draw_copula(c, lanes);
  for (std::size_t i = 0; i < p_.parameters.size(); ++i) {
    const ParameterDraw& d = p_.parameters[i];
    if (const std::optional<DesignCoordinate>& coordinate = parameter_coordinates_[i]) {
      settings_.design->fill(*coordinate, first, n, R(d.reg));
      parameter_quantiles_[i]->quantiles(R(d.reg), n, R(d.reg));
    } else if (!d.correlated) {
      parameter_samplers_[i].fill(seed, d.slot, lanes.address(d.slot), n, R(d.reg), scratch_.data());
    }
    if (tracing_)
      trace_value(d.reg, kNoRegister, d.distribution.pos, [&](double v) {
        return fmt::format("parameter `{}` drew {} from {}", d.name, value_for_message(v), d.distribution.to_string());
      });
  }
  for (const Accumulator& a : p_.accumulators) {
    double start = a.kind == AggregateKind::Min ? INFINITY : a.kind == AggregateKind::Max ? -INFINITY : 0.0;
    std::fill_n(R(a.acc), n, start);
  }
  execute(p_.start_code);
  for (const PrevLink& l : p_.prev_links) copy_prev(l.initial, l.reg);

  for (std::uint32_t m = 1; m <= p_.horizon; ++m) {
    month_ = m;
    events_.begin_month(m);
    std::fill_n(R(p_.month), n, static_cast<double>(m));
    for (const MonthSeries& s : p_.series) std::fill_n(R(s.reg), n, s.values[m - 1]);
    if (m > 1) execute(p_.hazard_code);
    for (std::size_t i = 0; i < p_.regimes.size(); ++i) events_.step_regime(i, m);
    for (std::size_t i = 0; i < p_.switches.size(); ++i) events_.step_switch(i, m);
    execute(p_.rate_code);
    for (std::size_t i = 0; i < p_.arrivals.size(); ++i) {
      events_.step_arrivals(i, m);
      if (tracing_) {
        const ArrivalsStep& a = p_.arrivals[i];
        trace_value(a.total, kNoRegister, a.size.pos, [&](double v) {
          return fmt::format("the bursts of `{}` (sizes {}) summed to {}", a.name, a.size.to_string(),
                             value_for_message(v));
        });
      }
    }
    execute(p_.innovation_code);
    for (std::size_t i = 0; i < p_.innovations.size(); ++i) {
      events_.step_innovation(i, m);
      if (tracing_) {
        const InnovationStep& s = p_.innovations[i];
        trace_value(s.value, kNoRegister, s.law.pos,
                    [&](double v) { return fmt::format("innovation `{}` drew {}", s.name, value_for_message(v)); });
      }
    }
    execute(p_.monthly_code);
    for (const Accumulator& a : p_.accumulators) accumulate(a, m);
    for (const PrevLink& l : p_.prev_links) copy_prev(l.source, l.reg);
  }
  month_ = 0;
  execute(p_.output_code);
  for (std::size_t o = 0; o < p_.outputs.size(); ++o) {
    const OutputColumn& output = p_.outputs[o];
    const double* v = R(output.reg);
    double* column = columns[o] + (first - column_origin);
    for (std::size_t lane = 0; lane < n; ++lane) {
      if (!std::isfinite(v[lane])) [[unlikely]] {
        if (error.keeps(first + lane))
          error.found = FoundError{
              first + lane, output.pos,
              fmt::format("output `{}` is {} in sample {}", output.name, value_for_message(v[lane]), first + lane), o};
      }
      column[lane] = v[lane];
    }
    if (output.metadata.kind == OutputKind::Probability) check_indicator(output, v, first);
  }
}

// A probability output is a 0/1 indicator; any other finite value stops the
// run (a non-finite one has been recorded above, with its cause traced).
void BlockInterpreter::check_indicator(const OutputColumn& output, const double* v, std::uint64_t first) {
  for (std::size_t lane = 0; lane < n_; ++lane) {
    if (v[lane] == 0.0 || v[lane] == 1.0 || !std::isfinite(v[lane])) [[likely]]
      continue;
    error.record_lazily(first + lane, output.pos, [&] {
      return fmt::format("output `{}` is a probability, 0 or 1 in every sample, but is {} in sample {}", output.name,
                         value_for_message(v[lane]), first + lane);
    });
    return;  // the block's lowest sample is the one kept
  }
}

FoundError BlockInterpreter::explain(const FoundError& found) {
  tracing_ = true;
  origin_.assign(p_.register_count, -1);
  causes_.clear();
  std::vector<double> discard(p_.outputs.size());
  std::vector<double*> columns;
  for (double& d : discard) columns.push_back(&d);
  run_block(found.sample, 1, columns);
  tracing_ = false;
  FoundError explained = found;
  const int origin = origin_[p_.outputs[*found.output].reg];
  if (origin < 0) return explained;
  const Cause& cause = causes_[static_cast<std::size_t>(origin)];
  explained.message += ": " + cause.what;
  if (cause.pos.line != 0) explained.pos = cause.pos;
  return explained;
}

void BlockInterpreter::trace_code(const Code& code) {
  for (const Instruction& ins : code) {
    execute_code(std::span(&ins, 1), regs_.data(), block_, 1);
    const Operation& op = operation(ins.op);
    const Register operands[3] = {ins.a, ins.b, ins.c};
    double value[3] = {0, 0, 0};
    for (std::size_t k = 0; k < op.operands; ++k) value[k] = R(operands[k])[0];
    // A non-finite result inherits the cause of a non-finite operand it
    // depends on: for c ? a : b only the chosen one.
    Register from = kNoRegister;
    if (ins.op == OpCode::Select) {
      from = value[0] != 0.0 ? ins.b : ins.c;
    } else {
      for (std::size_t k = 0; k < op.operands && from == kNoRegister; ++k)
        if (!std::isfinite(value[k])) from = operands[k];
    }
    trace_value(ins.dst, from, ins.pos, [&](double v) { return describe_operation(ins, value, v); });
  }
}

void BlockInterpreter::accumulate(const Accumulator& a, std::uint32_t m) {
  if (m < a.from || m > a.to) return;
  if (a.kind == AggregateKind::Last) {
    if (m == a.to) std::copy_n(R(a.series), n_, R(a.acc));
  } else {
    accumulate_series(a.kind, R(a.acc), R(a.series), n_);
  }
  if (!tracing_) return;
  // The running value's own cause stays once it is non-finite.
  if (!std::isfinite(R(a.acc)[0]) && origin_[a.acc] >= 0 && a.kind != AggregateKind::Last) return;
  trace_value(a.acc, a.series, a.pos, [&](double v) {
    return fmt::format("the sum over months {}–{} overflowed to {}", a.from, a.to, value_for_message(v));
  });
}

void BlockInterpreter::copy_prev(Register from, Register to) {
  std::copy_n(R(from), n_, R(to));
  if (tracing_) origin_[to] = origin_[from];
}

void BlockInterpreter::execute(const Code& code) {
  if (tracing_)
    trace_code(code);
  else
    execute_code(code, regs_.data(), block_, n_);
}

}  // namespace riskcast
