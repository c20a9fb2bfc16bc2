// The HTML report: page frame, tables and the standard sections.
#include "riskcast/html_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "riskcast/report.hpp"
#include "riskcast/sensitivity_report.hpp"
#include "riskcast/version.hpp"

namespace riskcast::html {

using chart::xml_escape;

namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
       margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; line-height: 1.45; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #0072B2; }
h3 { font-size: 1.05em; margin: 22px 0 8px; }
p.subtitle { color: #555; margin: 0 0 12px; }
nav ol { columns: 2; margin: 8px 0 0; padding-left: 20px; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f3f6f9; border-bottom: 2px solid #bbb; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td small, p.note { color: #666; }
td small { display: block; font-size: 0.85em; }
p.note { font-size: 0.9em; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
figure { margin: 10px 0 18px; }
figure svg { max-width: 100%; height: auto; border: 1px solid #e5e5e5; }
figcaption { color: #555; font-size: 0.9em; max-width: 760px; }
.wide { overflow-x: auto; }
)";

// A value over its 95 % interval; an open end shows as −∞ / +∞.
std::string with_interval(const PercentileEstimate& q, const std::string& unit) {
  return fmt::format("{}\n{} – {}", format_value(q.value, unit), format_interval_end(q.ci_low, unit),
                     format_interval_end(q.ci_high, unit));
}

std::string mean_with_interval(const OutputSummary& s, const std::string& unit) {
  return fmt::format("{}\n{} – {}", format_value(s.mean, unit), format_interval_end(s.mean_ci_low, unit),
                     format_interval_end(s.mean_ci_high, unit));
}

// A difference over its interval, signed; an open end shows as −∞ / +∞.
std::string difference_with_interval(double value, double low, double high, const std::string& unit) {
  auto end = [&](double v) { return is_open(v) ? format_interval_end(v, unit) : format_difference(v, unit); };
  return fmt::format("{}\n{} – {}", format_difference(value, unit), end(low), end(high));
}

// The open-interval footnote, where a table has an open end.
std::string open_note(bool any_open) {
  return any_open ? fmt::format("<p class=\"note\">{}</p>\n", xml_escape(std::string(kOpenIntervalNote))) : "";
}

std::string figure(const std::string& svg, const std::string& caption) {
  return fmt::format("<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n", svg, xml_escape(caption));
}

std::string paragraph(const std::string& text, const char* css_class = nullptr) {
  return fmt::format("<p{}>{}</p>\n", css_class ? fmt::format(" class=\"{}\"", css_class) : "", xml_escape(text));
}

std::string unit_text(const std::string& unit) {
  return is_share_unit(unit) ? (unit == "share" ? "share (%)" : unit + " (%)") : unit;
}

}  // namespace

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& numeric) {
  auto is_numeric = [&](std::size_t i) { return i < numeric.size() && numeric[i]; };
  std::string out = "<div class=\"wide\"><table>\n<thead><tr>";
  for (std::size_t i = 0; i < header.size(); ++i)
    out += fmt::format("<th{}>{}</th>", is_numeric(i) ? " class=\"num\"" : "", xml_escape(header[i]));
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string& cell = row[i];
      const std::size_t cut = cell.find('\n');
      std::string content = xml_escape(cell.substr(0, cut));
      if (cut != std::string::npos) content += fmt::format("<small>{}</small>", xml_escape(cell.substr(cut + 1)));
      out += fmt::format("<td{}>{}</td>", is_numeric(i) ? " class=\"num\"" : "", content);
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table></div>\n";
}

std::string render_page(const Page& page) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"riskcast {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<header>\n<h1>{}</h1>\n",
      kContentSecurityPolicy, kVersion, xml_escape(page.title), kStyle, xml_escape(page.title));
  if (!page.subtitle.empty()) out += paragraph(page.subtitle, "subtitle");
  out += "<nav aria-label=\"contents\"><ol>\n";
  for (const Section& s : page.sections)
    out += fmt::format("<li><a href=\"#{}\">{}</a></li>\n", xml_escape(s.id), xml_escape(s.title));
  out += "</ol></nav>\n</header>\n<main>\n";
  for (const Section& s : page.sections)
    out +=
        fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", xml_escape(s.id), xml_escape(s.title), s.body);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

namespace {

// P over its interval.
std::string probability_with_interval(const ProportionEstimate& p) {
  return fmt::format("{}\n{}", format_proportion(p.estimate), format_proportion_interval(p.ci_low, p.ci_high));
}

// A paired difference of P over its interval.
std::string difference_with_interval(const PairedProportionDifference& d) {
  return fmt::format("{}\n{}", format_difference(d.estimate, "share"), format_difference_interval(d));
}

// The headline of a probability output: P in each scenario and its paired
// difference from the first, with the bars of P.
void probability_headline(const RunResult& result, const Model& model, std::size_t output, Section& section) {
  const std::string& from = result.scenarios.front().name;
  std::vector<std::vector<std::string>> rows;
  for (const ScenarioResult& s : result.scenarios) {
    const OutputResult& o = s.outputs[output];
    const Scenario* declared = model.find_scenario(s.name);
    const PairedProportionDifference* d = o.difference ? &*o.difference : nullptr;
    rows.push_back({s.name, probability_with_interval(*o.summary.probability), d ? difference_with_interval(*d) : "",
                    declared ? declared->description : s.description});
  }
  section.body += table({"scenario", "P", "vs " + from, "description"}, rows, {false, true, true, false});
  section.body += paragraph(std::string(kProbabilityNote) + ". " +
                                (result.scenarios.size() >= 2 ? probability_difference_note(from) + "." : ""),
                            "note");
  if (result.scenarios.size() >= 2)
    section.body += figure(chart::probability_svg(chart::scenario_probabilities(result, output)),
                           "Each bar is a scenario's P; the whisker its exact 95 % interval.");
}

}  // namespace

Section headline_section(const RunResult& result, const Model& model, std::size_t output) {
  Section section{"headline", "Headline: scenarios compared", ""};
  if (result.scenarios.empty() || result.scenarios.front().outputs.size() <= output) {
    section.body = paragraph("The run has no outputs.");
    return section;
  }
  const OutputResult& first = result.scenarios.front().outputs[output];
  if (first.summary.probability) {
    std::string intro = fmt::format("{}: the probability that it is 1, in each scenario.", first.name);
    if (!first.metadata.note.empty()) intro += fmt::format(" Note: {}", first.metadata.note);
    section.body += paragraph(intro);
    probability_headline(result, model, output, section);
    return section;
  }
  const std::string& unit = first.metadata.unit;
  std::string intro = fmt::format("{}{} in each scenario.", first.name,
                                  unit.empty() ? "" : fmt::format(" ({})", is_share_unit(unit) ? "%" : unit));
  if (!first.metadata.note.empty()) intro += fmt::format(" Note: {}", first.metadata.note);
  section.body += paragraph(intro);
  std::vector<std::vector<std::string>> rows;
  bool any_open = false;
  for (const ScenarioResult& s : result.scenarios) {
    const OutputSummary& sum = s.outputs[output].summary;
    any_open |= has_open_interval(sum);
    const Scenario* declared = model.find_scenario(s.name);
    rows.push_back({s.name, mean_with_interval(sum, unit), with_interval(sum.percentile(0.05), unit),
                    with_interval(sum.percentile(0.50), unit), with_interval(sum.percentile(0.95), unit),
                    declared ? declared->description : s.description});
  }
  section.body +=
      table({"scenario", "mean", "P5", "P50", "P95", "description"}, rows, {false, true, true, true, true, false});
  section.body += paragraph(
      "Under each number: its 95 % Monte Carlo confidence interval (the mean's from Student's t, each "
      "percentile's distribution-free, from order statistics). Scenarios share random numbers, so their "
      "differences are measured sample by sample.",
      "note");
  section.body += open_note(any_open);
  if (result.scenarios.size() >= 2)
    section.body += figure(chart::scenario_svg(chart::scenario_comparison(result, output)),
                           "Each row is a scenario: the whisker spans P5 – P95, the box P25 – P75, the black tick "
                           "is the median and the orange dot the mean.");
  return section;
}

Section distribution_section(const ScenarioResult& scenario, chart::Histogram histogram, std::size_t output) {
  Section section{"distributions", fmt::format("Distributions in scenario {}", scenario.name), ""};
  if (scenario.outputs.size() <= output) return section;
  if (scenario.outputs[output].summary.probability)
    section.body += figure(chart::probability_svg(chart::output_probability(scenario, output)),
                           "A probability output is 0 or 1 in every sample: the bar is P, the share of samples that "
                           "are 1; the whisker its exact 95 % interval.");
  else
    section.body += figure(chart::histogram_svg(chart::output_histogram(scenario, output, std::move(histogram))),
                           "Bars: share of samples in each bin (left axis); line: share of samples at or below a "
                           "value (right axis). Dashed lines mark P5, P50 and P95.");
  std::vector<std::string> names;
  for (const OutputResult& o : scenario.outputs) names.push_back(o.name);
  for (const chart::QuarterlyGroup& group : chart::quarterly_groups(names)) {
    const chart::GroupKind kind = chart::group_kind(scenario, group);
    if (kind == chart::GroupKind::Mixed) continue;
    section.body += fmt::format("<h3>{} by quarter</h3>\n", xml_escape(group.prefix));
    if (kind == chart::GroupKind::Probabilities)
      section.body += figure(chart::probability_svg(chart::quarterly_probabilities(scenario, group)),
                             "Each bar is a quarter's P; the whisker its exact 95 % interval.");
    else
      section.body += figure(chart::fan_svg(chart::quarterly_fan(scenario, group)),
                             "The light band holds the middle 90 % of samples (P5 – P95), the dark band the middle "
                             "50 % (P25 – P75); the line is the median.");
  }
  return section;
}

Section sobol_section(const SensitivityResult& r) {
  const SobolIndices& s = *r.sobol;
  Section section{"sobol", fmt::format("Sobol indices of {} in scenario {}", r.output, r.scenario), ""};
  section.body += paragraph(fmt::format(
      "The share of the variance of {} each input explains alone (first order S) and has a hand in, "
      "interactions included (total ST); an event or a group counts all its randomness at once, every month. "
      "N = {} base rows, {} inputs: {} model evaluations. How to read this section: docs/analysis.md.",
      r.output, format_count(s.base_samples), s.inputs, format_count(s.evaluations)));
  if (r.output_constant) {
    section.body += paragraph(fmt::format("{} is constant: it has no variance to apportion.", r.output));
    return section;
  }
  section.body += figure(chart::sobol_svg(chart::sobol_chart(r)),
                         "Bars: first order (blue) and total (orange) index; whiskers: 95 % confidence intervals "
                         "(delta method). The table below lists every input and group.");
  std::vector<std::vector<std::string>> rows;
  auto cell = [](double v, double lo, double hi) {
    return std::isnan(v) ? std::string{} : fmt::format("{:.3f}\n[{:.3f}, {:.3f}]", v, lo, hi);
  };
  for (const bool groups : {false, true})  // the order of the command's table and of the chart
    for (const SobolIndex* i : sobol_rows(s, groups))
      rows.push_back({i->name, groups ? fmt::format("group: {}", fmt::join(i->members, ", ")) : i->kind,
                      cell(i->first, i->first_low, i->first_high), cell(i->total, i->total_low, i->total_high)});
  section.body += table({"input", "kind", "S", "ST"}, rows, {false, false, true, true});
  return section;
}

Section sensitivity_section(const SensitivityResult& r) {
  Section section{"sensitivity", fmt::format("What drives {} in scenario {}", r.output, r.scenario), ""};
  section.body += paragraph(fmt::format(
      "Spearman rank correlation ρ of {} with each parameter and with each event's yearly summary, over the {} "
      "samples of scenario {}: +1 if the output always rises with the input, −1 if it always falls, 0 if their "
      "ranks are unrelated. How to read this section: docs/analysis.md.",
      r.output, format_count(r.samples), r.scenario));
  std::vector<std::vector<std::string>> rows;
  if (r.output_constant) {
    section.body +=
        paragraph(fmt::format("{} is constant ({}) in every sample of scenario {}: no input can move it, "
                              "so no input has a rank correlation with it.",
                              r.output, format_value(r.output_summary.min, r.unit), r.scenario));
  } else {
    const chart::TornadoChart tornado = chart::sensitivity_tornado(r);
    section.body += figure(chart::tornado_svg(tornado),
                           fmt::format("The {} inputs with the largest |ρ|; whiskers: 95 % confidence intervals (an "
                                       "arrow: open, too few samples to bound ρ on that side). The table below lists "
                                       "every input.",
                                       tornado.rows.size()));
    const bool swings = !r.output_summary.probability.has_value();
    for (const Driver& d : r.tornado) {
      rows.push_back(
          {d.label, d.kind, d.constant ? "constant" : format_rho(d.rho), d.constant ? "" : format_rho_interval(d)});
      if (swings) rows.back().push_back(format_swing(d, r.unit));
    }
    if (swings)
      section.body += table({"input", "kind", "ρ", "95 % CI", "swing"}, rows, {false, false, true, true, true});
    else
      section.body += table({"input", "kind", "ρ", "95 % CI"}, rows, {false, false, true, true});
    if (swings) section.body += paragraph(swing_note(r), "note");
    if (!r.correlated.empty()) section.body += paragraph(correlated_inputs_note(r), "note");
  }

  const bool probability = r.output_summary.probability.has_value();
  if (probability && !r.conditionals.empty()) {
    section.body += fmt::format("<h3>P({}) given each event outcome</h3>\n", xml_escape(r.output));
    rows.clear();
    for (const ConditionalOutcome& c : r.conditionals)
      rows.push_back(
          {c.event, c.outcome, format_probability(c.probability), probability_with_interval(*c.output_probability)});
    section.body += table({"event", "outcome", "probability", probability_column(r)}, rows, {false, false, true, true});
  } else if (!r.conditionals.empty()) {
    section.body += fmt::format("<h3>{} given each event outcome</h3>\n", xml_escape(r.output));
    rows.clear();
    for (const ConditionalOutcome& c : r.conditionals) {
      std::vector<std::string> row = {c.event,
                                      c.few_samples ? fmt::format("{} (n={}, wide)", c.outcome, c.samples) : c.outcome,
                                      format_probability(c.probability)};
      for (double p : kConditionalPercentiles) row.push_back(with_interval(percentile_in(c.percentiles, p), r.unit));
      rows.push_back(std::move(row));
    }
    section.body +=
        table({"event", "outcome", "probability", "P10", "P50", "P90"}, rows, {false, false, true, true, true, true});
  }

  if (probability) {
    if (!r.deltas.empty()) {
      section.body += fmt::format("<h3>Each scenario's P minus base's, sample by sample</h3>\n");
      rows.clear();
      for (const ScenarioDelta& d : r.deltas)
        rows.push_back({d.scenario, difference_with_interval(*d.probability_difference)});
      section.body += table({"scenario", "vs base"}, rows, {false, true});
    }
    section.body +=
        paragraph(fmt::format("Under each P: its 95 % interval. {}.", fmt::join(probability_notes(r), ". ")), "note");
  } else if (!r.deltas.empty()) {
    section.body += fmt::format("<h3>Each scenario minus base, sample by sample</h3>\n");
    rows.clear();
    for (const ScenarioDelta& d : r.deltas) {
      const OutputSummary& s = d.difference;
      std::vector<std::string> row = {d.scenario,
                                      difference_with_interval(s.mean, s.mean_ci_low, s.mean_ci_high, r.unit)};
      for (double p : kDeltaPercentiles) {
        const PercentileEstimate& q = percentile_in(s.percentiles, p);
        row.push_back(difference_with_interval(q.value, q.ci_low, q.ci_high, r.unit));
      }
      rows.push_back(std::move(row));
    }
    section.body += table({"scenario", "mean", "P5", "P50", "P95"}, rows, {false, true, true, true, true});
    section.body += paragraph(
        "Scenarios share random numbers, so each difference is taken within a sample: a narrower spread than "
        "comparing the two distributions' percentiles. Under each number: its 95 % Monte Carlo interval.",
        "note");
  }
  section.body += open_note(has_open_interval(r));
  return section;
}

Section percentile_section(const ScenarioResult& scenario) {
  Section section{"percentiles", fmt::format("Every output in scenario {}", scenario.name), ""};
  std::vector<std::string> header = {"output", "unit", "mean", "sd"};
  for (double p : kStandardPercentiles) header.push_back(percentile_label(p));
  std::vector<std::vector<std::string>> rows, probabilities;
  bool any_open = false;
  for (const OutputResult& o : scenario.outputs) {
    const std::string& unit = o.metadata.unit;
    const OutputSummary& sum = o.summary;
    if (sum.probability) {
      probabilities.push_back({o.name, probability_with_interval(*sum.probability)});
      continue;
    }
    std::vector<std::string> row = {
        o.name, unit_text(unit),
        fmt::format("{}\n{}", format_value(sum.mean, unit),
                    format_interval_error(sum.mean, sum.mean_ci_low, sum.mean_ci_high, unit)),
        format_statistic(sum.sd, unit)};
    for (double p : kStandardPercentiles) {
      const PercentileEstimate& q = sum.percentile(p);
      row.push_back(fmt::format("{}\n{}", format_value(q.value, unit),
                                format_interval_error(q.value, q.ci_low, q.ci_high, unit)));
    }
    rows.push_back(std::move(row));
    any_open |= has_open_interval(sum);
  }
  if (!rows.empty()) {
    std::vector<bool> numeric(header.size(), true);
    numeric[0] = numeric[1] = false;
    section.body += table(header, rows, numeric);
    section.body += paragraph(
        "±: half-width of the 95 % Monte Carlo confidence interval (the mean's from Student's t; for percentiles, "
        "the wider side; shares in percentage points).",
        "note");
    section.body += open_note(any_open);
  }
  if (!probabilities.empty()) {
    section.body += "<h3>Probability outputs</h3>\n";
    section.body += table({"output", "P"}, probabilities, {false, true});
    section.body += paragraph(std::string(kProbabilityNote) + ".", "note");
  }
  return section;
}

Section assumptions_section(const Assumptions& a, const Model& model) {
  Section section{"assumptions", "Assumptions and sources", ""};
  section.body += paragraph(fmt::format(
      "The model as written (scenario {}). Medians and 90 % intervals are exact quantiles of each distribution, not "
      "sampled. Sources are cited as the model file gives them.",
      a.scenario));
  std::vector<std::vector<std::string>> rows;
  for (const DataRow& t : a.data)
    rows.push_back({t.name, t.file, t.by, t.column, t.values, t.unit, source_with_note(t)});
  if (!rows.empty()) {
    section.body += "<h3>Data tables</h3>\n";
    section.body += paragraph("Numbers read from CSV files beside the model, the same in every sample.");
    section.body += table({"data table", "file", "by", "column", "values", "unit", "source"}, rows, {});
  }
  rows.clear();
  for (const AssumptionRow& r : a.parameters)
    rows.push_back({r.name, definition_with_solved(r), format_value(r.median, r.unit),
                    fmt::format("{} – {}", format_value(r.p5, r.unit), format_value(r.p95, r.unit)), r.unit,
                    source_with_note(r)});
  section.body += "<h3>Parameters</h3>\n";
  section.body += table({"parameter", "distribution", "median", "90 % interval (P5 – P95)", "unit", "source"}, rows,
                        {false, false, true, true, false, false});
  rows.clear();
  for (const CorrelationRow& c : a.correlations)
    rows.push_back({fmt::format("{} – {}", c.first, c.second), fmt::format("{}", c.rank_correlation)});
  if (!rows.empty()) {
    section.body += "<h3>Correlations</h3>\n";
    section.body += paragraph(
        "Rank (Spearman) correlations between parameters, drawn through a Gaussian copula: each parameter keeps its "
        "distribution; only the ranks are tied.");
    section.body += table({"correlated parameters", "rank correlation"}, rows, {false, true});
  }
  rows.clear();
  for (const AssumptionRow& r : a.events) {
    std::string definition = r.definition;
    if (r.has_numbers)
      definition += fmt::format(" (median {}, 90 % {} – {})", format_value(r.median, r.unit),
                                format_value(r.p5, r.unit), format_value(r.p95, r.unit));
    rows.push_back({r.name, definition, source_with_note(r)});
  }
  if (!rows.empty()) {
    section.body += "<h3>Events</h3>\n";
    section.body += table({"event", "definition", "source"}, rows, {});
  }
  rows.clear();
  for (const AssumptionRow& r : a.outputs) rows.push_back({r.name, r.definition, r.kind, r.unit, source_with_note(r)});
  section.body += "<h3>Outputs</h3>\n";
  section.body += table({"output", "formula", "kind", "unit", "source"}, rows, {});
  rows.clear();
  // A scenario's own rank correlations (0 removes the model's), when any
  // scenario has some.
  const bool correlated = std::any_of(model.scenarios.begin(), model.scenarios.end(),
                                      [](const Scenario& s) { return !s.correlations.empty(); });
  for (const Scenario& s : model.scenarios) {
    std::vector<std::string> row = {s.name, s.description};
    if (correlated) {
      std::vector<std::string> set;
      for (const ParameterCorrelation& c : s.correlations)
        set.push_back(fmt::format("{} – {}: {}", c.first, c.second, c.rho));
      row.push_back(fmt::format("{}", fmt::join(set, ", ")));
    }
    rows.push_back(std::move(row));
  }
  section.body += "<h3>Scenarios</h3>\n";
  if (correlated)
    section.body += table({"scenario", "description", "rank correlations it sets"}, rows, {});
  else
    section.body += table({"scenario", "description"}, rows, {});
  return section;
}

Section settings_section(const RunResult& result, const std::string& model_file) {
  Section section{"settings", "Run settings", ""};
  std::vector<std::string> scenarios;
  for (const ScenarioResult& s : result.scenarios) scenarios.push_back(s.name);
  const std::vector<std::vector<std::string>> rows = {
      {"model file", model_file},
      {"model", result.model},
      {"samples per scenario", fmt::format("{}", result.samples)},
      {"seed", fmt::format("{}", result.seed)},
      {"sampling method", result.method},
      {"scenarios", fmt::format("{}", fmt::join(scenarios, ", "))},
      {"engine", fmt::format("riskcast {} (numerics version {})", kVersion, kNumericsVersion)},
  };
  section.body += table({"setting", "value"}, rows, {});
  section.body += paragraph(
      "The numbers depend only on the model, the scenarios, the seed, the sample count and the method: they are "
      "bit-identical for any thread count, so the thread count is not recorded, and neither is the date, so the "
      "same inputs give the same page.",
      "note");
  return section;
}

}  // namespace riskcast::html
