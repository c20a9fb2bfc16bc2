#include "riskcast/count.hpp"

#include "riskcast/decimal.hpp"
#include "riskcast/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace riskcast {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Digits with single `_` between two digits; the digits without them.
std::optional<std::string> digit_run(std::string_view text) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_digit(text[i])) {
      digits += text[i];
    } else if (text[i] != '_' || i == 0 || i + 1 == text.size() || !is_digit(text[i - 1]) || !is_digit(text[i + 1])) {
      return std::nullopt;
    }
  }
  return digits;
}

// A number's spelling, mantissa [. fraction] [e [sign] exponent], each digit
// run without its `_`s; nullopt when `text` is not spelt so.
struct Spelling {
  std::string whole, fraction, exponent;  // exponent: empty without one
  bool exponent_negative = false;
};

std::optional<Spelling> read_spelling(std::string_view text) {
  const std::size_t e = text.find_first_of("eE");
  const std::string_view mantissa = text.substr(0, e);
  const std::size_t point = mantissa.find('.');
  const std::optional<std::string> whole = digit_run(mantissa.substr(0, point));
  const std::optional<std::string> fraction =
      point == std::string_view::npos ? std::optional<std::string>("") : digit_run(mantissa.substr(point + 1));
  if (!whole || !fraction || (whole->empty() && fraction->empty())) return std::nullopt;
  Spelling spelling{*whole, *fraction, "", false};
  if (e != std::string_view::npos) {
    std::string_view exponent = text.substr(e + 1);
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
      spelling.exponent_negative = exponent[0] == '-';
      exponent.remove_prefix(1);
    }
    const std::optional<std::string> run = digit_run(exponent);
    if (!run || run->empty()) return std::nullopt;
    spelling.exponent = *run;
  }
  return spelling;
}

std::optional<std::uint64_t> refuse(std::string* problem, std::string why) {
  if (problem) *problem = std::move(why);
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t lo, std::uint64_t hi,
                                                std::string* problem) {
  const std::string_view malformed = text.find(',') != std::string_view::npos
                                         ? "is not a number (group digits with `_`, as in 1_000_000, not with commas)"
                                         : "is not a number";
  const std::optional<Spelling> spelling = read_spelling(text);
  if (!spelling) {
    // A negative number is a number, just not one allowed here.
    if (!text.empty() && text[0] == '-' && parse_whole_number(text.substr(1), 0, UINT64_MAX))
      return refuse(problem, "is negative");
    return refuse(problem, std::string(malformed));
  }
  const bool exponent_negative = spelling->exponent_negative;
  const std::string& exponent_digits = spelling->exponent;
  // The value is digits × 10^shift, exactly.
  std::string digits = spelling->whole + spelling->fraction;
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    if (lo > 0) return refuse(problem, fmt::format("is less than {}", lo));
    return 0;
  }
  digits.erase(0, first);
  // An exponent beyond what any digit string here can offset means "huge" or "tiny".
  constexpr std::int64_t kExponentLimit = 1'000'000;
  std::int64_t exponent = 0;
  for (char c : exponent_digits) {
    exponent = exponent * 10 + (c - '0');
    if (exponent > kExponentLimit) break;
  }
  if (exponent_negative) exponent = -exponent;
  std::int64_t shift = exponent - static_cast<std::int64_t>(spelling->fraction.size());
  while (shift < 0 && digits.back() == '0') {
    digits.pop_back();
    ++shift;
  }
  if (shift < 0) return refuse(problem, "is not a whole number");
  const std::string too_large = fmt::format("is larger than {}", hi);
  if (static_cast<std::int64_t>(digits.size()) + shift > 20) return refuse(problem, too_large);
  std::uint64_t value = 0;
  for (char c : digits)
    if (__builtin_mul_overflow(value, 10u, &value) || __builtin_add_overflow(value, c - '0', &value))
      return refuse(problem, too_large);
  for (std::int64_t i = 0; i < shift; ++i)
    if (__builtin_mul_overflow(value, 10u, &value)) return refuse(problem, too_large);
  if (value > hi) return refuse(problem, too_large);
  if (value < lo) return refuse(problem, fmt::format("is less than {}", lo));
  return value;
}

namespace {

// The double nearest `text` · 10^-shift, the decimal read exactly (the point
// moved before rounding, so "97.5" at shift 2 is the double nearest 0.975,
// and "10.00001" the one nearest 0.1000001: no second rounding).
std::optional<double> parse_scaled(std::string_view text, int shift, std::string* problem) {
  auto refuse_real = [problem](std::string why) -> std::optional<double> {
    if (problem) *problem = std::move(why);
    return std::nullopt;
  };
  const std::string malformed = text.find(',') != std::string_view::npos
                                    ? "is not a number (group digits with `_`, as in 1_000_000, not with commas)"
                                    : "is not a number";
  std::string clean;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    if (text[0] == '-') clean = "-";
    text.remove_prefix(1);
  }
  const std::optional<Spelling> spelling = read_spelling(text);
  if (!spelling) return refuse_real(malformed);
  clean +=
      (spelling->whole.empty() ? "0" : spelling->whole) + (spelling->fraction.empty() ? "" : "." + spelling->fraction);
  // An exponent beyond this is out of range whatever the digits; capping it
  // keeps the arithmetic below exact.
  constexpr std::int64_t kExponentLimit = 1'000'000'000'000;
  std::int64_t exponent = 0;
  for (char c : spelling->exponent) exponent = std::min(exponent * 10 + (c - '0'), kExponentLimit);
  if (spelling->exponent_negative) exponent = -exponent;
  exponent -= shift;
  if (exponent != 0) clean += fmt::format("e{}", exponent);
  double value = 0;
  const auto [end, error] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
  if (error == std::errc::result_out_of_range || !std::isfinite(value))
    return refuse_real("is beyond the range of a double (about ±1.8e308, down to 2.2e-308)");
  if (error != std::errc() || end != clean.data() + clean.size()) return refuse_real(malformed);
  return value + 0.0;  // + 0.0: −0 reads as 0
}

}  // namespace

std::optional<double> parse_real_number(std::string_view text, std::string* problem) {
  return parse_scaled(text, 0, problem);
}

std::optional<double> parse_percentile(std::string_view text, std::string* problem) {
  const std::optional<double> p = parse_scaled(text, 2, problem);
  if (!p) return std::nullopt;
  if (is_nameable_probability(*p)) return *p;
  if (problem)
    *problem = fmt::format("is outside {} … {}, the percentiles strictly between 0 and 100 that riskcast can hold",
                           shortest_decimal(kSmallestPercentile, 2), shortest_decimal(kLargestPercentile, 2));
  return std::nullopt;
}

bool is_percentage(std::string_view text) {
  return !text.empty() && text.back() == '%';
}

std::optional<double> parse_threshold(std::string_view text, std::string* problem) {
  if (!is_percentage(text)) return parse_scaled(text, 0, problem);
  return parse_scaled(text.substr(0, text.size() - 1), 2, problem);
}

std::string percentage_for_non_share(std::string_view output, std::string_view unit) {
  return fmt::format(
      "a percentage (`%`) is only for an output shown as a share, and `{}` {}; give the threshold in "
      "its units",
      output, unit.empty() ? "has no unit" : fmt::format("is in {}", unit));
}

std::string probability_output_exceedance() {
  return "a probability output is reported by its P already; it has no other exceedance";
}

namespace {

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// A digit group that only grouping writes: two or more digits, the first 0.
bool leading_zero_group(std::string_view item) {
  return item.size() >= 2 && item.front() == '0' && all_digits(item);
}

// The items between commas, as written. A comma inside brackets is part of
// a name: `revenue[huawei,h200]` is one element of an output over two
// indexes (docs/language.md, "Indexes").
std::vector<std::string_view> raw_items(std::string_view text) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    depth += (text[i] == '[') - (text[i] == ']' && depth > 0);
    if (text[i] == ',' && depth == 0) {
      items.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  items.push_back(text.substr(start));
  return items;
}

}  // namespace

std::vector<std::string> split_at_commas(std::string_view text) {
  std::vector<std::string> items;
  for (std::string_view item : raw_items(text)) items.emplace_back(trim_blanks(item));
  return items;
}

std::optional<std::vector<std::string>> split_number_list(std::string_view text, std::string* problem) {
  // Digit groups follow their comma directly: "1, 000" is two items.
  const std::vector<std::string_view> raw = raw_items(text);
  const auto grouped_raw = std::find_if(raw.begin() + 1, raw.end(), leading_zero_group);
  std::vector<std::string> items = split_at_commas(text);
  if (grouped_raw == raw.end()) return items;
  const auto grouped = items.begin() + (grouped_raw - raw.begin());
  if (problem) {
    // The whole number as grouped: the item before the one found and the
    // groups of three digits around it, the first item with its sign.
    auto first = grouped - 1, last = grouped + 1;
    auto group = [](std::string_view item) { return item.size() == 3 && all_digits(item); };
    auto head = [](std::string_view item) {
      return all_digits(item.starts_with('-') || item.starts_with('+') ? item.substr(1) : item);
    };
    while (first != items.begin() && group(*first) && head(*(first - 1))) --first;
    while (last != items.end() && group(*last)) ++last;
    std::string written, joined, underscored, separate;
    for (auto it = first; it != last; ++it) {
      const std::string& item = *it;
      const std::string value =
          it == first ? item : item.substr(std::min(item.find_first_not_of('0'), item.size() - 1));
      written += fmt::format("{}{}", it == first ? "" : ",", item);
      joined += item;
      underscored += fmt::format("{}{}", it == first ? "" : "_", item);
      separate += fmt::format("{}{}", it == first ? "" : ",", value);
    }
    *problem = fmt::format(
        "'{}' reads as one number with its digits grouped ('{}' after a comma starts with 0), but a comma separates "
        "values; write {} (or {}) for one number, or {} for {}",
        written, *grouped, joined, underscored, separate, last - first == 2 ? "two" : "separate values");
  }
  return std::nullopt;
}

DecimalDigits shortest_digits(double value) {
  if (value == 0.0 || !std::isfinite(value)) return {false, std::string(1, '0'), 0};
  DecimalDigits d;
  d.negative = value < 0;
  char buffer[64];
  const auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, std::fabs(value), std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  const std::size_t e = text.find('e');
  for (char c : text.substr(0, e))
    if (c != '.') d.digits += c;
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  d.exponent = std::stoi(std::string(text.substr(e + 1)));
  return d;
}

std::string plain_decimal(const DecimalDigits& d) {
  const char* sign = d.negative ? "-" : "";
  if (d.exponent < 0)
    return fmt::format("{}0.{}{}", sign, std::string(static_cast<std::size_t>(-d.exponent - 1), '0'), d.digits);
  const auto whole = static_cast<std::size_t>(d.exponent) + 1;
  if (d.digits.size() <= whole) return fmt::format("{}{}{}", sign, d.digits, std::string(whole - d.digits.size(), '0'));
  return fmt::format("{}{}.{}", sign, d.digits.substr(0, whole), d.digits.substr(whole));
}

std::string scientific_decimal(const DecimalDigits& d) {
  const std::string mantissa =
      d.digits.size() == 1 ? d.digits : fmt::format("{}.{}", d.digits.substr(0, 1), d.digits.substr(1));
  return fmt::format("{}{}e{}{:02}", d.negative ? "-" : "", mantissa, d.exponent < 0 ? '-' : '+', std::abs(d.exponent));
}

std::string shortest_decimal(double value, int shift) {
  DecimalDigits d = shortest_digits(value);
  if (d.digits != "0") d.exponent += shift;
  return d.exponent >= -4 && d.exponent < 16 ? plain_decimal(d) : scientific_decimal(d);
}

}  // namespace riskcast
