// Numbers as people write them. Whole numbers, on a command line (--samples), in a
// batch file (samples:) or a model file (horizon:): 1000000, 1_000_000, 1e6,
// 2.5e6, 12.0. Read exactly, never through a double: a value that is not
// whole (12.5, 1e6.5 is no number at all, 12.0000000001) or out of range
// (18446744073709551616.0 as a seed) is refused, not rounded or wrapped.
// See docs/language.md, "Whole numbers".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/random_layout.hpp"  // kMaxSamples, the largest --samples

namespace riskcast {

// The accepted spellings: digits, optionally grouped by single `_` between
// digits (1_000_000), optionally with a fraction (12.0, 2.5e6) and an
// exponent `e` or `E` with an optional sign (1e6, 1E+6, 1000e-3); the
// value they spell must be a whole number. No sign, no spaces, no hex.
//
// The number `text` spells, or nullopt when it is not a whole number within
// [lo, hi]; then `problem`, if given, says why in words that follow the text
// ("is not a whole number", "is larger than 18446744073709551615", …).
std::optional<std::uint64_t> parse_whole_number(std::string_view text, std::uint64_t lo, std::uint64_t hi,
                                                std::string* problem = nullptr);

// A number that need not be whole (an exceedance threshold: --exceed,
// `exceed:` in a batch file): an optional sign `-` or `+`, then the
// spelling above (0.3, -2.5e6, 1_000_000.5); its nearest double, which must
// be finite. nullopt otherwise, with `problem` as above.
std::optional<double> parse_real_number(std::string_view text, std::string* problem = nullptr);

// A percentile as a number of percent strictly between 0 and 100, as
// --percentiles and `percentiles:` take it: "97.5" → 0.975, the double
// nearest text / 100 (the decimal point moved before rounding: one
// rounding, so percentile_label gives the text back). The probability must
// be one that has a faithful name (is_nameable_probability); otherwise
// `problem` gives the accepted range in percent.
std::optional<double> parse_percentile(std::string_view text, std::string* problem = nullptr);
// An exceedance threshold: parse_real_number, or a number of percent with a
// trailing `%` (is_percentage) for a share: "30%" → the double nearest 0.3.
std::optional<double> parse_threshold(std::string_view text, std::string* problem = nullptr);
// Whether a threshold's text is a number of percent ("30%").
bool is_percentage(std::string_view text);
// Why a percentage threshold is refused for an output that is not shown as a
// share (is_share_unit): "a percentage (`%`) is only for an output shown as
// a share, and `units` is in accelerators; give the threshold in its units".
std::string percentage_for_non_share(std::string_view output, std::string_view unit);
// Why an exceedance of a probability output (OutputKind::Probability) is
// refused, after the caller's words that name it ("--exceed 'x=0.5': ").
std::string probability_output_exceedance();

// "a, b,c" → {"a", "b", "c"}: the items between commas, blanks around each
// trimmed, empty ones kept (the caller refuses them); a comma inside
// brackets stays in its item ("x[huawei,h200]", an element's name).
std::vector<std::string> split_at_commas(std::string_view text);

// A comma-separated list of numbers as a person writes one: after
// --percentiles and --exceed OUTPUT=, and as a value of `percentiles:` or
// `exceed:` in a batch file ("80,97.5", "0.3, 50%", "500,700"): its items
// (split_at_commas). A comma always separates two items, except that an
// item after a comma that is all digits with a leading zero ("1,000",
// "2,500,000", "1,050"; "0" alone is zero) marks digits grouped by commas,
// which would otherwise read as 1 and 0 without a trace: then nullopt, and
// `problem` says what to write instead ("'1,000' reads as one number with
// its digits grouped …; write 1000 (or 1_000) for one number, or 1,0 for
// two"). "500,700" and "1,500" are two items each: every report shows each
// threshold and percentile, so a misreading is seen. See docs/results.md.
std::optional<std::vector<std::string>> split_number_list(std::string_view text, std::string* problem = nullptr);

}  // namespace riskcast
