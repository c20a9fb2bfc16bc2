#include "riskcast/regression.hpp"

#include <boost/math/distributions/hypergeometric.hpp>
#include <boost/math/distributions/normal.hpp>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "riskcast/report.hpp"
#include "riskcast/run.hpp"

namespace riskcast {

double kolmogorov_survival(double x) {
  if (x <= 0.0) return 1.0;
  if (x < 0.2) return 1.0;  // the series converges slowly here and the value is 1 to double precision
  double sum = 0.0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 == 1 ? 1.0 : -1.0) * term;
    if (term < 1e-17) break;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

std::vector<bool> holm_rejections(const std::vector<double>& p_values, double alpha) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  std::vector<bool> rejected(m, false);
  for (std::size_t k = 0; k < m; ++k) {
    if (p_values[order[k]] > alpha / static_cast<double>(m - k)) break;  // step-down stops at the first acceptance
    rejected[order[k]] = true;
  }
  return rejected;
}

double fisher_exact_p(std::uint64_t k_a, std::uint64_t n_a, std::uint64_t k_b, std::uint64_t n_b) {
  if (k_a > n_a || k_b > n_b) throw std::invalid_argument("fisher_exact_p: more successes than trials");
  const std::uint64_t total = n_a + n_b, successes = k_a + k_b;
  if (n_a == 0 || n_b == 0 || successes == 0 || successes == total) return 1.0;
  if (total > std::numeric_limits<unsigned>::max()) {
    const double pa = static_cast<double>(k_a) / static_cast<double>(n_a);
    const double pb = static_cast<double>(k_b) / static_cast<double>(n_b);
    const double pooled = static_cast<double>(successes) / static_cast<double>(total);
    const double se =
        std::sqrt(pooled * (1.0 - pooled) * (1.0 / static_cast<double>(n_a) + 1.0 / static_cast<double>(n_b)));
    static const boost::math::normal_distribution<double> standard;
    return 2.0 * boost::math::cdf(boost::math::complement(standard, std::fabs(pb - pa) / se));
  }
  // k_b: the successes among the n_b drawn from all `total`, `successes` of them successes.
  const boost::math::hypergeometric_distribution<double> h(static_cast<unsigned>(successes), static_cast<unsigned>(n_b),
                                                           static_cast<unsigned>(total));
  const auto x = static_cast<unsigned>(k_b);
  const double below = boost::math::cdf(h, x);  // P(X ≤ k_b)
  const double lowest = static_cast<double>(boost::math::range(h).first);
  const double above = static_cast<double>(x) <= lowest ? 1.0 : boost::math::cdf(boost::math::complement(h, x - 1));
  return std::min(1.0, 2.0 * std::min(below, above));
}

double rounding_level(double largest_magnitude) {
  return kRoundingUlps * std::numeric_limits<double>::epsilon() * std::fabs(largest_magnitude);
}

namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

double two_sided_p(double z) {
  static const boost::math::normal_distribution<double> standard;
  return 2.0 * boost::math::cdf(boost::math::complement(standard, std::fabs(z)));
}

// The new sample's share of values below x, and at or below it, with
// values within δ of x counted as equal to it: F(x − δ) and F(x + δ).
std::pair<double, double> cdf_around(std::span<const double> sorted, double x, double delta) {
  const double n = static_cast<double>(sorted.size());
  const auto below = std::lower_bound(sorted.begin(), sorted.end(), x - delta) - sorted.begin();
  const auto upto = std::upper_bound(sorted.begin(), sorted.end(), x + delta) - sorted.begin();
  return {static_cast<double>(below) / n, static_cast<double>(upto) / n};
}

// Largest distance between the new sample's CDF and the baseline quantile
// function at its grid points; a value (an atom, or values equal up to
// rounding) counts as consistent when p lies within [F(x − δ), F(x + δ)].
double ks_distance(const std::vector<double>& grid, std::span<const double> sorted, double delta) {
  double d = 0.0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double p = static_cast<double>(i) / static_cast<double>(grid.size() - 1);
    const auto [below, upto] = cdf_around(sorted, grid[i], delta);
    d = std::max({d, below - p, p - upto});
  }
  return d;
}

// The percentile test's quantities for one baseline percentile (see
// run_regression in regression.hpp): μ, the expected F_n at the baseline's
// value, and the standard error on the arcsine scale.
struct PercentileNull {
  double mu, se_arcsine;
};
PercentileNull percentile_null(double p, std::uint64_t n_baseline, std::uint64_t n_now) {
  const double nb = static_cast<double>(n_baseline), nn = static_cast<double>(n_now);
  const double h = (nb - 1.0) * p;
  return {(h + 1.0) / (nb + 1.0), std::sqrt((1.0 / (nb + 2.0) + (nb + 1.0) / ((nb + 2.0) * nn)) / 4.0)};
}

double arcsine(double f) {
  return std::asin(std::sqrt(std::clamp(f, 0.0, 1.0)));
}

// Back from the arcsine scale, clamped to the probability range.
double from_arcsine(double a) {
  const double c = std::clamp(a, 0.0, std::asin(1.0));
  return std::sin(c) * std::sin(c);
}

// The quantile function kept at equally spaced probabilities, read at f by
// linear interpolation.
double grid_quantile(const std::vector<double>& grid, double f) {
  const double at = std::clamp(f, 0.0, 1.0) * static_cast<double>(grid.size() - 1);
  const auto below = std::min(static_cast<std::size_t>(at), grid.size() - 1);
  const std::size_t above = std::min(below + 1, grid.size() - 1);
  return grid[below] == grid[above] ? grid[below]
                                    : grid[below] + (at - static_cast<double>(below)) * (grid[above] - grid[below]);
}

// The new run's P that Fisher's test passes at level α against the
// baseline's k_b of n_b, for a run of n_n samples: [low, high] as shares.
// Each side found by bisection on the new count: the p-value falls
// monotonically away from the baseline's proportion.
std::pair<double, double> proportion_band(std::uint64_t k_b, std::uint64_t n_b, std::uint64_t n_n, double alpha) {
  auto passes = [&](std::uint64_t k) { return fisher_exact_p(k_b, n_b, k, n_n) > alpha; };
  const double share = static_cast<double>(k_b) / static_cast<double>(n_b);
  const auto centre = std::min(n_n, static_cast<std::uint64_t>(std::llround(share * static_cast<double>(n_n))));
  // The smallest count that passes, in [0, centre]; the largest, in [centre, n_n].
  std::uint64_t lo = 0, hi = centre;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (passes(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  const std::uint64_t low = lo;
  lo = centre;
  hi = n_n;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo + 1) / 2;
    if (passes(mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  return {static_cast<double>(low) / static_cast<double>(n_n), static_cast<double>(lo) / static_cast<double>(n_n)};
}

struct NewColumn {
  double ks = 0.0;
  double delta = 0.0;                                // rounding_level of the output
  std::vector<std::pair<double, double>> positions;  // per baseline percentile: F(v − δ), F(v + δ)
  std::vector<double> grid;                          // the new sample's quantile function
};

}  // namespace

RegressionReport run_regression(const Baseline& baseline, const Model& model, unsigned threads,
                                const RunOverrides& overrides) {
  RegressionReport report;
  const std::string fingerprint = model_fingerprint(model);
  const std::string engine = engine_fingerprint();
  const std::uint64_t seed = overrides.seed.value_or(baseline.seed);
  const std::uint64_t samples = overrides.samples.value_or(baseline.samples);
  report.exact = fingerprint == baseline.model_fingerprint && engine == baseline.engine_fingerprint &&
                 seed == baseline.seed && samples == baseline.samples;
  report.samples = samples;
  report.seed = seed;
  if (seed != baseline.seed) report.notes.push_back(fmt::format("seed {} instead of {}", seed, baseline.seed));
  if (samples != baseline.samples)
    report.notes.push_back(fmt::format("{} instead of {}", counted(samples, "sample"), baseline.samples));
  if (fingerprint != baseline.model_fingerprint)
    report.notes.push_back(fmt::format("model changed (fingerprint {} → {})", baseline.model_fingerprint, fingerprint));
  if (engine != baseline.engine_fingerprint)
    report.notes.push_back(fmt::format("engine changed ({} → {})", baseline.engine_fingerprint, engine));

  // The scenarios the baseline holds that the model still has.
  RunRequest request;
  request.settings.samples = samples;
  request.settings.seed = seed;
  request.settings.threads = threads;
  std::vector<const ScenarioBaseline*> compared;
  for (const ScenarioBaseline& s : baseline.results) {
    if (model.find_scenario(s.name)) {
      request.scenarios.push_back(s.name);
      compared.push_back(&s);
    } else {
      RegressionRow row;
      row.scenario = s.name;
      row.statistic = "scenario missing from the model";
      row.moved = true;
      row.p_value = 0.0;
      report.rows.push_back(row);
    }
  }
  for (const Scenario& s : model.scenarios) {
    const bool known = std::any_of(baseline.results.begin(), baseline.results.end(),
                                   [&](const ScenarioBaseline& b) { return b.name == s.name; });
    const bool requested = baseline.scenarios.empty() || std::find(baseline.scenarios.begin(), baseline.scenarios.end(),
                                                                   s.name) != baseline.scenarios.end();
    if (!known && requested)
      report.notes.push_back(fmt::format("scenario `{}` is new: not in the baseline, not compared", s.name));
  }

  std::vector<const OutputBaseline*> output_of;  // model output index → baseline output (per compared scenario)
  std::map<std::pair<std::size_t, std::size_t>, NewColumn> columns;
  std::mutex mutex;
  request.visit_column = [&](std::size_t scenario, std::size_t output, std::span<const double> column) {
    const ScenarioBaseline& sb = *compared[scenario];
    const std::string& name = model.outputs[output].name;
    auto it =
        std::find_if(sb.outputs.begin(), sb.outputs.end(), [&](const OutputBaseline& o) { return o.name == name; });
    if (it == sb.outputs.end()) return;
    std::vector<double> sorted(column.begin(), column.end());
    std::sort(sorted.begin(), sorted.end());
    NewColumn c;
    const OutputSummary& before = it->summary;
    c.delta = rounding_level(
        std::max({std::fabs(before.min), std::fabs(before.max), std::fabs(sorted.front()), std::fabs(sorted.back())}));
    c.ks = ks_distance(it->quantiles, sorted, c.delta);
    for (const PercentileEstimate& q : before.percentiles) c.positions.push_back(cdf_around(sorted, q.value, c.delta));
    c.grid = quantile_grid(sorted);
    std::lock_guard lock(mutex);
    columns[{scenario, output}] = std::move(c);
  };
  const RunResult now = request.scenarios.empty() ? RunResult{} : run_model(model, request);

  std::vector<RegressionRow> tested;
  std::map<std::size_t, const std::vector<double>*> grid_of;  // percentile rows: the new quantile function
  struct Counts {
    std::uint64_t k_baseline, n_baseline, n_now;
  };
  std::map<std::size_t, Counts> proportion_of;  // proportion rows: what the band is computed from
  for (std::size_t s = 0; s < now.scenarios.size(); ++s) {
    const ScenarioBaseline& sb = *compared[s];
    for (const OutputBaseline& ob : sb.outputs) {
      const auto& outs = now.scenarios[s].outputs;
      auto it = std::find_if(outs.begin(), outs.end(), [&](const OutputResult& o) { return o.name == ob.name; });
      RegressionRow base_row;
      base_row.scenario = sb.name;
      base_row.output = ob.name;
      base_row.unit = ob.unit;
      if (it == outs.end()) {
        RegressionRow row = base_row;
        row.statistic = "output missing from the model";
        row.moved = true;
        row.p_value = 0.0;
        report.rows.push_back(row);
        continue;
      }
      const OutputSummary& a = ob.summary;
      const OutputSummary& b = it->summary;
      const NewColumn& column = columns[{s, static_cast<std::size_t>(it - outs.begin())}];
      if (report.exact) {
        auto check = [&](std::string statistic, double before, double after) {
          if (same_bits(before, after)) return;
          RegressionRow row = base_row;
          row.statistic = std::move(statistic);
          row.baseline = before;
          row.now = after;
          row.difference = after - before;
          row.p_value = 0.0;
          row.moved = true;
          report.rows.push_back(row);
        };
        check("mean", a.mean, b.mean);
        check("sd", a.sd, b.sd);
        check("mean_se", a.mean_se, b.mean_se);
        check("min", a.min, b.min);
        check("max", a.max, b.max);
        for (const PercentileEstimate& q : a.percentiles) {
          const PercentileEstimate* now = find_percentile(b.percentiles, q.p);
          if (!now) continue;
          const std::string label = percentile_label(q.p);
          check(label, q.value, now->value);
          check(label + " ci_low", q.ci_low, now->ci_low);
          check(label + " ci_high", q.ci_high, now->ci_high);
        }
        for (std::size_t k = 0; k < kQuantileGridPoints && k < column.grid.size(); ++k)
          check(fmt::format("quantile P{}", k / 10.0), ob.quantiles[k], column.grid[k]);
        if (a.probability && b.probability) {
          check("P", a.probability->estimate, b.probability->estimate);
          check("P ci_low", a.probability->ci_low, b.probability->ci_low);
          check("P ci_high", a.probability->ci_high, b.probability->ci_high);
        }
        continue;
      }
      if (a.probability && b.probability) {
        RegressionRow row = base_row;
        row.statistic = "P";
        row.test = RegressionTest::Proportion;
        row.baseline = a.probability->estimate;
        row.now = b.probability->estimate;
        row.difference = row.now - row.baseline;
        row.p_value = fisher_exact_p(a.probability->successes, a.probability->trials, b.probability->successes, b.n);
        tested.push_back(row);
        proportion_of[tested.size() - 1] = {a.probability->successes, a.probability->trials, b.n};
        continue;
      }
      RegressionRow mean = base_row;
      mean.statistic = "mean";
      mean.test = RegressionTest::Mean;
      mean.baseline = a.mean;
      mean.now = b.mean;
      mean.difference = b.mean - a.mean;
      // The rounding level joins the Monte Carlo errors, so a constant output,
      // or one whose spread is rounding, cannot collapse the error to 0.
      const double se = std::sqrt(a.mean_se * a.mean_se + b.mean_se * b.mean_se + column.delta * column.delta);
      mean.tolerance = se;  // scaled to the critical z below
      // An undefined error (fewer than 2 samples) tests nothing.
      mean.p_value = std::isnan(se) ? 1.0 : se > 0.0 ? two_sided_p(mean.difference / se) : 0.0;
      if (mean.difference == 0.0) mean.p_value = 1.0;
      tested.push_back(mean);
      for (std::size_t k = 0; k < a.percentiles.size(); ++k) {
        const PercentileEstimate& q = a.percentiles[k];
        const PercentileEstimate* now = find_percentile(b.percentiles, q.p);
        if (!now) continue;
        RegressionRow row = base_row;
        row.statistic = percentile_label(q.p);
        row.test = RegressionTest::Percentile;
        row.baseline = q.value;
        row.now = now->value;
        row.difference = row.now - row.baseline;
        std::tie(row.now_cdf_low, row.now_cdf_high) = column.positions[k];
        const PercentileNull null = percentile_null(q.p, a.n, b.n);
        const double centre = arcsine(null.mu);
        const double distance = std::max({0.0, arcsine(row.now_cdf_low) - centre, centre - arcsine(row.now_cdf_high)});
        row.p_value = two_sided_p(distance / null.se_arcsine);
        row.tolerance = null.se_arcsine;  // scaled to the critical z below
        row.band_low = row.band_high = centre;
        tested.push_back(row);
        grid_of[tested.size() - 1] = &column.grid;
      }
      RegressionRow ks = base_row;
      ks.statistic = "distribution (KS)";
      ks.test = RegressionTest::Distribution;
      ks.difference = column.ks;
      const double n_eff = static_cast<double>(a.n) * static_cast<double>(b.n) / static_cast<double>(a.n + b.n);
      ks.tolerance = 1.0 / std::sqrt(n_eff);  // scaled to the critical λ below
      ks.p_value = kolmogorov_survival(std::sqrt(n_eff) * column.ks);
      tested.push_back(ks);
    }
  }

  if (!tested.empty()) {
    std::vector<double> p_values;
    for (const RegressionRow& r : tested) p_values.push_back(r.p_value);
    const std::vector<bool> rejected = holm_rejections(p_values, report.alpha);
    // Tolerances shown are Bonferroni's per-test bound α / m, the loosest
    // threshold Holm applies: a difference beyond it is always flagged.
    const double per_test = report.alpha / static_cast<double>(tested.size());
    static const boost::math::normal_distribution<double> standard;
    const double z_critical = boost::math::quantile(boost::math::complement(standard, per_test / 2.0));
    double lambda_lo = 0.2, lambda_hi = 10.0;  // invert the Kolmogorov survival function by bisection
    for (int it = 0; it < 100; ++it) {
      const double mid = 0.5 * (lambda_lo + lambda_hi);
      (kolmogorov_survival(mid) > per_test ? lambda_lo : lambda_hi) = mid;
    }
    for (std::size_t i = 0; i < tested.size(); ++i) {
      RegressionRow& row = tested[i];
      row.moved = rejected[i];
      switch (row.test) {
        case RegressionTest::Distribution:
          row.tolerance *= lambda_hi;
          break;
        case RegressionTest::Percentile: {
          // The band of F_n that passes Bonferroni's bound, back in probability.
          const double centre = row.band_low, half = z_critical * row.tolerance;
          row.band_low = from_arcsine(centre - half);
          row.band_high = from_arcsine(centre + half);
          // In the output's units: half the span of the new run's values
          // between those percentiles, where the baseline's value must lie.
          row.tolerance =
              (grid_quantile(*grid_of.at(i), row.band_high) - grid_quantile(*grid_of.at(i), row.band_low)) / 2.0;
          break;
        }
        case RegressionTest::Proportion: {
          const Counts& c = proportion_of.at(i);
          std::tie(row.band_low, row.band_high) = proportion_band(c.k_baseline, c.n_baseline, c.n_now, per_test);
          row.tolerance = (row.band_high - row.band_low) / 2.0;
          break;
        }
        default:
          row.tolerance *= z_critical;
      }
      report.rows.push_back(row);
    }
  }
  std::stable_sort(report.rows.begin(), report.rows.end(), [](const RegressionRow& a, const RegressionRow& b) {
    if (a.moved != b.moved) return a.moved;
    return a.p_value < b.p_value;
  });
  report.moved = static_cast<std::size_t>(
      std::count_if(report.rows.begin(), report.rows.end(), [](const RegressionRow& r) { return r.moved; }));
  return report;
}

namespace {
std::string_view test_name(RegressionTest test) {
  switch (test) {
    case RegressionTest::Exact:
      return "exact";
    case RegressionTest::Mean:
      return "mean z";
    case RegressionTest::Percentile:
      return "percentile position";
    case RegressionTest::Distribution:
      return "KS";
    case RegressionTest::Proportion:
      return "Fisher exact";
  }
  return "exact";
}

// A baseline's or a new run's number in the regression table: 6 significant
// digits, enough to see a move against its tolerance.
std::string table_number(double v) {
  return fmt::format("{:.6g}", v);
}

// A probability as a percentile label: 0.0423 → "P4.23".
std::string as_percentile(double f) {
  return fmt::format("P{:.3g}", f * 100.0);
}

std::string tolerance_text(const RegressionRow& r) {
  switch (r.test) {
    case RegressionTest::Distribution:
      return fmt::format("D<{:.4g}", r.tolerance);
    case RegressionTest::Percentile: {
      const std::string at = r.now_cdf_low == r.now_cdf_high
                                 ? as_percentile(r.now_cdf_low)
                                 : fmt::format("{}–{}", as_percentile(r.now_cdf_low), as_percentile(r.now_cdf_high));
      return fmt::format("{}–{} (at {})", as_percentile(r.band_low), as_percentile(r.band_high), at);
    }
    case RegressionTest::Mean:
      return std::isfinite(r.tolerance) ? "±" + table_number(r.tolerance) : "";
    case RegressionTest::Proportion:
      return fmt::format("{}–{}", table_number(r.band_low), table_number(r.band_high));
    case RegressionTest::Exact:
      return "";
  }
  return "";
}
}  // namespace

nlohmann::ordered_json to_json(const RegressionReport& report) {
  nlohmann::ordered_json doc;
  doc["schema"] = "riskcast.regression/1";
  doc["mode"] = report.exact ? "exact" : "statistical";
  doc["family_wise_alpha"] = report.alpha;
  doc["method"] =
      report.exact ? "bit-identical comparison" : "Holm step-down over z-tests, KS distances and Fisher exact tests";
  doc["samples"] = report.samples;
  doc["seed"] = report.seed;
  doc["notes"] = report.notes;
  doc["moved"] = report.moved;
  doc["compared"] = report.rows.size();
  doc["rows"] = nlohmann::ordered_json::array();
  for (const RegressionRow& r : report.rows) {
    nlohmann::ordered_json row = {{"scenario", r.scenario},
                                  {"output", r.output},
                                  {"statistic", r.statistic},
                                  {"test", test_name(r.test)},
                                  {"baseline", json_number(r.baseline)},
                                  {"now", json_number(r.now)},
                                  {"difference", json_number(r.difference)},
                                  {"tolerance", json_number(r.tolerance)},
                                  {"p_value", r.p_value},
                                  {"verdict", r.moved ? (report.exact ? "not bit-identical" : "moved") : "ok"}};
    if (r.test == RegressionTest::Percentile) {
      row["now_cdf_low"] = r.now_cdf_low;
      row["now_cdf_high"] = r.now_cdf_high;
    }
    if (r.test == RegressionTest::Percentile || r.test == RegressionTest::Proportion) {
      row["band_low"] = r.band_low;
      row["band_high"] = r.band_high;
    }
    doc["rows"].push_back(std::move(row));
  }
  return doc;
}

void write_regression_table(const RegressionReport& report, std::ostream& out, bool all) {
  if (report.exact) {
    out << "mode: exact (same model, engine and settings): every number must be bit-identical\n";
  } else {
    out << fmt::format("mode: statistical — {}; family-wise false-alarm rate {:g} % (Holm)\n",
                       report.notes.empty() ? "settings differ" : fmt::format("{}", fmt::join(report.notes, "; ")),
                       report.alpha * 100.0);
  }
  std::vector<std::vector<std::string>> rows = {
      {"scenario", "output", "statistic", "baseline", "now", "difference", "tolerance", "p-value", "verdict"}};
  std::size_t shown = 0, close = 0;
  for (const RegressionRow& r : report.rows) {
    if (!all && !r.moved && close >= 10) break;
    if (!r.moved) ++close;
    ++shown;
    const bool ks = r.test == RegressionTest::Distribution;
    rows.push_back({r.scenario, r.output, r.statistic, ks ? "" : table_number(r.baseline),
                    ks ? "" : table_number(r.now),
                    ks ? fmt::format("D={:.4g}", r.difference) : table_number(r.difference), tolerance_text(r),
                    report.exact ? "" : fmt::format("{:.2g}", r.p_value),
                    r.moved ? (report.exact ? "NOT BIT-IDENTICAL" : "MOVED") : "ok"});
  }
  if (rows.size() > 1) write_aligned_table(rows, out, {true, true, true, false, false, false, false, false, true});
  if (shown < report.rows.size())
    out << fmt::format("… {} more rows within noise (--all lists them)\n", report.rows.size() - shown);
  if (report.exact) {
    out << (report.moved == 0 ? "result: every number is bit-identical to the baseline\n"
                              : fmt::format("result: DETERMINISM FAILURE — {} {} from the baseline\n",
                                            counted(report.moved, "number"), report.moved == 1 ? "differs" : "differ"));
  } else {
    out << fmt::format("result: {} of {} moved beyond Monte Carlo noise\n", report.moved,
                       counted(report.rows.size(), "statistic"));
  }
}

}  // namespace riskcast

namespace riskcast {

RegressionReport check_regression(const Baseline& baseline, const LoadedModel& model, unsigned threads,
                                  const RunOverrides& overrides) {
  return run_guarded(model.file(), [&] { return run_regression(baseline, model.ir(), threads, overrides); });
}

BaselineUpdate update_baseline(const Baseline& baseline, const LoadedModel& model, unsigned threads) {
  for (const std::string& name : baseline.scenarios)
    if (!model.ir().find_scenario(name))
      throw std::invalid_argument(
          fmt::format("the baseline records scenario '{}', which {} no longer has; make a new baseline "
                      "with riskcast baseline",
                      quote_for_message(name), model.file()));
  BaselineUpdate update;
  update.report = check_regression(baseline, model, threads);
  RunOptions options;
  options.samples = baseline.samples;
  options.seed = baseline.seed;
  options.threads = threads;
  options.scenarios = baseline.scenarios;
  options.memory = MemoryPolicy::unchecked;  // the check has just run these very settings
  update.baseline = record_baseline(model, options, baseline.model_path);
  return update;
}

std::string format_regression(const RegressionReport& report, Format format, bool all) {
  if (format == Format::Json) return to_json(report).dump(2) + '\n';
  if (format != Format::Table) throw std::invalid_argument("a regression report is written as a table or as JSON");
  std::ostringstream out;
  write_regression_table(report, out, all);
  return out.str();
}

}  // namespace riskcast
