// Values for people: shares as percentages, large counts with k / M / B;
// interval ends, open ones included.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "riskcast/report.hpp"

namespace riskcast {
namespace {

TEST(FormatValue, SharesAsPercentages) {
  EXPECT_EQ(format_value(0.159, "share"), "15.9%");
  EXPECT_EQ(format_value(0.0799, "share"), "7.99%");
  EXPECT_EQ(format_value(0.0, "share"), "0.0%");
  EXPECT_EQ(format_value(-0.0123, "share"), "-1.23%");
  EXPECT_EQ(format_value(1.0, "share"), "100.0%");
}

// Rounding noise around 0 (unmet_demand's P1 in the flagship is −1e−17)
// printed "-0.00%"; within ±0.005 % a share reads "0.00%" whichever its sign.
TEST(FormatValue, SharesWithinRoundingOfZeroHaveNoSign) {
  EXPECT_EQ(format_value(-1e-17, "share"), "0.00%");
  EXPECT_EQ(format_value(1e-17, "share"), "0.00%");
  EXPECT_EQ(format_value(-0.0, "share"), "0.0%");
  EXPECT_EQ(format_value(-0.0001, "share"), "-0.01%");
}

TEST(FormatValue, LargeCountsWithSuffixes) {
  EXPECT_EQ(format_value(1'700'000, "accelerators"), "1.7M");
  EXPECT_EQ(format_value(25'000, "USD"), "25k");
  EXPECT_EQ(format_value(3.2e9, "USD"), "3.2B");
  EXPECT_EQ(format_value(12.5, "months"), "12.5");
  EXPECT_EQ(format_value(-1e-17, "accelerators"), "-1e-17");
}

}  // namespace
}  // namespace riskcast

namespace riskcast {
namespace {

// Open interval ends are said, in text as ∞ and in JSON as null, never
// printed as a number.
TEST(IntervalText, OpenEndsAreShownAsSuch) {
  EXPECT_EQ(format_interval_error(0.5, 0.4, 0.55, ""), "±0.1");
  EXPECT_EQ(format_interval_error(0.5, kOpenLow, 0.55, ""), "−∞/+0.05");
  EXPECT_EQ(format_interval_error(0.5, 0.4, kOpenHigh, ""), "−0.1/+∞");
  EXPECT_EQ(format_interval_error(0.5, kOpenLow, kOpenHigh, ""), "±∞");
  // Shares: percentage points, no unit.
  EXPECT_EQ(format_interval_error(0.5, kOpenLow, 0.51, "share"), "−∞/+1.00");
  EXPECT_EQ(format_interval_end(kOpenLow, "share"), "−∞");
  EXPECT_EQ(format_interval_end(kOpenHigh, ""), "+∞");
  EXPECT_EQ(format_interval_end(0.25, "share"), "25.0%");
  EXPECT_EQ(interval_half_width(1.0, 0.5, 1.2), 0.5);
  EXPECT_TRUE(std::isinf(interval_half_width(1.0, kOpenLow, 1.2)));
  EXPECT_TRUE(json_number(kOpenLow).is_null());
  EXPECT_TRUE(json_number(std::numeric_limits<double>::quiet_NaN()).is_null());
  EXPECT_EQ(json_number(0.25), 0.25);
  EXPECT_EQ(format_statistic(std::numeric_limits<double>::quiet_NaN(), ""), "—");
  EXPECT_EQ(format_statistic(2.5, ""), "2.5");
}

// The format a file's extension implies, in any case; none for an extension
// riskcast does not know (the command then refuses it without --format).
TEST(FormatForPath, KnownExtensionsInAnyCase) {
  EXPECT_EQ(format_for_path("r.json"), Format::Json);
  EXPECT_EQ(format_for_path("out/R.JSON"), Format::Json);
  EXPECT_EQ(format_for_path("r.Csv"), Format::Csv);
  EXPECT_EQ(format_for_path("r.md"), Format::Markdown);
  EXPECT_EQ(format_for_path("r.markdown"), Format::Markdown);
  EXPECT_EQ(format_for_path("r.TXT"), Format::Table);
  for (const char* path : {"r.html", "r.tsv", "r.csv.gz", "r", "/dev/null", "-", "dir.json/r", ".json"})
    EXPECT_EQ(format_for_path(path), std::nullopt) << path;
}

}  // namespace
}  // namespace riskcast
