// Whole numbers read exactly: every accepted spelling, and every way a
// number can fail to be a whole number in range, with the reason given.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/count.hpp"
#include "riskcast/decimal.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {
namespace {

constexpr std::uint64_t kMax = UINT64_MAX;

TEST(WholeNumber, AcceptedSpellings) {
  EXPECT_EQ(parse_whole_number("1000000", 0, kMax), 1'000'000u);
  EXPECT_EQ(parse_whole_number("1_000_000", 0, kMax), 1'000'000u);
  EXPECT_EQ(parse_whole_number("1e6", 0, kMax), 1'000'000u);
  EXPECT_EQ(parse_whole_number("1E+6", 0, kMax), 1'000'000u);
  EXPECT_EQ(parse_whole_number("2.5e6", 0, kMax), 2'500'000u);
  EXPECT_EQ(parse_whole_number("1000e-3", 0, kMax), 1u);
  EXPECT_FALSE(parse_whole_number("1500e-3", 0, kMax));
  EXPECT_EQ(parse_whole_number("12.0", 0, kMax), 12u);
  EXPECT_EQ(parse_whole_number("12.", 0, kMax), 12u);
  EXPECT_EQ(parse_whole_number("0", 0, kMax), 0u);
  EXPECT_EQ(parse_whole_number("0e999999999999", 0, kMax), 0u);
  EXPECT_EQ(parse_whole_number("007", 0, kMax), 7u);
  // Exact at the top of the range, where a double would round.
  EXPECT_EQ(parse_whole_number("18446744073709551615", 0, kMax), kMax);
  EXPECT_EQ(parse_whole_number("18446744073709551615.000", 0, kMax), kMax);
  EXPECT_EQ(parse_whole_number("1.8446744073709551615e19", 0, kMax), kMax);
  EXPECT_EQ(parse_whole_number("9007199254740993", 0, kMax), 9'007'199'254'740'993u);  // 2^53 + 1
  EXPECT_EQ(parse_whole_number("9007199254740993.0", 0, kMax), 9'007'199'254'740'993u);
}

// The reason follows the text in the message: "'12.5' is not a whole number".
std::string problem_of(const std::string& text, std::uint64_t lo = 0, std::uint64_t hi = kMax) {
  std::string problem;
  EXPECT_FALSE(parse_whole_number(text, lo, hi, &problem)) << text;
  return problem;
}

TEST(WholeNumber, RefusedWithTheReason) {
  const std::string malformed = "is not a number";
  // Past 2^64 − 1 in any spelling: refused, never wrapped to 0.
  EXPECT_EQ(problem_of("18446744073709551616.0"), "is larger than 18446744073709551615");
  EXPECT_EQ(problem_of("18446744073709551616."), "is larger than 18446744073709551615");
  EXPECT_EQ(problem_of("18446744073709551616"), "is larger than 18446744073709551615");
  EXPECT_EQ(problem_of("1.8446744073709551616e19"), "is larger than 18446744073709551615");
  EXPECT_EQ(problem_of("1e20"), "is larger than 18446744073709551615");
  EXPECT_EQ(problem_of("1e999999999999999999999"), "is larger than 18446744073709551615");
  EXPECT_EQ(problem_of("100000000000000000000000000000"), "is larger than 18446744073709551615");
  // Not whole: refused, never truncated.
  EXPECT_EQ(problem_of("12.5"), "is not a whole number");
  EXPECT_EQ(problem_of("12.0000000001"), "is not a whole number");
  EXPECT_EQ(problem_of("12.00000000000000000001"), "is not a whole number");  // a double would read 12
  EXPECT_EQ(problem_of("1e-1"), "is not a whole number");
  EXPECT_EQ(problem_of(".5"), "is not a whole number");
  EXPECT_EQ(problem_of("1e6.5"), malformed);
  EXPECT_EQ(problem_of("-1"), "is negative");
  EXPECT_EQ(problem_of("-0.5"), malformed);
  for (const char* text : {"",   ".",  "e6",   "1e",   "1e+",  "abc",  "0x10",  "1 000", " 1",  "1 ",  "+1",
                           "_1", "1_", "1__0", "1_.0", "1._0", "1e_6", "1.2.3", "inf",   "nan", "--1", "1e6e6"})
    EXPECT_EQ(problem_of(text), malformed) << "'" << text << "'";
  EXPECT_EQ(problem_of("20,000"), "is not a number (group digits with `_`, as in 1_000_000, not with commas)");
  // Range.
  EXPECT_EQ(problem_of("0", 1, 10), "is less than 1");
  EXPECT_EQ(problem_of("11", 1, 10), "is larger than 10");
  EXPECT_EQ(problem_of("1e1_0", 1, 10), "is larger than 10");
  EXPECT_EQ(parse_whole_number("1e1", 1, 10), 10u);
  EXPECT_EQ(parse_whole_number("1099511627776", 1, kMaxSamples), kMaxSamples);
  EXPECT_EQ(problem_of("1099511627777", 1, kMaxSamples), "is larger than 1099511627776");
}

// In a model file a whole-number setting takes the same spellings, or a
// constant formula whose value is whole.
TEST(WholeNumber, ModelSettingsTakeTheSameSpellings) {
  for (const char* horizon : {"12", "12.0", "1_2", "1.2e1", "6 * 2", "12."}) {
    const Model m = testing::load_ok(std::string("horizon: ") + horizon +
                                     "\nevents:\n  s: {kind: switch, on: 0.1}\noutputs:\n  o: sum(s)\n"
                                     "scenarios:\n  x: {events: {s: {on_from: 3.0}}}\n");
    EXPECT_EQ(m.horizon, 12u) << horizon;
    ASSERT_EQ(m.scenarios.size(), 2u);
    EXPECT_EQ(std::get<Switch>(m.scenarios[1].events.at(0).definition).fixed_on_from, 3u);
  }
}

// Thresholds and percentiles (--exceed, --percentiles, batch `exceed:` and
// `percentiles:`): the whole-number spellings, a sign and fractions allowed.
TEST(RealNumber, SpellingsAndProblems) {
  EXPECT_EQ(parse_real_number("0.3"), 0.3);
  EXPECT_EQ(parse_real_number("-2.5e6"), -2.5e6);
  EXPECT_EQ(parse_real_number("+1_000_000.5"), 1000000.5);
  EXPECT_EQ(parse_real_number(".5"), 0.5);
  EXPECT_EQ(parse_real_number("12."), 12.0);
  EXPECT_EQ(parse_real_number("1E-3"), 1e-3);
  EXPECT_FALSE(std::signbit(*parse_real_number("-0")));
  auto problem_of = [](const char* text) {
    std::string problem;
    EXPECT_FALSE(parse_real_number(text, &problem)) << text;
    return problem;
  };
  for (const char* text : {"", "-", ".", "e6", "1e", "abc", "0x10", " 1", "1 ", "_1", "1__0", "inf", "nan", "--1",
                           "1.2.3", "1e6e6", "30%"})
    EXPECT_EQ(problem_of(text), "is not a number") << "'" << text << "'";
  EXPECT_EQ(problem_of("0,3"), "is not a number (group digits with `_`, as in 1_000_000, not with commas)");
  EXPECT_EQ(problem_of("1e400"), "is beyond the range of a double (about ±1.8e308, down to 2.2e-308)");
  // Percentiles are in percent, strictly inside (0, 100).
  EXPECT_EQ(parse_percentile("97.5"), 0.975);
  EXPECT_EQ(parse_percentile("80"), 0.8);
  EXPECT_EQ(parse_percentile("0.1"), 0.001);
  // Refused: 0, 100 and beyond, a percent whose probability rounds to 1 or
  // is subnormal (its name would read P100, or lose digits).
  for (const char* text : {"0", "100", "-5", "250", "99.999999999999999", "1e-320", "2.2e-306"}) {
    std::string problem;
    EXPECT_FALSE(parse_percentile(text, &problem)) << text;
    EXPECT_EQ(problem,
              "is outside 2.2250738585072014e-306 … 99.99999999999999, the percentiles strictly between 0 and 100 "
              "that riskcast can hold")
        << text;
  }
  EXPECT_EQ(parse_percentile("99.99999999999999"), kLargestPercentile);
  EXPECT_EQ(parse_percentile("2.2250738585072014e-306"), kSmallestPercentile);
  // A threshold may be a number of percent.
  EXPECT_EQ(parse_threshold("30%"), 0.3);
  EXPECT_EQ(parse_threshold("-1e6"), -1e6);
  EXPECT_FALSE(parse_threshold("%"));
  EXPECT_FALSE(parse_threshold("30%%"));
  EXPECT_TRUE(is_percentage("30%"));
  EXPECT_FALSE(is_percentage("0.3"));
}

// A percent is read as one decimal, its point moved, then rounded once:
// 10.00001% is the double nearest 0.1000001, which dividing the double
// nearest 10.00001 by 100 is not always; and the name of the probability
// read is the text again.
TEST(RealNumber, PercentsAreReadExactlyAndNamedBack) {
  EXPECT_EQ(parse_threshold("10.00001%"), 0.1000001);
  EXPECT_EQ(parse_percentile("99.99999999999"), 0.9999999999999);
  EXPECT_EQ(parse_percentile("12.345678901234"), 0.12345678901234);
  EXPECT_EQ(parse_threshold("1e-300%"), 1e-302);
  int mismatched = 0;  // where the division differs from the exact reading
  for (const char* text : {"0.07", "97.5", "12.3", "33.3", "99.99999999999", "66.66666666666667", "0.1", "0.0005",
                           "12.345678901234", "99.99999999999999", "1e-10", "50.000000000001"}) {
    const std::optional<double> p = parse_percentile(text);
    ASSERT_TRUE(p) << text;
    EXPECT_EQ(percentile_label(*p), std::string("P") + text) << text;
    mismatched += *parse_real_number(text) / 100 != *p;
  }
  EXPECT_GT(mismatched, 0);  // the exact reading matters for some of these
  EXPECT_EQ(percentile_label(0.5), "P50");
  EXPECT_EQ(percentile_label(0.005), "P0.5");
  EXPECT_EQ(percentile_label(1e-12), "P1e-10");
  EXPECT_EQ(percentile_label(kSmallestPercentile), "P2.2250738585072014e-306");
  EXPECT_EQ(percentile_label(kLargestPercentile), "P99.99999999999999");
  EXPECT_TRUE(is_nameable_probability(kSmallestPercentile));
  EXPECT_FALSE(is_nameable_probability(kSmallestPercentile / 2));
  EXPECT_FALSE(is_nameable_probability(1.0));
  EXPECT_FALSE(is_nameable_probability(0.0));
}

// A comma always separates two numbers of a list, except before digits
// with a leading zero, which only digit grouping writes.
TEST(NumberList, ACommaSeparatesUnlessTheDigitsAfterItAreGrouped) {
  using List = std::vector<std::string>;
  const std::vector<std::pair<std::string, List>> lists = {
      {"0.3", {"0.3"}},
      {"500,700", {"500", "700"}},
      {"1,500", {"1", "500"}},
      {"-12,500", {"-12", "500"}},
      {" 80, 97.5 ", {"80", "97.5"}},
      {"0.3,50%", {"0.3", "50%"}},
      {"5,0", {"5", "0"}},       // zero alone is a number
      {"1, 000", {"1", "000"}},  // a blank after the comma: no grouping writes that
      {"1,,2", {"1", "", "2"}},  // empty items are the caller's to refuse
      {"0.5,0.25", {"0.5", "0.25"}},
      {"", {""}},
  };
  for (const auto& [text, items] : lists) {
    std::string problem;
    EXPECT_EQ(split_number_list(text, &problem), std::optional<List>(items)) << text;
    EXPECT_EQ(problem, "") << text;
  }
  const std::vector<std::pair<std::string, std::string>> grouped = {
      {"1,000",
       "'1,000' reads as one number with its digits grouped ('000' after a comma starts with 0), but a comma "
       "separates values; write 1000 (or 1_000) for one number, or 1,0 for two"},
      {"1,050",
       "'1,050' reads as one number with its digits grouped ('050' after a comma starts with 0), but a comma "
       "separates values; write 1050 (or 1_050) for one number, or 1,50 for two"},
      {"2,500,000",
       "'2,500,000' reads as one number with its digits grouped ('000' after a comma starts with 0), but a comma "
       "separates values; write 2500000 (or 2_500_000) for one number, or 2,500,0 for separate values"},
      {"0.3, -1,000", "'-1,000' reads as one number"},
      {"12,0001", "'12,0001' reads as one number"},
  };
  for (const auto& [text, message] : grouped) {
    std::string problem;
    EXPECT_FALSE(split_number_list(text, &problem).has_value()) << text;
    EXPECT_NE(problem.find(message), std::string::npos) << text << ": " << problem;
  }
  EXPECT_EQ(split_at_commas(" a, b ,c,"), (List{"a", "b", "c", ""}));
}

TEST(Decimal, ShortestDigitsWithThePointMoved) {
  EXPECT_EQ(shortest_decimal(0.975, 2), "97.5");
  EXPECT_EQ(shortest_decimal(0.07, 2), "7");
  EXPECT_EQ(shortest_decimal(123456.789), "123456.789");
  EXPECT_EQ(shortest_decimal(123456.789, -3), "123.456789");
  EXPECT_EQ(shortest_decimal(1500), "1500");
  EXPECT_EQ(shortest_decimal(-0.00015), "-0.00015");
  EXPECT_EQ(shortest_decimal(0.00001), "1e-05");
  EXPECT_EQ(shortest_decimal(1e300), "1e+300");
  EXPECT_EQ(shortest_decimal(1.5e16), "1.5e+16");
  EXPECT_EQ(shortest_decimal(0.0), "0");
  const DecimalDigits d = shortest_digits(-0.00123);
  EXPECT_TRUE(d.negative);
  EXPECT_EQ(d.digits, "123");
  EXPECT_EQ(d.exponent, -3);
  // Every double's text reads back as that double.
  for (double v : {0.1, 1.0 / 3, 2.0 / 3 * 1e-200, 123456.7891, 9007199254740993.0, 5e-324, 1.7976931348623157e308}) {
    const std::string text = shortest_decimal(v);
    double back = 0;
    std::from_chars(text.data(), text.data() + text.size(), back);
    EXPECT_EQ(back, v) << text;
  }
}

}  // namespace
}  // namespace riskcast
