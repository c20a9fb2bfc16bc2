// One output across scenarios, one line each: what `riskcast compare` prints.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "riskcast/report.hpp"
#include "riskcast/sensitivity_report.hpp"

namespace riskcast {

namespace {

// P5, P50 and P95 and the percentiles the user chose, ascending, each once.
std::vector<double> shown_percentiles(std::span<const double> chosen) {
  const double always[] = {0.05, 0.50, 0.95};
  std::vector<double> shown(std::begin(always), std::end(always));
  shown.insert(shown.end(), chosen.begin(), chosen.end());
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  return shown;
}

// A probability output across scenarios: P with its interval, and from the
// second scenario on its paired difference from the first.
void write_probability_table(const RunResult& r, const std::string& output, std::ostream& out) {
  out << fmt::format("{} · {} (probability) by scenario · {}\n", r.model, output, samples_and_seed(r));
  const std::string& first = r.scenarios.front().name;
  std::vector<std::vector<std::string>> rows = {{"scenario", "P", "95% CI", "vs " + first, "95% CI"}};
  for (const ScenarioResult& s : r.scenarios) {
    const OutputResult& o = s.outputs.front();
    const ProportionEstimate& p = *o.summary.probability;
    std::vector<std::string> row = {s.name, format_proportion(p.estimate),
                                    format_proportion_interval(p.ci_low, p.ci_high), "", ""};
    if (const std::optional<PairedProportionDifference>& d = o.difference) {
      row[3] = format_difference(d->estimate, "share");
      row[4] = format_difference_interval(*d);
    }
    rows.push_back(std::move(row));
  }
  if (r.scenarios.size() < 2)
    for (auto& row : rows) row.resize(3);
  write_aligned_table(rows, out);
  out << kProbabilityNote << '\n';
  if (r.scenarios.size() >= 2) out << probability_difference_note(first) << '\n';
}

void write_probability_csv(const RunResult& r, std::ostream& out) {
  out << "scenario,output,probability,probability ci_low,probability ci_high,difference,difference ci_low,"
         "difference ci_high\n";
  for (const ScenarioResult& s : r.scenarios) {
    const OutputResult& o = s.outputs.front();
    const ProportionEstimate& p = *o.summary.probability;
    out << fmt::format("{},{},{},{},{}", csv_field(s.name), csv_field(o.name), format_exact(p.estimate),
                       format_exact(p.ci_low), format_exact(p.ci_high));
    if (o.difference)
      out << fmt::format(",{},{},{}\n", format_exact(o.difference->estimate), format_exact(o.difference->ci_low),
                         format_exact(o.difference->ci_high));
    else
      out << ",,,\n";
  }
}

void write_probability_markdown(const RunResult& r, const std::string& output, std::ostream& out) {
  out << fmt::format("**{}** — `{}` (probability) by scenario, {}\n\n", r.title.empty() ? r.model : r.title, output,
                     samples_and_seed(r));
  const std::string& first = r.scenarios.front().name;
  out << fmt::format("| scenario | P | 95% CI | vs {} | 95% CI |\n|---|---:|---:|---:|---:|\n", first);
  for (const ScenarioResult& s : r.scenarios) {
    const OutputResult& o = s.outputs.front();
    const ProportionEstimate& p = *o.summary.probability;
    out << fmt::format("| {} | {} | {} |", s.name, format_proportion(p.estimate),
                       format_proportion_interval(p.ci_low, p.ci_high));
    if (const std::optional<PairedProportionDifference>& d = o.difference)
      out << fmt::format(" {} | {} |\n", format_difference(d->estimate, "share"), format_difference_interval(*d));
    else
      out << "  |  |\n";
  }
}

void write_table(const RunResult& r, const std::vector<double>& shown, const std::string& output,
                 const std::string& unit, std::ostream& out) {
  out << fmt::format("{} · {}{} by scenario · {}\n", r.model, output, unit.empty() ? "" : " (" + unit + ")",
                     samples_and_seed(r));
  const std::vector<double> thresholds = exceedance_thresholds(r);
  std::vector<std::string> header = {"scenario", "mean"};
  for (double p : shown) header.push_back(percentile_label(p));
  for (double t : thresholds) header.push_back(fmt::format("P(>{})", format_threshold(t, unit)));
  std::vector<std::vector<std::string>> rows = {header};
  double error = 0.0;        // widest 95 % CI half-width of any number shown
  double probability = 0.0;  // and of any exceedance probability
  for (const ScenarioResult& s : r.scenarios) {
    const OutputSummary& sum = s.outputs.front().summary;
    std::vector<std::string> row = {s.name, format_value(sum.mean, unit)};
    error = std::max(error, interval_half_width(sum.mean, sum.mean_ci_low, sum.mean_ci_high));
    for (double p : shown) {
      const PercentileEstimate& q = sum.percentile(p);
      row.push_back(format_value(q.value, unit));
      error = std::max(error, interval_half_width(q.value, q.ci_low, q.ci_high));
    }
    for (double t : thresholds) {
      const ExceedanceEstimate* e = find_exceedance(sum, t);
      row.push_back(e ? format_proportion(e->probability) : "");
      if (e) probability = std::max(probability, interval_half_width(e->probability, e->ci_low, e->ci_high));
    }
    rows.push_back(std::move(row));
  }
  write_aligned_table(rows, out);
  if (std::isinf(error))
    out << "Monte Carlo error: some 95 % intervals of the numbers above are open (too few samples to bound them); "
           "--format json has every interval\n";
  else
    out << fmt::format("Monte Carlo error (95 % CI half-width): at most ±{} on any {}above\n",
                       is_share_unit(unit) ? format_percentage(error) + " points" : format_value(error, unit),
                       thresholds.empty() ? "number " : "mean or percentile ");
  if (!thresholds.empty())
    out << fmt::format(
        "P(>t): the share of samples strictly above t; its exact binomial (Clopper–Pearson) 95 % "
        "interval reaches at most ±{} points from it\n",
        format_percentage(probability));
}

void write_csv(const RunResult& r, const std::vector<double>& shown, std::ostream& out) {
  const std::vector<double> thresholds = exceedance_thresholds(r);
  out << "scenario,output,mean";
  for (double p : shown) out << ',' << percentile_label(p);
  write_exceedance_csv_header(thresholds, out);
  out << '\n';
  for (const ScenarioResult& s : r.scenarios) {
    const OutputResult& o = s.outputs.front();
    out << csv_field(s.name) << ',' << csv_field(o.name) << ',' << format_exact(o.summary.mean);
    for (double p : shown) out << ',' << format_exact(o.summary.percentile(p).value);
    write_exceedance_csv_fields(o.summary, thresholds, out);
    out << '\n';
  }
}

void write_markdown(const RunResult& r, const std::vector<double>& shown, const std::string& output,
                    const std::string& unit, std::ostream& out) {
  out << fmt::format("**{}** — `{}` by scenario, {}\n\n", r.title.empty() ? r.model : r.title, output,
                     samples_and_seed(r));
  const std::vector<double> thresholds = exceedance_thresholds(r);
  out << "| scenario | mean |";
  for (double p : shown) out << ' ' << percentile_label(p) << " |";
  for (double t : thresholds) out << fmt::format(" P(>{}) | 95% CI |", format_threshold(t, unit));
  out << "\n|---|---:|";
  for (std::size_t i = 0; i < shown.size() + 2 * thresholds.size(); ++i) out << "---:|";
  out << '\n';
  for (const ScenarioResult& s : r.scenarios) {
    const OutputSummary& sum = s.outputs.front().summary;
    out << fmt::format("| {} | {} |", s.name, format_value(sum.mean, unit));
    for (double p : shown) out << ' ' << format_value(sum.percentile(p).value, unit) << " |";
    for (double t : thresholds) {
      const ExceedanceEstimate* e = find_exceedance(sum, t);
      out << fmt::format(" {} | {} |", e ? format_proportion(e->probability) : "",
                         e ? format_proportion_interval(e->ci_low, e->ci_high) : "");
    }
    out << '\n';
  }
}

}  // namespace

std::string format_comparison(const RunResult& result, Format format, std::span<const double> chosen) {
  for (const ScenarioResult& s : result.scenarios)
    if (s.outputs.empty()) throw std::invalid_argument("a comparison needs an output in every scenario");
  if (result.scenarios.empty()) throw std::invalid_argument("a comparison needs a scenario");
  const OutputResult& first = result.scenarios.front().outputs.front();
  const std::vector<double> shown = shown_percentiles(chosen);
  std::ostringstream text;
  if (first.summary.probability && format != Format::Json) {
    for (const ScenarioResult& s : result.scenarios)
      if (!s.outputs.front().summary.probability)
        throw std::invalid_argument("a comparison of a probability output needs its estimate in every scenario");
    if (format == Format::Table)
      write_probability_table(result, first.name, text);
    else if (format == Format::Csv)
      write_probability_csv(result, text);
    else
      write_probability_markdown(result, first.name, text);
    return text.str();
  }
  switch (format) {
    case Format::Table:
      write_table(result, shown, first.name, first.metadata.unit, text);
      break;
    case Format::Csv:
      write_csv(result, shown, text);
      break;
    case Format::Markdown:
      write_markdown(result, shown, first.name, first.metadata.unit, text);
      break;
    case Format::Json:
      return format_result(result, Format::Json);
  }
  return text.str();
}

}  // namespace riskcast
