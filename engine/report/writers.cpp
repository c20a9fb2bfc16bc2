#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "riskcast/count.hpp"
#include "riskcast/decimal.hpp"
#include "riskcast/diagnostics.hpp"
#include "riskcast/report.hpp"
#include "riskcast/sensitivity_report.hpp"

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
  // As std::filesystem reads it: ".json" alone is a hidden file's name, not an extension.
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".json") return Format::Json;
  if (extension == ".csv") return Format::Csv;
  if (extension == ".md" || extension == ".markdown") return Format::Markdown;
  if (extension == ".txt") return Format::Table;
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
std::string replicated_note(std::string_view note, const RunResult& r) {
  if (r.replicates < 2) return std::string(note);
  return fmt::format("{}; 95% CI: from the spread of the {} {} replicates (Student t)",
                     note.substr(0, note.find("; 95% CI")), r.replicates, r.method);
}
}  // namespace

std::string probability_note(const RunResult& result) {
  return replicated_note(kProbabilityNote, result);
}
std::string exceedance_note(const RunResult& result) {
  return replicated_note(kExceedanceNote, result);
}
std::string replicate_interval_method(const RunResult& result) {
  return fmt::format("replicates: Student t on {} degrees of freedom", result.replicates - 1);
}

std::string samples_and_seed(const RunResult& r) {
  std::string text = fmt::format("{}{}, seed {}", counted(r.samples, "sample"),
                                 r.first_sample ? fmt::format(" (from sample {})", r.first_sample) : "", r.seed);
  // A Monte Carlo run says nothing more: its header is as it always was.
  if (r.method != "mc")
    text += fmt::format(", {} ({}, intervals from {})", r.method, counted(r.replicates, "replicate"),
                        r.replicates >= 2 ? "their spread" : "Monte Carlo error, conservative");
  if (r.precision)
    text += r.precision->reached ? fmt::format(", precision reached at {} samples", format_count(r.samples))
                                 : fmt::format(", precision NOT reached by the maximum of {} samples",
                                               format_count(r.precision->max_samples));
  return text;
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

namespace {

// The threshold a shown number stands for: a share's text is a number of
// percent, a suffix k, M, B or T its power of ten (format_number).
std::optional<double> shown_threshold(const std::string& text, bool share) {
  if (share) return parse_threshold(text + "%");
  for (std::size_t group = 1; group < kNumberSuffixes.size(); ++group)
    if (text.ends_with(kNumberSuffixes[group]))
      return parse_real_number(
          fmt::format("{}e{}", text.substr(0, text.size() - kNumberSuffixes[group].size()), 3 * group));
  return parse_real_number(text);
}

}  // namespace

std::string format_threshold(double threshold, const std::string& unit) {
  const bool share = is_share_unit(unit);
  const std::string shown = share ? format_percentage(threshold) : format_number(threshold);
  if (shown_threshold(shown, share) == threshold) return share ? shown + "%" : shown;
  // The shortest digits that read back as the threshold, in the same style.
  DecimalDigits d = shortest_digits(threshold);
  if (share) {
    d.exponent += 2;
    static_assert(kPercentScientificFrom == 1e4);
    return (d.exponent >= -4 && d.exponent < 4 ? plain_decimal(d) : scientific_decimal(d)) + "%";
  }
  static_assert(kSuffixFrom == 1e4 && kScientificFrom == 1e15);
  if (d.exponent < 4) return d.exponent >= -4 ? plain_decimal(d) : scientific_decimal(d);
  if (d.exponent >= 15) return scientific_decimal(d);
  const int group = d.exponent / 3;
  d.exponent -= 3 * group;
  return plain_decimal(d) + std::string(kNumberSuffixes[static_cast<std::size_t>(group)]);
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

bool has_probability_output(const RunResult& r) {
  for (const ScenarioResult& s : r.scenarios)
    for (const OutputResult& o : s.outputs)
      if (o.summary.probability) return true;
  return false;
}

bool has_value_output(const RunResult& r) {
  for (const ScenarioResult& s : r.scenarios)
    for (const OutputResult& o : s.outputs)
      if (!o.summary.probability) return true;
  return false;
}

std::string format_probability_estimate(const ProportionEstimate& p) {
  return fmt::format("{} {}", format_proportion(p.estimate), format_proportion_interval(p.ci_low, p.ci_high));
}

std::string format_difference_interval(const PairedProportionDifference& d) {
  return fmt::format("[{}, {}]", format_difference(d.ci_low, "share"), format_difference(d.ci_high, "share"));
}

std::string probability_difference_note(const std::string& from) {
  return fmt::format(
      "vs {}: P minus P in {}, sample by sample (scenarios share random numbers); 95% CI: exact binomial intervals "
      "of the share of samples that differ and of the share of those that gained, combined (Bonferroni)",
      from, from);
}

nlohmann::ordered_json probability_json(const ProportionEstimate& p) {
  return {{"estimate", p.estimate},
          {"ci_low", p.ci_low},
          {"ci_high", p.ci_high},
          {"successes", p.successes},
          {"method", "clopper-pearson"}};
}

nlohmann::ordered_json difference_json(const PairedProportionDifference& d, const std::string& from) {
  return {{"from", from},
          {"estimate", d.estimate},
          {"ci_low", d.ci_low},
          {"ci_high", d.ci_high},
          {"gained", d.gained},
          {"lost", d.lost},
          {"method", "paired: Bonferroni-combined Clopper-Pearson"}};
}

namespace {

// The rows of a scenario's probability outputs: output, P, its interval.
std::vector<std::vector<std::string>> probability_rows(const ScenarioResult& s) {
  std::vector<std::vector<std::string>> rows;
  for (const OutputResult& o : s.outputs)
    if (o.summary.probability)
      rows.push_back({o.name, format_proportion(o.summary.probability->estimate),
                      format_proportion_interval(o.summary.probability->ci_low, o.summary.probability->ci_high)});
  return rows;
}

void write_table(const RunResult& r, std::ostream& out) {
  bool first = true, any_open = false;
  for (const ScenarioResult& s : r.scenarios) {
    if (!first) out << '\n';
    first = false;
    out << fmt::format("{} · scenario {} · {}\n", r.model, s.name, samples_and_seed(r));
    if (!s.description.empty()) out << fmt::format("  {}\n", s.description);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"output", "mean", "sd"};
    for (double p : r.percentiles) header.push_back(percentile_label(p));
    rows.push_back(header);
    std::vector<std::vector<std::string>> exceedances = {{"exceedance", "P(X > t)", "95% CI"}};
    for (const OutputResult& o : s.outputs) {
      const std::string& unit = o.metadata.unit;
      const OutputSummary& sum = o.summary;
      for (const ExceedanceEstimate& e : sum.exceedances)
        exceedances.push_back({fmt::format("{} > {}", o.name, format_threshold(e.threshold, unit)),
                               format_proportion(e.probability), format_proportion_interval(e.ci_low, e.ci_high)});
      if (sum.probability) continue;
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
    }
    if (rows.size() > 1) write_aligned_table(rows, out);
    std::vector<std::vector<std::string>> probabilities = probability_rows(s);
    if (!probabilities.empty()) {
      probabilities.insert(probabilities.begin(), {"probability", "P", "95% CI"});
      if (rows.size() > 1) out << '\n';
      write_aligned_table(probabilities, out);
    }
    if (exceedances.size() > 1) {
      out << '\n';
      write_aligned_table(exceedances, out);
    }
  }
  bool any_share = false;
  for (const ScenarioResult& s : r.scenarios)
    for (const OutputResult& o : s.outputs) any_share |= is_share_unit(o.metadata.unit) && !o.summary.probability;
  out << '\n';
  if (has_value_output(r) && r.replicates >= 2)
    out << fmt::format(
        "±: half-width of the 95 % interval from the spread of the {} independent {} replicates (Student t on {} "
        "degrees of freedom){}\n",
        r.replicates, r.method, r.replicates - 1, any_share ? "; shares in percentage points" : "");
  else if (has_value_output(r))
    out << fmt::format(
        "±: half-width of the 95 % Monte Carlo confidence interval (mean: Student t; percentiles: the wider side of "
        "the order-statistic interval){}{}\n",
        r.method == "lhs" ? "; for a Latin hypercube an upper bound" : "",
        any_share ? "; shares in percentage points" : "");
  if (has_probability_output(r)) out << probability_note(r) << '\n';
  if (!exceedance_thresholds(r).empty()) out << exceedance_note(r) << '\n';
  if (any_open) out << kOpenIntervalNote << '\n';
}

void write_csv(const RunResult& r, std::ostream& out) {
  const std::vector<double> thresholds = exceedance_thresholds(r);
  const bool probabilities = has_probability_output(r);
  out << "scenario,output,mean,sd";
  for (double p : r.percentiles) out << ',' << percentile_label(p);
  write_exceedance_csv_header(thresholds, out);
  if (probabilities) out << ",probability,probability ci_low,probability ci_high";
  out << '\n';
  for (const ScenarioResult& s : r.scenarios) {
    for (const OutputResult& o : s.outputs) {
      const std::optional<ProportionEstimate>& p = o.summary.probability;
      out << csv_field(s.name) << ',' << csv_field(o.name);
      if (p) {
        // A probability output has P instead of a mean, sd and percentiles.
        out << ",," << std::string(r.percentiles.size(), ',');
      } else {
        // An undefined sd (one sample) is an empty field.
        out << ',' << format_exact(o.summary.mean) << ','
            << (std::isnan(o.summary.sd) ? "" : format_exact(o.summary.sd));
        for (double q : r.percentiles) out << ',' << format_exact(o.summary.percentile(q).value);
      }
      write_exceedance_csv_fields(o.summary, thresholds, out);
      if (p)
        out << fmt::format(",{},{},{}", format_exact(p->estimate), format_exact(p->ci_low), format_exact(p->ci_high));
      else if (probabilities)
        out << ",,,";
      out << '\n';
    }
  }
}

void write_markdown(const RunResult& r, std::ostream& out) {
  out << fmt::format("**{}** — {}\n", r.title.empty() ? r.model : r.title, samples_and_seed(r));
  if (has_value_output(r)) {
    out << "\n| scenario | output | mean | sd |";
    for (double p : r.percentiles) out << ' ' << percentile_label(p) << " |";
    out << "\n|---|---|---:|---:|";
    for (std::size_t i = 0; i < r.percentiles.size(); ++i) out << "---:|";
    out << '\n';
    for (const ScenarioResult& s : r.scenarios) {
      for (const OutputResult& o : s.outputs) {
        if (o.summary.probability) continue;
        const std::string& unit = o.metadata.unit;
        out << fmt::format("| {} | {} | {} | {} |", s.name, o.name, format_value(o.summary.mean, unit),
                           format_statistic(o.summary.sd, unit));
        for (double p : r.percentiles) out << ' ' << format_value(o.summary.percentile(p).value, unit) << " |";
        out << '\n';
      }
    }
  }
  if (has_probability_output(r)) {
    out << "\n| scenario | probability | P | 95% CI |\n|---|---|---:|---:|\n";
    for (const ScenarioResult& s : r.scenarios)
      for (const std::vector<std::string>& row : probability_rows(s))
        out << fmt::format("| {} | {} | {} | {} |\n", s.name, row[0], row[1], row[2]);
  }
  if (exceedance_thresholds(r).empty()) return;
  out << "\n| scenario | exceedance | P(X > t) | 95% CI |\n|---|---|---:|---:|\n";
  for (const ScenarioResult& s : r.scenarios)
    for (const OutputResult& o : s.outputs)
      for (const ExceedanceEstimate& e : o.summary.exceedances)
        out << fmt::format("| {} | {} > {} | {} | {} |\n", s.name, o.name,
                           format_threshold(e.threshold, o.metadata.unit), format_proportion(e.probability),
                           format_proportion_interval(e.ci_low, e.ci_high));
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
  const bool probabilities = std::any_of(results.begin(), results.end(),
                                         [](const NamedResult& n) { return has_probability_output(n.result); });
  std::vector<std::string> levers;
  for (const NamedResult& n : results)
    for (const auto& [lever, value] : n.settings)
      if (std::find(levers.begin(), levers.end(), lever) == levers.end()) levers.push_back(lever);
  out << "run,model,scenario,output,unit,samples,seed,mean,p5,p50,p95";
  if (probabilities) out << ",probability,probability_ci_low,probability_ci_high";
  for (const std::string& lever : levers) out << ',' << csv_field(lever);
  out << '\n';
  auto settings_of = [&](const NamedResult& n) {
    std::string cells;
    for (const std::string& lever : levers) {
      cells += ',';
      for (const auto& [name, value] : n.settings)
        if (name == lever) cells += csv_field(value);
    }
    return cells;
  };
  for (const NamedResult& named : results) {
    const RunResult& r = named.result;
    for (const ScenarioResult& s : r.scenarios) {
      for (const OutputResult& o : s.outputs) {
        const std::optional<ProportionEstimate>& p = o.summary.probability;
        out << fmt::format("{},{},{},{},{},{},{},", csv_field(named.run), csv_field(r.model), csv_field(s.name),
                           csv_field(o.name), csv_field(o.metadata.unit), r.samples, r.seed);
        if (p) {
          out << fmt::format(",,,,{},{},{}", format_exact(p->estimate), format_exact(p->ci_low),
                             format_exact(p->ci_high));
        } else {
          out << format_exact(o.summary.mean);
          for (double q : kSummaryPercentiles) out << ',' << format_exact(o.summary.percentile(q).value);
          if (probabilities) out << ",,,";
        }
        out << settings_of(named) << '\n';
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
          out << fmt::format("| {} | {} | {} | {} | {} | {} | {} |", markdown_cell(named.run), markdown_cell(r.model),
                             markdown_cell(s.name), markdown_cell(o.name), markdown_cell(unit), format_count(r.samples),
                             r.seed);
          if (const std::optional<ProportionEstimate>& p = o.summary.probability) {
            out << fmt::format(" P = {} | | | |\n", format_probability_estimate(*p));
            continue;
          }
          out << ' ' << format_value(o.summary.mean, unit) << " |";
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
  if (s.probability) j["probability"] = probability_json(*s.probability);
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
  if (r.method != "mc") doc["replicates"] = r.replicates;
  if (r.precision) {
    nlohmann::ordered_json precision;
    precision["reached"] = r.precision->reached;
    precision["samples"] = r.samples;
    precision["max_samples"] = r.precision->max_samples;
    precision["block"] = r.precision->block;
    precision["targets"] = nlohmann::ordered_json::array();
    for (const PrecisionOutcome::Target& t : r.precision->targets) {
      nlohmann::ordered_json target;
      target["output"] = t.target.output;
      target["statistic"] = t.target.percentile ? nlohmann::ordered_json(*t.target.percentile) : "mean";
      target["halfwidth"] = t.target.halfwidth;
      target["relative"] = t.target.relative;
      target["required"] = json_number(t.required);
      target["achieved"] = json_number(t.achieved);
      target["met"] = t.met;
      precision["targets"].push_back(std::move(target));
    }
    doc["precision"] = std::move(precision);
  }
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
      if (o.metadata.kind != OutputKind::Value) out["kind"] = to_string(o.metadata.kind);
      out.update(summary_json(o.summary));
      if (o.difference) out["difference"] = difference_json(*o.difference, r.scenarios.front().name);
      if (r.replicates >= 2) {  // the intervals are the replicates', not Clopper–Pearson's
        if (out.contains("probability")) out["probability"]["method"] = replicate_interval_method(r);
        if (out.contains("difference")) out["difference"]["method"] = replicate_interval_method(r);
      }
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
