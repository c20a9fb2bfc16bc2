#include "riskcast/sensitivity.hpp"

#include "riskcast/report.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <map>
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
  if (n <= 3 || std::fabs(r.rho) == 1.0) {
    // Fisher's z needs n > 3; a perfect ranking has nothing to widen.
    r.ci_low = n <= 3 ? -1.0 : r.rho;
    r.ci_high = n <= 3 ? 1.0 : r.rho;
    return r;
  }
  static const double z_crit = boost::math::quantile(boost::math::normal(), 1.0 - (1.0 - kConfidence) / 2.0);
  const double z = std::atanh(r.rho);
  const double se = std::sqrt((1.0 + r.rho * r.rho / 2.0) / static_cast<double>(n - 3));
  r.ci_low = std::tanh(z - z_crit * se);
  r.ci_high = std::tanh(z + z_crit * se);
  return r;
}

RankCorrelation spearman(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) throw std::invalid_argument("spearman needs two samples of the same size");
  return rank_correlation(doubled_mid_ranks(a), doubled_mid_ranks(b));
}

namespace {

// What one extra output of the augmented model measures, per sample.
struct Probe {
  enum class Kind { Output, Parameter, RegimeMonths, SwitchOnset, ArrivalsTotal } kind;
  std::size_t index = 0;     // into Model::parameters or Model::events
  std::uint32_t state = 0;   // regime months: the state
  bool keep_values = false;  // conditional outcomes need the values, not only the ranks
};

// A name no model can use (identifiers have no ':'), so no clash is possible.
std::string probe_name(const Probe& p) {
  return fmt::format("sensitivity:{}:{}:{}", static_cast<int>(p.kind), p.index, p.state);
}

const Output& chosen_output(const Model& model, const std::string& name) {
  if (model.outputs.empty()) throw std::invalid_argument(fmt::format("model `{}` has no outputs", model.name));
  if (name.empty()) return model.outputs.front();
  for (const Output& o : model.outputs)
    if (o.name == name) return o;
  throw std::invalid_argument(fmt::format("`{}` is not an output of model `{}`", name, model.name));
}

// The model with only the chosen output, then one output per probe. Each
// formula is parsed and resolved on a scratch copy; only the new outputs are
// taken from it, so nothing else of the model can change.
Model augmented_model(const Model& model, const Output& output, std::vector<Probe>& probes) {
  Model scratch = model;
  scratch.outputs = {output};
  probes = {{Probe::Kind::Output, 0, 0, true}};
  Diagnostics diagnostics(model.file);
  auto add = [&](Probe probe, const std::string& formula, SourcePos pos) {
    std::optional<Expr> expr = parse_expression(formula, pos, diagnostics);
    if (!expr) throw std::logic_error(fmt::format("sensitivity formula `{}`: {}", formula, diagnostics.format()));
    scratch.outputs.push_back({probe_name(probe), pos, std::move(*expr), {}});
    probes.push_back(probe);
  };
  for (std::size_t i = 0; i < model.parameters.size(); ++i)
    add({Probe::Kind::Parameter, i, 0, false}, model.parameters[i].name, model.parameters[i].pos);
  for (std::size_t i = 0; i < model.events.size(); ++i) {
    const Event& ev = model.events[i];
    switch (ev.kind()) {
      case EventKind::Regime: {
        const Regime& regime = std::get<Regime>(ev.definition);
        for (std::uint32_t s = 0; s < regime.states.size(); ++s)
          add({Probe::Kind::RegimeMonths, i, s, true}, fmt::format("sum({} == {})", ev.name, regime.states[s]), ev.pos);
        break;
      }
      case EventKind::Switch:
        // The first month on; horizon + 1 when it never turns on.
        add({Probe::Kind::SwitchOnset, i, 0, true}, fmt::format("min({} ? month : {})", ev.name, model.horizon + 1),
            ev.pos);
        break;
      case EventKind::Arrivals:
        add({Probe::Kind::ArrivalsTotal, i, 0, true}, fmt::format("sum({})", ev.name), ev.pos);
        break;
    }
  }
  resolve_model(scratch, diagnostics);
  if (!diagnostics.empty())
    throw std::logic_error(fmt::format("sensitivity formulas did not resolve: {}", diagnostics.format()));
  Model augmented = model;
  augmented.outputs = std::move(scratch.outputs);
  return augmented;
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
      d.kind = "arrivals total";
      d.label = model.horizon == 12 ? fmt::format("{}: total over the year", ev.name)
                                    : fmt::format("{}: total over {} months", ev.name, model.horizon);
      d.unit = ev.metadata.unit;
      break;
    default:
      break;
  }
  return d;
}

// The output's percentiles among the samples whose group is `group`.
ConditionalOutcome conditional(std::span<const double> output, std::span<const std::uint32_t> groups,
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
  if (!subset.empty()) c.percentiles = summarize(subset, kConditionalPercentiles).percentiles;
  return c;
}

// Outcomes of one event, each with the samples where it happened.
std::vector<ConditionalOutcome> event_outcomes(const Model& model, std::size_t event,
                                               const std::vector<std::size_t>& probe_columns,
                                               const std::vector<std::vector<double>>& values,
                                               std::span<const double> output) {
  const Event& ev = model.events[event];
  const std::size_t n = output.size();
  std::vector<std::uint32_t> groups(n, 0);
  std::vector<std::pair<std::uint32_t, std::string>> labels;  // group, outcome
  std::string kind;
  switch (ev.kind()) {
    case EventKind::Regime: {
      kind = "regime";
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
      kind = "switch";
      const std::uint32_t by = std::max<std::uint32_t>(1, model.horizon / 2);
      const std::vector<double>& onset = values[probe_columns[0]];
      for (std::size_t i = 0; i < n; ++i) groups[i] = onset[i] <= by ? 0 : 1;
      labels = {{0, fmt::format("on by month {}", by)}, {1, fmt::format("not on by month {}", by)}};
      break;
    }
    case EventKind::Arrivals: {
      kind = "arrivals";
      const std::vector<double>& total = values[probe_columns[0]];
      const auto zeros = static_cast<std::size_t>(std::count(total.begin(), total.end(), 0.0));
      const double p_zero = static_cast<double>(zeros) / static_cast<double>(n);
      if (p_zero >= 0.01 && p_zero <= 0.99) {
        for (std::size_t i = 0; i < n; ++i) groups[i] = total[i] == 0.0 ? 0 : 1;
        labels = {{0, "no bursts all year"}, {1, "any bursts"}};
      } else {
        // Bursts (almost) always or (almost) never: split at the median total instead.
        std::vector<double> copy = total;
        const double median = summarize(copy, std::array<double, 1>{0.5}).percentiles[0].value;
        for (std::size_t i = 0; i < n; ++i) groups[i] = total[i] < median ? 0 : 1;
        const std::string unit = ev.metadata.unit.empty() ? "" : fmt::format(" {}", ev.metadata.unit);
        labels = {{0, fmt::format("total below {}{}", format_number(median), unit)},
                  {1, fmt::format("total at least {}{}", format_number(median), unit)}};
      }
      break;
    }
  }
  std::vector<ConditionalOutcome> outcomes;
  for (auto& [group, label] : labels) {
    ConditionalOutcome c = conditional(output, groups, group, ev.name, kind, label);
    if (c.samples > 0) outcomes.push_back(std::move(c));
  }
  return outcomes;
}

}  // namespace

MemoryEstimate estimate_sensitivity_memory(const Model& model, const SensitivityRequest& request) {
  std::vector<Probe> probes;
  const Model augmented = augmented_model(model, chosen_output(model, request.output), probes);
  MemoryEstimate e = estimate_memory(augmented, request.settings);
  const std::size_t kept = static_cast<std::size_t>(
      std::count_if(probes.begin(), probes.end(), [](const Probe& p) { return p.keep_values; }));
  const unsigned threads = request.settings.threads ? request.settings.threads
                                                    : static_cast<unsigned>(tbb::this_task_arena::max_concurrency());
  // Ranks of every probe, values of the kept ones, one sort buffer per thread
  // at work, and the output's column in every scenario for the deltas.
  e.bytes_per_sample += sizeof(std::uint32_t) * probes.size() + sizeof(double) * kept +
                        sizeof(std::pair<double, std::uint32_t>) * std::min<std::size_t>(threads, probes.size()) +
                        sizeof(double) * model.scenarios.size();
  return e;
}

SensitivityResult analyze_sensitivity(const Model& model, const SensitivityRequest& request) {
  const Scenario* scenario = model.find_scenario(request.scenario);
  if (!scenario) throw std::invalid_argument(fmt::format("unknown scenario `{}`", request.scenario));
  if (request.settings.samples > kMaxSensitivitySamples)
    throw std::invalid_argument(fmt::format("sensitivity takes at most {} samples", kMaxSensitivitySamples));
  const Output& output = chosen_output(model, request.output);
  const std::uint64_t n = request.settings.samples;

  std::vector<Probe> probes;
  const Model augmented = augmented_model(model, output, probes);
  std::vector<std::vector<std::uint32_t>> ranks(probes.size());
  std::vector<std::vector<double>> values(probes.size());
  RunRequest run;
  run.settings = request.settings;  // progress, if set, counts on through the delta passes
  run.scenarios = {scenario->name};
  // Called concurrently for different outputs: each writes its own slot.
  run.visit_column = [&](std::size_t, std::size_t o, std::span<const double> column) {
    ranks[o] = doubled_mid_ranks(column);
    if (probes[o].keep_values) values[o].assign(column.begin(), column.end());
  };
  const RunResult tornado_run = run_model(augmented, run);

  SensitivityResult result;
  result.model = model.name;
  result.title = model.title;
  result.scenario = scenario->name;
  result.scenario_description = scenario->description;
  result.output = output.name;
  result.unit = output.metadata.unit;
  result.samples = n;
  result.seed = request.settings.seed;
  result.horizon = model.horizon;
  result.output_summary = tornado_run.scenarios.front().outputs.front().summary;

  const int threads =
      request.settings.threads ? static_cast<int>(request.settings.threads) : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);

  // Tornado: labels from the scenario's model (its events may be fixed or
  // reshaped, their names and units are the model's).
  const Model scenario_model = apply_scenario(model, *scenario);
  std::vector<Driver> drivers(probes.size() - 1);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{1}, probes.size(), [&](std::size_t i) {
      Driver d = describe_probe(scenario_model, probes[i]);
      const RankCorrelation rc = rank_correlation(ranks[0], ranks[i]);
      d.constant = !rc.defined;
      const double nan = std::numeric_limits<double>::quiet_NaN();
      d.rho = rc.defined ? rc.rho : nan;
      d.ci_low = rc.defined ? rc.ci_low : nan;
      d.ci_high = rc.defined ? rc.ci_high : nan;
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
      per_event[e] = event_outcomes(scenario_model, e, columns_of_event[e], values, values[0]);
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
    for (std::size_t i = 0; i < n; ++i) difference[i] -= base[i];
    result.deltas.push_back({s.name, s.description, summarize(difference, kDeltaPercentiles)});
  }
  return result;
}

std::size_t sensitivity_passes(const Model& model, const SensitivityRequest& request) {
  return request.scenario_deltas ? model.scenarios.size() : 1;
}

}  // namespace riskcast
