#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sstream>

#include <algorithm>
#include <cmath>

#include "riskcast/sensitivity_report.hpp"

namespace riskcast {

namespace {

// A tornado bar: negative ρ to the left of the axis, positive to the right,
// ten cells for |ρ| = 1.
std::string tornado_bar(double rho) {
  constexpr int kCells = 10;
  const int cells = static_cast<int>(std::lround(std::fabs(rho) * kCells));
  std::string bar;
  auto blocks = [](int k) {
    std::string s;
    for (int i = 0; i < k; ++i) s += "█";
    return s;
  };
  if (rho < 0) {
    bar = fmt::format("{}{}│", std::string(static_cast<std::size_t>(kCells - cells), ' '), blocks(cells));
  } else {
    bar = fmt::format("{}│{}", std::string(kCells, ' '), blocks(cells));
  }
  return bar;
}

std::string value_at(const std::vector<PercentileEstimate>& ps, double p, const std::string& unit) {
  const PercentileEstimate* q = find_percentile(ps, p);
  return q ? format_value(q->value, unit) : "";
}

std::string difference_at(const OutputSummary& s, double p, const std::string& unit) {
  const PercentileEstimate* q = find_percentile(s.percentiles, p);
  return q ? format_difference(q->value, unit) : "";
}

std::string sample_note(const ConditionalOutcome& c) {
  return c.few_samples ? fmt::format("(n={}, wide)", c.samples) : "";
}

// A probability output (OutputKind::Probability) is shown by its P, never
// by the percentiles of its 0/1 values.
bool of_probability(const SensitivityResult& r) {
  return r.output_summary.probability.has_value();
}

// " (share)", " (probability)" or "": what the output is, after its name.
std::string output_kind_note(const SensitivityResult& r) {
  if (of_probability(r)) return " (probability)";
  return r.unit.empty() ? "" : fmt::format(" ({})", r.unit);
}

// The scenario every delta is taken from.
constexpr std::string_view kDeltaBase = "base";

std::string header_line(const SensitivityResult& r) {
  return fmt::format("{} · sensitivity of {}{} · scenario {} · {}, seed {}", r.model, r.output, output_kind_note(r),
                     r.scenario, counted(r.samples, "sample"), r.seed);
}

std::string output_line(const SensitivityResult& r) {
  if (of_probability(r))
    return fmt::format("{}: P = {}", r.output, format_probability_estimate(*r.output_summary.probability));
  std::string line = fmt::format("{}: mean {}", r.output, format_value(r.output_summary.mean, r.unit));
  for (double p : kConditionalPercentiles)
    line += fmt::format(", {} {}", percentile_label(p), value_at(r.output_summary.percentiles, p, r.unit));
  return line;
}

// The heading of the conditional table, and of the delta table.
std::string conditional_heading(const SensitivityResult& r) {
  if (of_probability(r))
    return fmt::format("Given each event outcome: P({}), the share of those samples in which it is 1 (95% CI)",
                       r.output);
  return fmt::format("Given each event outcome: P10 / P50 / P90 of {}", r.output);
}

std::string delta_heading(const SensitivityResult& r) {
  return fmt::format("Scenario minus {}: {}{}, paired sample by sample (common random numbers)", kDeltaBase,
                     of_probability(r) ? "P of " : "", r.output);
}

}  // namespace

std::string probability_column(const SensitivityResult& r) {
  return fmt::format("P({})", r.output);
}

std::string format_swing(const Driver& d, const std::string& unit) {
  return std::isnan(d.swing) ? std::string{} : format_difference(d.swing, unit);
}

std::string swing_note(const SensitivityResult& r) {
  return fmt::format(
      "swing: P50 of {} among the samples with the input at or above its P90, minus among those at or below its "
      "P10 (the tornado in output units; --format json has its 95 % interval).",
      r.output);
}

std::string rho_note(const SensitivityResult& r) {
  return fmt::format(
      "ρ: Spearman rank correlation over the {} of scenario {}; constant: the input does not vary there.",
      counted(r.samples, "sample"), r.scenario);
}

std::vector<std::string> probability_notes(const SensitivityResult& r) {
  std::vector<std::string> notes = {std::string(kProbabilityNote)};
  if (!r.deltas.empty()) notes.push_back(probability_difference_note(std::string(kDeltaBase)));
  return notes;
}

namespace {

// A difference's interval end: signed, or −∞ / +∞ when open.
std::string difference_end(double end, const std::string& unit) {
  return is_open(end) ? format_interval_end(end, unit) : format_difference(end, unit);
}

std::string mean_interval(const OutputSummary& s, const std::string& unit) {
  return fmt::format("[{}, {}]", difference_end(s.mean_ci_low, unit), difference_end(s.mean_ci_high, unit));
}

}  // namespace

std::string correlated_inputs_note(const SensitivityResult& r) {
  if (r.correlated.empty()) return "";
  return fmt::format(
      "Correlated inputs ({}): each one's ρ includes what it shares with those it is correlated with, so one with "
      "no effect of its own can rank above an independent input that has one (docs/analysis.md).",
      fmt::join(r.correlated, ", "));
}

namespace {

// The line that replaces the tornado when the output never varies.
std::string constant_output_line(const SensitivityResult& r) {
  return fmt::format(
      "{} is constant ({}) in every sample of scenario {}: no input can move it, so no input has a rank "
      "correlation with it",
      r.output, format_value(r.output_summary.min, r.unit), r.scenario);
}

}  // namespace

bool has_open_interval(const SensitivityResult& r) {
  for (const Driver& d : r.tornado)
    if (is_open(d.ci_low) || is_open(d.ci_high)) return true;
  // A probability's intervals are never open; its percentiles are not shown.
  if (of_probability(r)) return false;
  if (has_open_interval(r.output_summary)) return true;
  for (const ConditionalOutcome& c : r.conditionals)
    for (const PercentileEstimate& q : c.percentiles)
      if (is_open(q.ci_low) || is_open(q.ci_high)) return true;
  for (const ScenarioDelta& d : r.deltas)
    if (has_open_interval(d.difference)) return true;
  return false;
}

namespace {

// Sobol indices (--method sobol): the inputs by total index, then the
// model's groups in file order.
std::string format_index(double v) {
  if (std::isnan(v)) return "";
  return fmt::format("{:.3f}", std::fabs(v) < 0.0005 ? 0.0 : v);
}

std::string index_interval(double low, double high) {
  if (std::isnan(low)) return "";
  return fmt::format("[{}, {}]", format_index(low), format_index(high));
}

// First order as █, the rest of the total as ░, 20 cells for 1.
std::string sobol_bar(const SobolIndex& s) {
  constexpr double kCells = 20.0;
  if (std::isnan(s.total)) return "";
  const long total = std::lround(std::clamp(s.total, 0.0, 1.0) * kCells);
  const long first = std::min(total, std::lround(std::clamp(s.first, 0.0, 1.0) * kCells));
  std::string bar;
  for (long i = 0; i < first; ++i) bar += "█";
  for (long i = first; i < total; ++i) bar += "░";
  return bar;
}

std::string sobol_cost_line(const SensitivityResult& r) {
  const SobolIndices& s = *r.sobol;
  return fmt::format("N = {} base rows, d = {}: {} model evaluations (N·(d + 2)), seed {}", s.base_samples,
                     counted(s.inputs, "input"), s.evaluations, r.seed);
}

std::string sobol_note(const SensitivityResult& r) {
  return fmt::format(
      "S: first order index (Saltelli 2010), ST: total (Jansen), shares of the variance of {} over the {} samples "
      "of A and B; 95 % CI by the delta method. A group or a set of correlated parameters counts all its "
      "randomness at once, every month.",
      r.output, 2 * r.sobol->base_samples);
}

void write_sobol_table(const SensitivityResult& r, std::ostream& out) {
  const SobolIndices& s = *r.sobol;
  out << fmt::format("{} · Sobol indices of {}{} · scenario {}\n", r.model, r.output, output_kind_note(r), r.scenario);
  if (!r.scenario_description.empty()) out << "  " << r.scenario_description << '\n';
  out << sobol_cost_line(r) << '\n' << output_line(r) << '\n';
  if (r.output_constant) {
    out << fmt::format("\n{} is constant in every sample of scenario {}: it has no variance to apportion.\n", r.output,
                       r.scenario);
    return;
  }
  for (bool groups : {false, true}) {
    const std::vector<const SobolIndex*> rows = sobol_rows(s, groups);
    if (rows.empty()) continue;
    out << (groups ? "\nGroups (each one's randomness taken together)\n" : "\nInputs, by total index\n");
    std::vector<std::vector<std::string>> table = {
        {groups ? "group" : "input", groups ? "members" : "kind", "S", "95% CI", "ST", "95% CI", "█ S  ░ ST"}};
    for (const SobolIndex* i : rows)
      table.push_back({i->name, groups ? fmt::format("{}", fmt::join(i->members, ", ")) : i->kind,
                       format_index(i->first), index_interval(i->first_low, i->first_high), format_index(i->total),
                       index_interval(i->total_low, i->total_high), sobol_bar(*i)});
    write_aligned_table(table, out, {true, true, false, false, false, false, true});
  }
  if (!s.fixed.empty())
    out << fmt::format("\nNo randomness in this scenario (indices 0): {}\n", fmt::join(s.fixed, ", "));
  out << '\n' << sobol_note(r) << '\n';
}

void write_sobol_markdown(const SensitivityResult& r, std::ostream& out) {
  const SobolIndices& s = *r.sobol;
  out << fmt::format("**{}** — Sobol indices of `{}`{}, scenario `{}`; {}\n\n", r.title.empty() ? r.model : r.title,
                     r.output, output_kind_note(r), r.scenario, sobol_cost_line(r));
  out << output_line(r) << "\n\n";
  if (r.output_constant) {
    out << fmt::format("{} is constant: it has no variance to apportion.\n", r.output);
    return;
  }
  for (bool groups : {false, true}) {
    const std::vector<const SobolIndex*> rows = sobol_rows(s, groups);
    if (rows.empty()) continue;
    out << fmt::format("{}| {} | {} | S | 95% CI | ST | 95% CI |\n|---|---|---:|---:|---:|---:|\n", groups ? "\n" : "",
                       groups ? "group" : "input", groups ? "members" : "kind");
    for (const SobolIndex* i : rows)
      out << fmt::format("| {} | {} | {} | {} | {} | {} |\n", i->name,
                         groups ? fmt::format("{}", fmt::join(i->members, ", ")) : i->kind, format_index(i->first),
                         index_interval(i->first_low, i->first_high), format_index(i->total),
                         index_interval(i->total_low, i->total_high));
  }
  out << '\n' << sobol_note(r) << '\n';
}

nlohmann::ordered_json sobol_json(const SobolIndices& s) {
  nlohmann::ordered_json doc;
  doc["base_samples"] = s.base_samples;
  doc["inputs"] = s.inputs;
  doc["evaluations"] = s.evaluations;
  doc["variance"] = json_number(s.variance);
  doc["interval"] = "delta method";
  doc["indices"] = nlohmann::ordered_json::array();
  for (const SobolIndex& i : s.indices) {
    nlohmann::ordered_json j;
    j["name"] = i.name;
    j["kind"] = i.kind;
    j["members"] = i.members;
    j["first"] = json_number(i.first);
    j["first_ci_low"] = json_number(i.first_low);
    j["first_ci_high"] = json_number(i.first_high);
    j["total"] = json_number(i.total);
    j["total_ci_low"] = json_number(i.total_low);
    j["total_ci_high"] = json_number(i.total_high);
    doc["indices"].push_back(std::move(j));
  }
  doc["fixed"] = s.fixed;
  return doc;
}

void write_table(const SensitivityResult& r, std::ostream& out) {
  if (r.sobol) return write_sobol_table(r, out);
  out << header_line(r) << '\n';
  if (!r.scenario_description.empty()) out << "  " << r.scenario_description << '\n';
  out << output_line(r) << '\n';

  std::vector<std::vector<std::string>> rows;
  if (r.output_constant) {
    out << "\nDrivers: none. " << constant_output_line(r) << ".\n";
  } else {
    out << fmt::format("\nDrivers: Spearman rank correlation ρ of {} with each input, by |ρ| (95 % CI)\n", r.output);
    const bool swings = !of_probability(r);
    rows = {{"input", "kind", "ρ", "95% CI", "-1        0        +1"}};
    if (swings) rows.front().push_back("swing");
    for (const Driver& d : r.tornado) {
      if (d.constant)
        rows.push_back({d.label, d.kind, "constant", "", ""});
      else
        rows.push_back({d.label, d.kind, format_rho(d.rho), format_rho_interval(d), tornado_bar(d.rho)});
      if (swings) rows.back().push_back(format_swing(d, r.unit));
    }
    write_aligned_table(rows, out, {true, true, false, false, true, false});
    if (swings) out << swing_note(r) << '\n';
    if (!r.correlated.empty()) out << correlated_inputs_note(r) << '\n';
  }

  out << '\n' << conditional_heading(r) << '\n';
  if (of_probability(r)) {
    rows = {{"event", "outcome", "probability", probability_column(r), "95% CI"}};
    for (const ConditionalOutcome& c : r.conditionals)
      rows.push_back({c.event, c.outcome, format_probability(c.probability),
                      format_proportion(c.output_probability->estimate),
                      format_proportion_interval(c.output_probability->ci_low, c.output_probability->ci_high)});
    write_aligned_table(rows, out, {true, true, false, false, false});
    if (r.deltas.empty()) {
      out << fmt::format("\nScenario deltas: the model has no scenario but {}\n", kDeltaBase);
    } else {
      out << '\n' << delta_heading(r) << '\n';
      rows = {{"scenario", fmt::format("vs {}", kDeltaBase), "95% CI"}};
      for (const ScenarioDelta& d : r.deltas)
        rows.push_back({d.scenario, format_difference(d.probability_difference->estimate, "share"),
                        format_difference_interval(*d.probability_difference)});
      write_aligned_table(rows, out);
    }
    out << '\n' << rho_note(r) << '\n';
    for (const std::string& note : probability_notes(r)) out << note << '\n';
    if (has_open_interval(r)) out << kOpenIntervalNote << '\n';
    return;
  }
  rows = {{"event", "outcome", "probability", "P10", "P50", "P90", ""}};
  double error = 0.0;  // widest 95 % CI half-width among outcomes not flagged as wide
  for (const ConditionalOutcome& c : r.conditionals) {
    std::vector<std::string> row = {c.event, c.outcome, format_probability(c.probability)};
    for (double p : kConditionalPercentiles) row.push_back(value_at(c.percentiles, p, r.unit));
    row.push_back(sample_note(c));
    rows.push_back(std::move(row));
    if (!c.few_samples)
      for (const PercentileEstimate& q : c.percentiles)
        error = std::max(error, interval_half_width(q.value, q.ci_low, q.ci_high));
  }
  write_aligned_table(rows, out, {true, true, false, false, false, false, true});
  const bool any_wide = std::any_of(r.conditionals.begin(), r.conditionals.end(),
                                    [](const ConditionalOutcome& c) { return c.few_samples; });
  if (!r.conditionals.empty() && std::isinf(error))
    out << fmt::format(
        "Monte Carlo error: some 95 % intervals of the percentiles above{} are open (too few samples "
        "to bound them); --format json has every interval\n",
        any_wide ? " not marked wide" : "");
  else if (!r.conditionals.empty())
    out << fmt::format("Monte Carlo error (95 % CI half-width): at most {}{} on any percentile above{}\n",
                       format_interval_error(0.0, -error, error, r.unit), is_share_unit(r.unit) ? " points" : "",
                       any_wide ? " not marked wide" : "");

  if (r.deltas.empty()) {
    out << fmt::format("\nScenario deltas: the model has no scenario but {}\n", kDeltaBase);
  } else {
    out << '\n' << delta_heading(r) << '\n';
    rows = {{"scenario", "mean", "P5", "P50", "P95"}};
    for (const ScenarioDelta& d : r.deltas) {
      std::vector<std::string> row = {d.scenario, format_difference(d.difference.mean, r.unit)};
      const OutputSummary& s = d.difference;
      std::vector<std::string> errors = {"  ±95% CI",
                                         format_interval_error(s.mean, s.mean_ci_low, s.mean_ci_high, r.unit)};
      for (double p : kDeltaPercentiles) {
        row.push_back(difference_at(s, p, r.unit));
        const PercentileEstimate* q = find_percentile(s.percentiles, p);
        errors.push_back(q ? format_interval_error(q->value, q->ci_low, q->ci_high, r.unit) : "");
      }
      rows.push_back(std::move(row));
      rows.push_back(std::move(errors));
    }
    write_aligned_table(rows, out);
  }
  out << fmt::format(
      "\n{}\n±: half-width of the 95 % Monte Carlo confidence interval{}. --format json has every interval.\n",
      rho_note(r), is_share_unit(r.unit) ? " (shares: in percentage points)" : "");
  if (has_open_interval(r)) out << kOpenIntervalNote << '\n';
}

void write_markdown(const SensitivityResult& r, std::ostream& out) {
  if (r.sobol) return write_sobol_markdown(r, out);
  out << fmt::format("**{}** — sensitivity of `{}`{}, scenario `{}`, {}, seed {}\n\n",
                     r.title.empty() ? r.model : r.title, r.output, output_kind_note(r), r.scenario,
                     counted(r.samples, "sample"), r.seed);
  out << output_line(r) << "\n\n";
  if (r.output_constant) {
    out << constant_output_line(r) << ".\n";
  } else {
    const bool swings = !of_probability(r);
    out << (swings ? "| input | kind | ρ | 95% CI | swing |\n|---|---|---:|---:|---:|\n"
                   : "| input | kind | ρ | 95% CI |\n|---|---|---:|---:|\n");
    for (const Driver& d : r.tornado)
      out << fmt::format("| {} | {} | {} | {} |{}\n", d.label, d.kind, d.constant ? "constant" : format_rho(d.rho),
                         d.constant ? "" : format_rho_interval(d),
                         swings ? fmt::format(" {} |", format_swing(d, r.unit)) : "");
    if (swings) out << '\n' << swing_note(r) << '\n';
    if (!r.correlated.empty()) out << '\n' << correlated_inputs_note(r) << '\n';
  }
  if (of_probability(r)) {
    out << fmt::format("\n| event | outcome | probability | {} | 95% CI |\n|---|---|---:|---:|---:|\n",
                       probability_column(r));
    for (const ConditionalOutcome& c : r.conditionals)
      out << fmt::format("| {} | {} | {} | {} | {} |\n", c.event, c.outcome, format_probability(c.probability),
                         format_proportion(c.output_probability->estimate),
                         format_proportion_interval(c.output_probability->ci_low, c.output_probability->ci_high));
    if (!r.deltas.empty()) {
      out << fmt::format("\n| scenario | vs {} | 95% CI |\n|---|---:|---:|\n", kDeltaBase);
      for (const ScenarioDelta& d : r.deltas)
        out << fmt::format("| {} | {} | {} |\n", d.scenario,
                           format_difference(d.probability_difference->estimate, "share"),
                           format_difference_interval(*d.probability_difference));
    }
    out << '\n';
    for (const std::string& note : probability_notes(r)) out << note << "  \n";
    return;
  }
  out << "\n| event | outcome | probability | P10 | P50 | P90 |\n|---|---|---:|---:|---:|---:|\n";
  for (const ConditionalOutcome& c : r.conditionals) {
    const std::string note = sample_note(c);
    out << fmt::format("| {} | {}{} | {} |", c.event, c.outcome, note.empty() ? "" : fmt::format(" {}", note),
                       format_probability(c.probability));
    for (double p : kConditionalPercentiles) out << ' ' << value_at(c.percentiles, p, r.unit) << " |";
    out << '\n';
  }
  if (!r.deltas.empty()) {
    out << "\n| scenario − base | mean | 95% CI | P5 | P50 | P95 |\n|---|---:|---:|---:|---:|---:|\n";
    for (const ScenarioDelta& d : r.deltas) {
      out << fmt::format("| {} | {} | {} |", d.scenario, format_difference(d.difference.mean, r.unit),
                         mean_interval(d.difference, r.unit));
      for (double p : kDeltaPercentiles) out << ' ' << difference_at(d.difference, p, r.unit) << " |";
      out << '\n';
    }
  }
}

void write_csv(const SensitivityResult& r, std::ostream& out) {
  // Long form, one number a row, so every section fits one header.
  out << "section,name,kind,label,unit,probability,samples,statistic,value,ci_low,ci_high\n";
  auto row = [&](std::string_view section, const std::string& name, const std::string& kind, const std::string& label,
                 const std::string& unit, const std::string& probability, std::uint64_t samples,
                 const std::string& statistic, const std::string& value, const std::string& lo, const std::string& hi) {
    out << fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", section, csv_field(name), csv_field(kind),
                       csv_field(label), csv_field(unit), probability, samples, csv_field(statistic), value, lo, hi);
  };
  // Open interval ends print as -inf / inf (format_exact).
  // A probability output's P (or its paired difference), statistic "P", in
  // place of mean and percentiles.
  auto probability_row = [&](std::string_view section, const std::string& name, const std::string& kind,
                             const std::string& label, const std::string& probability, std::uint64_t samples,
                             double estimate, double low, double high) {
    row(section, name, kind, label, r.unit, probability, samples, "P", format_exact(estimate), format_exact(low),
        format_exact(high));
  };
  auto summary_rows = [&](std::string_view section, const std::string& name, const std::string& kind,
                          const std::string& label, const OutputSummary& s) {
    row(section, name, kind, label, r.unit, "", s.n, "mean", format_exact(s.mean), format_exact(s.mean_ci_low),
        format_exact(s.mean_ci_high));
    for (const PercentileEstimate& q : s.percentiles)
      row(section, name, kind, label, r.unit, "", s.n, percentile_label(q.p), format_exact(q.value),
          format_exact(q.ci_low), format_exact(q.ci_high));
  };
  if (const std::optional<ProportionEstimate>& p = r.output_summary.probability)
    probability_row("output", r.output, "output", r.scenario, "", r.samples, p->estimate, p->ci_low, p->ci_high);
  else
    summary_rows("output", r.output, "output", r.scenario, r.output_summary);
  if (r.sobol) {
    const auto field = [](double v) { return std::isnan(v) ? std::string{} : format_exact(v); };
    for (const SobolIndex& i : r.sobol->indices) {
      const std::string label = fmt::format("{}", fmt::join(i.members, " "));
      row("sobol", i.name, i.kind, label, "", "", r.sobol->base_samples, "first", field(i.first), field(i.first_low),
          field(i.first_high));
      row("sobol", i.name, i.kind, label, "", "", r.sobol->base_samples, "total", field(i.total), field(i.total_low),
          field(i.total_high));
    }
  }
  for (const Driver& d : r.tornado) {
    if (std::isnan(d.rho))  // undefined: the input or the output is constant
      row("tornado", d.name, d.kind, d.label, d.unit, "", r.samples, "rho", "", "", "");
    else
      row("tornado", d.name, d.kind, d.label, d.unit, "", r.samples, "rho", format_exact(d.rho), format_exact(d.ci_low),
          format_exact(d.ci_high));
    // The swing is in the output's unit (the row's unit column is the input's).
    if (!of_probability(r) && !std::isnan(d.swing))
      row("tornado", d.name, d.kind, d.label, d.unit, "", r.samples, "swing", format_exact(d.swing),
          format_exact(d.swing_ci_low), format_exact(d.swing_ci_high));
  }
  for (const ConditionalOutcome& c : r.conditionals) {
    if (const std::optional<ProportionEstimate>& p = c.output_probability) {
      probability_row("conditional", c.event, c.kind, c.outcome, format_exact(c.probability), c.samples, p->estimate,
                      p->ci_low, p->ci_high);
      continue;
    }
    for (const PercentileEstimate& q : c.percentiles)
      row("conditional", c.event, c.kind, c.outcome, r.unit, format_exact(c.probability), c.samples,
          percentile_label(q.p), format_exact(q.value), format_exact(q.ci_low), format_exact(q.ci_high));
  }
  for (const ScenarioDelta& d : r.deltas) {
    if (const std::optional<PairedProportionDifference>& p = d.probability_difference)
      probability_row("delta", d.scenario, "scenario", d.description, "", r.samples, p->estimate, p->ci_low,
                      p->ci_high);
    else
      summary_rows("delta", d.scenario, "scenario", d.description, d.difference);
  }
}

}  // namespace

std::string format_rho(double rho) {
  // −0.00 reads as a sign that is not there.
  return fmt::format("{:.2f}", std::fabs(rho) < 0.005 ? 0.0 : rho);
}

// The interval with as many decimals as its width needs (a million samples
// pin ρ to ±0.002, which two decimals would show as [0.57, 0.57]).
// Each end is rounded outwards (the lower down, the upper up), so the
// interval shown is never narrower than the one computed.
std::string format_rho_interval(const Driver& d) {
  if (is_open(d.ci_low) || is_open(d.ci_high)) return "open";
  const double width = d.ci_high - d.ci_low;
  const int decimals = width >= 0.02 || width == 0.0 ? 2 : width >= 0.002 ? 3 : 4;
  const double unit = std::pow(10.0, decimals);
  // The 1e-9 keeps an end that is already a round number (1.0, 0.25) from
  // moving a whole digit by the rounding of v·unit.
  auto bound = [&](double v, bool up) {
    const double scaled = v * unit;
    const double rounded = up ? std::ceil(scaled - 1e-9) : std::floor(scaled + 1e-9);
    return fmt::format("{:.{}f}", rounded / unit + 0.0, decimals);  // + 0.0: −0 reads as 0
  };
  return fmt::format("[{}, {}]", bound(d.ci_low, false), bound(d.ci_high, true));
}

std::string format_probability(double p) {
  const double pct = p * 100.0;
  if (pct > 0.0 && pct < 0.1) return "<0.1%";
  return fmt::format("{:.1f}%", pct);
}

std::string format_difference(double v, const std::string& unit) {
  if (!std::isfinite(v)) return format_number(v);
  if (is_share_unit(unit)) {
    const std::string points = format_percentage(v);
    return (v > 0.0 && points != "0.00" ? "+" : "") + (points == "0.0" ? "0.00" : points) + " pts";
  }
  if (v == 0.0) return "0";
  return v > 0 ? fmt::format("+{}", format_value(v, unit)) : format_value(v, unit);
}

nlohmann::ordered_json to_json(const SensitivityResult& r) {
  nlohmann::ordered_json doc;
  doc["schema"] = kSensitivitySchema;
  doc["model"] = r.model;
  if (!r.title.empty()) doc["title"] = r.title;
  doc["scenario"] = r.scenario;
  doc["output"] = r.output;
  doc["unit"] = r.unit;
  if (of_probability(r)) doc["kind"] = "probability";  // as a run result's outputs: only when not a value
  doc["samples"] = r.samples;
  doc["seed"] = r.seed;
  doc["method"] = "mc";
  doc["horizon"] = r.horizon;
  doc["output_summary"] = summary_json(r.output_summary);
  doc["output_constant"] = r.output_constant;
  doc["tornado"] = nlohmann::ordered_json::array();
  for (const Driver& d : r.tornado) {
    nlohmann::ordered_json j;
    j["name"] = d.name;
    j["kind"] = d.kind;
    j["state"] = d.state;
    j["label"] = d.label;
    j["unit"] = d.unit;
    j["constant"] = d.constant;
    // An undefined ρ (NaN) and an open interval end (±∞) are null.
    j["rho"] = json_number(d.rho);
    j["ci_low"] = json_number(d.ci_low);
    j["ci_high"] = json_number(d.ci_high);
    j["p50_low"] = json_number(d.p50_low);
    j["p50_high"] = json_number(d.p50_high);
    j["swing"] = json_number(d.swing);
    j["swing_ci_low"] = json_number(d.swing_ci_low);
    j["swing_ci_high"] = json_number(d.swing_ci_high);
    doc["tornado"].push_back(std::move(j));
  }
  doc["conditionals"] = nlohmann::ordered_json::array();
  for (const ConditionalOutcome& c : r.conditionals) {
    nlohmann::ordered_json j;
    j["event"] = c.event;
    j["kind"] = c.kind;
    j["outcome"] = c.outcome;
    j["probability"] = c.probability;
    j["samples"] = c.samples;
    j["few_samples"] = c.few_samples;
    j["percentiles"] = percentiles_json(c.percentiles);
    if (c.output_probability) j["output_probability"] = probability_json(*c.output_probability);
    doc["conditionals"].push_back(std::move(j));
  }
  if (r.sobol) doc["sobol"] = sobol_json(*r.sobol);
  doc["deltas"] = nlohmann::ordered_json::array();
  for (const ScenarioDelta& d : r.deltas) {
    nlohmann::ordered_json j;
    j["scenario"] = d.scenario;
    if (!d.description.empty()) j["description"] = d.description;
    j["difference"] = summary_json(d.difference);
    if (d.probability_difference)
      j["probability_difference"] = difference_json(*d.probability_difference, std::string(kDeltaBase));
    doc["deltas"].push_back(std::move(j));
  }
  return doc;
}

std::string format_sensitivity(const SensitivityResult& result, Format format) {
  std::ostringstream text;
  write_sensitivity(result, format, text);
  return text.str();
}

void write_sensitivity(const SensitivityResult& r, Format format, std::ostream& out) {
  switch (format) {
    case Format::Table:
      return write_table(r, out);
    case Format::Csv:
      return write_csv(r, out);
    case Format::Json:
      out << to_json(r).dump(2) << '\n';
      return;
    case Format::Markdown:
      return write_markdown(r, out);
  }
}

std::vector<const SobolIndex*> sobol_rows(const SobolIndices& s, bool groups) {
  std::vector<const SobolIndex*> rows;
  for (const SobolIndex& i : s.indices)
    if ((i.kind == "group") == groups) rows.push_back(&i);
  if (!groups)
    std::stable_sort(rows.begin(), rows.end(), [](const SobolIndex* a, const SobolIndex* b) {
      return (std::isnan(a->total) ? -1.0 : a->total) > (std::isnan(b->total) ? -1.0 : b->total);
    });
  return rows;
}

}  // namespace riskcast
