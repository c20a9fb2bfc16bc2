// Numbers for people at every magnitude, in every place they are shown:
// format_value (tables, markdown, HTML, describe, chart labels) and the
// chart axes; CSV and JSON carry the exact value.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "riskcast/chart.hpp"
#include "riskcast/count.hpp"
#include "riskcast/html_report.hpp"
#include "riskcast/report.hpp"
#include "support/display_number.hpp"

namespace riskcast {
namespace {

using testing::read_displayed_number;

// One of each kind of unit: plain, a named unit, and every share spelling.
const std::vector<std::string> kUnits = {"", "USD", "accelerators", "share", "share of imports", "%", "fraction"};

// m × 10^k for every k in [-300, 300], read from text so that the value is
// the double nearest the decimal (not a product with its own rounding).
std::vector<double> every_magnitude() {
  std::vector<double> out;
  for (int k = -300; k <= 300; ++k)
    for (const char* mantissa : {"1", "1.5", "2.01", "4.99949", "9.9995", "9.99951", "9.9994"})
      out.push_back(std::strtod((std::string(mantissa) + "e" + std::to_string(k)).c_str(), nullptr));
  return out;
}

TEST(FormatValue, EveryMagnitudeReadsBackWithinItsRounding) {
  for (const std::string& unit : kUnits) {
    for (double magnitude : every_magnitude()) {
      for (double v : {magnitude, -magnitude}) {
        const std::string text = format_value(v, unit);
        const auto shown = read_displayed_number(text);
        ASSERT_TRUE(shown) << v << " in unit '" << unit << "' printed as '" << text << "'";
        EXPECT_LE(std::fabs(shown->value - v), shown->half_unit * (1 + 1e-9))
            << v << " in unit '" << unit << "' printed as '" << text << "'";
        if (shown->value != 0.0) {
          EXPECT_EQ(std::signbit(shown->value), std::signbit(v)) << text;
        }
        EXPECT_EQ(text.back() == '%', is_share_unit(unit)) << text;
        // At most 4 significant digits: a table cell stays narrow.
        std::size_t digits = 0;
        bool leading = true;
        for (char c : text.substr(0, text.find('e'))) {
          if (c >= '1' && c <= '9') leading = false;
          if (c >= '0' && c <= '9' && !leading) ++digits;
        }
        EXPECT_LE(digits, 4u) << text;
      }
    }
  }
}

// The test's own readers: what they accept and what they flag.
TEST(FormatValue, TheReadersOfThisTestKnowTheForms) {
  for (const char* bad : {"1.5e+03B", "2.01e+33B", "1000k", "a 1000.5M b", "12345T"})
    EXPECT_TRUE(testing::has_misleading_number(bad)) << bad;
  for (const char* fine : {"1.5T", "999k", "-1M", "2.01e+33", "Model 1000 Bytes", "P50 12.5k", "1e+15", "#0072B2"})
    EXPECT_FALSE(testing::has_misleading_number(fine)) << fine;
  for (const char* bad : {"1000k", "1.5e+03B", "0e+01", "12.e+3", "NaN", "1,000", "1.5e3"})
    EXPECT_FALSE(read_displayed_number(bad)) << bad;
  const auto t = read_displayed_number("-1.25T");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->value, -1.25e12);
  EXPECT_EQ(t->half_unit, 0.005e12);
  const auto p = read_displayed_number("1e-07%");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->value, 1e-9);
}

TEST(FormatValue, TheIssueExamplesAndEachSuffixEdge) {
  EXPECT_EQ(format_value(1.5e12, "USD"), "1.5T");  // was 1.5e+03B
  EXPECT_EQ(format_value(2.01e42, "USD"), "2.01e+42");
  EXPECT_EQ(format_value(2.01e33, ""), "2.01e+33");
  EXPECT_EQ(format_value(-1.5e12, "USD"), "-1.5T");
  // A value that rounds up to the next suffix takes that suffix.
  EXPECT_EQ(format_value(999.95e3, ""), "1M");  // not 1000k
  EXPECT_EQ(format_value(999.4e3, ""), "999k");
  EXPECT_EQ(format_value(-999.95e3, ""), "-1M");
  EXPECT_EQ(format_value(999.96e6, ""), "1B");
  EXPECT_EQ(format_value(999.96e9, ""), "1T");
  EXPECT_EQ(format_value(999.96e12, ""), "1e+15");  // past T: e-notation, never 1000T
  EXPECT_EQ(format_value(9999.4, ""), "9999");
  EXPECT_EQ(format_value(9999.6, ""), "10k");
  EXPECT_EQ(format_value(123456, ""), "123k");
  EXPECT_EQ(format_value(1e15, ""), "1e+15");
  EXPECT_EQ(format_value(1e300, ""), "1e+300");
  EXPECT_EQ(format_value(-1e300, ""), "-1e+300");
  // Small values: 4 significant digits, e-notation below 0.0001.
  EXPECT_EQ(format_value(0.001234, ""), "0.001234");
  EXPECT_EQ(format_value(0.0001, ""), "0.0001");
  EXPECT_EQ(format_value(1e-9, "USD"), "1e-09");
  EXPECT_EQ(format_value(-1.5e-300, "USD"), "-1.5e-300");
  EXPECT_EQ(format_value(0.0, "USD"), "0");
  EXPECT_EQ(format_value(-0.0, "USD"), "0");
}

// An exceedance threshold's label reads back as that very threshold at
// every magnitude and in every unit, and keeps the output's style: the
// value as format_value shows it when that reads back, else its shortest
// digits in the same form (a share in percent, k / M / B / T, e-notation).
TEST(FormatThreshold, EveryLabelReadsBackAsItsThreshold) {
  auto read_back = [](std::string text, bool share) -> std::optional<double> {
    if (share) {
      EXPECT_EQ(text.back(), '%') << text;
      return parse_threshold(text);
    }
    for (std::size_t group = 1; group < kNumberSuffixes.size(); ++group)
      if (text.ends_with(kNumberSuffixes[group]))
        return parse_real_number(text.substr(0, text.size() - 1) + "e" + std::to_string(3 * group));
    return parse_real_number(text);
  };
  std::vector<double> values = every_magnitude();
  for (double v : {0.1000001, 0.10001, 123456.789, 123456.7891, 1e5, 0.3, 9999.5, 99999.5, 1e15 + 2.0})
    values.push_back(v);
  for (const std::string& unit : kUnits) {
    const bool share = is_share_unit(unit);
    for (double magnitude : values)
      for (double v : {magnitude, -magnitude}) {
        const std::string label = format_threshold(v, unit);
        EXPECT_EQ(read_back(label, share), v) << label << " " << unit;
        const std::string shown = format_value(v, unit);
        if (read_back(shown, share) == v) {
          EXPECT_EQ(label, shown) << unit;
        }
      }
  }
  EXPECT_EQ(format_threshold(0.1, "share"), "10.0%");
  EXPECT_EQ(format_threshold(0.1000001, "share"), "10.00001%");
  EXPECT_EQ(format_threshold(0.10001, "share"), "10.001%");
  EXPECT_EQ(format_threshold(123456.789, ""), "123.456789k");
  EXPECT_EQ(format_threshold(123456.7891, "units"), "123.4567891k");
  EXPECT_EQ(format_threshold(1e5, ""), "100k");
  EXPECT_EQ(format_threshold(1234.5678, ""), "1234.5678");
  EXPECT_EQ(format_threshold(1.234567e-7, ""), "1.234567e-07");
}

TEST(FormatValue, NotANumberAndInfinitiesAreSpeltOut) {
  for (const std::string& unit : kUnits) {
    EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN(), unit), "NaN") << unit;
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity(), unit), "inf") << unit;
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity(), unit), "-inf") << unit;
  }
}

TEST(FormatValue, SharesAtEveryMagnitude) {
  EXPECT_EQ(format_value(0.09996, "share"), "10.0%");  // not 10.00%
  EXPECT_EQ(format_value(9.9999, "share"), "1000%");   // not 1000.0%
  EXPECT_EQ(format_value(15, "share"), "1500%");
  EXPECT_EQ(format_value(1.5e12, "share"), "1.5e+14%");
  EXPECT_EQ(format_value(1e-9, "share"), "1e-07%");  // a rare outcome is not "0.00%"
  EXPECT_EQ(format_value(-1e-9, "share"), "-1e-07%");
  EXPECT_EQ(format_value(1.234e-5, "fraction"), "0.001234%");
  EXPECT_EQ(format_value(1e-300, "share"), "0.00%");  // below 1e-15: rounding noise of a fraction
  EXPECT_EQ(format_percentage(0.0123), "1.23");
  EXPECT_EQ(format_percentage(-1e-17), "0.00");
}

// A run with an output of each awkward magnitude, as the writers get it.
RunResult awkward_run() {
  RunResult r;
  r.model = "m";
  r.samples = 5;
  r.seed = 7;
  ScenarioResult s;
  s.name = "base";
  const std::vector<std::pair<double, std::string>> outputs = {
      {1.5e12, "USD"}, {2.01e33, "units"}, {1e-9, "t"}, {-999.95e3, "USD"}, {3e-10, "share"}, {1.5e12, "share"}};
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    std::vector<double> values;
    for (int k = 0; k < 5; ++k) values.push_back(outputs[i].first * (1 + 0.0001 * k));
    OutputResult o;
    o.name = "out" + std::to_string(i);
    o.metadata.unit = outputs[i].second;
    o.summary = summarize(values);
    s.outputs.push_back(o);
  }
  r.scenarios.push_back(s);
  return r;
}

TEST(FormatValue, EveryWriterShowsAwkwardMagnitudesReadably) {
  const RunResult r = awkward_run();
  for (Format f : {Format::Table, Format::Markdown}) {
    std::ostringstream out;
    write_result(r, f, out);
    const std::string text = out.str();
    EXPECT_FALSE(testing::has_misleading_number(text)) << text;
    for (const char* expected : {"1.5T", "2.01e+33", "1e-09", "-1M", "3e-08%", "1.5e+14%"})
      EXPECT_NE(text.find(expected), std::string::npos) << expected << " in\n" << text;
  }
  const std::string html = html::percentile_section(r.scenarios[0]).body;
  EXPECT_FALSE(testing::has_misleading_number(html)) << html;
  for (const char* expected : {"1.5T", "2.01e+33", "1e-09", "-1M", "1.5e+14%"})
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
}

TEST(FormatValue, CsvAndJsonCarryTheExactValue) {
  const RunResult r = awkward_run();
  std::ostringstream csv, json;
  write_result(r, Format::Csv, csv);
  write_result(r, Format::Json, json);
  const auto doc = nlohmann::json::parse(json.str());
  std::istringstream lines(csv.str());
  std::string line;
  std::getline(lines, line);  // header
  for (const OutputResult& o : r.scenarios[0].outputs) {
    EXPECT_EQ(doc["scenarios"][0]["outputs"][o.name]["mean"].get<double>(), o.summary.mean);
    ASSERT_TRUE(std::getline(lines, line));
    // scenario,output,mean,…: the mean reads back bit for bit.
    const std::size_t first = line.find(','), second = line.find(',', first + 1);
    EXPECT_EQ(std::strtod(line.c_str() + second + 1, nullptr), o.summary.mean) << line;
  }
}

// Chart axes over every magnitude: distinct labels, each reading back as
// its tick, in the same forms as format_value.
TEST(TickLabels, EveryMagnitudeGivesDistinctLabelsThatReadBack) {
  for (const std::string& unit : {std::string(""), std::string("share")}) {
    for (int k = -300; k <= 300; ++k) {
      const double lo = std::strtod(("1e" + std::to_string(k)).c_str(), nullptr);
      const double hi = 3.7 * lo;
      for (const auto& [a, b] : std::vector<std::pair<double, double>>{{lo, hi}, {-hi, -lo}, {-hi, hi}, {0, hi}}) {
        const std::vector<double> ticks = chart::nice_ticks(a, b);
        const std::vector<std::string> labels = chart::tick_labels(ticks, unit);
        ASSERT_EQ(labels.size(), ticks.size());
        EXPECT_EQ(std::set<std::string>(labels.begin(), labels.end()).size(), labels.size())
            << "range " << a << " … " << b << ": " << ::testing::PrintToString(labels);
        const double step = ticks[1] - ticks[0];
        for (std::size_t i = 0; i < ticks.size(); ++i) {
          const auto shown = read_displayed_number(labels[i]);
          ASSERT_TRUE(shown) << "tick " << ticks[i] << " labelled '" << labels[i] << "'";
          EXPECT_LE(std::fabs(shown->value - ticks[i]), 1e-6 * step) << ticks[i] << " labelled " << labels[i];
          EXPECT_EQ(labels[i].back() == '%', unit == "share" && labels[i] != "0") << labels[i];
        }
      }
    }
  }
}

TEST(TickLabels, TinyAndHugeAxes) {
  EXPECT_EQ(chart::tick_labels({0, 2e-9, 4e-9}, ""), (std::vector<std::string>{"0", "2e-09", "4e-09"}));
  EXPECT_EQ(chart::tick_labels({1e300, 1.2e300, 1.4e300}, ""),
            (std::vector<std::string>{"1e+300", "1.2e+300", "1.4e+300"}));
  EXPECT_EQ(chart::tick_labels({1e12, 2e12}, ""), (std::vector<std::string>{"1T", "2T"}));
  EXPECT_EQ(chart::tick_labels({0, 5e11, 1e12}, ""), (std::vector<std::string>{"0", "0.5T", "1T"}));
  EXPECT_EQ(chart::tick_labels({1e15, 2e15}, ""), (std::vector<std::string>{"1e+15", "2e+15"}));
  // A narrow range around a large value keeps its digits rather than a suffix.
  EXPECT_EQ(chart::tick_labels({1000000, 1000000.5, 1000001}, ""),
            (std::vector<std::string>{"1000000", "1000000.5", "1000001"}));
  EXPECT_EQ(chart::tick_labels({1e10, 1.5e10}, "share"), (std::vector<std::string>{"1e+12%", "1.5e+12%"}));
}

}  // namespace
}  // namespace riskcast
