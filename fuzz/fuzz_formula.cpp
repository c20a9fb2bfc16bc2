// Formula text → parse_expression and a to_string round trip → the formula
// written, as a YAML string, in each place a formula can stand in a small
// fixed model (a monthly formula, an output, a switch hazard, a transition
// probability, an arrival rate, an innovation's distribution) → load_model_text (its checks and name
// resolution) → every scenario compiled and sampled (model_checks.hpp).
//
// Checks besides "no crash": errors lie inside the text; the printed form
// parses back to the same tree (baseline fingerprints rely on to_string
// telling formulas apart); an output that folds to a constant samples to
// exactly that constant.
#include <bit>
#include <cstdint>
#include <optional>
#include <string>

#include "harness.hpp"
#include "model_checks.hpp"
#include "riskcast/expr.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast::fuzz {
namespace {

// The fixed model; each `@` is one place for the fuzzed formula, and the
// others read 0.
constexpr std::string_view kContext = R"yaml(horizon: 12
parameters:
  p: uniform(0, 1)
  q: normal(10, 2)
  k: poisson(3)
  d: discrete([1, 2, 3], [0.2, 0.3, 0.5])
events:
  r:
    kind: regime
    states: [low, mid, high]
    initial: {low: 0.6, mid: 0.3, high: 0.1}
    transitions: {low: {mid: @}, mid: {high: 0.2, low: 0.1}, high: {low: 0.3}}
  s: {kind: switch, initial: 0.2, on: @, off: 0.3}
  a: {kind: arrivals, rate: @, size: lognormal(0, 1)}
  b: {kind: arrivals, rate: 2, size: 1}
  n: {kind: innovation, dist: @}
monthly:
  x: "q * (r == high ? 1.5 : 1) + b + s + n"
  y: prev(y, p) + x
  f: @
outputs:
  total: sum(x)
  last_y: last(y)
  f_total: sum(f)
  g: @
scenarios:
  calm: {events: {s: {fix: "off"}, r: {fix: low}}}
)yaml";
constexpr std::size_t kPlaces = 6;
constexpr std::size_t kOutputPlace = 5;  // the place of output g

// `text` as a YAML double-quoted scalar: exactly these bytes after YAML's
// unescaping (bytes from 0x80 up pass through, so invalid UTF-8 stays invalid).
std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out + '"';
}

// The fixed model with `formula` at place `place` and 0 elsewhere.
std::string model_text(std::string_view formula, std::size_t place) {
  std::string out;
  std::size_t at = 0;
  for (const char c : kContext) {
    if (c != '@') {
      out += c;
    } else {
      out += at++ == place ? yaml_quoted(formula) : "0";
    }
  }
  return out;
}

// Equal trees, positions and name resolution aside.
bool same_tree(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.name != b.name || a.operands.size() != b.operands.size()) return false;
  if (a.kind == ExprKind::Number && std::bit_cast<std::uint64_t>(a.number) != std::bit_cast<std::uint64_t>(b.number))
    return false;
  if (a.kind == ExprKind::Unary && a.unary != b.unary) return false;
  if (a.kind == ExprKind::Binary && a.binary != b.binary) return false;
  for (std::size_t i = 0; i < a.operands.size(); ++i)
    if (!same_tree(a.operands[i], b.operands[i])) return false;
  return true;
}

// The printed form parses back to the same tree. It puts every operation in
// parentheses, and each level of parentheses counts towards
// kMaxExpressionDepth, so a formula near the limit may print deeper than it:
// that one error is the only one allowed.
void check_round_trip(const Expr& expr) {
  const std::string printed = to_string(expr);
  Diagnostics d("printed");
  const std::optional<Expr> again = parse_expression(printed, {1, 1}, d);
  if (!again && d.size() == 1 && d.items().front().message.find("nested too deeply") != std::string::npos) return;
  require(again.has_value(), "the printed form `" + printed + "` does not parse: " + d.format());
  require(same_tree(expr, *again), "the printed form `" + printed + "` parses to `" + to_string(*again) + "`");
}

// An output that is a constant formula samples to that constant, whatever
// the sample: the compiler folds it with the evaluator's arithmetic.
void check_folding(const Expr& expr, const std::optional<Outcome>& base) {
  const std::optional<double> folded = constant_value(expr);
  if (!folded || !base || base->error) return;
  for (std::size_t o = 0; o < base->names.size(); ++o) {
    if (base->names[o] != "g") continue;
    for (const double v : base->columns[o])
      require(std::bit_cast<std::uint64_t>(v) == std::bit_cast<std::uint64_t>(*folded),
              "output g = " + to_string(expr) + " folds to " + std::to_string(*folded) + " but sampled " +
                  std::to_string(v));
  }
}

}  // namespace
}  // namespace riskcast::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskcast;
  const std::string_view formula = fuzz::as_text(data, size);
  Diagnostics parse_errors("formula");
  const std::optional<Expr> expr = parse_expression(formula, {1, 1}, parse_errors);
  if (!expr) {
    fuzz::require_positioned(parse_errors, formula);
  } else {
    fuzz::require(parse_errors.empty(), "a formula parsed with errors: " + parse_errors.format());
    fuzz::check_round_trip(*expr);
  }
  // A formula that does not parse fails the same way in every place: one
  // place (varying with the input) checks the positions the loader maps its
  // errors to; loading YAML is most of a run's cost.
  const std::size_t first = expr ? 0 : size % fuzz::kPlaces;
  const std::size_t last = expr ? fuzz::kPlaces : first + 1;
  for (std::size_t place = first; place < last; ++place) {
    const auto model = fuzz::loaded(fuzz::model_text(formula, place),
                                    [](std::string_view text) { return load_model_text(text, "formula.yaml"); });
    if (!model) continue;
    fuzz::require(expr.has_value(), "a model loaded with a formula that does not parse alone");
    const auto outcomes = fuzz::sample_every_scenario(*model);
    if (place == fuzz::kOutputPlace) fuzz::check_folding(*expr, outcomes.front());
  }
  return 0;
}
