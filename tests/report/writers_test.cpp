// Values for people: shares as percentages, large counts with k / M / B.
#include <gtest/gtest.h>

#include <cmath>

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
