// One output across scenarios, one line each: what `riskcast compare` prints.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "riskcast/report.hpp"

namespace riskcast {

namespace {

constexpr double kShownPercentiles[] = {0.05, 0.50, 0.95};

const PercentileEstimate& percentile(const OutputSummary& s, double p) {
  for (const PercentileEstimate& q : s.percentiles)
    if (std::fabs(q.p - p) < 1e-12) return q;
  throw std::logic_error(fmt::format("run summary lacks the percentile {}", p));
}

void write_table(const RunResult& r, const std::string& output, const std::string& unit, std::ostream& out) {
  out << fmt::format("{} · {}{} by scenario · {} samples, seed {}\n", r.model, output,
                     unit.empty() ? "" : " (" + unit + ")", r.samples, r.seed);
  std::vector<std::vector<std::string>> rows = {{"scenario", "mean", "P5", "P50", "P95"}};
  double error = 0.0;  // widest 95 % CI half-width of any number shown
  for (const ScenarioResult& s : r.scenarios) {
    const OutputSummary& sum = s.outputs.front().summary;
    std::vector<std::string> row = {s.name, format_value(sum.mean, unit)};
    error = std::max(error, interval_half_width(sum.mean, sum.mean_ci_low, sum.mean_ci_high));
    for (double p : kShownPercentiles) {
      const PercentileEstimate& q = percentile(sum, p);
      row.push_back(format_value(q.value, unit));
      error = std::max(error, interval_half_width(q.value, q.ci_low, q.ci_high));
    }
    rows.push_back(std::move(row));
  }
  write_aligned_table(rows, out);
  if (std::isinf(error))
    out << "Monte Carlo error: some 95 % intervals of the numbers above are open (too few samples to bound them); "
           "--format json has every interval\n";
  else
    out << fmt::format("Monte Carlo error (95 % CI half-width): at most ±{} on any number above\n",
                       is_share_unit(unit) ? format_percentage(error) + " points" : format_value(error, unit));
}

void write_csv(const RunResult& r, std::ostream& out) {
  out << "scenario,output,mean,P5,P50,P95\n";
  for (const ScenarioResult& s : r.scenarios) {
    const OutputResult& o = s.outputs.front();
    out << fmt::format("{},{},{}", csv_field(s.name), csv_field(o.name), o.summary.mean);
    for (double p : kShownPercentiles) out << fmt::format(",{}", percentile(o.summary, p).value);
    out << '\n';
  }
}

void write_markdown(const RunResult& r, const std::string& output, const std::string& unit, std::ostream& out) {
  out << fmt::format("**{}** — `{}` by scenario, {} samples, seed {}\n\n", r.title.empty() ? r.model : r.title, output,
                     r.samples, r.seed);
  out << "| scenario | mean | P5 | P50 | P95 |\n|---|---:|---:|---:|---:|\n";
  for (const ScenarioResult& s : r.scenarios) {
    const OutputSummary& sum = s.outputs.front().summary;
    out << fmt::format("| {} | {} |", s.name, format_value(sum.mean, unit));
    for (double p : kShownPercentiles) out << ' ' << format_value(percentile(sum, p).value, unit) << " |";
    out << '\n';
  }
}

}  // namespace

std::string format_comparison(const RunResult& result, Format format) {
  for (const ScenarioResult& s : result.scenarios)
    if (s.outputs.empty()) throw std::invalid_argument("a comparison needs an output in every scenario");
  if (result.scenarios.empty()) throw std::invalid_argument("a comparison needs a scenario");
  const OutputResult& first = result.scenarios.front().outputs.front();
  std::ostringstream text;
  switch (format) {
    case Format::Table:
      write_table(result, first.name, first.metadata.unit, text);
      break;
    case Format::Csv:
      write_csv(result, text);
      break;
    case Format::Markdown:
      write_markdown(result, first.name, first.metadata.unit, text);
      break;
    case Format::Json:
      return format_result(result, Format::Json);
  }
  return text.str();
}

}  // namespace riskcast
