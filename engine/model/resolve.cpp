// Name resolution: what each name in a formula means, whether it may be used
// where it stands, and the order in which monthly formulas are evaluated.
#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "riskcast/model_loader.hpp"

namespace riskcast {
namespace {

// Where a formula stands decides which names it may see.
enum class Context {
  Hazard,      // transition probabilities and switch hazards: states of month m − 1
  Rate,        // arrival rates: parameters, regimes and switches of month m
  Innovation,  // an innovation's distribution arguments: also arrivals of month m
  Monthly,     // monthly formulas and the arguments of aggregates
  PrevInit,    // the month-0 value in prev(x, initial): parameters only
  Output,      // outputs: parameters and aggregates of monthly series
};

std::string_view context_name(Context c) {
  switch (c) {
    case Context::Hazard:
      return "a hazard or transition probability";
    case Context::Rate:
      return "an arrival rate";
    case Context::Innovation:
      return "an innovation's distribution";
    case Context::Monthly:
      return "a monthly formula";
    case Context::PrevInit:
      return "the initial value of prev(...)";
    case Context::Output:
      return "an output";
  }
  return "";
}

// The construct meant by a function from a spreadsheet or another
// language, or "" if `f` is none of them.
std::string construct_for(std::string_view f) {
  std::string lower(f);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "if" || lower == "iif" || lower == "ifelse" || lower == "if_else")
    return "a condition is written `c ? a : b`: IF(c, a, b) is `c ? a : b`";
  if (lower == "next" || lower == "lead" || lower == "future")
    return "a formula cannot read later months (no look-ahead): it sees this month and, through prev(x, initial), "
           "the month before";
  if (lower == "lag" || lower == "shift" || lower == "previous" || lower == "prior" || lower == "delay")
    return "last month's value of x is prev(x, initial)";
  if (lower == "avg" || lower == "average") return "the average over the months is the aggregate mean(x)";
  return {};
}

struct NameInfo {
  RefKind kind;
  std::uint32_t index;
};

class Resolver {
 public:
  Resolver(Model& model, Diagnostics& d) : model_(model), d_(d) {
    // A table by index is not among them: loading has put its numbers where formulas read it.
    for (std::uint32_t i = 0; i < model.data.size(); ++i)
      if (model.data[i].by_month()) names_[model.data[i].name] = {RefKind::Data, i};
    for (std::uint32_t i = 0; i < model.parameters.size(); ++i)
      names_[model.parameters[i].name] = {RefKind::Parameter, i};
    for (std::uint32_t i = 0; i < model.events.size(); ++i) names_[model.events[i].name] = {RefKind::Event, i};
    for (std::uint32_t i = 0; i < model.monthly.size(); ++i) names_[model.monthly[i].name] = {RefKind::Monthly, i};
    for (const Output& o : model.outputs) outputs_.insert(o.name);
  }

  // Resolves `e`; for monthly formulas, collects the monthly formulas it
  // reads in the same month into `dependencies`. It recurses once per level
  // of the tree (up to kMaxExpressionHeight): what it calls with messages to
  // format is kept out of line, so that its own frame stays small.
  [[gnu::noinline]] void resolve(Expr& e, Context ctx, std::set<std::uint32_t>* dependencies = nullptr,
                                 bool in_aggregate = false) {
    switch (e.kind) {
      case ExprKind::Number:
        return;
      case ExprKind::List:
        return misplaced_list(e);
      case ExprKind::Name:
        return resolve_name(e, ctx, dependencies, in_aggregate);
      case ExprKind::Unary:
        return resolve(e.operands[0], ctx, dependencies, in_aggregate);
      case ExprKind::Conditional:
        for (Expr& o : e.operands) resolve(o, ctx, dependencies, in_aggregate);
        return;
      case ExprKind::Binary:
        if ((e.binary == BinaryOp::Equal || e.binary == BinaryOp::NotEqual) && resolve_state_comparison(e, ctx)) return;
        for (Expr& o : e.operands) resolve(o, ctx, dependencies, in_aggregate);
        return;
      case ExprKind::Call:
        return resolve_call(e, ctx, dependencies, in_aggregate);
      case ExprKind::Pick:
      case ExprKind::Reduction:
        // Loading expands every pick and reduction into flat names.
        d_.error(e.pos, "an element pick or a reduction over an index outside an indexed model");
        return;
    }
  }

  const std::map<std::string, NameInfo>& names() const { return names_; }

 private:
  [[gnu::noinline]] void misplaced_list(const Expr& e) {
    d_.error(e.pos, "a list [...] is only allowed as an argument of discrete, cumulative or mixture");
  }

  const Regime* regime_of(const Expr& e) {
    if (e.kind != ExprKind::Name) return nullptr;
    auto it = names_.find(e.name);
    if (it == names_.end() || it->second.kind != RefKind::Event) return nullptr;
    const Event& ev = model_.events[it->second.index];
    return ev.kind() == EventKind::Regime ? &std::get<Regime>(ev.definition) : nullptr;
  }

  // `regime == state` (either order). Returns false if neither side is a regime.
  [[gnu::noinline]] bool resolve_state_comparison(Expr& e, Context ctx) {
    int regime_side = regime_of(e.operands[0]) ? 0 : regime_of(e.operands[1]) ? 1 : -1;
    if (regime_side < 0) return false;
    Expr& regime_expr = e.operands[regime_side];
    Expr& state_expr = e.operands[1 - regime_side];
    const Regime* regime = regime_of(regime_expr);
    if (!event_allowed(regime_expr, ctx, EventKind::Regime)) return true;
    regime_expr.ref = RefKind::Event;
    regime_expr.ref_index = names_[regime_expr.name].index;
    if (state_expr.kind != ExprKind::Name) {
      d_.error(state_expr.pos, fmt::format("compare regime `{}` with one of its states ({})", regime_expr.name,
                                           fmt::join(regime->states, ", ")));
      return true;
    }
    auto it = std::find(regime->states.begin(), regime->states.end(), state_expr.name);
    if (it == regime->states.end()) {
      d_.error(state_expr.pos,
               fmt::format("`{}` is not a state of regime `{}` (states: {})", quote_for_message(state_expr.name),
                           regime_expr.name, fmt::join(regime->states, ", ")),
               hint_for(state_expr.name, regime->states));
      return true;
    }
    state_expr.ref = RefKind::RegimeState;
    state_expr.ref_index = static_cast<std::uint32_t>(it - regime->states.begin());
    return true;
  }

  bool event_allowed(const Expr& e, Context ctx, EventKind kind) {
    if (ctx == Context::Output) {
      d_.error(e.pos, fmt::format("an output sees events only through an aggregate: sum({}), mean({}), last({}) …",
                                  e.name, e.name, e.name));
      return false;
    }
    if (ctx == Context::PrevInit) {
      d_.error(e.pos, fmt::format("the initial value of prev(...) may use parameters only, not event `{}`", e.name));
      return false;
    }
    if (ctx == Context::Rate && (kind == EventKind::Arrivals || kind == EventKind::Innovation)) {
      d_.error(e.pos,
               fmt::format("an arrival rate cannot depend on {} (`{}`)",
                           kind == EventKind::Arrivals ? "arrivals" : "innovations", e.name),
               "a rate is evaluated before the month's arrivals and innovations are drawn");
      return false;
    }
    if (ctx == Context::Innovation && kind == EventKind::Innovation) {
      d_.error(e.pos, fmt::format("an innovation's distribution cannot depend on innovation `{}`", e.name),
               "the month's innovations are drawn side by side; combine them in a monthly formula");
      return false;
    }
    return true;
  }

  const std::vector<std::string>& visible_names() {
    if (visible_.empty()) {
      for (const auto& [n, info] : names_) visible_.push_back(n);
      visible_.push_back("month");
    }
    return visible_;
  }

  // Hints cost a scan of every name: give them only while errors are few.
  bool hints_wanted() const { return d_.size() < kMaxHintedErrors; }
  std::string hint_for(std::string_view name, const std::vector<std::string>& candidates) {
    return hints_wanted() ? did_you_mean(name, candidates) : std::string{};
  }

  [[gnu::noinline]] void needs_aggregate(const Expr& e, std::string_view what) {
    d_.error(e.pos, fmt::format("{0} `{1}` needs an aggregate in an output: sum({1}), mean({1}), last({1}), min({1}) "
                                "or max({1})",
                                what, e.name));
  }

  [[gnu::noinline]] void resolve_name(Expr& e, Context ctx, std::set<std::uint32_t>* dependencies, bool in_aggregate) {
    if (e.name == "true" || e.name == "false") {
      e.ref = RefKind::Constant;
      e.number = e.name == "true" ? 1.0 : 0.0;
      return;
    }
    if (e.name == "month") {
      if (ctx == Context::Output || ctx == Context::PrevInit) {
        d_.error(e.pos, fmt::format("`month` is not defined in {}", context_name(ctx)));
        return;
      }
      e.ref = RefKind::Month;
      return;
    }
    auto it = names_.find(e.name);
    if (it == names_.end()) {
      if (outputs_.count(e.name)) {
        d_.error(e.pos, fmt::format("`{}` is an output; formulas cannot read outputs", e.name),
                 "repeat its formula or move the shared part into a monthly formula");
        return;
      }
      std::string hint = hints_wanted() ? did_you_mean(e.name, visible_names()) : std::string{};
      if (hint.empty() && hints_wanted()) {
        for (const Event& ev : model_.events) {
          if (ev.kind() != EventKind::Regime) continue;
          const auto& states = std::get<Regime>(ev.definition).states;
          if (std::find(states.begin(), states.end(), e.name) != states.end())
            hint = fmt::format("`{}` is a state of regime `{}`: compare with `{} == {}`", e.name, ev.name, ev.name,
                               e.name);
        }
      }
      d_.error(e.pos, fmt::format("unknown name `{}`", quote_for_message(e.name)), hint);
      return;
    }
    const NameInfo info = it->second;
    switch (info.kind) {
      case RefKind::Parameter:
        break;
      case RefKind::Event: {
        const Event& ev = model_.events[info.index];
        if (ev.kind() == EventKind::Regime) {
          d_.error(e.pos, fmt::format("regime `{}` has no numeric value; compare it with a state, e.g. `{} == {}`",
                                      e.name, e.name, std::get<Regime>(ev.definition).states[0]));
          return;
        }
        if (!event_allowed(e, ctx, ev.kind())) return;
        break;
      }
      case RefKind::Monthly:
        if (ctx == Context::Hazard || ctx == Context::Rate || ctx == Context::Innovation || ctx == Context::PrevInit) {
          d_.error(e.pos, fmt::format("{} cannot use monthly formula `{}`", context_name(ctx), e.name),
                   ctx == Context::PrevInit ? ""
                   : ctx == Context::Innovation
                       ? "an innovation is drawn before the monthly formulas: its arguments see parameters, `month` "
                         "and the month's regimes, switches and arrivals"
                       : "hazards and rates see parameters, events and `month`");
          return;
        }
        if (ctx == Context::Output && !in_aggregate) {
          return needs_aggregate(e, "monthly series");
        }
        if (dependencies) dependencies->insert(info.index);
        break;
      case RefKind::Data:
        // A series by month reads as its value in the month, wherever `month` may be read.
        if (ctx == Context::PrevInit) {
          d_.error(e.pos,
                   fmt::format("the initial value of prev(...) may use parameters only, not data series `{}`", e.name));
          return;
        }
        if (ctx == Context::Output && !in_aggregate) {
          return needs_aggregate(e, "data series");
        }
        break;
      default:
        break;
    }
    e.ref = info.kind;
    e.ref_index = info.index;
  }

  [[gnu::noinline]] void resolve_call(Expr& e, Context ctx, std::set<std::uint32_t>* dependencies, bool in_aggregate) {
    const std::string& f = e.name;
    const std::size_t n = e.operands.size();
    auto arity_error = [&](std::string_view expected) {
      d_.error(e.pos, fmt::format("{}() takes {}, got {}", f, expected, counted(n, "argument")));
    };
    if (f == "prev") {
      if (ctx != Context::Monthly || in_aggregate) {
        d_.error(e.pos, "prev(x, initial) is only allowed in monthly formulas");
        return;
      }
      if (n != 2) return arity_error("2 arguments (a monthly formula or event, and its value before month 1)");
      Expr& target = e.operands[0];
      auto it = target.kind == ExprKind::Name ? names_.find(target.name) : names_.end();
      bool ok = it != names_.end() &&
                (it->second.kind == RefKind::Monthly || it->second.kind == RefKind::Data ||
                 (it->second.kind == RefKind::Event && model_.events[it->second.index].kind() != EventKind::Regime));
      if (!ok) {
        d_.error(target.pos,
                 "the first argument of prev() must name a monthly formula, a data series, a switch, arrivals or an "
                 "innovation",
                 target.kind == ExprKind::Name && hints_wanted() ? did_you_mean(target.name, visible_names()) : "");
        return;
      }
      target.ref = it->second.kind;
      target.ref_index = it->second.index;  // no same-month dependency: prev reads month m − 1
      resolve(e.operands[1], Context::PrevInit);
      return;
    }
    if (is_aggregate(f, n)) {
      if (in_aggregate) {
        d_.error(e.pos, fmt::format("{}() cannot be nested inside another aggregate", f),
                 "an aggregate reads a monthly series; aggregate the series directly");
        return;
      }
      if (ctx != Context::Output) {
        d_.error(e.pos,
                 fmt::format("{}() aggregates a monthly series over the horizon; it is only allowed in outputs", f),
                 (f == "min" || f == "max") ? fmt::format("{}(a, b) with two or more values works anywhere", f) : "");
        return;
      }
      const bool ranged = f == "sum" || f == "mean";
      if (n != 1 && !(ranged && n == 3)) {
        return arity_error(ranged ? "1 argument, or 3: (series, from_month, to_month)" : "1 argument (a series)");
      }
      resolve(e.operands[0], Context::Monthly, nullptr, true);
      if (n == 3) {
        std::optional<double> from = constant_value(e.operands[1]);
        std::optional<double> to = constant_value(e.operands[2]);
        for (int k = 1; k <= 2; ++k) {
          std::optional<double> v = k == 1 ? from : to;
          if (!v || std::floor(*v) != *v || *v < 1 || *v > model_.horizon) {
            d_.error(e.operands[k].pos,
                     fmt::format("the month range of {}() must be whole months from 1 to {}", f, model_.horizon));
            return;
          }
        }
        if (*from > *to) d_.error(e.operands[1].pos, fmt::format("month range {}..{} is empty", *from, *to));
      }
      return;
    }
    const Operation* function = function_named(f);
    if (!function) {
      bool is_distribution = false;
      for (const auto& s : distribution_signatures()) is_distribution |= s.name == f;
      if (is_distribution) {
        d_.error(e.pos, fmt::format("`{}` is a distribution; draw it as a parameter and use the parameter here", f));
        return;
      }
      std::vector<std::string> known;
      for (const Operation& o : kOperations)
        if (!o.function.empty()) known.emplace_back(o.function);
      for (const SpecialForm& form : kSpecialForms) known.emplace_back(form.name);
      std::string hint = construct_for(f);
      if (hint.empty()) hint = hint_for(f, known);
      d_.error(e.pos, fmt::format("unknown function `{}`", quote_for_message(f)), std::move(hint));
      return;
    }
    const std::size_t lo = function->min_arguments, hi = function->max_arguments;
    if (n < lo || n > hi) {
      return arity_error(lo == hi ? counted(lo, "argument") : fmt::format("{} to {} arguments", lo, hi));
    }
    for (Expr& o : e.operands) resolve(o, ctx, dependencies, in_aggregate);
  }

  Model& model_;
  Diagnostics& d_;
  std::map<std::string, NameInfo> names_;
  std::set<std::string> outputs_;
  std::vector<std::string> visible_;  // names_ and `month`, for hints; built on first use
};

void resolve_event(Resolver& r, Event& ev) {
  if (auto* regime = std::get_if<Regime>(&ev.definition)) {
    for (auto& row : regime->transitions)
      for (auto& cell : row)
        if (cell) r.resolve(*cell, Context::Hazard);
  } else if (auto* s = std::get_if<Switch>(&ev.definition)) {
    r.resolve(s->on_hazard, Context::Hazard);
    r.resolve(s->off_hazard, Context::Hazard);
  } else if (auto* a = std::get_if<Arrivals>(&ev.definition)) {
    r.resolve(a->rate, Context::Rate);
  } else if (auto* innovation = std::get_if<Innovation>(&ev.definition)) {
    for (Expr& argument : innovation->arguments) r.resolve(argument, Context::Innovation);
  }
}

// Orders monthly formulas so each comes after those it reads in the same
// month, keeping file order where it is free. Reports a cycle with its path.
// Iterative, so that a chain of a hundred thousand formulas cannot exhaust
// the stack.
bool order_monthly(Model& model, const std::vector<std::set<std::uint32_t>>& deps, Diagnostics& d) {
  const std::size_t n = model.monthly.size();
  enum : std::uint8_t { kNew, kOnStack, kDone };
  std::vector<std::uint8_t> state(n, kNew);
  std::vector<std::uint32_t> order;
  order.reserve(n);
  // The path being explored: each formula with the next dependency to visit.
  std::vector<std::pair<std::uint32_t, std::set<std::uint32_t>::const_iterator>> stack;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (state[root] != kNew) continue;
    state[root] = kOnStack;
    stack.emplace_back(root, deps[root].begin());
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next == deps[v].end()) {
        state[v] = kDone;
        order.push_back(v);
        stack.pop_back();
        continue;
      }
      const std::uint32_t w = *next++;
      if (state[w] == kDone) continue;
      if (state[w] == kNew) {
        state[w] = kOnStack;
        stack.emplace_back(w, deps[w].begin());
        continue;
      }
      // w is on the path: the path from w back to w is a cycle.
      auto start = std::find_if(stack.begin(), stack.end(), [&](const auto& f) { return f.first == w; });
      std::vector<std::string> path;
      const auto length = static_cast<std::size_t>(stack.end() - start);
      constexpr std::size_t kShown = 8;  // a long cycle shows its ends only
      for (auto it = start; it != stack.end(); ++it) {
        const auto k = static_cast<std::size_t>(it - start);
        if (length > 2 * kShown && k == kShown) path.push_back(fmt::format("… ({} more)", length - 2 * kShown));
        if (length > 2 * kShown && k >= kShown && k < length - kShown) continue;
        path.push_back(model.monthly[it->first].name);
      }
      path.push_back(model.monthly[w].name);
      d.error(model.monthly[w].pos, fmt::format("monthly formulas form a cycle: {}", fmt::join(path, " → ")),
              "read last month's value with prev(x, initial) to break it");
      return false;
    }
  }
  std::vector<MonthlyFormula> sorted;
  sorted.reserve(n);
  for (std::uint32_t v : order) sorted.push_back(std::move(model.monthly[v]));
  model.monthly = std::move(sorted);
  return true;
}

}  // namespace

void resolve_model(Model& model, Diagnostics& diagnostics) {
  const std::size_t before = diagnostics.size();
  {
    Resolver r(model, diagnostics);
    std::vector<std::set<std::uint32_t>> deps(model.monthly.size());
    for (std::size_t i = 0; i < model.monthly.size(); ++i)
      r.resolve(model.monthly[i].formula, Context::Monthly, &deps[i]);
    if (diagnostics.size() != before || !order_monthly(model, deps, diagnostics)) {
      // Still check the rest so one run shows as many errors as it can.
      for (Event& ev : model.events) resolve_event(r, ev);
      for (Output& o : model.outputs) r.resolve(o.formula, Context::Output);
      for (Scenario& s : model.scenarios)
        for (Event& ev : s.events) resolve_event(r, ev);
      return;
    }
  }
  // Indices of monthly formulas changed with the order: resolve everything afresh.
  Resolver r(model, diagnostics);
  for (MonthlyFormula& f : model.monthly) r.resolve(f.formula, Context::Monthly);
  for (Event& ev : model.events) resolve_event(r, ev);
  for (Output& o : model.outputs) r.resolve(o.formula, Context::Output);
  for (Scenario& s : model.scenarios)
    for (Event& ev : s.events) resolve_event(r, ev);
}

}  // namespace riskcast
