// Writers for run results: aligned table, CSV, JSON (riskcast.result/1), Markdown.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/format.hpp"
#include "riskcast/result.hpp"

namespace riskcast {

inline constexpr std::string_view kResultSchema = "riskcast.result/1";

nlohmann::ordered_json to_json(const RunResult& result);
// The header lines' "10 samples, seed 1", with "(from sample 5)" after the
// count when the run's first sample is not 0 (a split run).
std::string samples_and_seed(const RunResult& result);
void write_result(const RunResult& result, Format format, std::ostream& out);

// Numbers for people (docs/language.md, "How numbers are shown"). Every
// finite value prints within half a unit of its last digit shown:
// * below 10,000: 4 significant digits ("12.5", "0.001234"), e-notation
//   below 0.0001 ("1.5e-09");
// * 10,000 up to 10^15: 3 significant digits with k, M, B or T
//   ("25k", "1.5T"; 999,950 rounds to "1M", never "1000k");
// * from 10^15: e-notation with 3 significant digits ("2.01e+33"), never a
//   suffix;
// * NaN, inf and -inf spelt so.
std::string format_number(double value);
// The forms above, shared with the chart axes: suffix k·3 (k = 1 … 4) means
// 10^(3k); suffixes from kSuffixFrom, e-notation from kScientificFrom, and
// for percentages (no suffixes) e-notation from kPercentScientificFrom.
inline constexpr std::array<std::string_view, 5> kNumberSuffixes = {"", "k", "M", "B", "T"};
inline constexpr double kSuffixFrom = 1e4;
inline constexpr double kScientificFrom = 1e15;
inline constexpr double kPercentScientificFrom = 1e4;
// A share as a number of percent, without the sign %: 0.159 → "15.9",
// 0.0799 → "7.99" (two decimals below 10 %, one below 1000 %, then 4
// significant digits: "1.5e+14"); exactly 0 → "0.0"; closer to 0 than 1e-15
// (rounding noise) → "0.00"; otherwise below 0.005 % in significant digits
// ("1e-07"), so a rare outcome never reads as none. Also for differences
// in percentage points.
std::string format_percentage(double share);
// A value in its unit: shares (is_share_unit) as format_percentage with
// "%", everything else as format_number.
std::string format_value(double value, const std::string& unit);

// An exceedance threshold for people, in its output's style (format_value),
// but never rounded into another threshold: when the value shown does not
// read back as the threshold, the shortest digits that do, in the same
// style ("10.0%" for 0.1, "10.00001%" for 0.1000001; "123.456789k").
std::string format_threshold(double threshold, const std::string& unit);

// Intervals for people and for JSON. An open end (is_open: the samples
// cannot bound that side at 95 %) is "−∞" / "+∞" in text, null in JSON and
// -inf / inf in CSV.
// (interval_half_width, statistics.hpp, is the width they show.)
// The Monte Carlo error in one cell: "±x", x the wider side (shares in
// percentage points, no unit); "−∞/+x" or "−x/+∞" with one end open; "±∞"
// with both.
std::string format_interval_error(double estimate, double low, double high, const std::string& unit);
// An interval end: format_value, or "−∞" / "+∞" when open.
std::string format_interval_end(double end, const std::string& unit);
// Whether any interval of a summary (the mean's, a percentile's) is open.
bool has_open_interval(const OutputSummary& summary);
// The footnote every table with an open interval carries.
inline constexpr std::string_view kOpenIntervalNote =
    "∞: too few samples to bound that side of the 95 % interval at all (it is open; JSON null); more samples close "
    "it";
// A statistic that may be undefined (NaN, e.g. the sd of one sample): "—",
// else format_value.
std::string format_statistic(double value, const std::string& unit);
// A JSON number, or null when not finite (an open end, an undefined statistic).
nlohmann::ordered_json json_number(double value);
// [{"p", "value", "ci_low", "ci_high"}, …], open ends null.
nlohmann::ordered_json percentiles_json(const std::vector<PercentileEstimate>& percentiles);
// One output's summary as every JSON document writes it (riskcast.result/1,
// riskcast.sensitivity/1, riskcast.baseline/1; docs/results.md): n, mean,
// sd, mean_se, min, max, percentiles, a probability output's `probability`
// (probability_json), then, unless only the Stored fields
// are asked for, mean_ci_low, mean_ci_high and exceedances (when any:
// [{"threshold", "probability", "ci_low", "ci_high"}, …]). A baseline keeps
// the Stored fields only: the mean's interval is recomputed from mean, sd
// and n when it is read.
enum class SummaryFields { All, Stored };
nlohmann::ordered_json summary_json(const OutputSummary& summary, SummaryFields fields = SummaryFields::All);

// A number for machines (CSV): the shortest text that reads back as the
// same double ("0.1", "1e+300", "inf").
std::string format_exact(double value);
// A probability or proportion for people: format_percentage and "%"
// ("12.3%", "0.0012%"), and its interval "[12.2%, 12.4%]". For exceedance
// probabilities and any other binomial proportion (proportion_interval).
std::string format_proportion(double p);
std::string format_proportion_interval(double low, double high);

// Exceedance probabilities (RunOptions::exceedances) in the run writers.
// "P(>0.3)": the CSV column of a threshold (format_exact).
std::string exceedance_label(double threshold);
// Every threshold of any output of the run, in order of first appearance:
// the CSV columns, shared by outputs with the same threshold.
std::vector<double> exceedance_thresholds(const RunResult& result);
const ExceedanceEstimate* find_exceedance(const OutputSummary& summary, double threshold);
// ",P(>t),P(>t) ci_low,P(>t) ci_high" per threshold, and a row's fields
// (empty for an output without that threshold).
void write_exceedance_csv_header(const std::vector<double>& thresholds, std::ostream& out);
void write_exceedance_csv_fields(const OutputSummary& summary, const std::vector<double>& thresholds,
                                 std::ostream& out);
// The footnote of every table with an exceedance probability.
inline constexpr std::string_view kExceedanceNote =
    "P(X > t): the share of samples strictly above t; 95% CI: exact binomial (Clopper–Pearson) interval";

// The footnote of a run's probability or exceedance table: kProbabilityNote
// or kExceedanceNote, but for a replicated design (RunResult::replicates ≥ 2)
// the interval it names is the replicates' (summarize_replicated).
std::string probability_note(const RunResult& result);
std::string exceedance_note(const RunResult& result);
// "replicates: Student t on R − 1 degrees of freedom", the JSON `method` of
// every probability interval of a replicated design.
std::string replicate_interval_method(const RunResult& result);

// Probability outputs (OutputKind::Probability) in the writers: shown as P
// and its interval, never by mean, sd or percentiles.
// Whether the run has any, and whether it has any value output.
bool has_probability_output(const RunResult& result);
bool has_value_output(const RunResult& result);
// "12.3% [12.2%, 12.4%]": P and its interval, as every text format shows it.
std::string format_probability_estimate(const ProportionEstimate& p);
// The interval of a paired difference of probabilities, in percentage
// points: "[+0.98 pts, +1.48 pts]" (the estimate: format_difference).
std::string format_difference_interval(const PairedProportionDifference& d);
// The footnote of every table with a probability output.
inline constexpr std::string_view kProbabilityNote =
    "P: the share of samples in which the output is 1; 95% CI: exact binomial (Clopper–Pearson) interval";
// The footnote of every table with a difference of probabilities from the
// scenario `from` (OutputResult::difference).
std::string probability_difference_note(const std::string& from);
// The JSON of a probability output's estimate, {"estimate", "ci_low",
// "ci_high", "successes", "method"}, and of its difference from the run's
// first scenario, {"from", "estimate", "ci_low", "ci_high", "gained",
// "lost", "method"} (docs/results.md).
nlohmann::ordered_json probability_json(const ProportionEstimate& p);
nlohmann::ordered_json difference_json(const PairedProportionDifference& d, const std::string& from);

// Plain-text table helpers shared by every command that prints one.
// Width in UTF-8 code points, not bytes (for ±, →, …).
std::size_t display_width(const std::string& text);
// Columns padded to their widest cell, two spaces apart; columns marked in
// `left_aligned` (missing entries: the first column only) are left-aligned,
// the others right-aligned; trailing spaces trimmed.
void write_aligned_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out,
                         const std::vector<bool>& left_aligned = {true});
// A CSV field, quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& text);

// Summaries of several named runs (a batch): one row per (run, scenario,
// output) with mean, P5, P50 and P95.
struct NamedResult {
  std::string run;
  RunResult result;
  // A sweep's cell: (lever, value as text) per lever; the summary gives
  // each lever a column.
  std::vector<std::pair<std::string, std::string>> settings;
};
struct FailedRun {
  std::string run;
  std::string error;  // the full text, one or more lines
};
// Header run,model,scenario,output,unit,samples,seed,mean,p5,p50,p95;
// numbers at full precision (shortest text that reads back exactly). With
// any probability output, also probability,probability_ci_low,
// probability_ci_high, filled for those (whose mean and percentiles are
// empty) and empty for the others. With sweep cells, one more column per
// lever (in the order first met), the cell's value there, empty elsewhere.
void write_summary_csv(const std::vector<NamedResult>& results, std::ostream& out);
// One Markdown table with the numbers as format_value shows them (a
// probability output: P and its interval in the mean's cell), then the
// failed runs with their errors.
void write_summary_markdown(const std::string& title, const std::vector<NamedResult>& results,
                            const std::vector<FailedRun>& failed, std::ostream& out);

}  // namespace riskcast
