// The block runner: one instruction at a time over a block of samples.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <sys/mman.h>

#include <fmt/format.h>
#include <cmath>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>

#include "riskcast/draw.hpp"
#include "riskcast/sampler.hpp"
#include "simd.hpp"

namespace riskcast {
namespace {

constexpr std::size_t kPageSize = 4096;

// NaN and infinities as a reader spells them ("-nan" says nothing useful).
std::string value_for_message(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "infinite" : "-infinite";
  return fmt::format("{}", v);
}
// MADV_POPULATE_WRITE (Linux 5.14): fault a whole range in one call.
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;
#endif

struct FoundError {
  std::uint64_t sample;
  SourcePos pos;
  std::string message;
  std::optional<std::size_t> output;  // a non-finite output: its index, so its cause can be traced
};

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

// Months of event uniforms drawn per bulk refill.
constexpr std::uint32_t kEventChunk = 16;

class Worker {
 public:
  Worker(const Program& program, const RunSettings& settings)
      : p_(program), settings_(settings), block_(settings.block_size), regs_(program.register_count * block_) {
    for (auto [reg, value] : program.constants) std::fill_n(R(reg), block_, value);
    for (const auto& d : program.parameters) parameter_samplers_.emplace_back(d.distribution);
    for (const auto& a : program.arrivals) size_samplers_.emplace_back(a.size);
    scratch_.resize(Sampler::kBufferedWords * block_);
    for (const RegimeStep& r : program.regimes) regime_tables_.push_back(constant_moves(r));
    counts_.resize(block_);
    poisson_tables_.resize(program.arrivals.size());
    event_uniforms_.resize((program.regimes.size() + program.switches.size() + program.arrivals.size()) * kEventChunk *
                           block_);
  }

  // Evaluates samples [first, first + n) and writes their outputs.
  void run_block(std::uint64_t first, std::size_t n, std::span<double* const> columns) {
    n_ = n;
    first_ = first;
    const std::uint64_t seed = settings_.seed;
    month_ = 0;
    for (std::size_t i = 0; i < p_.parameters.size(); ++i) {
      const ParameterDraw& d = p_.parameters[i];
      parameter_samplers_[i].fill(seed, d.slot, first, n, R(d.reg), scratch_.data());
      if (tracing_)
        trace_value(d.reg, kNoRegister, d.distribution.pos, [&](double v) {
          return fmt::format("parameter `{}` drew {} from {}", d.name, value_for_message(v),
                             d.distribution.to_string());
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
      if ((m - 1) % kEventChunk == 0) draw_event_uniforms(m);
      std::fill_n(R(p_.month), n, static_cast<double>(m));
      if (m > 1) execute(p_.hazard_code);
      std::size_t e = 0;
      for (std::size_t i = 0; i < p_.regimes.size(); ++i)
        step_regime(p_.regimes[i], regime_tables_[i], m, uniforms(e++, m));
      for (const SwitchStep& s : p_.switches) step_switch(s, m, uniforms(e++, m));
      execute(p_.rate_code);
      for (std::size_t i = 0; i < p_.arrivals.size(); ++i) {
        step_arrivals(i, size_samplers_[i], m, uniforms(e++, m));
        if (tracing_) {
          const ArrivalsStep& a = p_.arrivals[i];
          trace_value(a.total, kNoRegister, a.size.pos, [&](double v) {
            return fmt::format("the bursts of `{}` (sizes {}) summed to {}", a.name, a.size.to_string(),
                               value_for_message(v));
          });
        }
      }
      execute(p_.monthly_code);
      for (const Accumulator& a : p_.accumulators) accumulate(a, m);
      for (const PrevLink& l : p_.prev_links) copy_prev(l.source, l.reg);
    }
    month_ = 0;
    execute(p_.output_code);
    for (std::size_t o = 0; o < p_.outputs.size(); ++o) {
      const double* v = R(p_.outputs[o].reg);
      double* column = columns[o] + (first - settings_.first_sample);
      for (std::size_t lane = 0; lane < n; ++lane) {
        if (!std::isfinite(v[lane])) [[unlikely]] {
          if (!error || first + lane < error->sample)
            error = FoundError{first + lane, p_.outputs[o].pos,
                               fmt::format("output `{}` is {} in sample {}", p_.outputs[o].name,
                                           value_for_message(v[lane]), first + lane),
                               o};
        }
        column[lane] = v[lane];
      }
    }
  }

  std::optional<FoundError> error;

  // Re-evaluates sample `found.sample` alone (the worker's settings must
  // have block size 1 and start at that sample),
  // following where each non-finite value came from, and returns `found`
  // (a non-finite output of that sample) with its cause named: the draw or
  // the operation that first gave a non-finite value from finite ones, with
  // its position, operands and month.
  FoundError explain(const FoundError& found) {
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

 private:
  // Tracing one sample (explain): for each register holding a non-finite
  // value, the index of the cause it came from in causes_, or −1.
  struct Cause {
    SourcePos pos;
    std::string what;
  };
  int add_cause(SourcePos pos, std::string what) {
    if (month_ != 0) what += fmt::format(" in month {}", month_);
    causes_.push_back({pos, std::move(what)});
    return static_cast<int>(causes_.size() - 1);
  }
  // A register just written by a step: a non-finite value gets the cause
  // `describe` names unless it came from `from`, a register it was computed from.
  template <typename Describe>
  void trace_value(Register r, Register from, SourcePos pos, Describe&& describe) {
    const double v = R(r)[0];
    if (std::isfinite(v)) {
      origin_[r] = -1;
    } else if (from != kNoRegister && !std::isfinite(R(from)[0]) && origin_[from] >= 0) {
      origin_[r] = origin_[from];
    } else {
      origin_[r] = add_cause(pos, describe(v));
    }
  }
  void trace_code(const Code& code) {
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

  // Every event draws one uniform a month: 32-bit draw m − 1 of its stream
  // (sample, slot, substream 0), see fill_uniforms32. Drawn in bulk,
  // kEventChunk months at a time.
  void draw_event_uniforms(std::uint32_t first_month) {
    const std::uint32_t count = std::min(kEventChunk, p_.horizon - first_month + 1);
    std::size_t e = 0;
    auto fill = [&](RandomSlot slot, bool fixed) {
      if (!fixed)
        fill_uniforms32(settings_.seed, slot, 0, first_, n_, first_month - 1, count,
                        event_uniforms_.data() + e * kEventChunk * block_, block_);
      ++e;
    };
    for (const RegimeStep& r : p_.regimes) fill(r.slot, r.fixed_state.has_value());
    for (const SwitchStep& s : p_.switches) fill(s.slot, s.fixed_on_from.has_value());
    for (const ArrivalsStep& a : p_.arrivals) fill(a.count_slot, false);
  }

  const double* uniforms(std::size_t event, std::uint32_t month) const {
    return event_uniforms_.data() + (event * kEventChunk + (month - 1) % kEventChunk) * block_;
  }

  double* R(Register r) { return regs_.data() + static_cast<std::size_t>(r) * block_; }

  void record(std::uint64_t sample, SourcePos pos, std::string message) {
    if (!error || sample < error->sample) error = FoundError{sample, pos, std::move(message), std::nullopt};
  }
  // Formats the message only if it would be kept (the lowest sample wins).
  template <typename Describe>
  void record_lazily(std::uint64_t sample, SourcePos pos, Describe&& describe) {
    if (!error || sample < error->sample) error = FoundError{sample, pos, describe(), std::nullopt};
  }

  // `describe` runs only on failure: formatting in the hot loop would cost more than sampling.
  template <typename Describe>
  bool check_probability(double p, std::uint64_t sample, SourcePos pos, Describe&& describe) {
    if (p >= 0.0 && p <= 1.0) [[likely]]
      return true;
    record_lazily(sample, pos, [&] {
      return fmt::format("{} evaluated to {} in sample {}, outside [0, 1]", describe(), value_for_message(p), sample);
    });
    return false;
  }

  // A regime whose transition probabilities are all constants moves by table
  // lookup: per state, the cumulative thresholds and their target states, in
  // state order as in the general path. A constant is not necessarily checked
  // at load time (a constant parameter, or one a scenario sets, is folded by
  // the compiler), so each row is checked here as the general path would, and
  // a lane in a row that fails takes the general path, which reports it in
  // the sample and month it is used.
  struct MoveTable {
    std::vector<std::vector<std::pair<double, double>>> rows;  // [from] → (cumulative, to)
    std::vector<char> valid;                                   // [from]
  };
  std::optional<MoveTable> constant_moves(const RegimeStep& r) const {
    MoveTable table;
    for (std::size_t from = 0; from < r.moves.size(); ++from) {
      double cumulative = 0.0;
      bool valid = true;
      table.rows.emplace_back();
      for (std::size_t to = 0; to < r.moves.size(); ++to) {
        const Register reg = r.moves[from][to];
        if (reg == kNoRegister) continue;
        auto c = std::find_if(p_.constants.begin(), p_.constants.end(), [&](const auto& k) { return k.first == reg; });
        if (c == p_.constants.end()) return std::nullopt;
        valid &= c->second >= 0.0 && c->second <= 1.0;
        cumulative += c->second;
        table.rows.back().emplace_back(cumulative, static_cast<double>(to));
      }
      table.valid.push_back(valid && cumulative <= 1.0 + kProbabilitySumTolerance);
    }
    return table;
  }

  void step_regime(const RegimeStep& r, const std::optional<MoveTable>& table, std::uint32_t m, const double* uniform) {
    double* state = R(r.state);
    if (r.fixed_state) {
      std::fill_n(state, n_, static_cast<double>(*r.fixed_state));
      return;
    }
    if (table && m > 1) {
      for (std::size_t lane = 0; lane < n_; ++lane) {
        const auto from = static_cast<std::size_t>(state[lane]);
        const double u = uniform[lane];
        if (!table->valid[from]) [[unlikely]] {
          move_lane(r, m, lane, u, state);
          continue;
        }
        const auto& row = table->rows[from];
        for (const auto& [threshold, to] : row) {
          if (u < threshold) {
            state[lane] = to;
            break;
          }
        }
      }
      return;
    }
    const std::size_t states = r.initial.size();
    for (std::size_t lane = 0; lane < n_; ++lane) {
      const double u = uniform[lane];
      if (m == 1) {
        double cumulative = 0.0;
        std::size_t chosen = states - 1;
        for (std::size_t s = 0; s < states; ++s) {
          cumulative += r.initial[s];
          if (u < cumulative) {
            chosen = s;
            break;
          }
        }
        state[lane] = static_cast<double>(chosen);
        continue;
      }
      move_lane(r, m, lane, u, state);
    }
  }

  // One lane's move in month m > 1 from the probabilities in the registers,
  // each checked where it is used.
  void move_lane(const RegimeStep& r, std::uint32_t m, std::size_t lane, double u, double* state) {
    const std::uint64_t sample = first_ + lane;
    const std::size_t states = r.initial.size();
    const std::size_t from = static_cast<std::size_t>(state[lane]);
    double cumulative = 0.0;
    std::size_t chosen = from;
    bool ok = true;
    for (std::size_t to = 0; to < states; ++to) {
      const Register reg = r.moves[from][to];
      if (reg == kNoRegister) continue;
      const double p = R(reg)[lane];
      ok &= check_probability(p, sample, r.move_pos[from][to], [&] {
        return fmt::format("transition probability {} → {} of `{}` in month {}", r.states[from], r.states[to], r.name,
                           m);
      });
      const double before = cumulative;
      cumulative += p;
      if (chosen == from && u >= before && u < cumulative) chosen = to;
    }
    if (ok && cumulative > 1.0 + kProbabilitySumTolerance) {
      SourcePos pos;  // the row's first formula
      for (std::size_t to = 0; to < states && pos.line == 0; ++to) pos = r.move_pos[from][to];
      record(sample, pos,
             fmt::format("transition probabilities of `{}` out of `{}` sum to {} in sample {}, month {}", r.name,
                         r.states[from], cumulative, sample, m));
    }
    state[lane] = static_cast<double>(chosen);
  }

  void step_switch(const SwitchStep& s, std::uint32_t m, const double* uniform) {
    double* state = R(s.state);
    if (s.fixed_on_from) {
      std::fill_n(state, n_, m >= *s.fixed_on_from ? 1.0 : 0.0);
      return;
    }
    if (m == 1) {
      for (std::size_t lane = 0; lane < n_; ++lane) state[lane] = uniform[lane] < s.initial ? 1.0 : 0.0;
      return;
    }
    const double* on = R(s.on_hazard);
    const double* off = R(s.off_hazard);
    for (std::size_t lane = 0; lane < n_; ++lane) {
      // The hazard in effect is picked by pointer and the new state computed,
      // not branched on: whether a switch is on differs from lane to lane.
      const bool is_on = state[lane] != 0.0;
      const double hazard = (is_on ? off : on)[lane];
      if (!(hazard >= 0.0 && hazard <= 1.0)) [[unlikely]] {
        check_probability(hazard, first_ + lane, is_on ? s.off_pos : s.on_pos,
                          [&] { return fmt::format("hazard of `{}` turning {}", s.name, is_on ? "off" : "on"); });
        continue;  // the state stays; the run stops with the error
      }
      // The state flips when the month's uniform falls below the hazard.
      state[lane] = is_on != (uniform[lane] < hazard) ? 1.0 : 0.0;
    }
  }

  // Two passes: the month's counts for every lane, then the sizes, whose
  // streams (one per burst) start from words generated in bulk for all the
  // block's bursts at once. Same words, same order of summation as drawing
  // each burst from its own RandomStream.
  void step_arrivals(std::size_t index, const Sampler& size, std::uint32_t m, const double* uniform) {
    const ArrivalsStep& a = p_.arrivals[index];
    double* total = R(a.total);
    const double* rate = R(a.rate);
    // A rate that is the same in every lane (the usual case: a constant, or
    // a formula of month and fixed states) counts all lanes by table.
    const double lambda0 = rate[0];
    const bool one_rate =
        lambda0 >= 0.0 && lambda0 < 30.0 && std::all_of(rate, rate + n_, [&](double l) { return l == lambda0; });
    if (one_rate) {
      std::optional<PoissonTable>& table = poisson_tables_[index];
      if (!table || table->lambda() != lambda0) table.emplace(lambda0);
      table->count_all(uniform, n_, counts_.data());
    } else {
      count_bursts_lane_by_lane(a, m, rate, uniform);
    }
    list_bursts(m);
    burst_words_.resize(2 * burst_samples_.size());
    fill_first_words(settings_.seed, a.size_slot, burst_samples_.data(), burst_substreams_.data(),
                     burst_samples_.size(), burst_words_.data());
    const std::size_t bursts = burst_samples_.size();
    burst_sizes_.resize(bursts + 1);  // one spare: a lane without bursts reads it and discards it
    burst_sizes_[bursts] = 0.0;
    for (std::size_t b = 0; b < bursts; ++b) {
      BufferedStream stream(burst_words_.data() + 2 * b, 1, 2, settings_.seed, burst_samples_[b], a.size_slot,
                            burst_substreams_[b]);
      burst_sizes_[b] = size(stream);
    }
    // Each lane's total sums its sizes in burst order from 0.0, as drawing
    // them one by one would.
    std::size_t j = 0;
    for (std::size_t lane = 0; lane < n_; ++lane) {
      const std::uint32_t count = counts_[lane];
      // A lane without bursts reads the spare 0.0. The index is arithmetic
      // (unsigned wrap-around cancels), because compilers turn a ?: here into
      // a branch that mispredicts on every other lane.
      const std::size_t has_burst = count != 0;
      double sum = 0.0 + burst_sizes_[bursts + has_burst * (j - bursts)];
      for (std::uint32_t k = 1; k < count; ++k) sum += burst_sizes_[j + k];
      total[lane] = sum;
      j += count;
    }
  }

  // The address (sample, substream) of every burst of the block, lane by
  // lane, burst by burst. Most lanes have 0 or 1 bursts: each lane writes
  // its first slot unconditionally and advances by its count, so the loop
  // has no data-dependent branch but for the rare second burst.
  void list_bursts(std::uint32_t m) {
    std::size_t total = 0;
    for (std::size_t lane = 0; lane < n_; ++lane) total += counts_[lane];
    burst_samples_.resize(total + 1);
    burst_substreams_.resize(total + 1);
    std::uint64_t* samples = burst_samples_.data();
    std::uint32_t* substreams = burst_substreams_.data();
    std::size_t j = 0;
    for (std::size_t lane = 0; lane < n_; ++lane) {
      const std::uint32_t count = counts_[lane];
      samples[j] = first_ + lane;
      substreams[j] = substream_of(m, 0);
      for (std::uint32_t k = 1; k < count; ++k) {
        samples[j + k] = first_ + lane;
        substreams[j + k] = substream_of(m, k);
      }
      j += count;
    }
    burst_samples_.resize(total);
    burst_substreams_.resize(total);
  }

  // Rates that differ between lanes, or are invalid or large: each lane's
  // count on its own, with the checks that stop the run.
  void count_bursts_lane_by_lane(const ArrivalsStep& a, std::uint32_t m, const double* rate, const double* uniform) {
    double cached_lambda = -1.0, cached_exp = 0.0;
    for (std::size_t lane = 0; lane < n_; ++lane) {
      const std::uint64_t sample = first_ + lane;
      const double lambda = rate[lane];
      counts_[lane] = 0;
      if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
        record(sample, a.rate_pos,
               fmt::format("arrival rate of `{}` evaluated to {} in sample {}, month {}; it must be >= 0", a.name,
                           value_for_message(lambda), sample, m));
        continue;
      }
      if (lambda > kMaxPoissonMean) {
        record(sample, a.rate_pos,
               fmt::format("arrival rate of `{}` evaluated to {} in sample {}, month {}; Poisson counts can be drawn "
                           "for rates up to {:g} (and at most {} bursts in one month are supported)",
                           a.name, lambda, sample, m, kMaxPoissonMean, kMaxBurstsPerMonth - 1));
        continue;
      }
      if (lambda != cached_lambda) {  // rates are often the same in every lane
        cached_lambda = lambda;
        cached_exp = lambda < 30.0 ? std::exp(-lambda) : 0.0;
      }
      // Small rates invert the month's uniform; large ones use Boost's PTRS
      // on a stream of their own.
      std::uint64_t count;
      if (lambda < 30.0) {
        count = poisson_by_inversion(lambda, cached_exp, uniform[lane]);
      } else {
        RandomStream stream(settings_.seed, sample, a.count_slot, substream_of(m));
        count = draw_poisson(lambda, 0.0, stream);
      }
      if (count >= kMaxBurstsPerMonth) {
        record(sample, a.rate_pos,
               fmt::format("`{}` drew {} bursts in one month (sample {}); at most {} are supported", a.name, count,
                           sample, kMaxBurstsPerMonth - 1));
        continue;
      }
      counts_[lane] = static_cast<std::uint32_t>(count);
    }
  }

  void accumulate(const Accumulator& a, std::uint32_t m) {
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

  void copy_prev(Register from, Register to) {
    std::copy_n(R(from), n_, R(to));
    if (tracing_) origin_[to] = origin_[from];
  }

  void execute(const Code& code) {
    if (tracing_)
      trace_code(code);
    else
      execute_code(code, regs_.data(), block_, n_);
  }

  const Program& p_;
  const RunSettings& settings_;
  std::size_t block_;
  std::vector<double> regs_;
  std::vector<Sampler> parameter_samplers_, size_samplers_;
  std::vector<double> event_uniforms_;  // [event][month in chunk][lane]
  std::vector<std::uint64_t> scratch_;  // random words for Sampler::fill
  std::vector<std::optional<MoveTable>> regime_tables_;
  std::vector<std::uint32_t> counts_;                        // arrivals: bursts per lane this month
  std::vector<std::optional<PoissonTable>> poisson_tables_;  // per arrivals process, for its last rate
  std::vector<std::uint64_t> burst_samples_, burst_words_;
  std::vector<double> burst_sizes_;
  std::vector<std::uint32_t> burst_substreams_;
  std::size_t n_ = 0;
  std::uint64_t first_ = 0;
  std::uint32_t month_ = 0;  // the month being evaluated; 0 before month 1 and for outputs
  bool tracing_ = false;
  std::vector<int> origin_;
  std::vector<Cause> causes_;
};

}  // namespace

std::size_t bytes_per_sample(const Program& program) {
  return program.outputs.size() * sizeof(double);
}

void ColumnRelease::operator()(double* values) const noexcept {
  if (mapping)
    munmap(mapping, mapped_bytes);
  else
    delete[] values;
}

Column allocate_column(std::size_t n) {
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  const std::size_t bytes = n * sizeof(double);
  if (bytes < kHugePage) return Column{std::unique_ptr<double[], ColumnRelease>(new double[n]), n};
  // One huge page more than needed, so the column can start on a huge-page boundary.
  const std::size_t mapped = (bytes + kHugePage - 1) / kHugePage * kHugePage + kHugePage;
  void* mapping = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  const std::uintptr_t start = (reinterpret_cast<std::uintptr_t>(mapping) + kHugePage - 1) & ~(kHugePage - 1);
  void* values = reinterpret_cast<void*>(start);
  const std::size_t used = (bytes + kPageSize - 1) / kPageSize * kPageSize;
  // Hints: either may fail (no huge pages, an older kernel) and the column still works.
  madvise(values, used, MADV_HUGEPAGE);
  madvise(values, used, kPopulateWrite);
  return Column{std::unique_ptr<double[], ColumnRelease>(static_cast<double*>(values), ColumnRelease{mapping, mapped}),
                n};
}

void check_sample_range(std::uint64_t first_sample, std::uint64_t samples) {
  // The random-stream layout gives sample indices 40 bits: beyond them two
  // samples would share their random numbers.
  if (samples > kMaxSamples || first_sample > kMaxSamples - samples)
    throw std::invalid_argument(
        fmt::format("samples {} … {} are beyond the last sample index the random streams "
                    "keep apart ({}); use first_sample + samples ≤ {}",
                    first_sample, first_sample + samples - 1, kMaxSamples - 1, kMaxSamples));
}

void sample_program_into(const Program& program, const RunSettings& settings, std::span<double* const> outputs) {
  if (settings.block_size == 0 || settings.block_size > kMaxBlockSize)
    throw std::invalid_argument(fmt::format("block size must be 1 … {}", kMaxBlockSize));
  if (outputs.size() != program.outputs.size())
    throw std::invalid_argument(
        fmt::format("{} output columns for {} outputs", outputs.size(), program.outputs.size()));
  check_sample_range(settings.first_sample, settings.samples);
  if (program.horizon > kMaxHorizon)
    throw std::invalid_argument(
        fmt::format("horizon {} months is beyond the {} the random streams keep apart", program.horizon, kMaxHorizon));
  const std::uint64_t block = settings.block_size;
  const std::uint64_t blocks = (settings.samples + block - 1) / block;
  tbb::enumerable_thread_specific<Worker> workers(program, settings);
  auto body = [&](const tbb::blocked_range<std::uint64_t>& range) {
    Worker& worker = workers.local();
    for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
      if (settings.stop.stop_requested()) return;
      const std::uint64_t first = settings.first_sample + b * block;
      const std::size_t n = static_cast<std::size_t>(std::min(block, settings.samples - b * block));
      worker.run_block(first, n, outputs);
      if (settings.progress) settings.progress->fetch_add(n, std::memory_order_relaxed);
    }
  };
  const int threads =
      settings.threads == 0 ? tbb::this_task_arena::max_concurrency() : static_cast<int>(settings.threads);
  tbb::task_arena arena(threads);
  arena.execute([&] { tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, blocks, 4), body); });
  if (settings.stop.stop_requested()) throw RunCancelled();

  std::optional<FoundError> first_error;
  for (Worker& w : workers)
    if (w.error && (!first_error || w.error->sample < first_error->sample)) first_error = w.error;
  if (!first_error) return;
  if (first_error->output) {
    RunSettings one = settings;
    one.block_size = 1;
    one.first_sample = first_error->sample;
    // Traced in the unoptimised twin: the same bits, but each operation at
    // its own position, none folded away or shared with another formula.
    first_error = Worker(program.unoptimised ? *program.unoptimised : program, one).explain(*first_error);
  }
  throw RunError(first_error->pos, first_error->message);
}

SampleColumns sample_program(const Program& program, const RunSettings& settings) {
  SampleColumns columns;
  std::vector<double*> outputs;
  for (const OutputColumn& o : program.outputs) {
    columns.names.push_back(o.name);
    columns.values.emplace_back(settings.samples);
  }
  for (auto& v : columns.values) outputs.push_back(v.data());
  sample_program_into(program, settings, outputs);
  return columns;
}

}  // namespace riskcast
