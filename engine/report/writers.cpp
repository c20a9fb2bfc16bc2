#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "riskcast/diagnostics.hpp"
#include "riskcast/report.hpp"

namespace riskcast {

bool is_share_unit(const std::string& unit) {
  return unit == "share" || unit.rfind("share ", 0) == 0 || unit == "%" || unit == "fraction";
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::Table;
  if (name == "csv") return Format::Csv;
  if (name == "json") return Format::Json;
  if (name == "markdown" || name == "md") return Format::Markdown;
  return std::nullopt;
}

std::optional<Format> format_for_path(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with(".json")) return Format::Json;
  if (ends_with(".csv")) return Format::Csv;
  if (ends_with(".md")) return Format::Markdown;
  return std::nullopt;
}

std::string_view file_extension(Format format) {
  switch (format) {
    case Format::Table:
      return "txt";
    case Format::Csv:
      return "csv";
    case Format::Json:
      return "json";
    case Format::Markdown:
      return "md";
  }
  return "txt";
}

std::string format_count(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

// A nonzero finite value rounded to `significant` digits: its digits
// ("150" for 1.5e12 at 3) and the decimal exponent of the first
// (12), taken from the text printf rounds to, so the digits shown are the
// digits chosen (999.95e3 at 3 digits is 1.00e6, not 1000e3).
struct Rounded {
  std::string digits;
  int exponent = 0;
};

Rounded round_to(double v, int significant) {
  const std::string text = fmt::format("{:.{}e}", std::fabs(v), significant - 1);
  const std::size_t e = text.find('e');
  Rounded r;
  for (char c : text.substr(0, e))
    if (c != '.') r.digits += c;
  r.exponent = std::stoi(text.substr(e + 1));
  return r;
}

// `digits` with a decimal point after the first `whole` of them, trailing
// zeros after the point dropped.
std::string place_point(const std::string& digits, int whole) {
  std::string out = digits.substr(0, static_cast<std::size_t>(whole));
  std::string fraction = digits.substr(static_cast<std::size_t>(whole));
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

// Shares closer to 0 than this are rounding noise of a fraction of a whole
// (1 − (a + b) / c with a + b = c leaves −1e−17): they print as 0 with no sign.
constexpr double kShareNoise = 1e-15;

}  // namespace

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0.0) return "0";
  // Below 10,000 (after rounding to 4 digits): 4 significant digits, plain
  // from 0.0001 up, e-notation below.
  static_assert(kSuffixFrom == 1e4 && kScientificFrom == 1e15, "the exponents below");
  if (round_to(v, 4).exponent < 4) return fmt::format("{:.4g}", v);
  const Rounded r = round_to(v, 3);
  if (r.exponent >= 15) return fmt::format("{:.3g}", v);
  const int group = r.exponent / 3;
  return (v < 0 ? "-" : "") + place_point(r.digits, r.exponent - 3 * group + 1) +
         std::string(kNumberSuffixes[static_cast<std::size_t>(group)]);
}

std::string format_percentage(double share) {
  if (!std::isfinite(share)) return format_number(share);
  const double pct = share * 100.0 + 0.0;  // + 0.0: −0 prints as 0
  if (pct == 0.0) return "0.0";
  if (std::fabs(share) < kShareNoise) return "0.00";
  // Nonzero but below what two decimals show: significant digits, so a
  // rare outcome does not read as none.
  if (std::fabs(pct) < 0.005) return format_number(pct);
  // Two decimals below 10 %, one below 1000 %, then significant digits;
  // each chosen on the rounded text, so 9.996 % is "10.0", not "10.00".
  std::string text = fmt::format("{:.2f}", pct);
  if (std::fabs(std::strtod(text.c_str(), nullptr)) < 10.0) return text;
  text = fmt::format("{:.1f}", pct);
  if (std::fabs(std::strtod(text.c_str(), nullptr)) < 1000.0) return text;
  static_assert(kPercentScientificFrom == 1e4, "{:.4g} turns to e-notation at 10^4");
  return fmt::format("{:.4g}", pct);
}

std::string format_value(double v, const std::string& unit) {
  if (is_share_unit(unit)) return std::isfinite(v) ? format_percentage(v) + "%" : format_number(v);
  return format_number(v);
}

std::size_t display_width(const std::string& text) {
  std::size_t w = 0;
  for (unsigned char c : text) w += (c & 0xc0) != 0x80;
  return w;
}

void write_aligned_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out,
                         const std::vector<bool>& left_aligned) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) line += "  ";
      const std::string pad(widths[i] - display_width(row[i]), ' ');
      const bool left = i < left_aligned.size() ? left_aligned[i] : false;
      line += left ? row[i] + pad : pad + row[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string format_exact(double value) {
  return fmt::format("{}", value);
}

std::string format_proportion(double p) {
  return format_percentage(p) + "%";
}

std::string format_proportion_interval(double low, double high) {
  return fmt::format("[{}, {}]", format_proportion(low), format_proportion(high));
}

std::string exceedance_label(double threshold) {
  return fmt::format("P(>{})", format_exact(threshold));
}

std::vector<double> exceedance_thresholds(const RunResult& result) {
  std::vector<double> thresholds;
  for (const ScenarioResult& s : result.scenarios)
    for (const OutputResult& o : s.outputs)
      for (const ExceedanceEstimate& e : o.summary.exceedances)
        if (std::find(thresholds.begin(), thresholds.end(), e.threshold) == thresholds.end())
          thresholds.push_back(e.threshold);
  return thresholds;
}

const ExceedanceEstimate* find_exceedance(const OutputSummary& summary, double threshold) {
  for (const ExceedanceEstimate& e : summary.exceedances)
    if (e.threshold == threshold) return &e;
  return nullptr;
}

void write_exceedance_csv_header(const std::vector<double>& thresholds, std::ostream& out) {
  for (double t : thresholds) {
    const std::string label = exceedance_label(t);
    out << fmt::format(",{0},{0} ci_low,{0} ci_high", csv_field(label));
  }
}

void write_exceedance_csv_fields(const OutputSummary& summary, const std::vector<double>& thresholds,
                                 std::ostream& out) {
  for (double t : thresholds) {
    if (const ExceedanceEstimate* e = find_exceedance(summary, t))
      out << fmt::format(",{},{},{}", format_exact(e->probability), format_exact(e->ci_low), format_exact(e->ci_high));
    else
      out << ",,,";
  }
}

double interval_half_width(double estimate, double low, double high) {
  if (is_open(low) || is_open(high)) return std::numeric_limits<double>::infinity();
  return std::max(estimate - low, high - estimate);
}

namespace {
// A distance for people: shares in percentage points without a unit.
std::string format_distance(double v, const std::string& unit) {
  return is_share_unit(unit) ? format_percentage(v) : format_value(v, unit);
}
}  // namespace

std::string format_interval_error(double estimate, double low, double high, const std::string& unit) {
  if (is_open(low) && is_open(high)) return "±∞";
  if (is_open(low)) return fmt::format("−∞/+{}", format_distance(high - estimate, unit));
  if (is_open(high)) return fmt::format("−{}/+∞", format_distance(estimate - low, unit));
  return "±" + format_distance(interval_half_width(estimate, low, high), unit);
}

std::string format_interval_end(double end, const std::string& unit) {
  if (is_open(end)) return end < 0 ? "−∞" : "+∞";
  return format_value(end, unit);
}

std::string format_statistic(double value, const std::string& unit) {
  return std::isnan(value) ? "—" : format_value(value, unit);
}

nlohmann::ordered_json json_number(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json();
}

bool has_open_interval(const OutputSummary& s) {
  if (is_open(s.mean_ci_low) || is_open(s.mean_ci_high)) return true;
  return std::any_of(s.percentiles.begin(), s.percentiles.end(),
                     [](const PercentileEstimate& q) { return is_open(q.ci_low) || is_open(q.ci_high); });
}

namespace {

void write_table(const RunResult& r, std::ostream& out) {
  bool first = true, any_open = false;
  for (const ScenarioResult& s : r.scenarios) {
    if (!first) out << '\n';
    first = false;
    out << fmt::format("{} · scenario {} · {} samples, seed {}\n", r.model, s.name, r.samples, r.seed);
    if (!s.description.empty()) out << fmt::format("  {}\n", s.description);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"output", "mean", "sd"};
    for (double p : r.percentiles) header.push_back(percentile_label(p));
    rows.push_back(header);
    std::vector<std::vector<std::string>> exceedances = {{"exceedance", "P(X > t)", "95% CI"}};
    for (const OutputResult& o : s.outputs) {
      const std::string& unit = o.metadata.unit;
      const OutputSummary& sum = o.summary;
      std::vector<std::string> row = {o.name, format_value(sum.mean, unit), format_statistic(sum.sd, unit)};
      std::vector<std::string> errors = {"  ±95% CI",
                                         format_interval_error(sum.mean, sum.mean_ci_low, sum.mean_ci_high, unit), ""};
      for (double p : r.percentiles) {
        const PercentileEstimate& q = sum.percentile(p);
        row.push_back(format_value(q.value, unit));
        errors.push_back(format_interval_error(q.value, q.ci_low, q.ci_high, unit));
      }
      any_open |= has_open_interval(sum);
      rows.push_back(row);
      rows.push_back(errors);
      for (const ExceedanceEstimate& e : sum.exceedances)
        exceedances.push_back({fmt::format("{} > {}", o.name, format_value(e.threshold, unit)),
                               format_proportion(e.probability), format_proportion_interval(e.ci_low, e.ci_high)});
    }
    write_aligned_table(rows, out);
    if (exceedances.size() > 1) {
      out << '\n';
      write_aligned_table(exceedances, out);
    }
  }
  bool any_share = false;
  for (const ScenarioResult& s : r.scenarios)
    for (const OutputResult& o : s.outputs) any_share |= is_share_unit(o.metadata.unit);
  out << fmt::format(
      "\n±: half-width of the 95 % Monte Carlo confidence interval (mean: Student t; percentiles: the wider side of "
      "the order-statistic interval){}\n",
      any_share ? "; shares in percentage points" : "");
  if (!exceedance_thresholds(r).empty()) out << kExceedanceNote << '\n';
  if (any_open) out << kOpenIntervalNote << '\n';
}

void write_csv(const RunResult& r, std::ostream& out) {
  const std::vector<double> thresholds = exceedance_thresholds(r);
  out << "scenario,output,mean,sd";
  for (double p : r.percentiles) out << ',' << percentile_label(p);
  write_exceedance_csv_header(thresholds, out);
  out << '\n';
  for (const ScenarioResult& s : r.scenarios) {
    for (const OutputResult& o : s.outputs) {
      // An undefined sd (one sample) is an empty field.
      out << csv_field(s.name) << ',' << csv_field(o.name) << ',' << format_exact(o.summary.mean) << ','
          << (std::isnan(o.summary.sd) ? "" : format_exact(o.summary.sd));
      for (double p : r.percentiles) out << ',' << format_exact(o.summary.percentile(p).value);
      write_exceedance_csv_fields(o.summary, thresholds, out);
      out << '\n';
    }
  }
}

void write_markdown(const RunResult& r, std::ostream& out) {
  out << fmt::format("**{}** — {} samples, seed {}\n\n", r.title.empty() ? r.model : r.title, r.samples, r.seed);
  out << "| scenario | output | mean | sd |";
  for (double p : r.percentiles) out << ' ' << percentile_label(p) << " |";
  out << "\n|---|---|---:|---:|";
  for (std::size_t i = 0; i < r.percentiles.size(); ++i) out << "---:|";
  out << '\n';
  for (const ScenarioResult& s : r.scenarios) {
    for (const OutputResult& o : s.outputs) {
      const std::string& unit = o.metadata.unit;
      out << fmt::format("| {} | {} | {} | {} |", s.name, o.name, format_value(o.summary.mean, unit),
                         format_statistic(o.summary.sd, unit));
      for (double p : r.percentiles) out << ' ' << format_value(o.summary.percentile(p).value, unit) << " |";
      out << '\n';
    }
  }
  if (exceedance_thresholds(r).empty()) return;
  out << "\n| scenario | exceedance | P(X > t) | 95% CI |\n|---|---|---:|---:|\n";
  for (const ScenarioResult& s : r.scenarios)
    for (const OutputResult& o : s.outputs)
      for (const ExceedanceEstimate& e : o.summary.exceedances)
        out << fmt::format("| {} | {} > {} | {} | {} |\n", s.name, o.name, format_value(e.threshold, o.metadata.unit),
                           format_proportion(e.probability), format_proportion_interval(e.ci_low, e.ci_high));
}

constexpr double kSummaryPercentiles[] = {0.05, 0.50, 0.95};

// A Markdown table cell: `|` would end the cell and a newline the row.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  return out;
}

// A code fence longer than any run of backticks in `text`.
std::string fence_for(const std::string& text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

}  // namespace

void write_summary_csv(const std::vector<NamedResult>& results, std::ostream& out) {
  out << "run,model,scenario,output,unit,samples,seed,mean,p5,p50,p95\n";
  for (const NamedResult& named : results) {
    const RunResult& r = named.result;
    for (const ScenarioResult& s : r.scenarios) {
      for (const OutputResult& o : s.outputs) {
        out << fmt::format("{},{},{},{},{},{},{},{}", csv_field(named.run), csv_field(r.model), csv_field(s.name),
                           csv_field(o.name), csv_field(o.metadata.unit), r.samples, r.seed, o.summary.mean);
        for (double p : kSummaryPercentiles) out << ',' << format_exact(o.summary.percentile(p).value);
        out << '\n';
      }
    }
  }
}

void write_summary_markdown(const std::string& title, const std::vector<NamedResult>& results,
                            const std::vector<FailedRun>& failed, std::ostream& out) {
  out << fmt::format("# {}\n\n", title.empty() ? std::string("Batch results") : markdown_cell(title));
  out << fmt::format("{}: {} succeeded, {} failed.\n\n", counted(results.size() + failed.size(), "run"), results.size(),
                     failed.size());
  if (!results.empty()) {
    out << "| run | model | scenario | output | unit | samples | seed | mean | P5 | P50 | P95 |\n"
           "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const NamedResult& named : results) {
      const RunResult& r = named.result;
      for (const ScenarioResult& s : r.scenarios) {
        for (const OutputResult& o : s.outputs) {
          const std::string& unit = o.metadata.unit;
          out << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |", markdown_cell(named.run),
                             markdown_cell(r.model), markdown_cell(s.name), markdown_cell(o.name), markdown_cell(unit),
                             format_count(r.samples), r.seed, format_value(o.summary.mean, unit));
          for (double p : kSummaryPercentiles) out << ' ' << format_value(o.summary.percentile(p).value, unit) << " |";
          out << '\n';
        }
      }
    }
  }
  if (!failed.empty()) {
    out << (results.empty() ? "" : "\n") << "## Failed runs\n";
    for (const FailedRun& f : failed) {
      std::string error = f.error;
      while (!error.empty() && error.back() == '\n') error.pop_back();
      const std::string fence = fence_for(error);
      out << fmt::format("\n### {}\n\n{}text\n{}\n{}\n", markdown_cell(f.run), fence, error, fence);
    }
  }
}

nlohmann::ordered_json percentiles_json(const std::vector<PercentileEstimate>& percentiles) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const PercentileEstimate& q : percentiles)
    a.push_back(
        {{"p", q.p}, {"value", q.value}, {"ci_low", json_number(q.ci_low)}, {"ci_high", json_number(q.ci_high)}});
  return a;
}

nlohmann::ordered_json summary_json(const OutputSummary& s, SummaryFields fields) {
  nlohmann::ordered_json j;
  j["n"] = s.n;
  j["mean"] = s.mean;
  j["sd"] = json_number(s.sd);  // null for n < 2
  j["mean_se"] = json_number(s.mean_se);
  j["min"] = s.min;
  j["max"] = s.max;
  j["percentiles"] = percentiles_json(s.percentiles);  // open ends null
  if (fields == SummaryFields::Stored) return j;
  j["mean_ci_low"] = json_number(s.mean_ci_low);
  j["mean_ci_high"] = json_number(s.mean_ci_high);
  if (!s.exceedances.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const ExceedanceEstimate& e : s.exceedances)
      a.push_back(
          {{"threshold", e.threshold}, {"probability", e.probability}, {"ci_low", e.ci_low}, {"ci_high", e.ci_high}});
    j["exceedances"] = std::move(a);
  }
  return j;
}

nlohmann::ordered_json to_json(const RunResult& r) {
  nlohmann::ordered_json doc;
  doc["schema"] = kResultSchema;
  doc["model"] = r.model;
  doc["samples"] = r.samples;
  doc["seed"] = r.seed;
  doc["method"] = r.method;
  doc["first_sample"] = r.first_sample;
  doc["engine_version"] = r.engine_version;
  doc["numerics_version"] = r.numerics_version;
  doc["scenarios"] = nlohmann::ordered_json::array();
  for (const ScenarioResult& s : r.scenarios) {
    nlohmann::ordered_json scenario;
    scenario["name"] = s.name;
    if (!s.description.empty()) scenario["description"] = s.description;
    nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
    for (const OutputResult& o : s.outputs) {
      nlohmann::ordered_json out;
      if (!o.metadata.unit.empty()) out["unit"] = o.metadata.unit;
      out.update(summary_json(o.summary));
      outputs[o.name] = std::move(out);
    }
    scenario["outputs"] = std::move(outputs);
    doc["scenarios"].push_back(std::move(scenario));
  }
  return doc;
}

std::string format_result(const RunResult& result, Format format) {
  std::ostringstream text;
  write_result(result, format, text);
  return text.str();
}

void write_result(const RunResult& r, Format format, std::ostream& out) {
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

}  // namespace riskcast
