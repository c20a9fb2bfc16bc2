#include "support/reference_evaluator.hpp"

#include <fmt/format.h>
#include <cmath>
#include <map>
#include <stdexcept>

#include "riskcast/draw.hpp"
#include "riskcast/random.hpp"

namespace riskcast::reference {
namespace {

// The scalar kernels the engine's instructions and constant folding use,
// in one place: the only arithmetic this evaluator shares with the engine.
namespace kernel {
double unary(UnaryOp op, double a) {
  return apply_unary(op, a);
}
double binary(BinaryOp op, double a, double b) {
  return apply_binary(op, a, b);
}
double function(std::string_view name, const std::vector<double>& args) {
  const std::optional<double> v = apply_math_function(name, args);
  if (!v) throw std::logic_error(fmt::format("reference evaluator: no function {}/{}", name, args.size()));
  return *v;
}
double smaller(double a, double b) {
  return min_value(a, b);
}
double larger(double a, double b) {
  return max_value(a, b);
}
}  // namespace kernel

enum class Aggregation { Sum, Mean, Last, Min, Max };

bool is_aggregate(const Expr& e) {
  if (e.kind != ExprKind::Call) return false;
  const std::string& f = e.name;
  return f == "sum" || f == "mean" || f == "last" || ((f == "min" || f == "max") && e.operands.size() == 1);
}

// NaN and infinities spelt in words, as run-time errors name them.
std::string value_for_message(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "infinite" : "-infinite";
  return fmt::format("{}", v);
}

// An event's uniform for month m (docs/architecture.md "Randomness"): the
// 32-bit word number m − 1 of stream (seed, sample, slot, 0). Word k is the
// low (k even) or high (k odd) half of 64-bit word k / 2, and the uniform is
// (w + ½)·2⁻³².
double event_uniform(std::uint64_t seed, std::uint64_t sample, RandomSlot slot, std::uint32_t month) {
  const std::uint32_t k = month - 1;
  const std::uint32_t word = k / 2;
  RandomStream stream(seed, sample, slot, 0, word & ~1u);
  std::uint64_t w = stream();
  if (word % 2 == 1) w = stream();
  const std::uint32_t half = k % 2 == 0 ? static_cast<std::uint32_t>(w) : static_cast<std::uint32_t>(w >> 32);
  return (static_cast<double>(half) + 0.5) * 0x1.0p-32;
}

class Evaluator {
 public:
  Evaluator(const Model& model, std::uint64_t seed) : model_(model), seed_(seed) {
    for (const Parameter& p : model.parameters) {
      parameter_samplers_.emplace_back(p.distribution);
      parameter_slots_.push_back(random_slot_for("parameter", p.name));
    }
    for (const Event& ev : model.events) {
      event_slots_.push_back(random_slot_for("event", ev.name));
      size_slots_.push_back(random_slot_for("arrivals.size", ev.name));
      const auto* a = std::get_if<Arrivals>(&ev.definition);
      size_samplers_.emplace_back(a ? a->size : Distribution::constant(0.0));
    }
    for (const Output& o : model.outputs) {
      for_each_node(o.formula, [&](const Expr& e) {
        if (!is_aggregate(e)) return;
        Aggregate a{&e, &e.operands[0], Aggregation::Sum, 1, model.horizon, 0.0};
        a.kind = e.name == "sum"    ? Aggregation::Sum
                 : e.name == "mean" ? Aggregation::Mean
                 : e.name == "last" ? Aggregation::Last
                 : e.name == "min"  ? Aggregation::Min
                                    : Aggregation::Max;
        if (e.operands.size() == 3) {
          a.from = static_cast<std::uint32_t>(*constant_value(e.operands[1]));
          a.to = static_cast<std::uint32_t>(*constant_value(e.operands[2]));
        }
        aggregate_of_[&e] = aggregates_.size();
        aggregates_.push_back(a);
      });
    }
  }

  // One sample, docs/language.md "Month by month". Fills `outputs` (one
  // value per output) or returns the sample's first error.
  std::optional<ReferenceError> run(std::uint64_t sample, std::vector<double>& outputs) {
    sample_ = sample;
    // 1. Parameters: stream (seed, sample, `parameter:NAME`, 0).
    parameters_.clear();
    for (std::size_t i = 0; i < model_.parameters.size(); ++i) {
      RandomStream stream(seed_, sample, parameter_slots_[i], 0);
      parameters_.push_back(parameter_samplers_[i](stream));
    }
    for (Aggregate& a : aggregates_) {
      a.value = a.kind == Aggregation::Min ? INFINITY : a.kind == Aggregation::Max ? -INFINITY : 0.0;
    }
    const std::size_t events = model_.events.size();
    events_.assign(events, 0.0);
    previous_events_.assign(events, 0.0);
    previous_monthly_.assign(model_.monthly.size(), 0.0);

    for (std::uint32_t m = 1; m <= model_.horizon; ++m) {
      month_ = m;
      // 2–3. Every hazard and transition probability reads month m − 1
      // (events_ is not touched until all have moved), then all move at once.
      std::vector<double> moved = events_;
      for (std::size_t i = 0; i < events; ++i) {
        if (const auto* r = std::get_if<Regime>(&model_.events[i].definition))
          if (auto error = move_regime(i, *r, moved[i])) return error;
      }
      for (std::size_t i = 0; i < events; ++i) {
        if (const auto* s = std::get_if<Switch>(&model_.events[i].definition))
          if (auto error = move_switch(i, *s, moved[i])) return error;
      }
      events_ = std::move(moved);
      // 4–5. Arrival rates read the month-m regimes and switches.
      for (std::size_t i = 0; i < events; ++i) {
        if (const auto* a = std::get_if<Arrivals>(&model_.events[i].definition))
          if (auto error = draw_arrivals(i, *a)) return error;
      }
      // 6. Monthly formulas, each evaluated on first use (so file order
      // and dependency order cannot matter), all of them every month.
      monthly_.assign(model_.monthly.size(), std::nullopt);
      for (std::size_t i = 0; i < model_.monthly.size(); ++i) monthly_value(i);
      // 7. Aggregates over their month ranges; remember this month for prev.
      for (Aggregate& a : aggregates_) {
        if (m < a.from || m > a.to) continue;
        const double x = value(*a.series);
        switch (a.kind) {
          case Aggregation::Sum:
          case Aggregation::Mean:
            a.value = kernel::binary(BinaryOp::Add, a.value, x);
            break;
          case Aggregation::Min:
            a.value = kernel::smaller(a.value, x);
            break;
          case Aggregation::Max:
            a.value = kernel::larger(a.value, x);
            break;
          case Aggregation::Last:
            if (m == a.to) a.value = x;
            break;
        }
      }
      for (std::size_t i = 0; i < model_.monthly.size(); ++i) previous_monthly_[i] = *monthly_[i];
      previous_events_ = events_;
    }
    // 3. Outputs, each of which must be finite.
    outputs.clear();
    for (const Output& o : model_.outputs) {
      const double v = value(o.formula);
      if (!std::isfinite(v)) {
        return fail(o.pos, fmt::format("output `{}` is {} in sample {} (a division by zero, or log/sqrt of a "
                                       "negative number?)",
                                       o.name, value_for_message(v), sample_));
      }
      outputs.push_back(v);
    }
    return std::nullopt;
  }

 private:
  struct Aggregate {
    const Expr* call;
    const Expr* series;
    Aggregation kind;
    std::uint32_t from, to;
    double value;
  };

  ReferenceError fail(SourcePos pos, std::string message) const { return {sample_, pos, std::move(message)}; }

  std::optional<ReferenceError> check_probability(double p, SourcePos pos, const std::string& what) const {
    if (p >= 0.0 && p <= 1.0) return std::nullopt;
    return fail(pos,
                fmt::format("{} evaluated to {} in sample {}, outside [0, 1]", what, value_for_message(p), sample_));
  }

  double uniform(std::size_t event) const { return event_uniform(seed_, sample_, event_slots_[event], month_); }

  // Month 1: the initial distribution, inverted (the first state whose
  // cumulative probability exceeds u; the last if rounding leaves none).
  // Month m ≥ 2: the current state's row, inverted the same way; staying
  // takes what the row leaves over.
  std::optional<ReferenceError> move_regime(std::size_t i, const Regime& r, double& state) {
    if (r.fixed_state) {
      state = *r.fixed_state;
      return std::nullopt;
    }
    const double u = uniform(i);
    const std::size_t states = r.states.size();
    if (month_ == 1) {
      double cumulative = 0.0;
      state = static_cast<double>(states - 1);
      for (std::size_t s = 0; s < states; ++s) {
        cumulative += r.initial[s];
        if (u < cumulative) {
          state = static_cast<double>(s);
          break;
        }
      }
      return std::nullopt;
    }
    const Event& ev = model_.events[i];
    const auto from = static_cast<std::size_t>(events_[i]);
    const auto& row = r.transitions[from];
    double cumulative = 0.0;
    std::optional<std::size_t> chosen;
    for (std::size_t to = 0; to < states; ++to) {
      if (!row[to]) continue;
      const double p = value(*row[to]);
      if (auto error = check_probability(p, row[to]->pos,
                                         fmt::format("transition probability {} → {} of `{}` in month {}",
                                                     r.states[from], r.states[to], ev.name, month_)))
        return error;
      cumulative += p;
      if (!chosen && u < cumulative) chosen = to;
    }
    if (cumulative > 1.0 + kRowTolerance) {
      return fail(row_position(row), fmt::format("transition probabilities of `{}` out of `{}` sum to {} in sample "
                                                 "{}, month {}",
                                                 ev.name, r.states[from], cumulative, sample_, month_));
    }
    state = static_cast<double>(chosen.value_or(from));
    return std::nullopt;
  }

  // A row sum error points at the row's first transition that can move:
  // the first cell, in state order, that is not the constant 0.
  static SourcePos row_position(const std::vector<std::optional<Expr>>& row) {
    for (const auto& cell : row) {
      if (!cell) continue;
      if (const auto v = constant_value(*cell); v && *v == 0.0) continue;
      return cell->pos;
    }
    return {};
  }

  // The same tolerance as the check-time test of constant rows.
  static constexpr double kRowTolerance = 1e-9;

  std::optional<ReferenceError> move_switch(std::size_t i, const Switch& s, double& state) {
    if (s.fixed_on_from) {
      state = month_ >= *s.fixed_on_from ? 1.0 : 0.0;
      return std::nullopt;
    }
    const double u = uniform(i);
    if (month_ == 1) {
      state = u < s.initial ? 1.0 : 0.0;
      return std::nullopt;
    }
    const bool on = events_[i] != 0.0;
    const Expr& hazard = on ? s.off_hazard : s.on_hazard;
    const double p = value(hazard);
    if (auto error = check_probability(
            p, hazard.pos, fmt::format("hazard of `{}` turning {}", model_.events[i].name, on ? "off" : "on")))
      return error;
    const bool flips = u < p;
    state = (on != flips) ? 1.0 : 0.0;
    return std::nullopt;
  }

  // A Poisson count of bursts (inversion of the month's event uniform for
  // λ < 30, Boost's PTRS on stream (sample, `event:NAME`, m) above), then
  // one size per burst k from stream (sample, `arrivals.size:NAME`,
  // m + 2048·k), summed from 0.0 in burst order.
  std::optional<ReferenceError> draw_arrivals(std::size_t i, const Arrivals& a) {
    const Event& ev = model_.events[i];
    const double lambda = value(a.rate);
    if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
      return fail(a.rate.pos,
                  fmt::format("arrival rate of `{}` evaluated to {} in sample {}, month {}; it must be >= 0", ev.name,
                              value_for_message(lambda), sample_, month_));
    }
    std::uint32_t count;
    if (lambda < 30.0) {
      count = poisson_by_inversion(lambda, std::exp(-lambda), uniform(i));
    } else {
      RandomStream stream(seed_, sample_, event_slots_[i], substream_of(month_));
      count = draw_poisson(lambda, stream);
    }
    if (count >= kMaxBurstsPerMonth) {
      return fail(a.rate.pos, fmt::format("`{}` drew {} bursts in one month (sample {}); at most {} are supported",
                                          ev.name, count, sample_, kMaxBurstsPerMonth - 1));
    }
    double total = 0.0;
    for (std::uint32_t k = 0; k < count; ++k) {
      RandomStream stream(seed_, sample_, size_slots_[i], substream_of(month_, k));
      total = kernel::binary(BinaryOp::Add, total, size_samplers_[i](stream));
    }
    events_[i] = total;
    return std::nullopt;
  }

  double monthly_value(std::size_t i) {
    if (!monthly_[i]) monthly_[i] = value(model_.monthly[i].formula);
    return *monthly_[i];
  }

  double value(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Number:
        return e.number;
      case ExprKind::Name:
        return name_value(e);
      case ExprKind::Unary:
        return kernel::unary(e.unary, value(e.operands[0]));
      case ExprKind::Binary: {
        const double a = value(e.operands[0]);
        return kernel::binary(e.binary, a, value(e.operands[1]));
      }
      case ExprKind::Conditional:
        return value(e.operands[0]) != 0.0 ? value(e.operands[1]) : value(e.operands[2]);
      case ExprKind::Call:
        return call_value(e);
      case ExprKind::List:
        break;
    }
    throw std::logic_error("reference evaluator: a list outside discrete()");
  }

  double name_value(const Expr& e) {
    switch (e.ref) {
      case RefKind::Parameter:
        return parameters_[e.ref_index];
      case RefKind::Event:
        return events_[e.ref_index];
      case RefKind::RegimeState:
        return static_cast<double>(e.ref_index);
      case RefKind::Monthly:
        return monthly_value(e.ref_index);
      case RefKind::Month:
        return static_cast<double>(month_);
      case RefKind::Constant:
        return e.number;
      case RefKind::Unresolved:
        break;
    }
    throw std::logic_error(fmt::format("reference evaluator: unresolved name `{}`", e.name));
  }

  double call_value(const Expr& e) {
    if (e.name == "prev") {
      if (month_ == 1) return value(e.operands[1]);
      const Expr& target = e.operands[0];
      return target.ref == RefKind::Monthly ? previous_monthly_[target.ref_index] : previous_events_[target.ref_index];
    }
    if (is_aggregate(e)) {
      const Aggregate& a = aggregates_[aggregate_of_.at(&e)];
      if (a.kind == Aggregation::Mean) return kernel::binary(BinaryOp::Div, a.value, a.to - a.from + 1.0);
      return a.value;
    }
    std::vector<double> args;
    args.reserve(e.operands.size());
    for (const Expr& o : e.operands) args.push_back(value(o));
    return kernel::function(e.name, args);
  }

  const Model& model_;
  std::uint64_t seed_;
  std::vector<Sampler> parameter_samplers_, size_samplers_;
  std::vector<RandomSlot> parameter_slots_, event_slots_, size_slots_;
  std::vector<Aggregate> aggregates_;
  std::map<const Expr*, std::size_t> aggregate_of_;

  // The sample being evaluated.
  std::uint64_t sample_ = 0;
  std::uint32_t month_ = 0;
  std::vector<double> parameters_;
  std::vector<double> events_, previous_events_;  // switch 0/1, regime state index, arrivals total
  std::vector<std::optional<double>> monthly_;    // this month's values, computed on first use
  std::vector<double> previous_monthly_;
};

}  // namespace

ReferenceResult evaluate_reference(const Model& model, const ReferenceSettings& settings) {
  ReferenceResult result;
  for (const Output& o : model.outputs) result.names.push_back(o.name);
  result.values.assign(model.outputs.size(), std::vector<double>(settings.samples));
  Evaluator evaluator(model, settings.seed);
  std::vector<double> outputs;
  for (std::uint64_t i = 0; i < settings.samples; ++i) {
    if (auto error = evaluator.run(settings.first_sample + i, outputs)) {
      result.error = std::move(error);
      result.values.clear();
      return result;
    }
    for (std::size_t o = 0; o < outputs.size(); ++o) result.values[o][i] = outputs[o];
  }
  return result;
}

}  // namespace riskcast::reference
