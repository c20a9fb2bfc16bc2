#include "support/reference_evaluator.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <type_traits>

#include "riskcast/draw.hpp"
#include "riskcast/random.hpp"

namespace riskcast::reference {
namespace {

// NaN and infinities spelt in words, as run-time errors name them.
std::string value_for_message(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "infinite" : "-infinite";
  return fmt::format("{}", v);
}

// The one place this evaluator does arithmetic: each operation written
// again from docs/language.md ("Operators", "Functions"), not taken from the
// engine's table of operations, whose kernels the engine's loops and its
// constant folding share; and how an error message spells an operation
// applied to values ("pow(2, 1e+308)", "1e+308 * 10", "-x").
namespace kernel {
double truth(bool b) {
  return b ? 1.0 : 0.0;
}
// "a NaN argument makes the result NaN; of two equal arguments the later one"
double smaller(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  return a < b ? a : b;
}
double larger(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  return a > b ? a : b;
}
double apply(OpCode op, const double* v) {
  const double a = v[0], b = v[1], c = v[2];
  switch (op) {
    case OpCode::Copy:
      return a;
    case OpCode::Negate:
      return -a;
    case OpCode::Not:
      return truth(a == 0.0);
    case OpCode::Add:
      return a + b;
    case OpCode::Sub:
      return a - b;
    case OpCode::Mul:
      return a * b;
    case OpCode::Div:
      return a / b;
    case OpCode::Pow:
      return std::pow(a, b);
    case OpCode::Less:
      return truth(a < b);
    case OpCode::LessEqual:
      return truth(a <= b);
    case OpCode::Greater:
      return truth(a > b);
    case OpCode::GreaterEqual:
      return truth(a >= b);
    case OpCode::Equal:
      return truth(a == b);
    case OpCode::NotEqual:
      return truth(a != b);
    case OpCode::And:
      return truth(a != 0.0 && b != 0.0);
    case OpCode::Or:
      return truth(a != 0.0 || b != 0.0);
    case OpCode::Select:
      return a != 0.0 ? b : c;  // "`a` if c ≠ 0, else `b`"
    case OpCode::Min:
      return smaller(a, b);
    case OpCode::Max:
      return larger(a, b);
    case OpCode::Abs:
      return std::fabs(a);
    case OpCode::Exp:
      return std::exp(a);
    case OpCode::Log:
      return std::log(a);
    case OpCode::Sqrt:
      return std::sqrt(a);
    case OpCode::Ratio:
      return b == 0.0 ? 0.0 : a / b;
    case OpCode::Clamp:
      return smaller(larger(a, b), c);  // min(max(x, lo), hi)
  }
  throw std::logic_error(fmt::format("reference evaluator: no arithmetic for {}", operation(op).mnemonic));
}
std::string spell(OpCode op, const double* v) {
  const Operation& o = operation(op);
  std::vector<std::string> values;
  for (std::size_t k = 0; k < o.operands; ++k) values.push_back(value_for_message(v[k]));
  if (!o.function.empty()) return fmt::format("{}({})", o.function, fmt::join(values, ", "));
  if (o.operands == 1) return fmt::format("{}{}{}", o.symbol, o.symbol == "not" ? " " : "", values[0]);
  if (o.operands == 2) return fmt::format("{} {} {}", values[0], o.symbol, values[1]);
  return fmt::format("{} ? {} : {}", values[0], values[1], values[2]);
}
}  // namespace kernel

enum class Aggregation { Sum, Mean, Last, Min, Max };

bool is_aggregate(const Expr& e) {
  return e.kind == ExprKind::Call && riskcast::is_aggregate(e.name, e.operands.size());
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

// A value and, if it is not finite, where it came from: the index of its
// cause (docs/language.md "Run-time checks").
struct Traced {
  double v = 0.0;
  int cause = -1;
};

class Evaluator {
 public:
  Evaluator(const Model& model, std::uint64_t seed, const IndexLayer* layer)
      : model_(model), seed_(seed), layer_(layer), bound_(layer ? layer->indexes.size() : 0, -1) {
    for (std::uint32_t i = 0; i < model.parameters.size(); ++i) parameter_at_[model.parameters[i].name] = i;
    for (std::uint32_t i = 0; i < model.events.size(); ++i) event_at_[model.events[i].name] = i;
    for (std::uint32_t i = 0; i < model.monthly.size(); ++i) monthly_at_[model.monthly[i].name] = i;
    for (std::uint32_t i = 0; i < model.data.size(); ++i) data_at_[model.data[i].name] = i;
    for (const Parameter& p : model.parameters) {
      const ElementDefinition* own = own_definition(p.name);
      if (own && !own->distribution) throw std::logic_error(fmt::format("reference: `{}` is not a parameter", p.name));
      own_parameters_.push_back(own);
      parameter_samplers_.emplace_back(own ? *own->distribution : p.distribution);
      parameter_slots_.push_back(random_slot_for("parameter", p.name));
    }
    for (const Event& ev : model.events) {
      const ElementDefinition* own = own_definition(ev.name);
      if (own && !(own->switch_ && ev.kind() == EventKind::Switch) &&
          !(own->arrivals && ev.kind() == EventKind::Arrivals))
        throw std::logic_error(fmt::format("reference: the engine's `{}` is a {}", ev.name, to_string(ev.kind())));
      own_events_.push_back(own);
      event_slots_.push_back(random_slot_for("event", ev.name));
      size_slots_.push_back(random_slot_for("arrivals.size", ev.name));
      const auto* a = own ? (own->arrivals ? &*own->arrivals : nullptr) : std::get_if<Arrivals>(&ev.definition);
      size_samplers_.emplace_back(a ? a->size : Distribution::constant(0.0));
      const auto* innovation = std::get_if<Innovation>(&ev.definition);
      innovation_samplers_.emplace_back(innovation && !innovation->has_formulas() ? innovation->law
                                                                                  : Distribution::constant(0.0));
    }
    for (const MonthlyFormula& f : model.monthly) {
      const ElementDefinition* own = own_definition(f.name);
      if (own && !own->formula) throw std::logic_error(fmt::format("reference: `{}` is not a formula", f.name));
      own_monthly_.push_back(own);
    }
    // The outputs: the layer's own list when there is one (each output over
    // indexes once per element), so that the engine's names are checked too.
    const Binding unbound(bound_.size(), -1);
    if (layer_) {
      for (const std::string& name : layer_->outputs) {
        if (const ElementDefinition* own = own_definition(name)) {
          outputs_.push_back({name, own->pos, &*own->formula, own->binding});
          continue;
        }
        auto it =
            std::find_if(model.outputs.begin(), model.outputs.end(), [&](const Output& o) { return o.name == name; });
        if (it == model.outputs.end()) throw std::logic_error(fmt::format("reference: no output `{}`", name));
        outputs_.push_back({name, it->pos, &it->formula, unbound});
      }
    } else {
      for (const Output& o : model.outputs) outputs_.push_back({o.name, o.pos, &o.formula, unbound});
    }
    for (const OutputDefinition& o : outputs_) add_aggregates(*o.formula, o.binding);
  }

  std::vector<std::string> output_names() const {
    std::vector<std::string> names;
    for (const OutputDefinition& o : outputs_) names.push_back(o.name);
    return names;
  }

  // One sample, docs/language.md "Month by month". Fills `outputs` (one
  // value per output) or returns the sample's first error.
  std::optional<ReferenceError> run(std::uint64_t sample, std::vector<double>& outputs) {
    sample_ = sample;
    month_ = 0;
    causes_.clear();
    // 1. Parameters: stream (seed, sample, `parameter:NAME`, 0).
    parameters_.clear();
    for (std::size_t i = 0; i < model_.parameters.size(); ++i) {
      RandomStream stream(seed_, sample, parameter_slots_[i], 0);
      Traced p{parameter_samplers_[i](stream), -1};
      if (!std::isfinite(p.v)) {
        const Parameter& param = model_.parameters[i];
        const Distribution& law = own_parameters_[i] ? *own_parameters_[i]->distribution : param.distribution;
        p.cause = new_cause(law.pos, fmt::format("parameter `{}` drew {} from {}", param.name, value_for_message(p.v),
                                                 law.to_string()));
      }
      parameters_.push_back(p);
    }
    for (Aggregate& a : aggregates_) {
      a.value = {a.kind == Aggregation::Min ? INFINITY : a.kind == Aggregation::Max ? -INFINITY : 0.0, -1};
    }
    const std::size_t events = model_.events.size();
    events_.assign(events, Traced{});
    previous_events_.assign(events, Traced{});
    previous_monthly_.assign(model_.monthly.size(), Traced{});

    for (std::uint32_t m = 1; m <= model_.horizon; ++m) {
      month_ = m;
      // 2–3. Every hazard and transition probability reads month m − 1
      // (events_ is not touched until all have moved), then all move at once.
      std::vector<Traced> moved = events_;
      for (std::size_t i = 0; i < events; ++i) {
        if (const auto* r = std::get_if<Regime>(&model_.events[i].definition))
          if (auto error = move_regime(i, *r, moved[i].v)) return error;
      }
      for (std::size_t i = 0; i < events; ++i) {
        if (const ElementDefinition* own = own_events_[i]; own && own->switch_) {
          if (auto error = bound_to(own->binding, [&] { return move_switch(i, *own->switch_, moved[i].v); }))
            return error;
        } else if (const auto* s = std::get_if<Switch>(&model_.events[i].definition)) {
          if (auto error = move_switch(i, *s, moved[i].v)) return error;
        }
      }
      events_ = std::move(moved);
      // 4–5. Arrival rates read the month-m regimes and switches.
      for (std::size_t i = 0; i < events; ++i) {
        if (const ElementDefinition* own = own_events_[i]; own && own->arrivals) {
          if (auto error = bound_to(own->binding, [&] { return draw_arrivals(i, *own->arrivals); })) return error;
        } else if (const auto* a = std::get_if<Arrivals>(&model_.events[i].definition)) {
          if (auto error = draw_arrivals(i, *a)) return error;
        }
      }
      // 5½. Innovations, after the arrivals their arguments may read.
      for (std::size_t i = 0; i < events; ++i) {
        if (const auto* innovation = std::get_if<Innovation>(&model_.events[i].definition))
          if (auto error = draw_innovation(i, *innovation)) return error;
      }
      // 6. Monthly formulas, each evaluated on first use (so file order
      // and dependency order cannot matter), all of them every month.
      monthly_.assign(model_.monthly.size(), std::nullopt);
      for (std::size_t i = 0; i < model_.monthly.size(); ++i) monthly_value(i);
      // 7. Aggregates over their month ranges; remember this month for prev.
      for (Aggregate& a : aggregates_)
        if (m >= a.from && m <= a.to) accumulate(a, bound_to(a.binding, [&] { return value(a.call->operands[0]); }));
      for (std::size_t i = 0; i < model_.monthly.size(); ++i) previous_monthly_[i] = *monthly_[i];
      previous_events_ = events_;
    }
    // 3. Outputs, each of which must be finite.
    month_ = 0;
    outputs.clear();
    for (const OutputDefinition& o : outputs_) {
      bound_ = o.binding;
      const Traced v = value(*o.formula);
      if (!std::isfinite(v.v)) {
        std::string message = fmt::format("output `{}` is {} in sample {}", o.name, value_for_message(v.v), sample_);
        SourcePos pos = o.pos;
        if (v.cause >= 0) {
          message += ": " + causes_[static_cast<std::size_t>(v.cause)].what;
          pos = causes_[static_cast<std::size_t>(v.cause)].pos;
        }
        return fail(pos, std::move(message));
      }
      outputs.push_back(v.v);
    }
    return std::nullopt;
  }

 private:
  struct Aggregate {
    const Expr* call;
    Aggregation kind;
    std::uint32_t from, to;
    Traced value;
    Binding binding;  // the elements its series is read at (an output's, a reduction's)
  };
  struct OutputDefinition {
    std::string name;
    SourcePos pos;
    const Expr* formula;
    Binding binding;
  };

  const ElementDefinition* own_definition(const std::string& name) const {
    if (!layer_) return nullptr;
    auto it = layer_->definitions.find(name);
    return it == layer_->definitions.end() ? nullptr : &it->second;
  }

  // Every month aggregate of an output, once per binding of the indexes it
  // is read at: a reduction around it reads it once per element.
  void add_aggregates(const Expr& e, Binding binding) {
    if (e.kind == ExprKind::Reduction) {
      const std::uint32_t index = index_named(e.operands[1].name);
      for (std::size_t k = 0; k < layer_->indexes[index].elements.size(); ++k) {
        binding[index] = static_cast<std::int32_t>(k);
        add_aggregates(e.operands[0], binding);
      }
      return;
    }
    if (!is_aggregate(e)) {
      for (const Expr& o : e.operands) add_aggregates(o, binding);
      return;
    }
    Aggregate a{&e, Aggregation::Sum, 1, model_.horizon, {}, binding};
    a.kind = e.name == "sum"    ? Aggregation::Sum
             : e.name == "mean" ? Aggregation::Mean
             : e.name == "last" ? Aggregation::Last
             : e.name == "min"  ? Aggregation::Min
                                : Aggregation::Max;
    if (e.operands.size() == 3) {
      a.from = static_cast<std::uint32_t>(*constant_value(e.operands[1]));
      a.to = static_cast<std::uint32_t>(*constant_value(e.operands[2]));
    }
    aggregate_of_[{&e, std::move(binding)}] = aggregates_.size();
    aggregates_.push_back(std::move(a));
  }

  std::uint32_t index_named(std::string_view name) const {
    for (std::uint32_t i = 0; layer_ && i < layer_->indexes.size(); ++i)
      if (layer_->indexes[i].name == name) return i;
    throw std::logic_error(fmt::format("reference: unknown index `{}`", name));
  }

  // Evaluates `f` with `binding`'s elements bound, then restores the caller's.
  template <typename F>
  std::invoke_result_t<F> bound_to(const Binding& binding, F f) {
    Binding outer = std::move(bound_);
    bound_ = binding;
    auto result = f();
    bound_ = std::move(outer);
    return result;
  }
  struct Cause {
    SourcePos pos;
    std::string what;
  };

  ReferenceError fail(SourcePos pos, std::string message) const { return {sample_, pos, std::move(message)}; }

  // A non-finite value's cause: what gave it, where, and in which month
  // (none before month 1, for outputs, and for values of parameters only).
  int new_cause(SourcePos pos, std::string what, bool invariant = true) {
    if (month_ != 0 && !invariant) what += fmt::format(" in month {}", month_);
    causes_.push_back({pos, std::move(what)});
    return static_cast<int>(causes_.size() - 1);
  }

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
    const auto from = static_cast<std::size_t>(events_[i].v);
    const auto& row = r.transitions[from];
    double cumulative = 0.0;
    std::optional<std::size_t> chosen;
    for (std::size_t to = 0; to < states; ++to) {
      if (!row[to]) continue;
      const double p = value(*row[to]).v;
      if (auto error = check_probability(p, row[to]->pos,
                                         fmt::format("transition probability {} → {} of `{}` in month {}",
                                                     r.states[from], r.states[to], ev.name, month_)))
        return error;
      cumulative += p;
      if (!chosen && u < cumulative) chosen = to;
    }
    if (cumulative > 1.0 + kProbabilitySumTolerance) {
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
    const bool on = events_[i].v != 0.0;
    const Expr& hazard = on ? s.off_hazard : s.on_hazard;
    const double p = value(hazard).v;
    if (auto error = check_probability(
            p, hazard.pos, fmt::format("hazard of `{}` turning {}", model_.events[i].name, on ? "off" : "on")))
      return error;
    const bool flips = u < p;
    state = (on != flips) ? 1.0 : 0.0;
    return std::nullopt;
  }

  // A Poisson count of bursts (inversion of the month's event uniform for
  // λ < 30, Boost's PTRS on stream (sample, `event:NAME`, m) up to
  // kMaxPoissonMean), then
  // one size per burst k from stream (sample, `arrivals.size:NAME`,
  // m + 2048·k), summed from 0.0 in burst order.
  std::optional<ReferenceError> draw_arrivals(std::size_t i, const Arrivals& a) {
    const Event& ev = model_.events[i];
    const double lambda = value(a.rate).v;
    if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
      return fail(a.rate.pos,
                  fmt::format("arrival rate of `{}` evaluated to {} in sample {}, month {}; it must be >= 0", ev.name,
                              value_for_message(lambda), sample_, month_));
    }
    if (lambda > kMaxPoissonMean) {
      return fail(a.rate.pos, fmt::format("arrival rate of `{}` evaluated to {} in sample {}, month {}; Poisson counts "
                                          "can be drawn for rates up to {:g} (and at most {} bursts in one month are "
                                          "supported)",
                                          ev.name, lambda, sample_, month_, kMaxPoissonMean, kMaxBurstsPerMonth - 1));
    }
    std::uint64_t count;
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
      const double size[3] = {total, size_samplers_[i](stream), 0.0};
      total = kernel::apply(OpCode::Add, size);
    }
    events_[i] = {total, -1};
    if (!std::isfinite(total)) {
      events_[i].cause = new_cause(a.size.pos,
                                   fmt::format("the bursts of `{}` (sizes {}) summed to {}", ev.name,
                                               a.size.to_string(), value_for_message(total)),
                                   false);
    }
    return std::nullopt;
  }

  // An innovation's month-m value: the start of stream (sample,
  // `event:NAME`, m), drawn as a parameter of its law is (Sampler); with
  // formula arguments the law is first checked as a model's would be, and a
  // Sampler made for it.
  std::optional<ReferenceError> draw_innovation(std::size_t i, const Innovation& innovation) {
    const Event& ev = model_.events[i];
    RandomStream stream(seed_, sample_, event_slots_[i], substream_of(month_));
    double drawn;
    if (!innovation.has_formulas()) {
      drawn = innovation_samplers_[i](stream);
    } else {
      Distribution law = innovation.law;
      for (std::size_t k = 0; k < innovation.arguments.size(); ++k) law.args[k] = value(innovation.arguments[k]).v;
      Diagnostics why("");
      const std::optional<Distribution> prepared = prepare_distribution(law, why);
      if (!prepared) {
        return fail(law.pos, fmt::format("the distribution of `{}` is {} in sample {}, month {}, and {}", ev.name,
                                         law.to_string(), sample_, month_, why.items().front().message));
      }
      drawn = Sampler(*prepared)(stream);
    }
    events_[i] = {drawn, -1};
    if (!std::isfinite(drawn))
      events_[i].cause = new_cause(innovation.law.pos,
                                   fmt::format("innovation `{}` drew {}", ev.name, value_for_message(drawn)), false);
    return std::nullopt;
  }

  // sum, min and max fold the month into the running value; a non-finite
  // running value keeps its cause, else takes the month's, else the fold
  // itself overflowed.
  void accumulate(Aggregate& a, const Traced& x) {
    if (a.kind == Aggregation::Last) {
      if (month_ == a.to) a.value = x;
      return;
    }
    const OpCode op = a.kind == Aggregation::Min ? OpCode::Min : a.kind == Aggregation::Max ? OpCode::Max : OpCode::Add;
    const double operands[3] = {a.value.v, x.v, 0.0};
    const Traced before = a.value;
    a.value = {kernel::apply(op, operands), -1};
    if (std::isfinite(a.value.v)) return;
    if (!std::isfinite(before.v) && before.cause >= 0) {
      a.value.cause = before.cause;
    } else if (!std::isfinite(x.v)) {
      a.value.cause = x.cause;
    } else {
      a.value.cause = new_cause(
          a.call->pos,
          fmt::format("the sum over months {}–{} overflowed to {}", a.from, a.to, value_for_message(a.value.v)), false);
    }
  }

  Traced monthly_value(std::size_t i) {
    if (!monthly_[i]) {
      const ElementDefinition* own = own_monthly_[i];
      monthly_[i] =
          own ? bound_to(own->binding, [&] { return value(*own->formula); }) : value(model_.monthly[i].formula);
    }
    return *monthly_[i];
  }

  // What a name written in the text means where it is read: an entry over
  // indexes its element at the bound elements (broadcasting), a table by
  // index likewise, anything else the entry of that name.
  struct Meaning {
    RefKind kind = RefKind::Unresolved;
    std::uint32_t index = 0;
    double number = 0.0;  // Constant: the value; a table by index: the element's number
  };

  Meaning meaning_of_flat(const std::string& name) const {
    if (auto it = parameter_at_.find(name); it != parameter_at_.end()) return {RefKind::Parameter, it->second};
    if (auto it = event_at_.find(name); it != event_at_.end()) return {RefKind::Event, it->second};
    if (auto it = monthly_at_.find(name); it != monthly_at_.end()) return {RefKind::Monthly, it->second};
    if (auto it = data_at_.find(name); it != data_at_.end()) return {RefKind::Data, it->second};
    if (name == "month") return {RefKind::Month, 0};
    if (name == "true" || name == "false") return {RefKind::Constant, 0, name == "true" ? 1.0 : 0.0};
    throw std::logic_error(fmt::format("reference: no entry `{}` in the loaded model", name));
  }

  Meaning meaning_at(const std::string& name, const std::vector<std::int32_t>& elements) const {
    const std::vector<std::uint32_t>& over = layer_->over.at(name);
    if (auto table = data_at_.find(name); table != data_at_.end()) {
      std::size_t at = 0;  // a table by index holds its numbers in the index's order
      for (std::size_t k = 0; k < over.size(); ++k)
        at = at * layer_->indexes[over[k]].elements.size() + static_cast<std::size_t>(elements[k]);
      return {RefKind::Constant, 0, model_.data[table->second].values.at(at)};
    }
    std::vector<std::string_view> names;
    for (std::size_t k = 0; k < over.size(); ++k)
      names.push_back(layer_->indexes[over[k]].elements[static_cast<std::size_t>(elements[k])]);
    return meaning_of_flat(flat_name(name, names));
  }

  Meaning meaning(const Expr& e) const {
    if (e.ref != RefKind::Unresolved) return {e.ref, e.ref_index, e.number};
    if (e.kind == ExprKind::Pick) {
      const std::vector<std::uint32_t>& over = layer_->over.at(e.name);
      std::vector<std::int32_t> elements;
      for (std::size_t k = 0; k < over.size(); ++k) {
        const auto& list = layer_->indexes[over[k]].elements;
        elements.push_back(
            static_cast<std::int32_t>(std::find(list.begin(), list.end(), e.operands.at(k).name) - list.begin()));
      }
      return meaning_at(e.name, elements);
    }
    if (layer_) {
      if (auto it = layer_->over.find(e.name); it != layer_->over.end()) {
        std::vector<std::int32_t> elements;
        for (std::uint32_t i : it->second) {
          if (bound_[i] < 0)
            throw std::logic_error(
                fmt::format("reference: `{}` read where index `{}` is not bound", e.name, layer_->indexes[i].name));
          elements.push_back(bound_[i]);
        }
        return meaning_at(e.name, elements);
      }
    }
    return meaning_of_flat(e.name);
  }

  Traced meant_value(const Meaning& m) {
    switch (m.kind) {
      case RefKind::Parameter:
        return parameters_[m.index];
      case RefKind::Event:
        return events_[m.index];
      case RefKind::RegimeState:
        return {static_cast<double>(m.index), -1};
      case RefKind::Monthly:
        return monthly_value(m.index);
      case RefKind::Month:
        return {static_cast<double>(month_), -1};
      case RefKind::Data:
        return {model_.data[m.index].values[month_ - 1], -1};
      case RefKind::Constant:
        return {m.number, -1};
      case RefKind::Unresolved:
        break;
    }
    throw std::logic_error("reference evaluator: an unresolved name");
  }

  // `regime == state` written in the text (either order): the state's
  // number, when one side is a regime and the other one of its states.
  std::optional<Traced> state_comparison(const Expr& e) {
    for (int side = 0; side < 2; ++side) {
      const Expr& regime = e.operands[static_cast<std::size_t>(side)];
      const Expr& state = e.operands[static_cast<std::size_t>(1 - side)];
      if (regime.kind != ExprKind::Name || state.kind != ExprKind::Name || state.ref != RefKind::Unresolved) continue;
      const Meaning r = meaning(regime);
      if (r.kind != RefKind::Event) continue;
      const auto* chain = std::get_if<Regime>(&model_.events[r.index].definition);
      if (!chain) continue;
      auto at = std::find(chain->states.begin(), chain->states.end(), state.name);
      if (at == chain->states.end()) continue;
      const Traced args[2] = {meant_value(r), {static_cast<double>(at - chain->states.begin()), -1}};
      const Traced ordered[2] = {args[side == 0 ? 0 : 1], args[side == 0 ? 1 : 0]};
      return operate(opcode_for(e.binary), e, ordered);
    }
    return std::nullopt;
  }

  // sum, mean, min or max of `e`'s first operand over every element of the
  // index it names, combined pairwise in halves (docs/language.md
  // "Reductions": the first half, rounded up, then the second, then the two).
  Traced reduction_value(const Expr& e) {
    const std::uint32_t index = index_named(e.operands[1].name);
    const std::int32_t outer = bound_[index];
    std::vector<Traced> terms;
    for (std::size_t k = 0; k < layer_->indexes[index].elements.size(); ++k) {
      bound_[index] = static_cast<std::int32_t>(k);
      terms.push_back(value(e.operands[0]));
    }
    bound_[index] = outer;
    const OpCode op = e.name == "min" ? OpCode::Min : e.name == "max" ? OpCode::Max : OpCode::Add;
    const Traced combined = combine(op, e, terms, 0, terms.size());
    if (e.name != "mean") return combined;
    const Traced args[2] = {combined, {static_cast<double>(terms.size()), -1}};
    return operate(OpCode::Div, e, args);
  }

  Traced combine(OpCode op, const Expr& e, const std::vector<Traced>& terms, std::size_t from, std::size_t to) {
    if (to - from == 1) return terms[from];
    const std::size_t middle = from + (to - from + 1) / 2;
    const Traced args[2] = {combine(op, e, terms, from, middle), combine(op, e, terms, middle, to)};
    return operate(op, e, args);
  }

  // Whether a formula depends on parameters and numbers only, so has the
  // same value in every month: a cause arising there names no month. A
  // conditional with a constant condition is its chosen branch.
  bool invariant(const Expr& e) {
    // A tree as written reads other elements under other bindings: no memo.
    if (auto it = invariant_.find(&e); !layer_ && it != invariant_.end()) return it->second;
    bool result = true;
    if (e.kind == ExprKind::Name || e.kind == ExprKind::Pick) {
      if (layer_ && e.kind == ExprKind::Name && e.ref == RefKind::Unresolved && !layer_->over.count(e.name) &&
          !parameter_at_.count(e.name) && !event_at_.count(e.name) && !monthly_at_.count(e.name) &&
          !data_at_.count(e.name) && e.name != "month" && e.name != "true" && e.name != "false")
        return true;  // a regime's state
      const Meaning m = meaning(e);
      const ElementDefinition* own = m.kind == RefKind::Monthly ? own_monthly_[m.index] : nullptr;
      result = m.kind == RefKind::Parameter || m.kind == RefKind::RegimeState || m.kind == RefKind::Constant ||
               (m.kind == RefKind::Monthly && (own ? bound_to(own->binding, [&] { return invariant(*own->formula); })
                                                   : invariant(model_.monthly[m.index].formula)));
    } else if (e.kind == ExprKind::Reduction) {
      const std::uint32_t index = index_named(e.operands[1].name);
      const std::int32_t outer = bound_[index];
      for (std::size_t k = 0; k < layer_->indexes[index].elements.size(); ++k) {
        bound_[index] = static_cast<std::int32_t>(k);
        result = result && invariant(e.operands[0]);
      }
      bound_[index] = outer;
    } else if (e.kind == ExprKind::Call && (e.name == "prev" || is_aggregate(e))) {
      result = false;
    } else if (const auto c = e.kind == ExprKind::Conditional ? constant_value(e.operands[0]) : std::nullopt) {
      result = invariant(e.operands[*c != 0.0 ? 1 : 2]);
    } else {
      for (const Expr& o : e.operands) result = result && invariant(o);
    }
    invariant_[&e] = result;
    return result;
  }

  // One operation on evaluated operands. A non-finite result takes the cause
  // of its first non-finite operand, or is itself the cause.
  Traced operate(OpCode op, const Expr& node, const Traced* args) {
    const std::size_t n = operation(op).operands;
    double v[3] = {0.0, 0.0, 0.0};
    Traced result;
    for (std::size_t k = 0; k < n; ++k) v[k] = args[k].v;
    result.v = kernel::apply(op, v);
    if (std::isfinite(result.v)) return result;
    for (std::size_t k = 0; k < n; ++k) {
      if (!std::isfinite(args[k].v)) {
        result.cause = args[k].cause;
        return result;
      }
    }
    result.cause = new_cause(node.pos, fmt::format("{} is {}", kernel::spell(op, v), value_for_message(result.v)),
                             invariant(node));
    return result;
  }

  Traced value(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Number:
        return {e.number, -1};
      case ExprKind::Name:
        return name_value(e);
      case ExprKind::Unary: {
        const Traced a = value(e.operands[0]);
        return operate(opcode_for(e.unary), e, &a);
      }
      case ExprKind::Binary: {
        if (layer_ && (e.binary == BinaryOp::Equal || e.binary == BinaryOp::NotEqual))
          if (std::optional<Traced> compared = state_comparison(e)) return *compared;
        const Traced args[2] = {value(e.operands[0]), value(e.operands[1])};
        return operate(opcode_for(e.binary), e, args);
      }
      case ExprKind::Conditional: {
        // Only the branch taken is evaluated; the value is that branch's.
        return value(e.operands[value(e.operands[0]).v != 0.0 ? 1 : 2]);
      }
      case ExprKind::Call:
        return call_value(e);
      case ExprKind::List:
        break;
      case ExprKind::Pick:
        if (!layer_) break;
        return meant_value(meaning(e));
      case ExprKind::Reduction:
        if (!layer_) break;
        return reduction_value(e);
    }
    throw std::logic_error("reference evaluator: a list outside discrete(), or a pick or reduction without indexes");
  }

  Traced name_value(const Expr& e) {
    if (e.ref == RefKind::Unresolved && layer_) return meant_value(meaning(e));
    switch (e.ref) {
      case RefKind::Parameter:
        return parameters_[e.ref_index];
      case RefKind::Event:
        return events_[e.ref_index];
      case RefKind::RegimeState:
        return {static_cast<double>(e.ref_index), -1};
      case RefKind::Monthly:
        return monthly_value(e.ref_index);
      case RefKind::Month:
        return {static_cast<double>(month_), -1};
      case RefKind::Data:
        return {model_.data[e.ref_index].values[month_ - 1], -1};
      case RefKind::Constant:
        return {e.number, -1};
      case RefKind::Unresolved:
        break;
    }
    throw std::logic_error(fmt::format("reference evaluator: unresolved name `{}`", e.name));
  }

  Traced call_value(const Expr& e) {
    if (e.name == "prev") {
      if (month_ == 1) {
        // The initial value is computed before month 1.
        const std::uint32_t month = month_;
        month_ = 0;
        const Traced initial = value(e.operands[1]);
        month_ = month;
        return initial;
      }
      const Meaning target = meaning(e.operands[0]);
      if (target.kind == RefKind::Data) return {model_.data[target.index].values[month_ - 2], -1};
      const Traced previous =
          target.kind == RefKind::Monthly ? previous_monthly_[target.index] : previous_events_[target.index];
      return previous;
    }
    if (is_aggregate(e)) {
      const Aggregate& a = aggregates_[aggregate_of_.at({&e, bound_})];
      if (a.kind != Aggregation::Mean) return a.value;
      const Traced args[2] = {a.value, {a.to - a.from + 1.0, -1}};
      return operate(OpCode::Div, e, args);
    }
    const Operation* f = function_named(e.name);
    if (!f) throw std::logic_error(fmt::format("reference evaluator: no function `{}`", e.name));
    std::vector<Traced> args;
    for (const Expr& o : e.operands) args.push_back(value(o));
    if (f->operands == 2 && args.size() > 2) {
      // min(a, b, c, …): the binary operation from left to right.
      Traced acc = args[0];
      for (std::size_t i = 1; i < args.size(); ++i) {
        const Traced pair[2] = {acc, args[i]};
        acc = operate(f->op, e, pair);
      }
      return acc;
    }
    return operate(f->op, e, args.data());
  }

  const Model& model_;
  std::uint64_t seed_;
  const IndexLayer* layer_;
  Binding bound_;  // the elements the index names stand for now
  std::map<std::string, std::uint32_t, std::less<>> parameter_at_, event_at_, monthly_at_, data_at_;
  // Per entry of the loaded model: its definition from the layer, or null.
  std::vector<const ElementDefinition*> own_parameters_, own_events_, own_monthly_;
  std::vector<OutputDefinition> outputs_;
  std::vector<Sampler> parameter_samplers_, size_samplers_, innovation_samplers_;
  std::vector<RandomSlot> parameter_slots_, event_slots_, size_slots_;
  std::vector<Aggregate> aggregates_;
  std::map<std::pair<const Expr*, Binding>, std::size_t> aggregate_of_;
  std::map<const Expr*, bool> invariant_;

  // The sample being evaluated.
  std::uint64_t sample_ = 0;
  std::uint32_t month_ = 0;  // 0 before month 1 and for outputs
  std::vector<Traced> parameters_;
  std::vector<Traced> events_, previous_events_;  // switch 0/1, regime state index, arrivals total, innovation
  std::vector<std::optional<Traced>> monthly_;    // this month's values, computed on first use
  std::vector<Traced> previous_monthly_;
  std::vector<Cause> causes_;  // of this sample's non-finite values
};

}  // namespace

ReferenceResult evaluate_reference(const Model& model, const ReferenceSettings& settings) {
  ReferenceResult result;
  Evaluator evaluator(model, settings.seed, settings.indexes);
  result.names = evaluator.output_names();
  result.values.assign(result.names.size(), std::vector<double>(settings.samples));
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
