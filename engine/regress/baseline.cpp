#include "riskcast/baseline.hpp"

#include <boost/version.hpp>

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <tuple>

#include "riskcast/count.hpp"
#include "riskcast/report.hpp"
#include "riskcast/source_text.hpp"
#include "riskcast/version.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast {

namespace {

// A distribution as its draws see it: discrete and mixture weights
// normalised, not as written, so that writing [1, 3] or [0.25, 0.75] is one
// model (and fingerprints from before written weights were kept stay).
std::string drawn_form(Distribution d) {
  d.written_weights.clear();
  for (Distribution& c : d.components) c.written_weights.clear();  // a mixture holds no mixture
  return d.to_string();
}

std::string optional_expr(const std::optional<Expr>& e) {
  return e ? to_string(*e) : "-";
}

void write_event(std::string& out, const Event& ev) {
  out += fmt::format("event {}\n", ev.name);
  if (const auto* r = std::get_if<Regime>(&ev.definition)) {
    out += fmt::format("  regime states {} initial {}\n", fmt::join(r->states, ","), fmt::join(r->initial, ","));
    for (std::size_t from = 0; from < r->transitions.size(); ++from)
      for (std::size_t to = 0; to < r->transitions[from].size(); ++to)
        if (r->transitions[from][to])
          out += fmt::format("  move {} {} {}\n", from, to, optional_expr(r->transitions[from][to]));
    if (r->fixed_state) out += fmt::format("  fixed {}\n", *r->fixed_state);
  } else if (const auto* s = std::get_if<Switch>(&ev.definition)) {
    out += fmt::format("  switch initial {} on {} off {}\n", s->initial, to_string(s->on_hazard),
                       to_string(s->off_hazard));
    if (s->fixed_on_from) out += fmt::format("  fixed_on_from {}\n", *s->fixed_on_from);
  } else if (const auto* a = std::get_if<Arrivals>(&ev.definition)) {
    out += fmt::format("  arrivals rate {} size {}\n", to_string(a->rate), drawn_form(a->size));
  } else {
    out += fmt::format("  innovation {}\n", std::get<Innovation>(ev.definition).to_string());
  }
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string canonical_form(const Model& model) {
  std::string out = fmt::format("riskcast model\nhorizon {}\n", model.horizon);
  // The numbers read from the data files, each exactly (a CSV edited so that
  // a number changes is another model); a model without data keeps the form
  // (and fingerprint) it had before data tables existed.
  for (const DataTable& t : model.data)
    out += fmt::format("data {} by {} values {}\n", t.name, t.by, fmt::join(t.values, ","));
  for (const Parameter& p : model.parameters)
    out += fmt::format("parameter {} {}\n", p.name, drawn_form(p.distribution));
  for (const Event& e : model.events) write_event(out, e);
  for (const MonthlyFormula& f : model.monthly) out += fmt::format("monthly {} {}\n", f.name, to_string(f.formula));
  // A probability output's kind changes what a run checks and reports; a
  // value output is written as before kinds existed, so its fingerprint stays.
  for (const Output& o : model.outputs)
    out += fmt::format("output {} {}{}\n", o.name, to_string(o.formula),
                       o.metadata.kind == OutputKind::Probability ? " kind probability" : "");
  // Correlations change the draws; a model without any keeps the form (and
  // fingerprint) it had before correlations existed.
  for (const ParameterCorrelation& c : model.correlations)
    out += fmt::format("correlation {} {} {}\n", c.first, c.second, c.rho);
  for (const Scenario& s : model.scenarios) {
    out += fmt::format("scenario {}\n", s.name);
    for (const Parameter& p : s.parameters)
      out += fmt::format("  parameter {} {}\n", p.name, drawn_form(p.distribution));
    for (const Event& e : s.events) write_event(out, e);
    for (const ParameterCorrelation& c : s.correlations)
      out += fmt::format("  correlation {} {} {}\n", c.first, c.second, c.rho);
  }
  return out;
}

std::string model_fingerprint(const Model& model) {
  return fmt::format("{:016x}", fnv1a64(canonical_form(model)));
}

std::string engine_fingerprint() {
  return fmt::format("riskcast {}; numerics {}; boost {}", kVersion, kNumericsVersion, BOOST_LIB_VERSION);
}

std::vector<double> quantile_grid(std::span<const double> sorted, std::size_t points) {
  std::vector<double> grid(points, 0.0);
  if (sorted.empty() || points == 0) return grid;
  for (std::size_t i = 0; i < points; ++i)
    grid[i] = type7_percentile(sorted, points == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(points - 1));
  return grid;
}

namespace {

// Each output's quantile grid, taken as its column goes by (the visitor runs
// concurrently for different outputs), and the baseline assembled from the
// run's result: the one way make_baseline and record_baseline record.
class BaselineRecorder {
 public:
  ColumnVisitor visitor() {
    return [this](std::size_t scenario, std::size_t output, std::span<const double> column) {
      std::vector<double> sorted(column.begin(), column.end());
      std::sort(sorted.begin(), sorted.end());
      std::vector<double> grid = quantile_grid(sorted);
      std::lock_guard lock(mutex_);
      if (grids_.size() <= scenario) grids_.resize(scenario + 1);
      if (grids_[scenario].size() <= output) grids_[scenario].resize(output + 1);
      grids_[scenario][output] = std::move(grid);
    };
  }

  Baseline finish(const Model& model, const RunSettings& settings, const std::vector<std::string>& scenarios,
                  const RunResult& result, const std::string& model_path) {
    Baseline b;
    b.model_name = model.name;
    b.model_path = model_path;
    b.model_fingerprint = model_fingerprint(model);
    b.engine_fingerprint = engine_fingerprint();
    b.samples = settings.samples;
    b.seed = settings.seed;
    b.scenarios = scenarios;
    for (std::size_t s = 0; s < result.scenarios.size(); ++s) {
      ScenarioBaseline sb;
      sb.name = result.scenarios[s].name;
      for (std::size_t o = 0; o < result.scenarios[s].outputs.size(); ++o) {
        const OutputResult& r = result.scenarios[s].outputs[o];
        sb.outputs.push_back({r.name, r.metadata.unit, r.summary, std::move(grids_.at(s).at(o))});
      }
      b.results.push_back(std::move(sb));
    }
    return b;
  }

 private:
  std::vector<std::vector<std::vector<double>>> grids_;  // [scenario][output]
  std::mutex mutex_;
};

}  // namespace

Baseline make_baseline(const Model& model, const RunRequest& request, const std::string& model_path) {
  BaselineRecorder recorder;
  RunRequest with_grids = request;
  with_grids.visit_column = recorder.visitor();
  const RunResult result = run_model(model, with_grids);
  return recorder.finish(model, request.settings, request.scenarios, result, model_path);
}

Baseline record_baseline(const LoadedModel& model, const RunOptions& options, const std::string& model_path) {
  if (!options.outputs.empty() || !options.columns.empty() || options.first_sample != 0)
    throw std::invalid_argument(
        "a baseline records every output over samples 0 … n−1: leave outputs, columns and first_sample unset");
  if (options.method != SamplingMethod::mc)
    throw std::invalid_argument(
        "a baseline is sampled by Monte Carlo: regress's checks assume independent samples (leave method mc)");
  BaselineRecorder recorder;
  RunOptions with_grids = options;
  with_grids.visit_column = recorder.visitor();
  const RunResult result = model.run(with_grids);
  RunSettings settings;
  settings.samples = options.samples;
  settings.seed = options.seed;
  return recorder.finish(model.ir(), settings, options.scenarios, result,
                         model_path.empty() ? model.file() : model_path);
}

std::string format_baseline(const Baseline& baseline) {
  return to_json(baseline).dump(1) + '\n';
}

std::string locate_baseline_model(const Baseline& baseline, const std::string& baseline_path) {
  namespace fs = std::filesystem;
  const std::string& recorded = baseline.model_path;
  if (fs::exists(recorded) || fs::path(recorded).is_absolute()) return recorded;
  for (fs::path dir = fs::absolute(baseline_path).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / recorded)) return (dir / recorded).string();
    if (dir == dir.root_path()) break;
  }
  return recorded;
}

nlohmann::ordered_json to_json(const Baseline& b) {
  nlohmann::ordered_json doc;
  doc["schema"] = kBaselineSchema;
  doc["model"] = {{"name", b.model_name}, {"path", b.model_path}, {"fingerprint", b.model_fingerprint}};
  doc["engine"] = b.engine_fingerprint;
  doc["settings"] = {{"samples", b.samples}, {"seed", b.seed}, {"method", b.method}, {"scenarios", b.scenarios}};
  doc["scenarios"] = nlohmann::ordered_json::array();
  for (const ScenarioBaseline& s : b.results) {
    nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
    for (const OutputBaseline& o : s.outputs) {
      nlohmann::ordered_json out;
      if (!o.unit.empty()) out["unit"] = o.unit;
      if (o.summary.probability) out["kind"] = to_string(OutputKind::Probability);
      out.update(summary_json(o.summary, SummaryFields::Stored));
      out["quantiles"] = o.quantiles;
      outputs[o.name] = std::move(out);
    }
    doc["scenarios"].push_back({{"name", s.name}, {"outputs", std::move(outputs)}});
  }
  return doc;
}

namespace {
const nlohmann::ordered_json& field(const nlohmann::ordered_json& j, const char* name, const std::string& where) {
  if (!j.is_object() || !j.contains(name)) throw std::runtime_error(fmt::format("{}: missing field `{}`", where, name));
  return j.at(name);
}

// A whole-number field: a JSON integer within [lo, hi], never a float
// truncated or a negative number wrapped around.
std::uint64_t whole_field(const nlohmann::ordered_json& j, const char* name, const std::string& where, std::uint64_t lo,
                          std::uint64_t hi) {
  const nlohmann::ordered_json& v = field(j, name, where);
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() < lo || v.get<std::uint64_t>() > hi)
    throw std::runtime_error(
        fmt::format("{}: `{}` must be a whole number from {} to {}, got {}", where, name, lo, hi, v.dump()));
  return v.get<std::uint64_t>();
}

// A number, or `open` where the field is null (an open interval end, an
// undefined statistic).
double number_or(const nlohmann::ordered_json& j, double open) {
  return j.is_null() ? open : j.get<double>();
}
}  // namespace

Baseline baseline_from_json(const nlohmann::ordered_json& doc) {
  try {
    const std::string schema = field(doc, "schema", "baseline").get<std::string>();
    if (schema != kBaselineSchema)
      throw std::runtime_error(fmt::format("schema is `{}`, expected `{}`", schema, kBaselineSchema));
    Baseline b;
    const auto& model = field(doc, "model", "baseline");
    b.model_name = field(model, "name", "model").get<std::string>();
    b.model_path = field(model, "path", "model").get<std::string>();
    b.model_fingerprint = field(model, "fingerprint", "model").get<std::string>();
    b.engine_fingerprint = field(doc, "engine", "baseline").get<std::string>();
    const auto& settings = field(doc, "settings", "baseline");
    b.samples = whole_field(settings, "samples", "settings", 1, kMaxSamples);
    b.seed = whole_field(settings, "seed", "settings", 0, UINT64_MAX);
    b.method = field(settings, "method", "settings").get<std::string>();
    b.scenarios = field(settings, "scenarios", "settings").get<std::vector<std::string>>();
    for (const auto& s : field(doc, "scenarios", "baseline")) {
      ScenarioBaseline sb;
      sb.name = field(s, "name", "scenario").get<std::string>();
      for (const auto& [name, o] : field(s, "outputs", "scenario " + sb.name).items()) {
        const std::string where = fmt::format("scenario {} output {}", sb.name, name);
        OutputBaseline ob;
        ob.name = name;
        if (o.contains("unit")) ob.unit = o.at("unit").get<std::string>();
        ob.summary.n = whole_field(o, "n", where, 0, kMaxSamples);
        ob.summary.mean = field(o, "mean", where).get<double>();
        const double nan = std::numeric_limits<double>::quiet_NaN();
        ob.summary.sd = number_or(field(o, "sd", where), nan);
        ob.summary.mean_se = number_or(field(o, "mean_se", where), nan);
        ob.summary.min = field(o, "min", where).get<double>();
        ob.summary.max = field(o, "max", where).get<double>();
        // Derived, not stored: the mean's interval from mean, sd and n.
        std::tie(ob.summary.mean_ci_low, ob.summary.mean_ci_high) =
            mean_interval(ob.summary.mean, ob.summary.sd, ob.summary.n);
        for (const auto& q : field(o, "percentiles", where))
          ob.summary.percentiles.push_back({field(q, "p", where).get<double>(), field(q, "value", where).get<double>(),
                                            number_or(field(q, "ci_low", where), kOpenLow),
                                            number_or(field(q, "ci_high", where), kOpenHigh)});
        if (o.contains("probability")) {
          const auto& p = o.at("probability");
          const std::string at = where + " probability";
          ProportionEstimate& e = ob.summary.probability.emplace();
          e.successes = whole_field(p, "successes", at, 0, ob.summary.n);
          e.trials = ob.summary.n;
          e.estimate = field(p, "estimate", at).get<double>();
          e.ci_low = field(p, "ci_low", at).get<double>();
          e.ci_high = field(p, "ci_high", at).get<double>();
          if (o.contains("kind") && o.at("kind").get<std::string>() != "probability")
            throw std::runtime_error(
                fmt::format("{}: a `probability` belongs to an output of kind probability", where));
        }
        ob.quantiles = field(o, "quantiles", where).get<std::vector<double>>();
        if (ob.quantiles.size() != kQuantileGridPoints)
          throw std::runtime_error(fmt::format("{}: `quantiles` has {} values, expected {}", where, ob.quantiles.size(),
                                               kQuantileGridPoints));
        sb.outputs.push_back(std::move(ob));
      }
      b.results.push_back(std::move(sb));
    }
    return b;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("malformed baseline: {}", e.what()));
  }
}

Baseline read_baseline_file(const std::string& path) {
  Diagnostics diagnostics(path);
  const std::optional<std::string> text = read_input_file(path, "baseline", kMaxBaselineBytes, diagnostics);
  if (!text) throw ModelError(std::move(diagnostics));
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(*text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte counts from 1 and names the byte the parser stopped at; its
    // message without the library's prefix and its own position.
    const std::string what = e.what();
    const std::size_t column = what.find("column ");
    const std::size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
    const SourcePos pos = SourceText(*text).position(std::min<std::size_t>(e.byte ? e.byte - 1 : 0, text->size()));
    diagnostics.error(
        pos,
        fmt::format("the baseline is not valid JSON: {}", colon == std::string::npos ? what : what.substr(colon + 2)),
        "a baseline is the JSON file `riskcast baseline MODEL.yaml --out FILE.json` writes; a model "
        "is run with `riskcast run`");
    throw ModelError(std::move(diagnostics));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("'{}' is not valid JSON: {}", path, e.what()));
  }
  try {
    return baseline_from_json(doc);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("'{}': {}", path, e.what()));
  }
}

}  // namespace riskcast
