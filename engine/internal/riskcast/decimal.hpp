// Decimal text of doubles for people and for names: the shortest digits
// that read back as the same double (std::to_chars' shortest round trip),
// written with the point where the display style needs it. Labels built so
// (percentile names, exceedance thresholds) tell apart every two values a
// user can ask for.
#pragma once

#include <string>

namespace riskcast {

// A finite double's shortest round-trip digits, without trailing zeros, and
// the decimal exponent of the first: 123456.789 → {false, "123456789", 5},
// 0.001 → {false, "1", -3}; 0 (and a non-finite value) → {false, "0", 0}.
struct DecimalDigits {
  bool negative = false;
  std::string digits;
  int exponent = 0;
};
DecimalDigits shortest_digits(double value);
// Those digits as plain decimal text ("123456.789", "0.001", "1500"), and in
// e-notation as fmt writes it ("1.23456789e+05", "1e-300").
std::string plain_decimal(const DecimalDigits& digits);
std::string scientific_decimal(const DecimalDigits& digits);
// `value` with its decimal point moved `shift` places right, from its
// shortest digits: shortest_decimal(0.975, 2) = "97.5", and reading the
// text back with the point moved back (parse_percentile) gives `value` bit
// for bit. Plain from 10^-4 up to below 10^16, e-notation outside.
std::string shortest_decimal(double value, int shift = 0);

}  // namespace riskcast
