// SVG charts: well-formed, escaped, unit-aware axes, nice ticks, deterministic;
// histograms from columns; quarterly groups.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "riskcast/chart.hpp"
#include "riskcast/statistics.hpp"
#include "support/cli_runner.hpp"
#include "support/xml_check.hpp"

namespace riskcast::chart {
namespace {

using riskcast::testing::xml_problem;

const std::string kHostile = "a<b & \"c\" 'd'>";
const std::string kHostileEscaped = "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

// A fixed, skewed sample: no randomness, so every test sees the same column.
std::vector<double> skewed_column(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = (static_cast<double>(i) + 0.5) / static_cast<double>(n);
    v[(i * 7919) % n] = 0.02 + 0.3 * u * u;  // shuffled order, values in [0.02, 0.32]
  }
  return v;
}

HistogramChart share_histogram(const std::string& name = "nvidia_share_value") {
  HistogramChart chart;
  chart.title = name + " · scenario base";
  chart.quantity = name;
  chart.unit = "share";
  chart.histogram = make_histogram(skewed_column(20000));
  chart.markers = {{"P5", 0.021}, {"P50", 0.095}, {"P95", 0.29}};
  return chart;
}

FanChart share_fan() {
  FanChart chart;
  chart.title = "share_value by quarter";
  chart.quantity = "share_value";
  chart.unit = "share";
  for (int q = 1; q <= 4; ++q) {
    const double m = 0.1 + 0.03 * q;
    chart.points.push_back({fmt::format("Q{}", q), m - 0.08, m - 0.04, m, m + 0.05, m + 0.2});
  }
  return chart;
}

TornadoChart tornado() {
  return {
      "what moves nvidia_share_value",
      {{"demand_total", 0.10, 0.08, 0.12}, {"ban_scope", -0.62, -0.64, -0.60}, {"h200_china_cap", 0.45, 0.43, 0.47}}};
}

ScenarioChart unit_scenarios() {
  return {"nvidia_units by scenario",
          "nvidia_units",
          "accelerators",
          {{"base", 1.2e5, 2.0e4, 1.0e5, 2.5e5, 6.0e4, 1.6e5}, {"us_full_ban", 1.0e4, 0, 5.0e3, 3.0e4, {}, {}}}};
}

TEST(ChartSvg, EveryKindIsWellFormedWithTitleAndAriaLabel) {
  const std::vector<std::string> charts = {histogram_svg(share_histogram()), fan_svg(share_fan()),
                                           tornado_svg(tornado()), scenario_svg(unit_scenarios())};
  for (const std::string& svg : charts) {
    EXPECT_EQ(xml_problem(svg), "") << svg;
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_TRUE(contains(svg, "role=\"img\" aria-label=\""));
    EXPECT_TRUE(contains(svg, "<title>"));
    EXPECT_TRUE(contains(svg, "font-family=\"sans-serif\""));
    // No text smaller than 11 px.
    for (std::size_t at = svg.find("font-size=\""); at != std::string::npos; at = svg.find("font-size=\"", at + 1))
      EXPECT_GE(std::stod(svg.substr(at + 11)), 11.0);
  }
}

TEST(ChartSvg, TheCheckerRejectsWhatItShould) {
  // The well-formedness check used above must be able to fail.
  EXPECT_NE(xml_problem("<svg><text>a & b</text></svg>"), "");
  EXPECT_NE(xml_problem("<svg><text>a < b</text></svg>"), "");
  EXPECT_NE(xml_problem("<svg><g></svg>"), "");
  EXPECT_NE(xml_problem("<svg fill=\"a\" fill=\"b\"/>"), "");
  EXPECT_NE(xml_problem("<svg x=1/>"), "");
  EXPECT_NE(xml_problem("<svg/><svg/>"), "");
  EXPECT_EQ(xml_problem("<svg a=\"&amp;&#39;\"><t>x &lt; y</t></svg>\n"), "");
}

TEST(ChartSvg, UserTextIsEscapedEverywhere) {
  HistogramChart h = share_histogram();
  h.title = kHostile;
  h.quantity = kHostile;
  h.unit = kHostile;
  FanChart f = share_fan();
  f.title = f.quantity = f.unit = f.category_axis = kHostile;
  f.points[0].label = kHostile;
  TornadoChart t = tornado();
  t.title = t.rows[0].label = kHostile;
  ScenarioChart s = unit_scenarios();
  s.title = s.quantity = s.unit = s.rows[0].scenario = kHostile;
  for (const std::string& svg : {histogram_svg(h), fan_svg(f), tornado_svg(t), scenario_svg(s)}) {
    EXPECT_EQ(xml_problem(svg), "") << svg;
    EXPECT_TRUE(contains(svg, kHostileEscaped)) << svg;
    EXPECT_FALSE(contains(svg, kHostile));
  }
  EXPECT_EQ(xml_escape("tab\tok\x01\x7f"), "tab\tok");
}

TEST(ChartSvg, AxesCarryUnitsAsPercentagesOrSuffixes) {
  const std::string h = histogram_svg(share_histogram());
  EXPECT_TRUE(contains(h, ">nvidia_share_value (%)</text>"));
  EXPECT_TRUE(contains(h, ">samples per bin (%)</text>"));
  EXPECT_TRUE(contains(h, ">cumulative share of samples (%)</text>"));
  EXPECT_TRUE(contains(h, ">10%</text>"));   // an x tick
  EXPECT_TRUE(contains(h, ">100%</text>"));  // the CDF axis
  EXPECT_TRUE(contains(h, ">P50 9.50%</text>"));
  const std::string s = scenario_svg(unit_scenarios());
  EXPECT_TRUE(contains(s, ">nvidia_units (accelerators)</text>"));
  EXPECT_TRUE(contains(s, ">100k</text>"));
  EXPECT_TRUE(contains(s, ">250k</text>"));
  const std::string f = fan_svg(share_fan());
  for (const char* q : {">Q1<", ">Q2<", ">Q3<", ">Q4<"}) EXPECT_TRUE(contains(f, q));
  EXPECT_TRUE(contains(f, ">share_value (%)</text>"));
  EXPECT_TRUE(contains(f, ">quarter</text>"));
  const std::string t = tornado_svg(tornado());
  EXPECT_TRUE(contains(t, ">Spearman rank correlation ρ</text>"));
  EXPECT_TRUE(contains(t, ">-1</text>"));
  EXPECT_TRUE(contains(t, ">1</text>"));
}

TEST(ChartSvg, TornadoRowsRunFromTheLargestMagnitudeDown) {
  const std::string t = tornado_svg(tornado());
  const std::size_t ban = t.find(">ban_scope<"), cap = t.find(">h200_china_cap<"), demand = t.find(">demand_total<");
  ASSERT_NE(ban, std::string::npos);
  EXPECT_LT(ban, cap);
  EXPECT_LT(cap, demand);
  EXPECT_TRUE(contains(t, ">-0.62</text>"));
  EXPECT_TRUE(contains(t, ">+0.45</text>"));
  // Three bars, each with a whisker and two caps.
  EXPECT_EQ(count(t, "fill=\"#D55E00\""), 2u);  // one negative bar and its legend swatch
}

TEST(ChartSvg, SameInputSameBytes) {
  EXPECT_EQ(histogram_svg(share_histogram()), histogram_svg(share_histogram()));
  EXPECT_EQ(fan_svg(share_fan()), fan_svg(share_fan()));
  EXPECT_EQ(tornado_svg(tornado()), tornado_svg(tornado()));
  EXPECT_EQ(scenario_svg(unit_scenarios()), scenario_svg(unit_scenarios()));
}

TEST(ChartSvg, EmptyInputsStillGiveAValidChart) {
  HistogramChart h;
  h.title = "empty";
  EXPECT_EQ(xml_problem(histogram_svg(h)), "");
  EXPECT_EQ(xml_problem(fan_svg(FanChart{})), "");
  EXPECT_EQ(xml_problem(tornado_svg(TornadoChart{})), "");
  EXPECT_EQ(xml_problem(scenario_svg(ScenarioChart{})), "");
}

TEST(ChartSvg, RsvgRendersEveryKind) {
  const std::string rsvg = riskcast::testing::find_program("rsvg-convert");
  ASSERT_FALSE(rsvg.empty()) << "rsvg-convert not found: run scripts/install-deps.sh (package librsvg2-bin)";
  riskcast::testing::TempDir dir;
  int i = 0;
  for (const std::string& svg : {histogram_svg(share_histogram()), fan_svg(share_fan()), tornado_svg(tornado()),
                                 scenario_svg(unit_scenarios())}) {
    const std::string in = dir.write(std::to_string(i) + ".svg", svg),
                      out = dir.path() + "/" + std::to_string(i) + ".png";
    const auto r = riskcast::testing::run_program({rsvg, in, "-o", out});
    EXPECT_EQ(r.exit_status, 0) << r.err;
    EXPECT_GT(std::filesystem::file_size(out), 5000u);
    ++i;
  }
}

TEST(NiceTicks, RoundStepsCoveringTheRange) {
  EXPECT_EQ(nice_ticks(0, 1, 5), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
  EXPECT_EQ(nice_ticks(0, 2.5e5, 6), (std::vector<double>{0, 5e4, 1e5, 1.5e5, 2e5, 2.5e5}));
  EXPECT_EQ(nice_ticks(-1, 1, 8), (std::vector<double>{-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1}));
  for (auto [lo, hi] : std::vector<std::pair<double, double>>{{0.013, 0.41}, {-3.3, 7.1}, {1.1e6, 2.2e6}, {5, 5}}) {
    const std::vector<double> t = nice_ticks(lo, hi, 6);
    ASSERT_GE(t.size(), 2u);
    EXPECT_LE(t.front(), lo);
    EXPECT_GE(t.back(), hi);
    EXPECT_LE(t.size(), 13u);
    const double step = t[1] - t[0];
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
    EXPECT_TRUE(std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 || std::fabs(mantissa - 2.5) < 1e-9 ||
                std::fabs(mantissa - 5) < 1e-9)
        << step;
  }
}

TEST(TickLabels, PercentagesSuffixesAndJustEnoughDecimals) {
  EXPECT_EQ(tick_labels({0, 0.025, 0.05, 0.075}, "share"), (std::vector<std::string>{"0%", "2.5%", "5%", "7.5%"}));
  EXPECT_EQ(tick_labels({0, 5e5, 1e6, 1.5e6}, "units"), (std::vector<std::string>{"0", "0.5M", "1M", "1.5M"}));
  EXPECT_EQ(tick_labels({0, 5e4, 1e5}, "units"), (std::vector<std::string>{"0", "50k", "100k"}));
  EXPECT_EQ(tick_labels({2e9, 4e9}, ""), (std::vector<std::string>{"2B", "4B"}));
  EXPECT_EQ(tick_labels({-0.5, 0, 0.5}, ""), (std::vector<std::string>{"-0.5", "0", "0.5"}));
  EXPECT_EQ(tick_labels({0, 2, 4}, "months"), (std::vector<std::string>{"0", "2", "4"}));
}

TEST(AxisTitle, NamesTheUnit) {
  EXPECT_EQ(axis_title("x", "share"), "x (%)");
  EXPECT_EQ(axis_title("x", "accelerators"), "x (accelerators)");
  EXPECT_EQ(axis_title("x", ""), "x");
  EXPECT_EQ(axis_title("x", "share of demand"), "x (%, share of demand)");
}

TEST(MakeHistogram, BinsSpanThePercentileRangeAndCountEverySample) {
  const std::vector<double> column = skewed_column(20000);
  const Histogram h = make_histogram(column);
  // The same estimator as every report: summarize's P0.5 and P99.5.
  std::vector<double> copy = column;
  const std::vector<double> ps = {0.005, 0.995};
  const OutputSummary s = summarize(copy, ps);
  EXPECT_DOUBLE_EQ(h.low, s.percentiles[0].value);
  EXPECT_DOUBLE_EQ(h.high, s.percentiles[1].value);
  EXPECT_EQ(h.counts.size(), kHistogramBins);
  EXPECT_FALSE(h.whole_numbers);
  std::uint64_t total = 0;
  for (auto c : h.counts) total += c;
  EXPECT_EQ(total, 20000u);
  EXPECT_EQ(h.total, 20000u);
  // 0.5 % of 20,000 lie beyond each end (the percentile interpolates between two).
  EXPECT_NEAR(static_cast<double>(h.below), 100, 1);
  EXPECT_NEAR(static_cast<double>(h.above), 100, 1);
  EXPECT_GE(h.counts.front(), h.below);
  EXPECT_GE(h.counts.back(), h.above);
}

TEST(MakeHistogram, WholeNumbersGetABinPerValue) {
  std::vector<double> months;
  for (int i = 0; i < 1300; ++i) months.push_back(i % 13);
  const Histogram h = make_histogram(months);
  EXPECT_TRUE(h.whole_numbers);
  EXPECT_EQ(h.counts.size(), 13u);
  EXPECT_DOUBLE_EQ(h.low, -0.5);
  EXPECT_DOUBLE_EQ(h.high, 12.5);
  for (auto c : h.counts) EXPECT_EQ(c, 100u);

  const Histogram indicator = make_histogram(std::vector<double>{0, 1, 1, 0, 1});
  EXPECT_EQ(indicator.counts, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(xml_problem(histogram_svg({"indicator", "x", "share", indicator, {}})), "");
}

TEST(MakeHistogram, AnAtomAtTheLowerEndIsCounted) {
  // 80 % zeros (a share that is often exactly 0): the CDF starts at 80 %.
  std::vector<double> v(800, 0.0);
  for (int i = 0; i < 200; ++i) v.push_back(0.001 * (i + 0.5));
  const Histogram h = make_histogram(v);
  EXPECT_DOUBLE_EQ(h.low, 0.0);
  EXPECT_EQ(h.at_low, 800u);
  EXPECT_EQ(h.below, 0u);
}

TEST(MakeHistogram, DegenerateColumns) {
  EXPECT_EQ(make_histogram(std::vector<double>{}).total, 0u);
  const Histogram constant = make_histogram(std::vector<double>(100, 0.25));
  EXPECT_LT(constant.low, 0.25);
  EXPECT_GT(constant.high, 0.25);
  std::uint64_t total = 0;
  for (auto c : constant.counts) total += c;
  EXPECT_EQ(total, 100u);
  const Histogram one = make_histogram(std::vector<double>{3.5});
  EXPECT_EQ(one.total, 1u);
  EXPECT_EQ(xml_problem(histogram_svg({"one", "x", "", one, {{"P50", 3.5}}})), "");
}

TEST(QuarterlyGroups, ConsecutiveQuartersWithACommonPrefix) {
  const std::vector<std::string> names = {"share_value",    "share_value_q2", "share_value_q1", "units_q1",
                                          "gap_q1",         "gap_q3",         "x_q01",          "x_q02",
                                          "share_value_q3", "share_value_q4", "units_q2",       "_q1"};
  const std::vector<QuarterlyGroup> groups = quarterly_groups(names);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].prefix, "share_value");
  EXPECT_EQ(groups[0].outputs, (std::vector<std::size_t>{2, 1, 8, 9}));
  EXPECT_EQ(groups[1].prefix, "units");
  EXPECT_EQ(groups[1].outputs, (std::vector<std::size_t>{3, 10}));
  EXPECT_TRUE(quarterly_groups({"a_q1"}).empty());
}

}  // namespace
}  // namespace riskcast::chart
