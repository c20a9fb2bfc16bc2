#include "riskcast/sensitivity.hpp"

#include "riskcast/report.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "riskcast/model_loader.hpp"

namespace riskcast {

std::vector<std::uint32_t> doubled_mid_ranks(std::span<const double> values) {
  const std::size_t n = values.size();
  if (n > kMaxSensitivitySamples)
    throw std::invalid_argument(fmt::format("rank statistics take at most {} samples", kMaxSensitivitySamples));
  // Sorting (value, index) pairs keeps the comparisons in cache; an index
  // sort would chase the values all over the column.
  std::vector<std::pair<double, std::uint32_t>> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = {values[i], static_cast<std::uint32_t>(i)};
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::uint32_t> ranks(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && order[j].first == order[i].first) ++j;
    // Ranks i + 1 … j share their mean (i + 1 + j) / 2; doubled it is whole.
    const auto doubled = static_cast<std::uint32_t>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k) ranks[order[k].second] = doubled;
    i = j;
  }
  return ranks;
}

namespace {

// For every sample i: (Σ_{key_j > key_i} w_j + ½ Σ_{key_j = key_i} w_j) / n,
// added to out[i]: the empirical E[w · k_{x_i}(X)] with
// k_x(X) = 1{X > x} + ½·1{X = x}, which the influence function of the rank
// correlation needs. Keys are doubled mid-ranks (2 … 2n): one pass drops the
// weights into a bucket per key, one turns the buckets into sums from the
// top, one reads them back. `bucket` is scratch space.
template <typename Weight>
void add_upper_sums(std::span<const std::uint32_t> key, Weight weight, std::vector<double>& bucket,
                    std::vector<double>& out) {
  const std::size_t n = key.size();
  bucket.assign(2 * n + 2, 0.0);
  for (std::size_t j = 0; j < n; ++j) bucket[key[j]] += weight(j);
  double above = 0.0;
  for (std::size_t k = bucket.size(); k-- > 0;) {
    const double own = bucket[k];
    bucket[k] = above + 0.5 * own;
    above += own;
  }
  const double scale = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) out[i] += scale * bucket[key[i]];
}

// Standard error of ρ̂ from its influence function (the infinitesimal
// jackknife), valid for any joint distribution, ties included. With the
// mid-distribution transforms f = F̃(X), g = G̃(Y) (F̃(x) = P(X < x) +
// ½·P(X = x), here (mid-rank − ½)/n), ρ = C/√(A·B), C = Cov(f, g),
// A = Var f, B = Var g, and
//   IF(x, y) = IF_C/√(AB) − ½ρ·(IF_A/A + IF_B/B),
//   IF_C = f·g + E[k_x(X)·g(Y)] + E[f(X)·k_y(Y)] + const,
//   IF_A = f² + 2·E[k_x(X)·f(X)] + const (IF_B alike),
// k_x as in add_upper_sums. Var(ρ̂) ≈ Var(IF)/n.
double influence_se(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b, double rho, double A,
                    double B) {
  const std::size_t n = a.size();
  const double two_n = 2.0 * static_cast<double>(n);
  auto f = [&](std::size_t i) { return (static_cast<double>(a[i]) - 1.0) / two_n; };
  auto g = [&](std::size_t i) { return (static_cast<double>(b[i]) - 1.0) / two_n; };
  const double root = std::sqrt(A * B);
  std::vector<double> influence(n), bucket;
  for (std::size_t i = 0; i < n; ++i)
    influence[i] = f(i) * g(i) / root - 0.5 * rho * (f(i) * f(i) / A + g(i) * g(i) / B);
  // E[k_x(X)·g(Y)]/√(AB) − ½ρ·2·E[k_x(X)·f(X)]/A, and the same in y: the
  // sums are linear in the weights, so one pass per key.
  add_upper_sums(
      a, [&](std::size_t j) { return g(j) / root - rho * f(j) / A; }, bucket, influence);
  add_upper_sums(
      b, [&](std::size_t j) { return f(j) / root - rho * g(j) / B; }, bucket, influence);
  double mean = 0.0;
  for (double v : influence) mean += v;
  mean /= static_cast<double>(n);
  double squares = 0.0;
  for (double v : influence) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(n - 1) / static_cast<double>(n));
}

}  // namespace

const Output& sensitivity_output(const Model& model, const std::string& name) {
  if (model.outputs.empty()) throw std::invalid_argument(fmt::format("model `{}` has no outputs", model.name));
  if (name.empty()) return model.outputs.front();
  for (const Output& o : model.outputs)
    if (o.name == name) return o;
  throw std::invalid_argument(fmt::format("`{}` is not an output of model `{}`", name, model.name));
}

SensitivityResult sensitivity_heading(const Model& model, const Scenario& scenario, const Output& output,
                                      const SensitivityRequest& request) {
  SensitivityResult result;
  result.model = model.name;
  result.title = model.title;
  result.scenario = scenario.name;
  result.scenario_description = scenario.description;
  result.output = output.name;
  result.unit = output.metadata.unit;
  result.samples = request.settings.samples;
  result.seed = request.settings.seed;
  result.horizon = model.horizon;
  return result;
}

RankCorrelation rank_correlation(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  if (a.size() != b.size()) throw std::invalid_argument("rank_correlation needs two samples of the same size");
  const std::size_t n = a.size();
  RankCorrelation r;
  if (n < 2) return r;
  // Doubled mid-ranks average n + 1 whatever the ties; centred they are below
  // 2^31 in size, their products below 2^62, and the sums fit in 128 bits:
  // exact, so identical rankings give ρ = 1 exactly and any thread count the
  // same bits.
  const auto centre = static_cast<std::int64_t>(n) + 1;
  __int128 sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t x = static_cast<std::int64_t>(a[i]) - centre;
    const std::int64_t y = static_cast<std::int64_t>(b[i]) - centre;
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  if (sxx == 0 || syy == 0) return r;
  r.defined = true;
  if (sxx == syy && (sxy == sxx || sxy == -sxx)) {
    r.rho = sxy > 0 ? 1.0 : -1.0;
  } else {
    const double rho = static_cast<double>(sxy) / std::sqrt(static_cast<double>(sxx) * static_cast<double>(syy));
    r.rho = std::clamp(rho, -1.0, 1.0);
  }
  if (n < kMinRankCorrelationSamples) {
    r.ci_low = kOpenLow;
    r.ci_high = kOpenHigh;
    return r;
  }
  const double size = static_cast<double>(n);
  // At ρ̂ = ±1 Fisher's z is infinite: work from the nearest attainable value
  // q instead (one adjacent swap: |q| = 1 − 12/(n³ − n)); the interval still
  // ends at ±1. 1 − |q| is kept apart: at a million samples it is 1.2e−17,
  // which 1 − |q| in doubles would round to 0.
  const double gap = std::fabs(r.rho) >= 1.0 ? 12.0 / (size * (size * size - 1.0)) : 1.0 - std::fabs(r.rho);
  const double q = std::copysign(1.0 - gap, r.rho);
  const double one_minus_q2 = gap * (2.0 - gap);
  const double z = std::copysign(0.5 * std::log((2.0 - gap) / gap), r.rho);  // atanh(q)
  // Var f = sxx / (4n³) (f − ½ = centred doubled rank / 2n), Var g alike.
  const double four_n3 = 4.0 * size * size * size;
  // A perfect ranking stays perfect under any reweighting: its influence is
  // 0 (computed, rounding would leave ~1e−10, huge against 1 − q²).
  const double influence = std::fabs(r.rho) >= 1.0 ? 0.0
                                                   : influence_se(a, b, r.rho, static_cast<double>(sxx) / four_n3,
                                                                  static_cast<double>(syy) / four_n3);
  const double normal_theory = one_minus_q2 * std::sqrt((1.0 + q * q / 2.0) / (size - 3.0));
  // In Fisher's z, the larger of the two standard errors, inflated by √(n/(n − 3)).
  const double se_z = std::max(influence, normal_theory) / one_minus_q2 * std::sqrt(size / (size - 3.0));
  const double z_crit = confidence_z();
  const double low = r.rho <= -1.0 ? -1.0 : std::tanh(z - z_crit * se_z);
  const double high = r.rho >= 1.0 ? 1.0 : std::tanh(z + z_crit * se_z);
  // ρ̂ estimates E ρ̂ = ρ + 3(τ − ρ)/(n + 1), not ρ; Daniels' inequality
  // |3τ − 2ρ| ≤ 1 bounds that bias, so ρ lies in
  // [((n + 1)·low − 1)/n, ((n + 1)·high + 1)/n] when E ρ̂ lies in [low, high].
  r.ci_low = std::max(-1.0, ((size + 1.0) * low - 1.0) / size);
  r.ci_high = std::min(1.0, ((size + 1.0) * high + 1.0) / size);
  // A perfect ranking's interval must not collapse to the point ±1 by
  // rounding (its far end lies within 1e−16 of it at large n).
  if (r.rho >= 1.0) r.ci_low = std::min(r.ci_low, std::nextafter(1.0, 0.0));
  if (r.rho <= -1.0) r.ci_high = std::max(r.ci_high, std::nextafter(-1.0, 0.0));
  return r;
}

RankCorrelation spearman(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) throw std::invalid_argument("spearman needs two samples of the same size");
  return rank_correlation(doubled_mid_ranks(a), doubled_mid_ranks(b));
}

namespace {

// What one extra output of the augmented model measures, per sample.
struct Probe {
  enum class Kind { Output, Parameter, RegimeMonths, SwitchOnset, ArrivalsTotal, InnovationMean } kind;
  std::size_t index = 0;     // into Model::parameters or Model::events
  std::uint32_t state = 0;   // regime months: the state
  bool keep_values = false;  // conditional outcomes need the values, not only the ranks
};

// A name no model can use (identifiers have no ':'), so no clash is possible.
std::string probe_name(const Probe& p) {
  return fmt::format("sensitivity:{}:{}:{}", static_cast<int>(p.kind), p.index, p.state);
}

// Syntax-tree builders for the probes. Built as trees, never as text to
// parse again: a name is whatever the model calls it (a state may be
// called anything the loader accepts), and nothing is re-tokenised.
Expr call_expr(const std::string& function, std::vector<Expr> arguments, SourcePos pos) {
  Expr e;
  e.kind = ExprKind::Call;
  e.name = function;
  e.operands = std::move(arguments);
  e.pos = pos;
  return e;
}

// sum(regime == state): months in that state.
Expr months_in_state(const Event& regime, const std::string& state) {
  Expr equal;
  equal.kind = ExprKind::Binary;
  equal.binary = BinaryOp::Equal;
  equal.pos = regime.pos;
  equal.operands = {name_expr(regime.name, regime.pos), name_expr(state, regime.pos)};
  return call_expr("sum", {std::move(equal)}, regime.pos);
}

// min(switch ? month : horizon + 1): the first month on; horizon + 1 when
// it never turns on.
Expr switch_onset(const Event& sw, std::uint32_t horizon) {
  Expr choice;
  choice.kind = ExprKind::Conditional;
  choice.pos = sw.pos;
  choice.operands = {name_expr(sw.name, sw.pos), name_expr("month", sw.pos),
                     Expr::make_number(static_cast<double>(horizon) + 1.0, sw.pos)};
  return call_expr("min", {std::move(choice)}, sw.pos);
}

// The model with only the chosen output, then one output per probe.
Model augmented_model(const Model& model, const Output& output, std::vector<Probe>& probes) {
  std::vector<Output> outputs = {output};
  probes = {{Probe::Kind::Output, 0, 0, true}};
  auto add = [&](Probe probe, Expr expr) {
    const SourcePos pos = expr.pos;
    outputs.push_back({probe_name(probe), pos, std::move(expr), {}});
    probes.push_back(probe);
  };
  for (std::size_t i = 0; i < model.parameters.size(); ++i)
    add({Probe::Kind::Parameter, i, 0, false}, name_expr(model.parameters[i].name, model.parameters[i].pos));
  for (std::size_t i = 0; i < model.events.size(); ++i) {
    const Event& ev = model.events[i];
    switch (ev.kind()) {
      case EventKind::Regime: {
        const Regime& regime = std::get<Regime>(ev.definition);
        for (std::uint32_t s = 0; s < regime.states.size(); ++s)
          add({Probe::Kind::RegimeMonths, i, s, true}, months_in_state(ev, regime.states[s]));
        break;
      }
      case EventKind::Switch:
        add({Probe::Kind::SwitchOnset, i, 0, true}, switch_onset(ev, model.horizon));
        break;
      case EventKind::Arrivals:
        add({Probe::Kind::ArrivalsTotal, i, 0, true}, call_expr("sum", {name_expr(ev.name, ev.pos)}, ev.pos));
        break;
      case EventKind::Innovation:
        // The mean of the draws, in the draws' unit: a random walk's end is
        // its start plus horizon · mean; ranks, so the correlation is the
        // sum's.
        add({Probe::Kind::InnovationMean, i, 0, true}, call_expr("mean", {name_expr(ev.name, ev.pos)}, ev.pos));
        break;
    }
  }
  return with_outputs(model, std::move(outputs));
}

Driver describe_probe(const Model& model, const Probe& p) {
  Driver d;
  if (p.kind == Probe::Kind::Parameter) {
    const Parameter& param = model.parameters[p.index];
    d.name = param.name;
    d.kind = "parameter";
    d.label = param.name;
    d.unit = param.metadata.unit;
    return d;
  }
  const Event& ev = model.events[p.index];
  d.name = ev.name;
  switch (p.kind) {
    case Probe::Kind::RegimeMonths:
      d.kind = "regime months";
      d.state = std::get<Regime>(ev.definition).states[p.state];
      d.label = fmt::format("{}: months in {}", ev.name, d.state);
      d.unit = "months";
      break;
    case Probe::Kind::SwitchOnset:
      d.kind = "switch onset";
      d.label = fmt::format("{}: month turned on ({} = never)", ev.name, model.horizon + 1);
      d.unit = "month";
      break;
    case Probe::Kind::ArrivalsTotal:
    case Probe::Kind::InnovationMean: {
      const bool total = p.kind == Probe::Kind::ArrivalsTotal;
      d.kind = total ? "arrivals total" : "innovation mean";
      const std::string_view what = total ? "total" : "mean";
      d.label = model.horizon == 12 ? fmt::format("{}: {} over the year", ev.name, what)
                                    : fmt::format("{}: {} over {}", ev.name, what, counted(model.horizon, "month"));
      d.unit = ev.metadata.unit;
      break;
    }
    default:
      break;
  }
  return d;
}

// The output's percentiles among the samples whose group is `group`, and
// its P there when it is a probability output (`indicator`).
ConditionalOutcome conditional(std::span<const double> output, bool indicator, std::span<const std::uint32_t> groups,
                               std::uint32_t group, std::string event, std::string kind, std::string outcome) {
  std::vector<double> subset;
  for (std::size_t i = 0; i < output.size(); ++i)
    if (groups[i] == group) subset.push_back(output[i]);
  ConditionalOutcome c;
  c.event = std::move(event);
  c.kind = std::move(kind);
  c.outcome = std::move(outcome);
  c.samples = subset.size();
  c.probability = static_cast<double>(subset.size()) / static_cast<double>(output.size());
  c.few_samples = c.samples < kFewConditionalSamples;
  if (indicator) c.output_probability = estimate_indicator_proportion(subset);
  if (!subset.empty()) c.percentiles = summarize(subset, kConditionalPercentiles).percentiles;
  return c;
}

// Groups the samples at the median of `values`: 0 below it, 1 at or above,
// labelled "WHAT below MEDIAN UNIT" and "WHAT at least MEDIAN UNIT".
std::vector<std::pair<std::uint32_t, std::string>> split_at_median(const std::vector<double>& values,
                                                                   std::string_view what, const std::string& unit,
                                                                   std::vector<std::uint32_t>& groups) {
  std::vector<double> copy = values;
  const double median = summarize(copy, std::array<double, 1>{0.5}).percentile(0.5).value;
  for (std::size_t i = 0; i < values.size(); ++i) groups[i] = values[i] < median ? 0 : 1;
  const std::string shown = unit.empty() ? "" : fmt::format(" {}", unit);
  return {{0, fmt::format("{} below {}{}", what, format_number(median), shown)},
          {1, fmt::format("{} at least {}{}", what, format_number(median), shown)}};
}

// Outcomes of one event, each with the samples where it happened.
std::vector<ConditionalOutcome> event_outcomes(const Model& model, std::size_t event,
                                               const std::vector<std::size_t>& probe_columns,
                                               const std::vector<std::vector<double>>& values,
                                               std::span<const double> output, bool indicator) {
  const Event& ev = model.events[event];
  const std::size_t n = output.size();
  std::vector<std::uint32_t> groups(n, 0);
  std::vector<std::pair<std::uint32_t, std::string>> labels;  // group, outcome
  const std::string kind(to_string(ev.kind()));
  switch (ev.kind()) {
    case EventKind::Regime: {
      const Regime& regime = std::get<Regime>(ev.definition);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t best = 0;  // ties go to the state listed first
        for (std::uint32_t s = 1; s < regime.states.size(); ++s)
          if (values[probe_columns[s]][i] > values[probe_columns[best]][i]) best = s;
        groups[i] = best;
      }
      for (std::uint32_t s = 0; s < regime.states.size(); ++s)
        labels.emplace_back(s, fmt::format("{} held most months", regime.states[s]));
      break;
    }
    case EventKind::Switch: {
      const std::uint32_t by = std::max<std::uint32_t>(1, model.horizon / 2);
      const std::vector<double>& onset = values[probe_columns[0]];
      for (std::size_t i = 0; i < n; ++i) groups[i] = onset[i] <= by ? 0 : 1;
      labels = {{0, fmt::format("on by month {}", by)}, {1, fmt::format("not on by month {}", by)}};
      break;
    }
    case EventKind::Arrivals: {
      const std::vector<double>& total = values[probe_columns[0]];
      const auto zeros = static_cast<std::size_t>(std::count(total.begin(), total.end(), 0.0));
      const double p_zero = static_cast<double>(zeros) / static_cast<double>(n);
      if (p_zero >= 0.01 && p_zero <= 0.99) {
        for (std::size_t i = 0; i < n; ++i) groups[i] = total[i] == 0.0 ? 0 : 1;
        labels = {{0, "no bursts all year"}, {1, "any bursts"}};
      } else {
        // Bursts (almost) always or (almost) never: split at the median total instead.
        labels = split_at_median(total, "total", ev.metadata.unit, groups);
      }
      break;
    }
    case EventKind::Innovation:
      labels = split_at_median(values[probe_columns[0]], "mean", ev.metadata.unit, groups);
      break;
  }
  std::vector<ConditionalOutcome> outcomes;
  for (auto& [group, label] : labels) {
    ConditionalOutcome c = conditional(output, indicator, groups, group, ev.name, kind, label);
    if (c.samples > 0) outcomes.push_back(std::move(c));
  }
  return outcomes;
}

constexpr std::uint8_t kLowDecile = 1, kHighDecile = 2;

// Per sample: kLowDecile if the value is at or below the column's P10,
// kHighDecile if at or above its P90 (the ⌈pn⌉-th smallest value), 0
// otherwise; all 0 when P10 = P90 (no swing to measure).
std::vector<std::uint8_t> outer_deciles(std::span<const double> column) {
  const std::size_t n = column.size();
  std::vector<std::uint8_t> tags(n, 0);
  if (n == 0) return tags;
  std::vector<double> sorted(column.begin(), column.end());
  auto smallest = [&](double p) {
    const std::size_t k = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p * static_cast<double>(n))));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k - 1), sorted.end());
    return sorted[k - 1];
  };
  const double p10 = smallest(0.1), p90 = smallest(0.9);
  if (!(p10 < p90)) return tags;
  for (std::size_t i = 0; i < n; ++i) tags[i] = column[i] <= p10 ? kLowDecile : column[i] >= p90 ? kHighDecile : 0;
  return tags;
}

// Driver::swing and its parts from the output's values and the input's deciles.
void swing_of(std::span<const double> output, const std::vector<std::uint8_t>& tags, Driver& d) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  d.p50_low = d.p50_high = d.swing = d.swing_ci_low = d.swing_ci_high = nan;
  std::vector<double> low, high;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (tags[i] == kLowDecile) low.push_back(output[i]);
    if (tags[i] == kHighDecile) high.push_back(output[i]);
  }
  if (low.empty() || high.empty()) return;
  const PercentileEstimate lo = summarize(low, std::array<double, 1>{0.5}).percentile(0.5);
  const PercentileEstimate hi = summarize(high, std::array<double, 1>{0.5}).percentile(0.5);
  d.p50_low = lo.value;
  d.p50_high = hi.value;
  d.swing = hi.value - lo.value;
  const bool open = is_open(lo.ci_low) || is_open(lo.ci_high) || is_open(hi.ci_low) || is_open(hi.ci_high);
  d.swing_ci_low = open ? kOpenLow : d.swing - std::hypot(hi.value - hi.ci_low, lo.ci_high - lo.value);
  d.swing_ci_high = open ? kOpenHigh : d.swing + std::hypot(hi.ci_high - hi.value, lo.value - lo.ci_low);
}

}  // namespace

MemoryEstimate estimate_sensitivity_memory(const Model& model, const SensitivityRequest& request) {
  std::vector<Probe> probes;
  const Model augmented = augmented_model(model, sensitivity_output(model, request.output), probes);
  MemoryEstimate e = estimate_memory(augmented, request.settings);
  const std::size_t kept = static_cast<std::size_t>(
      std::count_if(probes.begin(), probes.end(), [](const Probe& p) { return p.keep_values; }));
  const unsigned threads = estimated_threads(request.settings);
  // Ranks of every probe, values of the kept ones, per thread at work one
  // sort buffer while ranking or, later, the scratch of one rank correlation
  // (influence values, and buckets for 2n + 2 doubled ranks), and the
  // output's column in every scenario for the deltas.
  const std::size_t per_thread = std::max(sizeof(std::pair<double, std::uint32_t>), 3 * sizeof(double));
  e.bytes_per_sample += (sizeof(std::uint32_t) + sizeof(std::uint8_t)) * probes.size() + sizeof(double) * kept +
                        per_thread * std::min<std::size_t>(threads, probes.size()) +
                        sizeof(double) * model.scenarios.size();
  return e;
}

SensitivityResult analyze_sensitivity(const Model& model, const SensitivityRequest& request) {
  const Scenario* scenario = model.find_scenario(request.scenario);
  if (!scenario) throw std::invalid_argument(fmt::format("unknown scenario `{}`", request.scenario));
  if (request.settings.samples > kMaxSensitivitySamples)
    throw std::invalid_argument(fmt::format("sensitivity takes at most {} samples", kMaxSensitivitySamples));
  const Output& output = sensitivity_output(model, request.output);
  const std::uint64_t n = request.settings.samples;
  // Sampling checks that a probability output is 0 or 1 in every sample.
  const bool indicator = output.metadata.kind == OutputKind::Probability;

  std::vector<Probe> probes;
  const Model augmented = augmented_model(model, output, probes);
  std::vector<std::vector<std::uint32_t>> ranks(probes.size());
  std::vector<std::vector<double>> values(probes.size());
  std::vector<std::vector<std::uint8_t>> deciles(probes.size());  // per sample: kLowDecile, kHighDecile, or neither
  RunRequest run;
  run.settings = request.settings;  // progress, if set, counts on through the delta passes
  run.scenarios = {scenario->name};
  // Called concurrently for different outputs: each writes its own slot.
  run.visit_column = [&](std::size_t, std::size_t o, std::span<const double> column) {
    ranks[o] = doubled_mid_ranks(column);
    if (o > 0) deciles[o] = outer_deciles(column);
    if (probes[o].keep_values) values[o].assign(column.begin(), column.end());
  };
  const RunResult tornado_run = run_model(augmented, run);

  SensitivityResult result = sensitivity_heading(model, *scenario, output, request);
  result.output_summary = tornado_run.scenarios.front().outputs.front().summary;
  {
    const Model applied = apply_scenario(model, *scenario);
    // Correlated in this scenario: in a pair with a non-zero coefficient and
    // a partner that varies (a copula group also holds the members a
    // scenario fixed or set to 0, which share nothing).
    auto varies = [&](const std::string& name) {
      for (const Parameter& p : applied.parameters)
        if (p.name == name) return !p.distribution.is_degenerate();
      return false;
    };
    std::set<std::string, std::less<>> tied;
    for (const ParameterCorrelation& c : applied.correlations)
      if (c.rho != 0.0 && varies(c.first) && varies(c.second)) tied.insert({c.first, c.second});
    for (const Parameter& p : applied.parameters)
      if (tied.count(p.name)) result.correlated.push_back(p.name);
  }

  const int threads =
      request.settings.threads ? static_cast<int>(request.settings.threads) : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);

  // Tornado: labels from the scenario's model (its events may be fixed or
  // reshaped, their names and units are the model's).
  const Model scenario_model = apply_scenario(model, *scenario);
  std::vector<Driver> drivers(probes.size() - 1);
  // Doubled mid-ranks of a column with one value are all n + 1.
  auto all_tied = [&](const std::vector<std::uint32_t>& r) {
    return std::all_of(r.begin(), r.end(), [&](std::uint32_t v) { return v == n + 1; });
  };
  result.output_constant = all_tied(ranks[0]);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{1}, probes.size(), [&](std::size_t i) {
      Driver d = describe_probe(scenario_model, probes[i]);
      d.constant = all_tied(ranks[i]);
      // ρ is undefined when either side is constant; the output's constancy
      // is the result's to say, not each input's.
      const RankCorrelation rc =
          d.constant || result.output_constant ? RankCorrelation{} : rank_correlation(ranks[0], ranks[i]);
      const double nan = std::numeric_limits<double>::quiet_NaN();
      d.rho = rc.defined ? rc.rho : nan;
      d.ci_low = rc.defined ? rc.ci_low : nan;
      d.ci_high = rc.defined ? rc.ci_high : nan;
      swing_of(values[0], deciles[i], d);
      drivers[i - 1] = std::move(d);
    });
  });
  ranks.clear();
  ranks.shrink_to_fit();
  std::stable_sort(drivers.begin(), drivers.end(), [](const Driver& a, const Driver& b) {
    if (a.constant != b.constant) return b.constant;
    return std::fabs(a.rho) > std::fabs(b.rho);
  });
  result.tornado = std::move(drivers);

  // Conditional outcomes, event by event in model order.
  std::vector<std::vector<std::size_t>> columns_of_event(model.events.size());
  for (std::size_t i = 1; i < probes.size(); ++i)
    if (probes[i].kind != Probe::Kind::Parameter) columns_of_event[probes[i].index].push_back(i);
  std::vector<std::vector<ConditionalOutcome>> per_event(model.events.size());
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, model.events.size(), [&](std::size_t e) {
      per_event[e] = event_outcomes(scenario_model, e, columns_of_event[e], values, values[0], indicator);
    });
  });
  for (auto& outcomes : per_event)
    for (ConditionalOutcome& c : outcomes) result.conditionals.push_back(std::move(c));

  if (!request.scenario_deltas) return result;
  // Scenario deltas: the plain model, the chosen output only, every scenario
  // not yet run; the chosen scenario's column is the one above (the same
  // samples: extra outputs draw nothing).
  std::map<std::string, std::vector<double>> column_of;
  column_of[scenario->name] = std::move(values[0]);
  values.clear();
  std::vector<std::string> others;
  for (const Scenario& s : model.scenarios)
    if (s.name != scenario->name) others.push_back(s.name);
  if (!others.empty()) {
    Model plain = model;
    plain.outputs = {output};
    RunRequest rest;
    rest.settings = run.settings;
    rest.scenarios = others;
    rest.visit_column = [&](std::size_t s, std::size_t, std::span<const double> column) {
      column_of[others[s]].assign(column.begin(), column.end());  // one output: never concurrent
    };
    run_model(plain, rest);
  }
  const std::vector<double>& base = column_of.at(model.scenarios.front().name);
  for (const Scenario& s : model.scenarios) {
    if (&s == &model.scenarios.front()) continue;
    std::vector<double> difference = std::move(column_of.at(s.name));
    std::optional<PairedProportionDifference> paired;
    if (indicator) paired = paired_indicator_difference(std::span<const double>(base), difference);
    for (std::size_t i = 0; i < n; ++i) difference[i] -= base[i];
    result.deltas.push_back({s.name, s.description, summarize(difference, kDeltaPercentiles), paired});
  }
  return result;
}

std::size_t sensitivity_passes(const Model& model, const SensitivityRequest& request) {
  return request.scenario_deltas ? model.scenarios.size() : 1;
}

}  // namespace riskcast
