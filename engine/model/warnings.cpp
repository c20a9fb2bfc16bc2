#include "riskcast/warnings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "riskcast/report.hpp"

namespace riskcast {

namespace {

// Values further than this outside [0, 1] make a share suspicious; closer
// is rounding (1 − (a + b) / c leaves −1e−17).
constexpr double kShareSlack = 1e-9;

void warn_share_parameter(const Parameter& p, Diagnostics& w) {
  if (!is_share_unit(p.metadata.unit)) return;
  const auto [lo, hi] = p.distribution.support();
  if (lo >= -kShareSlack && hi <= 1.0 + kShareSlack) return;
  const std::string dist = p.distribution.to_string();
  std::string hint;
  // Bounds from 2 to 100 read as percentages (15 meant as 15 %).
  if (lo >= 0.0 && hi >= 2.0 && hi <= 100.0) {
    hint = fmt::format("a share is a fraction of 1: {} % is {}", format_number(hi), format_number(hi / 100.0));
  } else if (!std::isfinite(lo) || !std::isfinite(hi)) {
    hint = "beta(alpha, beta), pert(min, mode, max) or truncated_normal(mean, sd, 0, 1) stay within [0, 1]";
  } else {
    hint = "keep the distribution within [0, 1], or give the parameter another unit";
  }
  const std::string where = lo < 0.0 && hi > 1.0 ? "below 0 and above 1" : lo < 0.0 ? "below 0" : "above 1";
  w.warning(p.distribution.pos.line ? p.distribution.pos : p.pos,
            fmt::format("parameter `{}` is a share (unit `{}`) but {} can be {}", quote_for_message(p.name),
                        p.metadata.unit, dist, where),
            std::move(hint));
}

void warn_lognormal(const Distribution& d, Diagnostics& w) {
  if (d.kind != DistributionKind::Lognormal || !(d.args[0] > kLognormalMuWarning)) return;
  const double mu = d.args[0];
  w.warning(d.pos,
            fmt::format("lognormal(mu, sigma) takes mu on the log scale: mu = {} gives a median of e^{} = {}",
                        format_number(mu), format_number(mu), format_number(std::exp(mu))),
            fmt::format("for a median of {} write lognormal(log({}), sigma); for a 90 % range, lognormal_ci90(lo, hi)",
                        format_number(mu), format_number(mu)));
}

// A law without a finite variance (student_t with df ≤ 2, or a mixture
// holding one): the sample mean and sd of what depends on it never settle,
// however many samples, while percentiles converge as usual.
void warn_moments(const Distribution& d, std::string_view what, Diagnostics& w) {
  const int moments = d.finite_moments();
  if (moments == 2) return;
  w.warning(d.pos,
            moments == 0
                ? fmt::format("{} is {}, which has no mean (student_t with df <= 1): the mean and sd of every output "
                              "that depends on it, and their intervals, are meaningless; percentiles are fine",
                              what, d.to_string())
                : fmt::format("{} is {}, which has an infinite variance (student_t with df <= 2): the sd of every "
                              "output that depends on it, and the interval of its mean, are meaningless, and its mean "
                              "settles slowly; percentiles are fine",
                              what, d.to_string()),
            "read its outputs' percentiles (P5, P50, P95); for heavy tails with a finite variance take df > 2");
}

// Which parameters, events and monthly formulas some formula reads.
struct Reads {
  std::set<std::uint32_t> parameters, events, monthly, data;

  // `self`: the monthly formula whose own formula this is (prev(x, …) in x
  // is not a use of x), or none.
  void add(const Expr& e, std::optional<std::uint32_t> self = std::nullopt) {
    for_each_node(e, [&](const Expr& node) {
      if (node.kind != ExprKind::Name) return;
      switch (node.ref) {
        case RefKind::Parameter:
          parameters.insert(node.ref_index);
          break;
        case RefKind::Event:
          events.insert(node.ref_index);
          break;
        case RefKind::Monthly:
          if (node.ref_index != self) monthly.insert(node.ref_index);
          break;
        case RefKind::Data:
          data.insert(node.ref_index);
          break;
        default:
          break;
      }
    });
  }

  void add(const Event& ev) {
    if (const auto* r = std::get_if<Regime>(&ev.definition)) {
      for (const auto& row : r->transitions)
        for (const auto& cell : row)
          if (cell) add(*cell);
    } else if (const auto* s = std::get_if<Switch>(&ev.definition)) {
      add(s->on_hazard);
      add(s->off_hazard);
    } else if (const auto* a = std::get_if<Arrivals>(&ev.definition)) {
      add(a->rate);
    } else if (const auto* innovation = std::get_if<Innovation>(&ev.definition)) {
      for (const Expr& argument : innovation->arguments) add(argument);
    }
  }
};

void warn_unread(const Model& model, Diagnostics& w) {
  Reads reads;
  for (std::uint32_t i = 0; i < model.monthly.size(); ++i) reads.add(model.monthly[i].formula, i);
  for (const Output& o : model.outputs) reads.add(o.formula);
  for (const Event& ev : model.events) reads.add(ev);
  for (const Scenario& s : model.scenarios)
    for (const Event& ev : s.events) reads.add(ev);
  const char* hint = "no formula, hazard, rate or output reads it: use it, or remove it";
  // A table by index is read as numbers in place (docs/language.md, "Data
  // tables"): whether one is read is not known here.
  for (std::uint32_t i = 0; i < model.data.size(); ++i)
    if (model.data[i].by_month() && !reads.data.count(i))
      w.warning(model.data[i].pos, fmt::format("data table `{}` is never read", quote_for_message(model.data[i].name)),
                hint);
  for (std::uint32_t i = 0; i < model.parameters.size(); ++i)
    if (!reads.parameters.count(i))
      w.warning(model.parameters[i].pos,
                fmt::format("parameter `{}` is never read", quote_for_message(model.parameters[i].name)), hint);
  for (std::uint32_t i = 0; i < model.events.size(); ++i)
    if (!reads.events.count(i))
      w.warning(model.events[i].pos, fmt::format("event `{}` is never read", quote_for_message(model.events[i].name)),
                hint);
  for (std::uint32_t i = 0; i < model.monthly.size(); ++i)
    if (!reads.monthly.count(i))
      w.warning(model.monthly[i].pos,
                fmt::format("monthly formula `{}` is never read", quote_for_message(model.monthly[i].name)),
                "no other formula or output reads it (prev of itself does not count): use it, or remove it");
}

// The distributions an event draws from: an arrivals' size, an
// innovation's law (whose mu, where a formula gives it, holds 0 and is
// known only when run).
void warn_about_event(const Event& ev, Diagnostics& w) {
  if (const auto* a = std::get_if<Arrivals>(&ev.definition)) {
    warn_lognormal(a->size, w);
    warn_moments(a->size, fmt::format("the burst size of `{}`", quote_for_message(ev.name)), w);
  }
  if (const auto* innovation = std::get_if<Innovation>(&ev.definition)) warn_lognormal(innovation->law, w);
}

}  // namespace

void warn_about_distribution(const Parameter& p, Diagnostics& w) {
  warn_share_parameter(p, w);
  warn_lognormal(p.distribution, w);
  warn_moments(p.distribution, fmt::format("parameter `{}`", quote_for_message(p.name)), w);
}

void warn_about_model(const Model& model, Diagnostics& w, const std::vector<bool>& elsewhere) {
  warn_unread(model, w);
  for (std::size_t i = 0; i < model.parameters.size(); ++i)
    if (i >= elsewhere.size() || !elsewhere[i]) warn_about_distribution(model.parameters[i], w);
  for (const Event& ev : model.events) warn_about_event(ev, w);
  for (const Scenario& s : model.scenarios) {
    for (const Parameter& p : s.parameters) warn_about_distribution(p, w);
    for (const Event& ev : s.events) warn_about_event(ev, w);
  }
}

void warn_about_results(const Model& model, const RunResult& result, Diagnostics& w) {
  for (const Output& o : model.outputs) {
    if (!is_share_unit(o.metadata.unit)) continue;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::vector<std::string> scenarios;
    for (const ScenarioResult& s : result.scenarios) {
      for (const OutputResult& r : s.outputs) {
        if (r.name != o.name) continue;
        // The range of the scenarios named, not of every scenario's.
        if (r.summary.min >= -kShareSlack && r.summary.max <= 1.0 + kShareSlack) continue;
        scenarios.push_back(s.name);
        lo = std::min(lo, r.summary.min);
        hi = std::max(hi, r.summary.max);
      }
    }
    if (scenarios.empty()) continue;
    w.warning(o.pos,
              fmt::format("output `{}` is a share (unit `{}`) but its values run from {} to {} ({} {})",
                          quote_for_message(o.name), o.metadata.unit, format_value(lo, o.metadata.unit),
                          format_value(hi, o.metadata.unit), scenarios.size() == 1 ? "scenario" : "scenarios",
                          fmt::join(scenarios, ", ")),
              "a share is a fraction of a whole, within [0, 1]: check the formula, or give the output another unit");
  }
}

}  // namespace riskcast
