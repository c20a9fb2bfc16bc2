// SVG charts from summaries and sample columns: histogram with CDF, fan
// chart, tornado chart, scenario comparison. Pure functions: the same input
// gives the same bytes (numbers printed at fixed precision, no ids, no dates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/result.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast::chart {

// Text made safe for XML and HTML content and attribute values: & < > " '
// escaped; control characters other than tab and newline (not allowed in
// XML 1.0) dropped.
std::string xml_escape(std::string_view text);

// ---- histogram ------------------------------------------------------------

// Equal-width bins over [low, high], normally [P0.5, P99.5] of the samples;
// the samples outside are counted into the end bins (`below`, `above` say
// how many). For a whole-number output spanning few values, one bin per value.
struct Histogram {
  double low = 0, high = 0;
  std::vector<std::uint64_t> counts;
  std::uint64_t below = 0, above = 0;  // outside [low, high], included in the end bins
  std::uint64_t at_low = 0;            // equal to low: an atom there (many zeros) starts the CDF above 0
  std::uint64_t total = 0;
  bool whole_numbers = false;  // one bin per integer value, centred on it
};

inline constexpr std::size_t kHistogramBins = 40;
inline constexpr double kHistogramTail = 0.005;  // P0.5 and P99.5

// Two passes over `values` and memory for the 0.5 % tails only (the column
// itself is neither copied nor reordered), so it can run inside
// RunRequest::visit_column.
Histogram make_histogram(std::span<const double> values, std::size_t bins = kHistogramBins);

struct Marker {
  std::string label;  // "P5"
  double value;
};

struct HistogramChart {
  std::string title;     // e.g. "nvidia_share_value · scenario base"
  std::string quantity;  // x-axis name, usually the output's name
  std::string unit;      // the output's unit: shares are drawn as percentages
  Histogram histogram;
  std::vector<Marker> markers;  // vertical lines, e.g. P5 P50 P95
};

// Bars: share of samples per bin (left axis); line: empirical CDF at the bin
// edges (right axis, 0–100 %); dashed lines at the markers.
std::string histogram_svg(const HistogramChart& chart);

// ---- sweep chart (batch `sweeps:`) ------------------------------------------

// A headline output against a sweep's levers: per scenario, per cell, the
// levers' values and the output's mean with its P5 and P95.
struct SweepPoint {
  std::vector<double> levers;
  double mean = 0, p5 = 0, p95 = 0;
};
struct SweepSeries {
  std::string scenario;
  std::vector<SweepPoint> points;  // in the sweep's cell order
};
struct SweepChart {
  std::string title;
  std::string quantity;  // the output's name
  std::string unit;
  std::vector<std::string> levers, lever_units;
  std::vector<SweepSeries> series;
};

// One lever: the mean against the lever, a line per scenario (points in
// the lever's order), the P5–P95 band of each shaded.
std::string sweep_line_svg(const SweepChart& chart);
// Two levers, one scenario (series[index]): a heatmap of the mean over the
// grid of a full factorial, or coloured points where the cells form no
// grid (a Latin hypercube); a colour bar from the least to the largest
// mean of every scenario, so that the scenarios' maps share one scale.
std::string sweep_heatmap_svg(const SweepChart& chart, std::size_t index);

// ---- fan chart ------------------------------------------------------------

struct FanPoint {
  std::string label;  // "Q1"
  double p5, p25, p50, p75, p95;
};

struct FanChart {
  std::string title;
  std::string quantity;  // y-axis name
  std::string unit;
  std::string category_axis = "quarter";  // x-axis name
  std::vector<FanPoint> points;           // in order along the x axis
};

// Bands P5–P95 and P25–P75 across the categories, the median as a line.
std::string fan_svg(const FanChart& chart);

// Outputs named PREFIX_q1 … PREFIX_qN (N ≥ 2, every quarter present) form a
// group; `outputs` holds their indices in quarter order.
struct QuarterlyGroup {
  std::string prefix;
  std::vector<std::size_t> outputs;
};
std::vector<QuarterlyGroup> quarterly_groups(const std::vector<std::string>& output_names);

// ---- tornado chart --------------------------------------------------------

struct TornadoRow {
  std::string label;
  double rho;              // Spearman rank correlation with the output
  double ci_low, ci_high;  // an open end (is_open) is drawn as an arrow to the axis end
};

struct TornadoChart {
  std::string title;
  std::vector<TornadoRow> rows;        // drawn largest |rho| first (sorted here)
  std::string empty_note = "no rows";  // shown instead of rows when there are none
};

// Bars from 0 to ρ with confidence-interval whiskers on a fixed −1 … 1 axis.
std::string tornado_svg(const TornadoChart& chart);

// ---- Sobol indices -----------------------------------------------------------

struct SobolRow {
  std::string label;
  double first, first_low, first_high;  // first order index and its 95 % interval
  double total, total_low, total_high;  // total index and its interval
};

struct SobolChart {
  std::string title;
  std::vector<SobolRow> rows;  // top to bottom, as given
};

// Per row two bars on a fixed 0 … 1 axis, first order above total, each
// with its interval's whisker.
std::string sobol_svg(const SobolChart& chart);

// ---- scenario comparison --------------------------------------------------

struct ScenarioRow {
  std::string scenario;
  double mean, p5, p50, p95;
  std::optional<double> p25, p75;
};

struct ScenarioChart {
  std::string title;
  std::string quantity;
  std::string unit;
  std::vector<ScenarioRow> rows;  // top to bottom
};

// One line per scenario: P5–P95 whisker, P25–P75 box, P50 tick, mean dot.
std::string scenario_svg(const ScenarioChart& chart);

// ---- probability bars -----------------------------------------------------

// A probability output is 0 or 1 in every sample: no histogram or fan, but
// its P as a bar with the whisker of its interval, one row per scenario or
// quarter (or one alone).
struct ProbabilityBar {
  std::string label;
  double p, ci_low, ci_high;
};

struct ProbabilityChart {
  std::string title;
  std::string quantity;              // the output (or quarterly group) whose P is drawn
  std::vector<ProbabilityBar> rows;  // top to bottom
};

// Bars from 0 to P with the interval's whiskers on an axis in percent from
// 0 to past the largest upper end; each row labelled "P [low, high]".
std::string probability_svg(const ProbabilityChart& chart);

// ---- charts of a run's results -------------------------------------------

// The histogram of one output in one scenario, marked at P5, P50 and P95.
HistogramChart output_histogram(const ScenarioResult& scenario, std::size_t output, Histogram histogram);
// A quarterly group's percentiles, quarter by quarter, in one scenario.
FanChart quarterly_fan(const ScenarioResult& scenario, const QuarterlyGroup& group);
// One output (by index) across every scenario of the run.
ScenarioChart scenario_comparison(const RunResult& result, std::size_t output);
// The same for probability outputs (OutputSummary::probability): one
// output's P in one scenario, a quarterly group's quarter by quarter, or
// one output's across every scenario of the run.
ProbabilityChart output_probability(const ScenarioResult& scenario, std::size_t output);
ProbabilityChart quarterly_probabilities(const ScenarioResult& scenario, const QuarterlyGroup& group);
ProbabilityChart scenario_probabilities(const RunResult& result, std::size_t output);
// Whether every output of a quarterly group is a probability output (drawn
// by quarterly_probabilities), none is (quarterly_fan), or they are mixed
// (drawn neither way).
enum class GroupKind { Values, Probabilities, Mixed };
GroupKind group_kind(const ScenarioResult& scenario, const QuarterlyGroup& group);
// The drivers of a sensitivity analysis, the `max_rows` largest |ρ| (inputs
// constant in the scenario have no ρ and are left out).
inline constexpr std::size_t kTornadoRows = 15;
TornadoChart sensitivity_tornado(const SensitivityResult& result, std::size_t max_rows = kTornadoRows);
// The inputs by total index (the largest max_rows), then every group.
SobolChart sobol_chart(const SensitivityResult& result, std::size_t max_rows = kTornadoRows);

// ---- axes (exposed for tests) ---------------------------------------------

// Round tick positions covering [lo, hi]: steps of 1, 2, 2.5 or 5 × 10^k,
// about `target` of them; the first tick ≤ lo and the last ≥ hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

// The texts of one axis's ticks, read as format_number reads: shares as
// percentages ("12.5%"), large numbers with one k / M / B / T suffix for the
// whole axis (chosen by its largest tick), as many decimals as the step needs
// (at most 6), trailing zeros dropped; from 10^15, or where the step needs
// more decimals (ticks 2e-09 apart), each tick in e-notation with the
// mantissa digits the step needs ("1.2e+300"), never with a suffix.
std::vector<std::string> tick_labels(const std::vector<double>& ticks, const std::string& unit);

// "nvidia_units (accelerators)", "nvidia_share_value (%)"
std::string axis_title(const std::string& quantity, const std::string& unit);

}  // namespace riskcast::chart
