#include "support/model_generator.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <map>

namespace riskcast::generator {

std::uint64_t SeededChoices::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t ByteChoices::next() {
  std::uint64_t v = 0;
  for (int i = 0; i < 8 && offset_ < bytes_.size(); ++i) v |= std::uint64_t{bytes_[offset_++]} << (8 * i);
  return v;
}

std::string_view to_string(PlannedError e) {
  static constexpr std::string_view kNames[] = {
      "none",         "switch hazard",   "transition probability", "row sum",       "constant parameter row",
      "arrival rate", "too many bursts", "output not finite",      "innovation law"};
  return kNames[static_cast<int>(e)];
}

std::string_view to_string(Transformation t) {
  static constexpr std::string_view kNames[] = {"commute operands", "reorder entries", "inline formula",
                                                "extract formula", "add unused formula"};
  return kNames[static_cast<int>(t)];
}

// ---------------------------------------------------------------- syntax trees

Node Node::number(std::string literal) {
  Node n;
  n.kind = Kind::Number;
  n.text = std::move(literal);
  return n;
}
Node Node::name(std::string name, Ref ref) {
  Node n;
  n.kind = Kind::Name;
  n.ref = ref;
  n.text = std::move(name);
  return n;
}
Node Node::unary(std::string op, Node a) {
  Node n;
  n.kind = Kind::Unary;
  n.text = std::move(op);
  n.args.push_back(std::move(a));
  return n;
}
Node Node::binary(std::string op, Node a, Node b) {
  Node n;
  n.kind = Kind::Binary;
  n.text = std::move(op);
  n.args.push_back(std::move(a));
  n.args.push_back(std::move(b));
  return n;
}
Node Node::conditional(Node c, Node a, Node b) {
  Node n;
  n.kind = Kind::Conditional;
  n.text = "?";
  n.args = {std::move(c), std::move(a), std::move(b)};
  return n;
}
Node Node::call(std::string function, std::vector<Node> args) {
  Node n;
  n.kind = Kind::Call;
  n.text = std::move(function);
  n.args = std::move(args);
  return n;
}

int Node::height() const {
  int h = 0;
  for (const Node& a : args) h = std::max(h, a.height() + 1);
  return h;
}

namespace {

bool atomic(const Node& n) {
  return n.kind == Node::Kind::Name || n.kind == Node::Kind::Call ||
         (n.kind == Node::Kind::Number && n.text.front() != '-');
}

std::string operand(const Node& n) {
  return atomic(n) ? render(n) : "(" + render(n) + ")";
}

}  // namespace

std::string render(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Number:
    case Node::Kind::Name:
      return n.text;
    case Node::Kind::Unary:
      return n.text == "not" ? "not " + operand(n.args[0]) : n.text + operand(n.args[0]);
    case Node::Kind::Binary:
      return operand(n.args[0]) + " " + n.text + " " + operand(n.args[1]);
    case Node::Kind::Conditional:
      return operand(n.args[0]) + " ? " + operand(n.args[1]) + " : " + operand(n.args[2]);
    case Node::Kind::Call: {
      std::string out = n.text + "(";
      for (std::size_t i = 0; i < n.args.size(); ++i) out += (i ? ", " : "") + render(n.args[i]);
      return out + ")";
    }
  }
  return {};
}

// ---------------------------------------------------------------- model text

Value Value::of_scalar(std::string text) {
  Value v;
  v.kind = Kind::Scalar;
  v.scalar = std::move(text);
  return v;
}
Value Value::of_formula(Node node, Context context) {
  Value v;
  v.kind = Kind::Formula;
  v.formula = std::move(node);
  v.context = context;
  return v;
}
Value Value::map(bool flow) {
  Value v;
  v.kind = Kind::Map;
  v.flow = flow;
  return v;
}
Value Value::list(std::vector<std::string> items) {
  Value v;
  v.kind = Kind::List;
  v.items = std::move(items);
  return v;
}
Value* Value::find(std::string_view key) {
  for (auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}
const Value* Value::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}
Value& Value::add(std::string key, Value value) {
  entries.push_back({std::move(key), std::move(value)});
  return entries.back().second;
}

namespace {

std::string inline_text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Scalar:
      return v.scalar;
    case Value::Kind::Formula:
      return "\"" + render(v.formula) + "\"";
    case Value::Kind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + v.items[i];
      return out + "]";
    }
    case Value::Kind::Map: {
      std::string out = "{";
      for (std::size_t i = 0; i < v.entries.size(); ++i)
        out += (i ? ", " : "") + v.entries[i].first + ": " + inline_text(v.entries[i].second);
      return out + "}";
    }
  }
  return {};
}

void write_block(std::string& out, const Value& map, int indent) {
  for (const auto& [key, child] : map.entries) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += key;
    out += ':';
    if (child.kind == Value::Kind::Map && !child.flow && !child.entries.empty()) {
      out += "\n";
      write_block(out, child, indent + 2);
    } else if (child.kind == Value::Kind::Scalar && child.scalar.empty()) {
      out += "\n";
    } else {  // appended piece by piece: GCC 12's -Wrestrict misfires on " " + text + "\n" here
      out += ' ';
      out += inline_text(child);
      out += '\n';
    }
  }
}

}  // namespace

std::string GeneratedModel::text() const {
  std::string out;
  write_block(out, root, 0);
  return out;
}

// ---------------------------------------------------------------- value ranges

namespace {

// Bounds on a formula's value, by interval arithmetic on the ranges of its
// parameters and events: `finite` says every value is a finite number in
// [lo, hi]. Used only to decide where a guard keeps a model free of
// run-time errors; a rare draw outside them makes both the engine and the
// reference stop with the same error, which the comparison accepts.
struct Range {
  double lo = -HUGE_VAL, hi = HUGE_VAL;
  bool finite = false;

  static Range any() { return {}; }
  static Range of(double a, double b) {
    if (!(std::isfinite(a) && std::isfinite(b) && a <= b)) return any();
    return {a, b, true};
  }
  static Range point(double v) { return of(v, v); }
  static Range unit() { return of(0.0, 1.0); }
  bool inside(double a, double b) const { return finite && lo >= a && hi <= b; }
};

Range hull(const Range& a, const Range& b) {
  if (!a.finite || !b.finite) return Range::any();
  return Range::of(std::min(a.lo, b.lo), std::max(a.hi, b.hi));
}

template <typename F>
Range corners(const Range& a, const Range& b, F f) {
  if (!a.finite || !b.finite) return Range::any();
  const double v[4] = {f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)};
  double lo = v[0], hi = v[0];
  for (double x : v) {
    if (std::isnan(x)) return Range::any();
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  return Range::of(lo, hi);
}

template <typename F>
Range monotone(const Range& a, F f) {
  if (!a.finite) return Range::any();
  return Range::of(f(a.lo), f(a.hi));
}

bool excludes_zero(const Range& r) {
  return r.finite && (r.lo > 0.0 || r.hi < 0.0);
}

// What a formula reads, to know where it may be used again.
enum Uses : unsigned {
  kParameters = 1,
  kMonth = 2,
  kEvents = 4,    // switches and regimes
  kArrivals = 8,  //
  kMonthlyNames = 16,
  kPrev = 32,
  kAggregates = 64,
  kInnovations = 128,  // month m in monthly formulas, m − 1 in hazards
};

unsigned allowed_uses(Context c) {
  switch (c) {
    case Context::Constant:
      return 0;
    case Context::PrevInit:
      return kParameters;
    case Context::Hazard:
      return kParameters | kMonth | kEvents | kArrivals | kInnovations;
    case Context::Rate:
      return kParameters | kMonth | kEvents;
    case Context::Innovation:
      return kParameters | kMonth | kEvents | kArrivals;
    case Context::Monthly:
      return kParameters | kMonth | kEvents | kArrivals | kInnovations | kMonthlyNames | kPrev;
    case Context::Series:
      return kParameters | kMonth | kEvents | kArrivals | kInnovations | kMonthlyNames;
    case Context::Output:
      return kParameters | kAggregates;
  }
  return 0;
}

// A generated formula with its value range and what it reads.
struct Gen {
  Node node;
  Range range;
  unsigned uses = 0;
};

struct DistributionText {
  std::string text;
  Range range;
  bool constant = false;
  double value = 0.0;  // when constant
};

struct ParameterInfo {
  std::string name;
  DistributionText base;
  std::vector<DistributionText> alternatives;  // for scenario overrides
  Range range;                                 // over base and alternatives
};

enum class EventKind { Regime, Switch, Arrivals, Innovation };

struct EventInfo {
  std::string name;
  EventKind kind = EventKind::Switch;
  std::vector<std::string> states;      // regime
  double rate_cap = 0.0;                // arrivals
  std::vector<DistributionText> sizes;  // arrivals: base, then alternatives; innovation: constant laws
  int law_form = -1;                    // innovation: the law with formula arguments, or -1 for none
  Range range;                          // the event's value
  Value definition = Value::map();
};

EventInfo event(std::string name, EventKind kind) {
  EventInfo e;
  e.name = std::move(name);
  e.kind = kind;
  return e;
}

struct MonthlyInfo {
  std::string name;
  Range range = Range::any();
  bool done = false;
};

constexpr int kMaxPoolHeight = 8;

class Generator {
 public:
  Generator(ChoiceSource& choices, const GeneratorOptions& options) : choices_(choices), options_(options) {}

  GeneratedModel run() {
    horizon_ = chance(options_.long_horizon_rate) ? (chance(0.1) ? between(1100, 1200) : between(60, 240))
               : chance(0.3)                      ? 12
                                                  : between(1, 36);
    if (chance(options_.error_rate)) planned_ = static_cast<PlannedError>(1 + below(kPlannedErrorKinds - 1));
    make_parameters();
    make_events();
    make_monthly();
    make_outputs();
    plant_error();
    make_scenarios();
    make_indexed();
    return assemble();
  }

 private:
  // ------------------------------------------------------------ choices
  std::uint64_t bits() { return choices_.next(); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(bits() % n); }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo + 1))); }
  double unit() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  // An index drawn with the given weights.
  std::size_t weighted(std::initializer_list<double> weights) {
    double total = 0.0;
    for (double w : weights) total += w;
    double u = unit() * total;
    std::size_t i = 0;
    for (double w : weights) {
      if (w > 0.0 && u < w) return i;
      u -= w;
      ++i;
    }
    i = 0;
    for (double w : weights) {
      if (w > 0.0) return i;
      ++i;
    }
    return 0;
  }
  // A number with three significant digits in [lo, hi], exactly as written.
  double nice(double lo, double hi) { return three_digits(lo + (hi - lo) * unit()); }
  static double three_digits(double v) { return std::strtod(fmt::format("{:.3g}", v).c_str(), nullptr); }
  static std::string literal(double v) { return fmt::format("{}", v); }
  void note(std::string feature) { features_.insert(std::move(feature)); }

  // ------------------------------------------------------------ numbers
  Gen number_leaf() {
    struct Special {
      const char* text;
      double value;
    };
    static const std::vector<Special> kSpecial = {{"0", 0.0},
                                                  {"-0", -0.0},
                                                  {"1", 1.0},
                                                  {"-1", -1.0},
                                                  {"0.5", 0.5},
                                                  {".5", 0.5},
                                                  {"5.", 5.0},
                                                  {"2", 2.0},
                                                  {"3", 3.0},
                                                  {"12", 12.0},
                                                  {"0.1", 0.1},
                                                  {"2.5E-3", 2.5e-3},
                                                  {"1e-300", 1e-300},
                                                  {"5e-324", 5e-324},
                                                  {"1e300", 1e300},
                                                  {"-1e300", -1e300},
                                                  {"1.7976931348623157e308", DBL_MAX},
                                                  {"1e6", 1e6},
                                                  {"1e-9", 1e-9},
                                                  {"100", 100.0},
                                                  {"-2.5", -2.5},
                                                  {"0.3", 0.3},
                                                  {"-0.0", -0.0},
                                                  {"7", 7.0}};
    if (chance(0.6)) {
      const Special& s = pick(kSpecial);
      return {Node::number(s.text), Range::point(s.value), 0};
    }
    const double v = chance(0.5) ? nice(-10.0, 10.0) : nice(0.0, 2.0);
    return {Node::number(literal(v)), Range::point(v), 0};
  }

  // A constant in [0, cap] for a probability or a rate.
  Gen constant_in(double cap) {
    std::vector<double> candidates = {0.0, cap, cap / 2, nice(0.0, cap)};
    if (cap >= 0.01) candidates.push_back(0.01);
    if (cap >= 0.25) candidates.push_back(0.25);
    const double v = pick(candidates);
    if (cap >= 1.0 && chance(0.05)) {
      note("constant:true/false");
      const bool one = chance(0.5);
      return {Node::name(one ? "true" : "false", Node::Ref::Constant), Range::point(one ? 1.0 : 0.0), 0};
    }
    if (v == 0.0 && chance(0.2)) return {Node::number("-0"), Range::point(-0.0), 0};
    return {Node::number(literal(v)), Range::point(v), 0};
  }

  // ------------------------------------------------------------ distributions
  // `in_mixture`: a component of a mixture, which may not be a mixture.
  DistributionText distribution(bool for_size, bool in_mixture = false) {
    DistributionText d;
    const std::size_t kind = weighted(
        {1.5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, in_mixture ? 0.0 : 0.5, 0.5});
    auto with = [&](std::string name, std::string text, Range r) {
      note("dist:" + name);
      d.text = std::move(text);
      d.range = r;
    };
    switch (kind) {
      case 0: {  // constant
        const double v = chance(0.3) ? pick(std::vector<double>{0.0, -0.0, 1.0, 0.7, 1e300, 0.25})
                                     : nice(for_size ? 0.0 : -5.0, 10.0);
        const bool call = chance(0.4);
        with("constant", call ? fmt::format("constant({})", literal(v)) : literal(v), Range::point(v));
        d.constant = true;
        d.value = v;
        break;
      }
      case 1: {
        const double a = chance(0.4) ? 0.0 : nice(-10.0, 10.0);
        double b = chance(0.4) && a < 1.0 ? 1.0 : three_digits(a + nice(0.01, 20.0));
        if (!(b > a)) b = a + 1.0;
        with("uniform", fmt::format("uniform({}, {})", literal(a), literal(b)), Range::of(a, b));
        break;
      }
      case 2:
      case 3: {
        const double lo = nice(-5.0, 10.0);
        double hi = three_digits(lo + nice(0.1, 20.0));
        if (!(hi > lo)) hi = lo + 1.0;
        const std::size_t m = below(4);
        double mode = m == 0 ? lo : m == 1 ? hi : nice(lo, hi);
        mode = std::clamp(mode, lo, hi);
        const std::string name = kind == 2 ? "triangular" : "pert";
        with(name, fmt::format("{}({}, {}, {})", name, literal(lo), literal(mode), literal(hi)), Range::of(lo, hi));
        break;
      }
      case 4: {
        const double mean = nice(-5.0, 10.0), sd = nice(0.01, 5.0);
        with("normal", fmt::format("normal({}, {})", literal(mean), literal(sd)),
             Range::of(mean - 50 * sd, mean + 50 * sd));
        break;
      }
      case 5: {
        const double mean = nice(-5.0, 10.0), sd = nice(0.1, 3.0);
        double lo = mean - nice(0.1, 3.0) * sd, hi = mean + nice(0.1, 3.0) * sd;
        if (chance(0.2)) {  // a tail: the interval away from the mean
          lo = mean + sd;
          hi = mean + 3 * sd;
        }
        lo = std::strtod(fmt::format("{:.4g}", lo).c_str(), nullptr);
        hi = std::strtod(fmt::format("{:.4g}", hi).c_str(), nullptr);
        if (!(hi > lo)) hi = lo + sd;
        with("truncated_normal",
             fmt::format("truncated_normal({}, {}, {}, {})", literal(mean), literal(sd), literal(lo), literal(hi)),
             Range::of(lo, hi));
        break;
      }
      case 6: {
        const double mu = nice(-2.0, 3.0), sigma = nice(0.05, 1.0);
        with("lognormal", fmt::format("lognormal({}, {})", literal(mu), literal(sigma)),
             Range::of(0.0, std::exp(mu + 50 * sigma)));
        break;
      }
      case 7: {
        const double lo = nice(0.1, 100.0);
        double hi = lo * nice(1.5, 20.0);
        if (!(hi > lo)) hi = 2 * lo;
        const double sigma = (std::log(hi) - std::log(lo)) / (2 * 1.6448536269514722);
        with("lognormal_ci90", fmt::format("lognormal_ci90({}, {})", literal(lo), literal(hi)),
             Range::of(0.0, std::exp((std::log(lo) + std::log(hi)) / 2 + 50 * sigma)));
        break;
      }
      case 8: {
        static const std::vector<double> kShapes = {0.3, 0.5, 1.0, 2.0, 3.0, 9.0, 1.5};
        with("beta", fmt::format("beta({}, {})", literal(pick(kShapes)), literal(pick(kShapes))), Range::unit());
        break;
      }
      case 9: {
        static const std::vector<double> kShapes = {0.2, 0.5, 1.0, 2.5, 7.0};
        const double shape = pick(kShapes), scale = nice(0.1, 10.0);
        with("gamma", fmt::format("gamma({}, {})", literal(shape), literal(scale)),
             Range::of(0.0, scale * (shape + 50 * std::sqrt(shape) + 50)));
        break;
      }
      case 10: {
        const double p = pick(std::vector<double>{0.0, 1.0, 0.5, 0.3, nice(0.0, 1.0)});
        with("bernoulli", fmt::format("bernoulli({})", literal(p)), Range::unit());
        break;
      }
      case 11: {
        const int n = between(1, 4);
        std::vector<std::string> values, weights;
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        bool positive = false;
        for (int i = 0; i < n; ++i) {
          const double v = chance(0.2) ? pick(std::vector<double>{-0.0, 0.0, -1.0}) : nice(-10.0, 10.0);
          double w = chance(0.2) ? 0.0 : nice(0.1, 5.0);
          if (i == n - 1 && !positive) w = 1.0;
          positive |= w > 0.0;
          values.push_back(literal(v));
          weights.push_back(literal(w));
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
        with("discrete", fmt::format("discrete([{}], [{}])", fmt::join(values, ", "), fmt::join(weights, ", ")),
             Range::of(lo, hi));
        break;
      }
      case 12: {
        const double lambda = pick(std::vector<double>{0.0, 0.5, 3.0, 12.0, 29.9, 30.0, 45.0, 200.0});
        with("poisson", fmt::format("poisson({})", literal(lambda)),
             Range::of(0.0, lambda + 50 * std::sqrt(lambda) + 50));
        break;
      }
      // The kinds of issue 14. Ranges: 60 sd beyond the given points (the
      // pairs of probabilities below are at least 2.5 sd apart), the largest
      // draw of an inversion (at u = 1 − 2^-53, −ln(1 − u) = 36.74).
      case 13: {
        const double mean = nice(0.5, 50.0), sd = three_digits(mean * nice(0.1, 1.5));
        const double s2 = std::log1p((sd / mean) * (sd / mean));
        with("lognormal_mean_sd", fmt::format("lognormal_mean_sd({}, {})", literal(mean), literal(sd)),
             Range::of(0.0, std::exp(std::log(mean) - s2 / 2 + 50 * std::sqrt(s2))));
        break;
      }
      case 14:
      case 15: {
        static const std::vector<std::pair<double, double>> kPairs = {{0.05, 0.95}, {0.1, 0.9}, {0.25, 0.99}};
        const auto [p_lo, p_hi] = pick(kPairs);
        if (kind == 14) {
          const double lo = nice(-5.0, 10.0), hi = std::max(three_digits(lo + nice(0.1, 10.0)), lo + 1.0),
                       sd = (hi - lo) / 2.5;
          with(
              "normal_percentiles",
              fmt::format("normal_percentiles({}, {}, {}, {})", literal(p_lo), literal(lo), literal(p_hi), literal(hi)),
              Range::of(lo - 60 * sd, hi + 60 * sd));
        } else {
          const double lo = nice(0.1, 100.0), hi = three_digits(lo * nice(1.5, 20.0));
          with("lognormal_percentiles",
               fmt::format("lognormal_percentiles({}, {}, {}, {})", literal(p_lo), literal(lo), literal(p_hi),
                           literal(hi)),
               Range::of(0.0, hi * std::exp(60 * std::log(hi / lo) / 2.5)));
        }
        break;
      }
      case 16: {
        const double p10 = nice(-5.0, 10.0), width = nice(1.0, 20.0);
        const double p90 = three_digits(p10 + width);
        // Not rounded: p50 stays where the PERT can put it (31.2–68.8 % of the way).
        const double p50 = p10 + (p90 - p10) * pick(std::vector<double>{0.35, 0.5, 0.6});
        with("pert_p10_p50_p90", fmt::format("pert_p10_p50_p90({}, {}, {})", literal(p10), literal(p50), literal(p90)),
             Range::of(p10 - 3 * (p90 - p10), p90 + 3 * (p90 - p10)));
        break;
      }
      case 17: {
        const double df = pick(std::vector<double>{1.0, 2.5, 4.0, 30.0}), loc = nice(-5.0, 10.0),
                     scale = nice(0.1, 3.0);
        with("student_t", fmt::format("student_t({}, {}, {})", literal(df), literal(loc), literal(scale)),
             Range::any());
        break;
      }
      case 18: {
        const double shape = pick(std::vector<double>{0.5, 1.0, 1.5, 3.0}), scale = nice(0.1, 10.0);
        with("weibull", fmt::format("weibull({}, {})", literal(shape), literal(scale)),
             Range::of(0.0, scale * std::pow(36.74, 1.0 / shape)));
        break;
      }
      case 19: {
        const double rate = pick(std::vector<double>{0.1, 1.0, 4.5});
        with("exponential", fmt::format("exponential({})", literal(rate)), Range::of(0.0, 36.74 / rate));
        break;
      }
      case 20: {
        const double n = pick(std::vector<double>{0.0, 1.0, 10.0, 200.0});
        const double p = pick(std::vector<double>{0.0, 0.3, 0.5, 0.95, 1.0});
        with("binomial", fmt::format("binomial({}, {})", literal(n), literal(p)), Range::of(0.0, n));
        break;
      }
      case 21: {
        const int n = between(1, 3);
        std::vector<std::string> components, weights;
        Range r;
        for (int i = 0; i < n; ++i) {
          const DistributionText c = distribution(for_size, true);
          components.push_back(c.text);
          weights.push_back(literal(i == 0 || chance(0.8) ? nice(0.1, 5.0) : 0.0));
          r = i == 0 ? c.range : hull(r, c.range);
        }
        with("mixture", fmt::format("mixture([{}], [{}])", fmt::join(components, ", "), fmt::join(weights, ", ")), r);
        break;
      }
      default: {
        const int n = between(2, 4);
        std::vector<double> x = {nice(-5.0, 10.0)}, p = {0.0};
        for (int i = 1; i < n; ++i) {
          x.push_back(three_digits(x.back() + nice(0.1, 5.0)));
          if (!(x.back() > x[i - 1])) x.back() = x[i - 1] + 1.0;
          p.push_back(i == n - 1 ? 1.0 : std::max(p.back(), nice(0.0, 1.0)));
        }
        with("cumulative", fmt::format("cumulative([{}], [{}])", fmt::join(x, ", "), fmt::join(p, ", ")),
             Range::of(x.front(), x.back()));
        break;
      }
    }
    return d;
  }

  // ------------------------------------------------------------ parameters
  void make_parameters() {
    const int n = chance(0.05) ? 0 : between(1, 7);
    static const std::vector<std::string> kPrefixes = {"p", "demand_", "k", "_q", "Price", "share_"};
    for (int i = 0; i < n; ++i) {
      ParameterInfo p;
      p.name = fmt::format("{}{}", pick(kPrefixes), i);
      p.base = distribution(false);
      p.range = p.base.range;
      const int alternatives = static_cast<int>(weighted({3, 2, 1}));
      for (int a = 0; a < alternatives; ++a) {
        p.alternatives.push_back(distribution(false));
        p.range = hull(p.range, p.alternatives.back().range);
      }
      parameters_.push_back(std::move(p));
    }
  }

  // A parameter drawn from uniform(0, 1) that the planted errors read.
  const ParameterInfo& error_parameter() {
    for (const ParameterInfo& p : parameters_)
      if (p.name == "u_err") return p;
    ParameterInfo p;
    p.name = "u_err";
    p.base = {"uniform(0, 1)", Range::unit(), false, 0.0};
    p.range = Range::unit();
    parameters_.push_back(p);
    return parameters_.back();
  }

  // ------------------------------------------------------------ leaves
  bool can_use(unsigned uses, Context ctx) const { return (uses & ~allowed_uses(ctx)) == 0; }

  std::vector<const EventInfo*> events_of(EventKind kind) const {
    std::vector<const EventInfo*> out;
    for (const EventInfo& e : events_)
      if (e.kind == kind) out.push_back(&e);
    return out;
  }

  Gen state_comparison(const EventInfo& regime) {
    note("state comparison");
    const std::string& state = pick(regime.states);
    const bool equal = chance(0.7);
    Node r = Node::name(regime.name, Node::Ref::Event), s = Node::name(state, Node::Ref::State);
    Node cmp = chance(0.8) ? Node::binary(equal ? "==" : "!=", std::move(r), std::move(s))
                           : Node::binary(equal ? "==" : "!=", std::move(s), std::move(r));
    return {std::move(cmp), Range::unit(), kEvents};
  }

  Gen parameter_leaf() {
    const ParameterInfo& p = parameters_[below(parameters_.size())];
    return {Node::name(p.name, Node::Ref::Parameter), p.range, kParameters};
  }

  Gen leaf(Context ctx) {
    const unsigned allowed = allowed_uses(ctx);
    const auto switches = events_of(EventKind::Switch);
    const auto arrivals = events_of(EventKind::Arrivals);
    const auto regimes = events_of(EventKind::Regime);
    const auto innovations = events_of(EventKind::Innovation);
    std::vector<const MonthlyInfo*> monthly;
    if (allowed & kMonthlyNames)
      for (const MonthlyInfo& m : monthly_)
        if (m.done && &m != current_monthly_) monthly.push_back(&m);
    const bool params = (allowed & kParameters) && !parameters_.empty();
    const std::size_t choice = weighted(
        {3.0, params ? 4.0 : 0.0, (allowed & kMonth) ? 1.5 : 0.0, (allowed & kEvents) && !switches.empty() ? 2.0 : 0.0,
         (allowed & kArrivals) && !arrivals.empty() ? 1.5 : 0.0, (allowed & kEvents) && !regimes.empty() ? 1.5 : 0.0,
         monthly.empty() ? 0.0 : 3.0, 0.3, (allowed & kAggregates) ? 7.0 : 0.0,
         (allowed & kInnovations) && !innovations.empty() ? 1.5 : 0.0});
    switch (choice) {
      case 1:
        return parameter_leaf();
      case 2:
        note("month");
        return {Node::name("month", Node::Ref::Month), Range::of(1.0, horizon_), kMonth};
      case 3: {
        const EventInfo& e = *pick(switches);
        return {Node::name(e.name, Node::Ref::Event), Range::unit(), kEvents};
      }
      case 4: {
        const EventInfo& e = *pick(arrivals);
        return {Node::name(e.name, Node::Ref::Event), e.range, kArrivals};
      }
      case 5:
        return state_comparison(*pick(regimes));
      case 6: {
        const MonthlyInfo& m = *pick(monthly);
        return {Node::name(m.name, Node::Ref::Monthly), m.range, kMonthlyNames};
      }
      case 7: {
        note("constant:true/false");
        const bool one = chance(0.5);
        return {Node::name(one ? "true" : "false", Node::Ref::Constant), Range::point(one ? 1.0 : 0.0), 0};
      }
      case 8:
        return aggregate();
      case 9: {
        const EventInfo& e = *pick(innovations);
        return {Node::name(e.name, Node::Ref::Event), e.range, kInnovations};
      }
      default:
        return number_leaf();
    }
  }

  // ------------------------------------------------------------ aggregates
  Gen series() {
    const std::size_t form = weighted({4, 4});
    if (form == 0) return leaf(Context::Series);
    return expression(Context::Series, between(1, 3));
  }

  Gen aggregate() {
    Gen x = series();
    const std::size_t kind = weighted({3, 1.5, 1.5, 0.5, 1, 1.2, 1.2});
    static const char* kNames[] = {"sum", "sum", "mean", "mean", "last", "min", "max"};
    const std::string name = kNames[kind];
    const bool ranged = kind == 1 || kind == 3;
    std::uint32_t from = 1, to = horizon_;
    if (ranged) {
      from = static_cast<std::uint32_t>(between(1, static_cast<int>(horizon_)));
      to = static_cast<std::uint32_t>(between(static_cast<int>(from), static_cast<int>(horizon_)));
    }
    note(ranged ? "aggregate:" + name + " ranged" : "aggregate:" + name);
    std::vector<Node> args = {x.node};
    if (ranged) {
      args.push_back(Node::number(std::to_string(from)));
      args.push_back(Node::number(std::to_string(to)));
    }
    const double months = to - from + 1.0;
    Range r = x.range;
    if (name == "sum") r = corners(x.range, Range::point(months), [](double a, double b) { return a * b; });
    return {Node::call(name, std::move(args)), r, kAggregates};
  }

  // ------------------------------------------------------------ expressions
  // Remembers a formula so later ones can repeat it (common subexpressions).
  void remember(const Gen& g) {
    if (!g.node.is_leaf() && g.node.height() <= kMaxPoolHeight) pool_.push_back(g);
  }

  std::optional<Gen> reuse(Context ctx) {
    std::vector<const Gen*> fits;
    for (const Gen& g : pool_)
      if (can_use(g.uses, ctx)) fits.push_back(&g);
    if (fits.empty()) return std::nullopt;
    Gen g = *pick(fits);
    note("repeated subformula");
    static const std::vector<std::string> kSwappable = {"+", "*", "==", "!=", "and", "or"};
    if (g.node.kind == Node::Kind::Binary && chance(0.4) &&
        std::find(kSwappable.begin(), kSwappable.end(), g.node.text) != kSwappable.end()) {
      std::swap(g.node.args[0], g.node.args[1]);
      note("repeated subformula, operands swapped");
    } else if (g.node.kind == Node::Kind::Call && (g.node.text == "min" || g.node.text == "max") && chance(0.4)) {
      std::reverse(g.node.args.begin(), g.node.args.end());
    }
    return g;
  }

  Gen binary(const std::string& op, Gen a, Gen b) {
    note("op:" + op);
    Range r;
    if (op == "+") {
      r = corners(a.range, b.range, [](double x, double y) { return x + y; });
    } else if (op == "-") {
      r = corners(a.range, b.range, [](double x, double y) { return x - y; });
    } else if (op == "*") {
      r = corners(a.range, b.range, [](double x, double y) { return x * y; });
    } else if (op == "/") {
      r = excludes_zero(b.range) ? corners(a.range, b.range, [](double x, double y) { return x / y; }) : Range::any();
    } else if (op == "^" || op == "**") {
      r = power_range(a.range, b.range);
    } else {
      r = Range::unit();  // comparisons, and, or
    }
    return {Node::binary(op, std::move(a.node), std::move(b.node)), r, a.uses | b.uses};
  }

  static Range power_range(const Range& a, const Range& b) {
    if (a.finite && b.finite && (a.lo > 0.0 || (a.lo >= 0.0 && b.lo > 0.0)))
      return corners(a, b, [](double x, double y) { return std::pow(x, y); });
    return Range::any();
  }

  Gen call(const std::string& f, std::vector<Gen> args) {
    note("function:" + f);
    Range r = Range::any();
    unsigned uses = 0;
    bool all_finite = true;
    for (const Gen& a : args) {
      uses |= a.uses;
      all_finite &= a.range.finite;
    }
    const Range& x = args[0].range;
    if (f == "min" || f == "max") {
      if (all_finite) {
        double lo = x.lo, hi = x.hi;
        for (const Gen& a : args) {
          lo = f == "min" ? std::min(lo, a.range.lo) : std::max(lo, a.range.lo);
          hi = f == "min" ? std::min(hi, a.range.hi) : std::max(hi, a.range.hi);
        }
        r = Range::of(lo, hi);
      }
    } else if (f == "clamp") {
      if (all_finite) {
        auto clamp = [](double v, double lo, double hi) { return std::min(std::max(v, lo), hi); };
        r = Range::of(clamp(x.lo, args[1].range.lo, args[2].range.lo), clamp(x.hi, args[1].range.hi, args[2].range.hi));
      }
    } else if (f == "abs") {
      if (x.finite)
        r = Range::of(x.lo >= 0 ? x.lo : x.hi <= 0 ? -x.hi : 0.0, std::max(std::fabs(x.lo), std::fabs(x.hi)));
    } else if (f == "exp") {
      r = monotone(x, [](double v) { return std::exp(v); });
    } else if (f == "log") {
      if (x.finite && x.lo > 0) r = monotone(x, [](double v) { return std::log(v); });
    } else if (f == "sqrt") {
      if (x.finite && x.lo >= 0) r = monotone(x, [](double v) { return std::sqrt(v); });
    } else if (f == "pow") {
      r = power_range(x, args[1].range);
    } else if (f == "ratio") {
      if (excludes_zero(args[1].range))
        r = corners(x, args[1].range, [](double a, double b) { return a / b; });
      else if (args[1].range.finite && args[1].range.lo == 0.0 && args[1].range.hi == 0.0)
        r = Range::point(0.0);
    }
    std::vector<Node> nodes;
    for (Gen& a : args) nodes.push_back(std::move(a.node));
    return {Node::call(f, std::move(nodes)), r, uses};
  }

  Gen number_node(double v) { return {Node::number(literal(v)), Range::point(v), 0}; }

  Gen prev(Context ctx, int depth) {
    (void)ctx;
    // Targets: monthly formulas (any, itself included), switches, arrivals, innovations.
    std::vector<std::pair<std::string, Range>> targets;
    std::vector<std::string> kinds;
    for (const MonthlyInfo& m : monthly_) {
      targets.emplace_back(m.name, m.done ? m.range : Range::any());
      kinds.push_back("monthly");
    }
    for (const EventInfo& e : events_) {
      if (e.kind == EventKind::Regime) continue;
      targets.emplace_back(e.name, e.range);
      kinds.push_back(e.kind == EventKind::Switch     ? "switch"
                      : e.kind == EventKind::Arrivals ? "arrivals"
                                                      : "innovation");
    }
    const std::size_t i = below(targets.size());
    Gen init = expression(Context::PrevInit, std::min(depth, 2));
    note("prev:" + kinds[i]);
    const bool monthly = kinds[i] == "monthly";
    Node target = Node::name(targets[i].first, monthly ? Node::Ref::Monthly : Node::Ref::Event);
    return {Node::call("prev", {std::move(target), std::move(init.node)}), hull(targets[i].second, init.range),
            init.uses | kPrev};
  }

  Gen expression(Context ctx, int depth) {
    if (depth <= 0 || chance(0.2)) return leaf(ctx);
    if (chance(0.12))
      if (auto g = reuse(ctx)) return *g;
    const bool monthly = ctx == Context::Monthly;
    const std::size_t op = weighted({24, 5, 3, 8, 4, 2, 4, 1, 8, 7, 4, 3, 2, 2, 2, 2, 3, monthly ? 6.0 : 0.0});
    auto sub = [&] { return expression(ctx, depth - 1); };
    Gen g;
    switch (op) {
      case 0: {
        static const std::vector<std::string> kOps = {"+", "-", "*"};
        const std::string& o = pick(kOps);
        Gen a = sub();
        g = binary(o, std::move(a), sub());
        break;
      }
      case 1: {
        Gen a = sub(), b = sub();
        if (chance(0.5)) {
          g = binary("/", std::move(a), std::move(b));
        } else {  // a / (abs(b) + c): never a division by zero
          Gen denominator = binary("+", call("abs", {std::move(b)}), number_node(pick(std::vector<double>{1, 0.5, 2})));
          g = binary("/", std::move(a), std::move(denominator));
        }
        break;
      }
      case 2: {
        Gen a = sub(), b = sub();
        const std::string o = chance(0.8) ? "^" : "**";
        if (chance(0.4)) {
          g = binary(o, std::move(a), std::move(b));
        } else {
          Gen base = binary("+", call("abs", {std::move(a)}), number_node(0.5));
          Gen exponent = call("clamp", {std::move(b), number_node(-3), number_node(3)});
          g = binary(o, std::move(base), std::move(exponent));
        }
        break;
      }
      case 3: {
        static const std::vector<std::string> kOps = {"==", "!=", "<", "<=", ">", ">="};
        Gen a = sub();
        g = binary(pick(kOps), std::move(a), sub());
        break;
      }
      case 4: {
        Gen a = sub();
        g = binary(chance(0.5) ? "and" : "or", std::move(a), sub());
        break;
      }
      case 5: {
        note("op:not");
        Gen a = sub();
        g = {Node::unary("not", std::move(a.node)), Range::unit(), a.uses};
        break;
      }
      case 6: {
        note("op:unary minus");
        Gen a = sub();
        const Range r = a.range.finite ? Range::of(-a.range.hi, -a.range.lo) : Range::any();
        g = {Node::unary("-", std::move(a.node)), r, a.uses};
        break;
      }
      case 7: {
        note("op:unary plus");
        Gen a = sub();
        g = {Node::unary("+", std::move(a.node)), a.range, a.uses};
        break;
      }
      case 8: {
        note("op:?:");
        Gen c = sub(), a = sub(), b = sub();
        const Range r = hull(a.range, b.range);
        g = {Node::conditional(std::move(c.node), std::move(a.node), std::move(b.node)), r, c.uses | a.uses | b.uses};
        break;
      }
      case 9: {
        const int n = chance(0.03) ? between(10, 64) : between(2, 4);
        std::vector<Gen> args;
        for (int i = 0; i < n; ++i) args.push_back(n > 4 ? leaf(ctx) : sub());
        if (n > 4) note("function:min/max with many arguments");
        g = call(chance(0.5) ? "min" : "max", std::move(args));
        break;
      }
      case 10: {
        Gen x = sub();
        Gen lo = chance(0.5) ? number_node(nice(-5.0, 0.0)) : sub();
        Gen hi = chance(0.5) ? number_node(nice(0.0, 5.0)) : sub();
        std::vector<Gen> args;
        args.push_back(std::move(x));
        args.push_back(std::move(lo));
        args.push_back(std::move(hi));
        g = call("clamp", std::move(args));
        break;
      }
      case 11:
        g = call("abs", {sub()});
        break;
      case 12:
        g = chance(0.5) ? call("exp", {sub()})
                        : call("exp", {call("clamp", {sub(), number_node(-20), number_node(20)})});
        break;
      case 13:
        g = chance(0.4) ? call("log", {sub()}) : call("log", {binary("+", call("abs", {sub()}), number_node(1))});
        break;
      case 14:
        g = chance(0.4) ? call("sqrt", {sub()}) : call("sqrt", {call("abs", {sub()})});
        break;
      case 15: {
        Gen a = sub(), b = sub();
        if (chance(0.4)) {
          g = call("pow", {std::move(a), std::move(b)});
        } else {
          Gen base = binary("+", call("abs", {std::move(a)}), number_node(0.5));
          g = call("pow", {std::move(base), call("clamp", {std::move(b), number_node(-3), number_node(3)})});
        }
        break;
      }
      case 16: {
        Gen a = sub();
        g = call("ratio", {std::move(a), sub()});
        break;
      }
      default:
        g = prev(ctx, depth);
        break;
    }
    remember(g);
    return g;
  }

  // ------------------------------------------------------------ sinks
  // A formula whose every value lies in [0, cap], for a probability (cap ≤ 1)
  // or a rate: as generated where its range allows, else clamped, with NaN
  // caught first where it can occur.
  Gen bounded(Context ctx, double cap) {
    const std::size_t form = weighted({2.5, 2, 1.5, 4});
    if (form == 0) return constant_in(cap);
    if (form == 1) {
      Gen c = expression(ctx, between(0, 2));
      Gen a = constant_in(cap), b = constant_in(cap);
      note("op:?:");
      return {Node::conditional(std::move(c.node), std::move(a.node), std::move(b.node)), hull(a.range, b.range),
              c.uses};
    }
    if (form == 2) {
      std::vector<const ParameterInfo*> units;
      for (const ParameterInfo& p : parameters_)
        if (p.range.inside(0.0, 1.0)) units.push_back(&p);
      if (!units.empty()) {
        const ParameterInfo& p = *pick(units);
        const double c = nice(0.0, cap);
        return binary("*", {Node::name(p.name, Node::Ref::Parameter), p.range, kParameters}, number_node(c));
      }
    }
    Gen g = expression(ctx, between(1, 3));
    if (g.range.inside(0.0, cap)) return g;
    return guard_into(std::move(g), cap);
  }

  Gen guard_into(Gen g, double cap) {
    note("guard");
    const unsigned uses = g.uses;
    const Range r = Range::of(0.0, cap);
    if (g.range.finite) {
      if (chance(0.5)) return {Node::call("clamp", {g.node, Node::number("0"), Node::number(literal(cap))}), r, uses};
      return {Node::call("min", {Node::call("max", {g.node, Node::number("0")}), Node::number(literal(cap))}), r, uses};
    }
    // NaN passes clamp on: catch it first (NaN == NaN is false).
    Node clamped = Node::call("clamp", {g.node, Node::number("0"), Node::number(literal(cap))});
    Node fallback = constant_in(cap).node;
    Node check = chance(0.5) ? Node::binary("==", g.node, g.node)
                             : Node::binary("<", Node::call("abs", {g.node}), Node::number("1e300"));
    return {Node::conditional(std::move(check), std::move(clamped), std::move(fallback)), r, uses};
  }

  // An output or other value that must be finite.
  Gen finite(Gen g) {
    if (g.range.finite) return g;
    note("guard");
    const unsigned uses = g.uses;
    Node check = Node::binary("<", Node::call("abs", {g.node}), Node::number("1e300"));
    Node fallback = Node::number(chance(0.5) ? "-1" : "0");
    return {Node::conditional(std::move(check), std::move(g.node), std::move(fallback)), Range::of(-1e300, 1e300),
            uses};
  }

  // ------------------------------------------------------------ events
  Value probability_value(double cap) {
    Gen g = bounded(Context::Hazard, cap);
    remember(g);
    return Value::of_formula(std::move(g.node), Context::Hazard);
  }

  Value rate_value(double cap) {
    Gen g = bounded(Context::Rate, cap);
    remember(g);
    return Value::of_formula(std::move(g.node), Context::Rate);
  }

  // Initial probabilities of a regime: integer weights over their total,
  // written as constant formulas (`1/3`) or decimals.
  Value regime_initial(const std::vector<std::string>& states) {
    Value initial = Value::map(true);
    std::vector<int> w(states.size());
    int total = 0;
    for (int& x : w) total += x = between(0, 4);
    if (total == 0) total = w[below(w.size())] = 1;
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (w[i] == 0 && chance(0.6)) continue;
      std::string text = fmt::format("{}/{}", w[i], total);
      if (total == 1 || total == 2 || total == 4) text = literal(static_cast<double>(w[i]) / total);
      initial.add(states[i], Value::of_scalar("\"" + text + "\""));
    }
    return initial;
  }

  // One row of transitions out of `from`: cells that sum to at most 1.
  Value transition_row(const std::vector<std::string>& states, std::size_t from) {
    Value row = Value::map(true);
    std::vector<std::size_t> targets;
    for (std::size_t t = 0; t < states.size(); ++t)
      if (t != from && chance(0.6)) targets.push_back(t);
    if (targets.empty()) return row;
    const double budget = pick(std::vector<double>{1.0, 0.9, 0.5, 0.2});
    const double cap = budget / static_cast<double>(targets.size());
    for (std::size_t t : targets) {
      if (chance(0.15)) {  // a constant parameter in range: a regime moved by table
        std::vector<const ParameterInfo*> fits;
        for (const ParameterInfo& p : parameters_)
          if (p.base.constant && p.alternatives.empty() && p.range.inside(0.0, cap)) fits.push_back(&p);
        if (!fits.empty()) {
          note("transition:constant parameter");
          row.add(states[t], Value::of_formula(Node::name(pick(fits)->name, Node::Ref::Parameter), Context::Hazard));
          continue;
        }
      }
      row.add(states[t], probability_value(cap));
    }
    return row;
  }

  std::string state_name(const std::vector<std::string>& taken) {
    static const std::vector<std::string> kStates = {"low", "high", "mid", "ban", "h20", "open", "closed", "st"};
    for (int attempt = 0; attempt < 4; ++attempt) {
      std::string s = pick(kStates);
      if (chance(0.1) && !parameters_.empty()) {
        s = parameters_[below(parameters_.size())].name;  // looked up among the states first
        note("state named like a parameter");
      }
      if (std::find(taken.begin(), taken.end(), s) == taken.end()) return s;
    }
    return fmt::format("st{}", taken.size());
  }

  void make_events() {
    const int regimes = static_cast<int>(weighted({3, 3, 1}));
    const int switches = static_cast<int>(weighted({2, 3, 2, 1}));
    const int arrivals = static_cast<int>(weighted({3, 3, 1}));
    for (int i = 0; i < regimes; ++i) {
      EventInfo e = event(fmt::format("r{}", i), EventKind::Regime);
      const int n = chance(0.7) ? 2 : chance(0.9) ? between(3, 4) : between(5, 8);
      for (int s = 0; s < n; ++s) e.states.push_back(state_name(e.states));
      e.range = Range::of(0.0, n - 1.0);
      events_.push_back(std::move(e));
    }
    for (int i = 0; i < switches; ++i) {
      EventInfo e = event(fmt::format("s{}", i), EventKind::Switch);
      e.range = Range::unit();
      events_.push_back(std::move(e));
    }
    for (int i = 0; i < arrivals; ++i) {
      EventInfo e = event(fmt::format("a{}", i), EventKind::Arrivals);
      e.rate_cap = pick(std::vector<double>{0.3, 0.3, 1, 1, 3, 10, 0});
      if (chance(0.05)) e.rate_cap = 40;  // counts above 30 use Boost's PTRS
      const int sizes = 1 + static_cast<int>(weighted({3, 1}));
      for (int s = 0; s < sizes; ++s) e.sizes.push_back(distribution(true));
      // At most kMaxBursts bursts in practice (a Poisson tail far beyond).
      const double bursts = std::ceil(e.rate_cap + 10 * std::sqrt(e.rate_cap) + 20);
      Range total = Range::point(0.0);
      for (const DistributionText& d : e.sizes)
        total = hull(total, corners(d.range, Range::of(0.0, bursts), [](double a, double b) { return a * b; }));
      e.range = total;
      events_.push_back(std::move(e));
    }
    const int innovations = static_cast<int>(weighted({3, 3, 1}));
    for (int i = 0; i < innovations; ++i) {
      EventInfo e = event(fmt::format("i{}", i), EventKind::Innovation);
      const int laws = static_cast<int>(weighted({1, 2, 1}));  // 0: only a law with formula arguments
      for (int k = 0; k < laws; ++k) e.sizes.push_back(distribution(false));
      if (laws == 0 || chance(0.5)) e.law_form = static_cast<int>(below(kLawForms));
      Range r = e.law_form >= 0 ? law_form_range(e.law_form) : e.sizes[0].range;
      for (const DistributionText& d : e.sizes) r = hull(r, d.range);
      e.range = r;
      events_.push_back(std::move(e));
    }
    // Definitions, once every event is known (hazards read each other).
    for (EventInfo& e : events_) define_event(e);
  }

  void define_event(EventInfo& e) {
    Value& d = e.definition;
    switch (e.kind) {
      case EventKind::Regime: {
        note("event:regime");
        d.add("kind", Value::of_scalar("regime"));
        d.add("states", Value::list(e.states));
        d.add("initial", regime_initial(e.states));
        Value transitions = Value::map();
        for (std::size_t from = 0; from < e.states.size(); ++from) {
          if (chance(0.2)) continue;  // no row: never leaves
          transitions.add(e.states[from], transition_row(e.states, from));
        }
        if (!transitions.entries.empty() || chance(0.5)) d.add("transitions", std::move(transitions));
        break;
      }
      case EventKind::Switch: {
        note("event:switch");
        d.add("kind", Value::of_scalar("switch"));
        if (chance(0.7)) d.add("initial", Value::of_scalar("\"" + switch_initial() + "\""));
        d.add("on", probability_value(1.0));
        if (chance(0.6)) {
          note("switch:off hazard");
          d.add("off", probability_value(1.0));
        }
        break;
      }
      case EventKind::Arrivals: {
        note("event:arrivals");
        d.add("kind", Value::of_scalar("arrivals"));
        d.add("rate", rate_value(e.rate_cap));
        d.add("size", Value::of_scalar("\"" + e.sizes[0].text + "\""));
        break;
      }
      case EventKind::Innovation: {
        note("event:innovation");
        d.add("kind", Value::of_scalar("innovation"));
        d.add("dist", innovation_law(e, e.sizes.empty() || (e.law_form >= 0 && chance(0.7))));
        break;
      }
    }
    if (chance(0.1)) d.add("note", Value::of_scalar("\"generated\""));
  }

  // Laws with formula arguments whose every value lies in the distribution's
  // domain (bounded() keeps each formula in [0, cap]); the range of their
  // draws does not depend on the formulas.
  static constexpr std::size_t kLawForms = 9;
  static Range law_form_range(int form) {
    switch (form) {
      case 0:  // normal(b(10) − 5, 0.01 + b(2)): within 50 sd of the mean
        return Range::of(-5.0 - 50 * 2.01, 5.0 + 50 * 2.01);
      case 1:  // uniform(b(10), 10.5 + b(10))
        return Range::of(0.0, 20.5);
      case 2:  // bernoulli(b(1))
        return Range::unit();
      case 3:  // exponential(0.1 + b(10)): at most 36.74 / 0.1
        return Range::of(0.0, 368.0);
      case 4:  // poisson(b(20))
        return Range::of(0.0, 400.0);
      case 5:  // gamma(0.5 + b(5), 0.1 + b(2)): scale · (shape + 39·√shape + 1460)
        return Range::of(0.0, 2.1 * (5.5 + 39 * std::sqrt(5.5) + 1460));
      case 6:  // lognormal_mean_sd(1 + b(10), 0.1 + b(5)): sigma ≤ 1.82, mu ≤ 2.4
        return Range::of(0.0, std::exp(2.4 + 50 * 1.82));
      case 7:  // student_t(1 + b(10), b(10) − 5, 0.1 + b(1)): |T| ≤ 6.4e299 at df 1
        return Range::of(-1e300, 1e300);
      default:  // binomial(n, b(1)), n ≤ 20
        return Range::of(0.0, 20.0);
    }
  }

  // The `dist:` of an innovation: its law with formula arguments, or one
  // of its constant laws.
  Value innovation_law(const EventInfo& e, bool with_formulas) {
    if (!with_formulas) {
      note("innovation:constant arguments");
      return Value::of_scalar("\"" + pick(e.sizes).text + "\"");
    }
    note("innovation:formula arguments");
    auto b = [&](double cap) { return bounded(Context::Innovation, cap).node; };
    auto plus = [](double c, Node n) { return Node::binary("+", Node::number(literal(c)), std::move(n)); };
    auto minus = [](Node n, double c) { return Node::binary("-", std::move(n), Node::number(literal(c))); };
    Node law;
    switch (e.law_form) {
      case 0:
        law = Node::call("normal", {minus(b(10), 5), plus(0.01, b(2))});
        break;
      case 1:
        law = Node::call("uniform", {b(10), plus(10.5, b(10))});
        break;
      case 2:
        law = Node::call("bernoulli", {b(1)});
        break;
      case 3:
        law = Node::call("exponential", {plus(0.1, b(10))});
        break;
      case 4:
        law = Node::call("poisson", {b(20)});
        break;
      case 5:
        law = Node::call("gamma", {plus(0.5, b(5)), plus(0.1, b(2))});
        break;
      case 6:
        law = Node::call("lognormal_mean_sd", {plus(1, b(10)), plus(0.1, b(5))});
        break;
      case 7:
        law = Node::call("student_t", {plus(1, b(10)), minus(b(10), 5), plus(0.1, b(1))});
        break;
      default:
        law = Node::call("binomial", {Node::number(std::to_string(between(0, 20))), b(1)});
        break;
    }
    note("innovation:" + law.text);
    return Value::of_formula(std::move(law), Context::Innovation);
  }

  std::string switch_initial() { return pick(std::vector<std::string>{"0", "1", "0.3", "1/3", "true", "0.05"}); }

  // ------------------------------------------------------------ monthly formulas
  void make_monthly() {
    const int n = static_cast<int>(weighted({1, 2, 2, 2, 2, 2, 1, 1, 1}));
    for (int i = 0; i < n; ++i) monthly_.push_back({fmt::format("m{}", i)});
    std::vector<std::size_t> order(monthly_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    shuffle(order);
    monthly_values_.resize(monthly_.size());
    for (std::size_t i : order) {
      current_monthly_ = &monthly_[i];
      const std::size_t form = weighted({1, 1.2, 1.5, 6});
      Gen g;
      if (form == 0) {
        note("formula of parameters only");
        g = expression(Context::PrevInit, between(1, 3));
      } else if (form == 1) {
        if (auto r = reuse(Context::Monthly)) {
          note("formula repeating an earlier subformula");
          g = *r;
        } else {
          g = expression(Context::Monthly, between(1, 4));
        }
      } else if (form == 2) {
        note("stock: prev of itself");
        Gen init = expression(Context::PrevInit, between(0, 1));
        Gen stock = {Node::call("prev", {Node::name(monthly_[i].name, Node::Ref::Monthly), init.node}), Range::any(),
                     init.uses | kPrev};
        g = binary(chance(0.5) ? "+" : "*", std::move(stock), expression(Context::Monthly, between(0, 2)));
      } else {
        g = expression(Context::Monthly, between(1, 4));
      }
      remember(g);
      monthly_[i].range = g.range;
      monthly_[i].done = true;
      monthly_values_[i] = Value::of_formula(std::move(g.node), Context::Monthly);
    }
    current_monthly_ = nullptr;
  }

  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

  // ------------------------------------------------------------ outputs
  void make_outputs() {
    const int n = between(1, 5);
    for (int i = 0; i < n; ++i) {
      Gen g = chance(0.45) ? aggregate() : expression(Context::Output, between(1, 3));
      g = finite(std::move(g));
      outputs_.emplace_back(fmt::format("o{}", i), Value::of_formula(std::move(g.node), Context::Output));
    }
  }

  // ------------------------------------------------------------ planted errors
  // Formulas likely to leave [0, 1] (or be NaN) in some sample.
  Node bad_probability() {
    const std::string u = error_parameter().name;
    Node U = Node::name(u, Node::Ref::Parameter);
    switch (below(5)) {
      case 0:
        return Node::binary("*", U, Node::number("1.5"));
      case 1:
        return Node::binary("-", U, Node::number("0.25"));
      case 2:
        return Node::call("sqrt", {Node::binary("-", U, Node::number("0.5"))});
      case 3:
        return Node::binary("+", U, Node::binary("/", Node::name("month", Node::Ref::Month), Node::number("8")));
      default:
        return Node::name(constant_parameter("k_err", pick(std::vector<double>{1.25, -0.5})), Node::Ref::Parameter);
    }
  }

  std::string constant_parameter(const std::string& name, double value) {
    ParameterInfo p;
    p.name = name;
    p.base = {literal(value), Range::point(value), true, value};
    p.range = p.base.range;
    parameters_.push_back(p);
    return name;
  }

  void plant_error() {
    if (planned_ == PlannedError::None) return;
    note(fmt::format("planned error:{}", to_string(planned_)));
    const std::string u = error_parameter().name;
    Node U = Node::name(u, Node::Ref::Parameter);
    auto regime = [&](std::vector<std::string> states) {
      EventInfo e = event("r_err", EventKind::Regime);
      e.states = states;
      e.definition.add("kind", Value::of_scalar("regime"));
      e.definition.add("states", Value::list(states));
      Value initial = Value::map(true);
      initial.add(states[0], Value::of_scalar("1"));
      e.definition.add("initial", std::move(initial));
      return e;
    };
    auto arrivals = [&](Node rate) {
      EventInfo e = event("a_err", EventKind::Arrivals);
      e.definition.add("kind", Value::of_scalar("arrivals"));
      e.definition.add("rate", Value::of_formula(std::move(rate), Context::Rate));
      e.definition.add("size", Value::of_scalar("1"));
      return e;
    };
    switch (planned_) {
      case PlannedError::SwitchHazard: {
        EventInfo e = event("s_err", EventKind::Switch);
        const bool off = chance(0.3);
        e.definition.add("kind", Value::of_scalar("switch"));
        e.definition.add("initial", Value::of_scalar(off ? "1" : "0"));
        e.definition.add("on", Value::of_formula(off ? Node::number("0") : bad_probability(), Context::Hazard));
        if (off) e.definition.add("off", Value::of_formula(bad_probability(), Context::Hazard));
        insert_event(std::move(e));
        break;
      }
      case PlannedError::TransitionCell: {
        EventInfo e = regime({"x", "y"});
        Value row = Value::map(true), transitions = Value::map();
        row.add("y", Value::of_formula(bad_probability(), Context::Hazard));
        transitions.add("x", std::move(row));
        e.definition.add("transitions", std::move(transitions));
        insert_event(std::move(e));
        break;
      }
      case PlannedError::RowSum: {
        EventInfo e = regime({"x", "y", "z"});
        Value row = Value::map(true), transitions = Value::map();
        Node steady = chance(0.5)
                          ? Node::binary("*", Node::number("0.6"),
                                         Node::binary(">", Node::name("month", Node::Ref::Month), Node::number("0")))
                          : Node::binary("+", Node::number("0.6"), Node::binary("*", Node::number("0"), U));
        row.add("y", Value::of_formula(std::move(steady), Context::Hazard));
        row.add("z",
                Value::of_formula(Node::call("clamp", {U, Node::number("0.3"), Node::number("0.8")}), Context::Hazard));
        transitions.add("x", std::move(row));
        e.definition.add("transitions", std::move(transitions));
        insert_event(std::move(e));
        break;
      }
      case PlannedError::ConstantParameterRow: {
        EventInfo e = regime({"x", "y", "z"});
        const double k = pick(std::vector<double>{0.6, 1.5, -0.25});
        const std::string name = constant_parameter("k_err", k);
        Node cell = Node::name(name, Node::Ref::Parameter);
        if (chance(0.3)) {  // not constant for the compiler: the general path
          note("constant parameter row: behind a condition");
          cell = Node::conditional(Node::binary(">", Node::name("month", Node::Ref::Month), Node::number("0")), cell,
                                   Node::number("0"));
        }
        Value row = Value::map(true), transitions = Value::map();
        row.add("y", Value::of_formula(cell, Context::Hazard));
        if (k == 0.6) row.add("z", Value::of_formula(cell, Context::Hazard));
        transitions.add("x", std::move(row));
        e.definition.add("transitions", std::move(transitions));
        insert_event(std::move(e));
        break;
      }
      case PlannedError::ArrivalRate: {
        Node rate;
        switch (below(4)) {
          case 0:
            rate = Node::binary("-", U, Node::number("0.5"));
            break;
          case 1:
            rate = Node::call("log", {Node::binary("-", U, Node::number("0.25"))});
            break;
          case 2:
            rate = Node::binary("/", Node::number("1"), Node::binary("-", U, U));
            break;
          default:
            rate = Node::binary("*", Node::binary("-", Node::name("month", Node::Ref::Month), Node::number("2")), U);
            break;
        }
        insert_event(arrivals(std::move(rate)));
        break;
      }
      case PlannedError::TooManyBursts: {
        Node rate = chance(0.5) ? Node::binary("+", Node::number("9000"), Node::binary("*", U, Node::number("1000")))
                                : Node::binary("*", Node::number("1e12"), U);
        insert_event(arrivals(std::move(rate)));
        break;
      }
      case PlannedError::InnovationLaw: {
        EventInfo e = event("i_err", EventKind::Innovation);
        Node law;
        switch (below(4)) {
          case 0:
            law = Node::call("normal", {Node::number("0"), Node::binary("-", U, Node::number("0.5"))});
            break;
          case 1:
            law = Node::call("bernoulli", {Node::binary("*", U, Node::number("1.5"))});
            break;
          case 2:  // month 1 draws poisson(-1)
            law = Node::call("poisson", {Node::binary("-", Node::name("month", Node::Ref::Month), Node::number("2"))});
            break;
          default:
            law = Node::call("uniform", {U, Node::number("0.5")});
            break;
        }
        e.definition.add("kind", Value::of_scalar("innovation"));
        e.definition.add("dist", Value::of_formula(std::move(law), Context::Innovation));
        insert_event(std::move(e));
        break;
      }
      case PlannedError::OutputNotFinite: {
        Node bad;
        switch (below(8)) {
          case 0:
            bad =
                Node::binary("/", Node::call("sum", {Node::name("month", Node::Ref::Month)}), Node::binary("-", U, U));
            break;
          case 1:
            bad = Node::call("log", {Node::binary("-", U, Node::number("0.5"))});
            break;
          case 2:
            bad = Node::call("exp", {Node::binary("*", U, Node::number("1000"))});
            break;
          case 3:  // a sum over months that overflows
            note("cause:sum overflowed");
            bad = Node::call("sum", {Node::binary("*", U, Node::number("1e308"))});
            break;
          case 4:  // a power that overflows, spelt pow(…) in the message
            note("cause:power");
            bad = Node::binary("^", U, Node::number("-400"));
            break;
          case 5: {  // burst sizes that sum to infinity
            note("cause:burst total");
            EventInfo e = arrivals(Node::number("2"));
            e.definition.find("size")->scalar = "\"constant(1e308)\"";
            insert_event(std::move(e));
            bad = Node::call(chance(0.5) ? "sum" : "max", {Node::name("a_err", Node::Ref::Event)});
            break;
          }
          case 6: {  // a sub-formula that a monthly formula computes too
            note("cause:sub-formula also in a monthly formula");
            Node root = chance(0.5)
                            ? Node::binary("-", U, Node::number("0.5"))
                            : Node::binary(
                                  "-", U, Node::binary("/", Node::name("month", Node::Ref::Month), Node::number("10")));
            Node shared = Node::call("sqrt", {root});
            planted_monthly_.emplace_back("m_err", Value::of_formula(shared, Context::Monthly));
            bad = Node::call("sum", {shared});
            break;
          }
          default:  // a constant sub-formula that is infinite
            note("cause:constant sub-formula");
            bad = Node::binary("+", U, Node::binary("*", Node::number("1e308"), Node::number("10")));
            break;
        }
        outputs_.insert(outputs_.begin() + static_cast<std::ptrdiff_t>(below(outputs_.size() + 1)),
                        {"o_err", Value::of_formula(std::move(bad), Context::Output)});
        break;
      }
      case PlannedError::None:
        break;
    }
  }

  void insert_event(EventInfo e) { planted_events_.push_back(std::move(e)); }

  // ------------------------------------------------------------ scenarios
  Value parameter_override(const ParameterInfo& p) {
    note("override:parameter");
    const DistributionText& d = p.alternatives.empty() ? p.base : pick(p.alternatives);
    const std::size_t form = weighted({3, 1});
    if (form == 1) {
      note("override:parameter mapping");
      Value m = Value::map(true);
      m.add("dist", Value::of_scalar("\"" + d.text + "\""));
      if (chance(0.5)) m.add("unit", Value::of_scalar("\"units\""));
      return m;
    }
    return Value::of_scalar("\"" + d.text + "\"");
  }

  Value event_override(const EventInfo& e) {
    Value o = Value::map(true);
    switch (e.kind) {
      case EventKind::Regime: {
        const std::size_t form = weighted({3, 2, 3, 0.5});
        if (form == 0) {
          note("override:regime fix");
          o.add("fix", Value::of_scalar(pick(e.states)));
        } else if (form == 1) {
          note("override:regime initial");
          o.add("initial", regime_initial(e.states));
        } else if (form == 2) {
          note("override:regime transitions");
          Value rows = Value::map(true);
          const std::size_t from = below(e.states.size());
          if (chance(0.3)) {
            note("override:regime absorbing row");
            rows.add(e.states[from], Value::map(true));
          } else {
            rows.add(e.states[from], transition_row(e.states, from));
          }
          o.add("transitions", std::move(rows));
        } else {
          o.add("source", Value::of_scalar("\"scenario\""));
        }
        break;
      }
      case EventKind::Switch: {
        const std::size_t form = weighted({1.5, 1, 1.5, 2, 1, 1});
        if (form == 0) {
          const std::string v = pick(std::vector<std::string>{"on", "off", "true", "false"});
          note("override:switch fix " + v);
          o.add("fix", Value::of_scalar(v));
        } else if (form == 1) {
          note("override:switch on_from");
          o.add("on_from", Value::of_scalar(std::to_string(between(1, static_cast<int>(horizon_)))));
        } else if (form == 2) {
          note("override:switch on");
          o.add("on", probability_value(1.0));
        } else if (form == 3) {
          note("override:switch off");
          o.add("off", probability_value(1.0));
        } else if (form == 4) {
          note("override:switch initial");
          o.add("initial", Value::of_scalar("\"" + switch_initial() + "\""));
        } else {
          note("override:switch on and off");
          o.add("on", probability_value(1.0));
          o.add("off", probability_value(1.0));
        }
        break;
      }
      case EventKind::Arrivals: {
        const std::size_t form = weighted({2, 1, 1});
        if (form != 1) {
          note("override:arrivals rate");
          o.add("rate", rate_value(e.rate_cap));
        }
        if (form != 0) {
          note("override:arrivals size");
          o.add("size", Value::of_scalar("\"" + pick(e.sizes).text + "\""));
        }
        break;
      }
      case EventKind::Innovation: {
        const std::size_t form = weighted({4, 1});
        if (form == 0) {
          note("override:innovation dist");
          o.add("dist", innovation_law(e, e.sizes.empty() || (e.law_form >= 0 && chance(0.5))));
        } else {
          o.add("source", Value::of_scalar("\"scenario\""));
        }
        break;
      }
    }
    return o;
  }

  void make_scenarios() {
    const int n = static_cast<int>(weighted({2, 3, 2, 1}));
    const bool base = chance(0.1);
    for (int i = 0; i < n + (base ? 1 : 0); ++i) {
      const std::string name = base && i == n ? std::string("base") : fmt::format("sc{}", i);
      if (chance(0.08)) {
        note("scenario without overrides");
        scenarios_.add(name, Value::of_scalar(""));
        continue;
      }
      Value s = Value::map();
      if (chance(0.3)) s.add("description", Value::of_scalar("\"generated scenario\""));
      if (chance(0.5)) {
        Value params = Value::map();
        std::vector<const ParameterInfo*> chosen;
        for (const ParameterInfo& p : parameters_)
          if (!p.alternatives.empty() && chance(0.5)) chosen.push_back(&p);
        for (const ParameterInfo* p : chosen) params.add(p->name, parameter_override(*p));
        if (!params.entries.empty()) s.add("parameters", std::move(params));
      }
      if (!events_.empty() && chance(0.7)) {
        Value evs = Value::map();
        for (const EventInfo& e : events_)
          if (chance(0.4)) evs.add(e.name, event_override(e));
        if (!evs.entries.empty()) s.add("events", std::move(evs));
      }
      if (base) note("scenario base with overrides");
      scenarios_.add(name, std::move(s));
    }
  }

  // ------------------------------------------------------------ indexes
  // docs/language.md "Indexes": 1–3 indexes of 1–5 elements; parameters,
  // switches, arrivals, monthly formulas and outputs over 0–2 of them, each
  // key given per element as one value, a list or a mapping (nested for two
  // indexes); formulas that broadcast, pick and reduce; scenario overrides,
  // partial mappings included. Formulas are written as text, so the
  // rewritings (which know no indexes) leave them alone.
  struct IndexInfo {
    std::string name;
    std::vector<std::string> elements;
  };
  enum class IndexedKind : std::uint8_t { Parameter, Event, Monthly };
  struct IndexedInfo {
    std::string name;
    std::vector<std::size_t> over;
    IndexedKind kind = IndexedKind::Parameter;
    Range range;
    std::vector<std::string> alternatives;  // a parameter's distributions for scenarios
  };
  struct Text {
    std::string text;
    Range range;
  };

  static bool within(const std::vector<std::size_t>& over, const std::vector<std::size_t>& scope) {
    for (std::size_t i : over)
      if (std::find(scope.begin(), scope.end(), i) == scope.end()) return false;
    return true;
  }

  std::vector<std::size_t> choose_over(std::size_t most) {
    std::vector<std::size_t> all(indexes_.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    shuffle(all);
    all.resize(std::min(all.size(), most));
    return all;
  }

  Value over_value(const std::vector<std::size_t>& over) {
    if (over.size() == 1 && chance(0.7)) return Value::of_scalar(indexes_[over[0]].name);
    std::vector<std::string> names;
    for (std::size_t i : over) names.push_back(indexes_[i].name);
    note(over.size() == 2 ? "index:over two" : "index:over list");
    return Value::list(names);
  }

  // A key's value per element: one value, a list in element order, or a
  // mapping element → value, level by level; `partial` (a scenario's) may
  // leave elements out of an outer mapping.
  std::string per_element(const std::vector<std::size_t>& over, std::size_t level,
                          const std::function<std::string()>& leaf, bool partial = false) {
    if (level == over.size()) return leaf();
    const std::size_t form = weighted({1.2, 1, 1.5});
    if (form == 0) {
      note(level ? "index:inner one value" : "index:one value");
      return leaf();
    }
    const IndexInfo& index = indexes_[over[level]];
    std::vector<std::string> parts;
    if (form == 1) {
      note(level ? "index:list of lists" : "index:list");
      for (std::size_t e = 0; e < index.elements.size(); ++e) parts.push_back(per_element(over, level + 1, leaf));
      return fmt::format("[{}]", fmt::join(parts, ", "));
    }
    note(level ? "index:nested mapping" : "index:mapping");
    const bool leave_out = partial && level == 0 && index.elements.size() > 1 && chance(0.6);
    const std::size_t kept = leave_out ? below(index.elements.size()) : index.elements.size();
    if (leave_out) note("index:partial mapping");
    std::vector<std::size_t> order(index.elements.size());
    for (std::size_t e = 0; e < order.size(); ++e) order[e] = e;
    shuffle(order);  // a mapping names its elements in any order
    for (std::size_t e : order) {
      if (leave_out && e != kept && chance(0.5)) continue;
      parts.push_back(index.elements[e] + ": " + per_element(over, level + 1, leaf));
    }
    return fmt::format("{{{}}}", fmt::join(parts, ", "));
  }

  static std::string quoted(const std::string& text) { return "\"" + text + "\""; }

  // Entries a formula over `scope` may read in `ctx`, with their ranges.
  std::vector<const IndexedInfo*> readable(const std::vector<std::size_t>& scope, Context ctx, bool any_scope) const {
    std::vector<const IndexedInfo*> out;
    for (const IndexedInfo& e : indexed_) {
      if (e.kind != IndexedKind::Parameter &&
          (ctx == Context::Output || ctx == Context::Hazard || ctx == Context::Rate))
        continue;
      if (any_scope ? !e.over.empty() : within(e.over, scope)) out.push_back(&e);
    }
    return out;
  }

  std::string pick_of(const IndexedInfo& e) {
    note("index:pick");
    std::vector<std::string> elements;
    for (std::size_t i : e.over) elements.push_back(pick(indexes_[i].elements));
    return fmt::format("{}[{}]", e.name, fmt::join(elements, ", "));
  }

  Text ix_leaf(const std::vector<std::size_t>& scope, Context ctx, int depth) {
    const std::size_t kind =
        weighted({1, 1.5, 3, 1.2, ctx == Context::Output ? 3.0 : 0.0,
                  ctx == Context::Monthly || ctx == Context::Series ? 0.5 : 0.0, ctx == Context::Monthly ? 0.4 : 0.0});
    if (kind == 1 && !parameters_.empty()) {
      const ParameterInfo& p = pick(parameters_);
      return {p.name, p.range};
    }
    if (kind == 2) {
      if (auto names = readable(scope, ctx, false); !names.empty()) {
        const IndexedInfo& e = *pick(names);
        if (!e.over.empty()) note(e.over.size() < scope.size() ? "index:broadcast" : "index:same index");
        return {e.name, e.range};
      }
    }
    if (kind == 3) {
      if (auto names = readable(scope, ctx, true); !names.empty()) {
        const IndexedInfo& e = *pick(names);
        return {pick_of(e), e.range};
      }
    }
    if (kind == 4 && depth > 0) {
      note("index:aggregate in output");
      const std::size_t f = below(6);
      static const char* kAggregates[] = {"sum", "mean", "max", "min", "last", "sum"};
      Text series = ix_expr(scope, Context::Series, depth - 1);
      const double months = static_cast<double>(horizon_);
      Range r = series.range;
      if (f == 0) r = corners(r, Range::point(months), [](double a, double b) { return a * b; });
      if (f == 5) {
        const int from = between(1, static_cast<int>(horizon_));
        const int to = between(from, static_cast<int>(horizon_));
        r = corners(series.range, Range::point(to - from + 1.0), [](double a, double b) { return a * b; });
        return {fmt::format("sum({}, {}, {})", series.text, from, to), r};
      }
      return {fmt::format("{}({})", kAggregates[f], series.text), r};
    }
    if (kind == 5) return {"month", Range::of(1.0, horizon_)};
    if (kind == 6) {
      // prev of a monthly formula over indexes the reader is over
      std::vector<const IndexedInfo*> targets;
      for (const IndexedInfo& e : indexed_)
        if (e.kind == IndexedKind::Monthly && !e.over.empty() && within(e.over, scope)) targets.push_back(&e);
      if (!targets.empty()) {
        note("index:prev");
        const IndexedInfo& e = *pick(targets);
        const double init = nice(-10, 10);
        return {fmt::format("prev({}, {})", e.name, literal(init)), hull(e.range, Range::point(init))};
      }
    }
    const double v = nice(-5, 5);
    return {v < 0 ? fmt::format("({})", literal(v)) : literal(v), Range::point(v)};
  }

  // A reduction over an index of an entry the formula can read, the
  // entry's other indexes within the formula's (docs/language.md "Reductions").
  std::optional<Text> reduction(const std::vector<std::size_t>& scope, Context ctx, int depth) {
    std::vector<std::pair<const IndexedInfo*, std::size_t>> choices;
    const Context inner_ctx = ctx == Context::Output ? Context::Series : ctx;
    for (const IndexedInfo* e : readable(scope, ctx == Context::Output ? Context::Series : ctx, true)) {
      std::vector<std::size_t> missing;
      for (std::size_t i : e->over)
        if (std::find(scope.begin(), scope.end(), i) == scope.end()) missing.push_back(i);
      if (missing.size() == 1) choices.push_back({e, missing[0]});
      if (missing.empty()) choices.push_back({e, e->over[below(e->over.size())]});
    }
    if (choices.empty()) return std::nullopt;
    const auto [e, index] = pick(choices);
    std::vector<std::size_t> inner = scope;
    if (std::find(inner.begin(), inner.end(), index) == inner.end())
      inner.push_back(index);
    else
      note("index:reduce own index");
    Text body{e->name, e->range};
    if (chance(0.4)) {
      Text other = ix_expr(inner, inner_ctx, depth - 1);
      body = {fmt::format("{} * {}", body.text, wrap(other.text)),
              corners(body.range, other.range, [](double a, double b) { return a * b; })};
    }
    const bool aggregate_inside = ctx == Context::Output;
    if (aggregate_inside) {
      // An output reads a monthly value through a month aggregate: inside
      // the reduction (`sum(sum(x) over i)`), or around it, as a leaf's.
      note("index:aggregate inside reduction");
      body = {fmt::format("mean({})", body.text), body.range};
    }
    static const char* kFunctions[] = {"sum", "mean", "min", "max"};
    const char* f = kFunctions[below(4)];
    note(std::string("index:reduction ") + f);
    Range r = body.range;
    const double k = static_cast<double>(indexes_[index].elements.size());
    if (std::string_view(f) == "sum") r = corners(r, Range::point(k), [](double a, double b) { return a * b; });
    return Text{fmt::format("{}({} over {})", f, body.text, indexes_[index].name), r};
  }

  static std::string wrap(const std::string& text) { return "(" + text + ")"; }

  Text ix_expr(const std::vector<std::size_t>& scope, Context ctx, int depth) {
    if (depth <= 0) return ix_leaf(scope, ctx, 0);
    const std::size_t form = weighted({1.5, 2.5, 1, 2, 0.4});
    if (form == 0) return ix_leaf(scope, ctx, depth);
    if (form == 3) {
      if (std::optional<Text> r = reduction(scope, ctx, depth)) {
        if (ctx == Context::Series) note("index:reduction inside aggregate");
        return *r;
      }
      return ix_leaf(scope, ctx, depth);
    }
    Text a = ix_expr(scope, ctx, depth - 1), b = ix_expr(scope, ctx, depth - 1);
    if (form == 1) {
      const std::size_t op = below(3);
      static const char* kOps[] = {"+", "-", "*"};
      const Range r = op == 0   ? corners(a.range, b.range, [](double x, double y) { return x + y; })
                      : op == 1 ? corners(a.range, b.range, [](double x, double y) { return x - y; })
                                : corners(a.range, b.range, [](double x, double y) { return x * y; });
      return {fmt::format("{} {} {}", wrap(a.text), kOps[op], wrap(b.text)), r};
    }
    if (form == 2) {
      const bool lower = chance(0.5);
      Range r = Range::any();
      if (a.range.finite && b.range.finite)
        r = lower ? Range::of(std::min(a.range.lo, b.range.lo), std::min(a.range.hi, b.range.hi))
                  : Range::of(std::max(a.range.lo, b.range.lo), std::max(a.range.hi, b.range.hi));
      return {fmt::format("{}({}, {})", lower ? "min" : "max", a.text, b.text), r};
    }
    Text c = ix_expr(scope, ctx, depth - 1);
    return {fmt::format("{} > {} ? {} : {}", wrap(c.text), literal(nice(-2, 2)), wrap(a.text), wrap(b.text)),
            hull(a.range, b.range)};
  }

  // A value kept in [0, cap] (a probability, a rate): clamped, NaN caught first.
  Text kept_in(Text t, double cap) {
    if (t.range.inside(0.0, cap)) return t;
    if (t.range.finite) return {fmt::format("clamp({}, 0, {})", t.text, literal(cap)), Range::of(0, cap)};
    return {fmt::format("{0} == {0} ? clamp({0}, 0, {1}) : {2}", wrap(t.text), literal(cap), literal(nice(0, cap))),
            Range::of(0, cap)};
  }

  // An output's formula, finite in every sample.
  static Text finite_text(Text t) {
    if (t.range.finite) return t;
    return {fmt::format("abs({0}) < 1e300 ? {0} : 0", wrap(t.text)), Range::of(-1e300, 1e300)};
  }

  std::string hazard_text(const std::vector<std::size_t>& over, double cap) {
    return quoted(kept_in(ix_expr(over, Context::Hazard, between(0, 2)), cap).text);
  }

  void make_indexed() {
    if (!chance(options_.index_rate)) return;
    note("index");
    static const std::vector<std::string> kNames = {"north", "south", "east", "west", "core"};
    const std::size_t n = 1 + weighted({2, 2, 1});
    for (std::size_t i = 0; i < n; ++i) {
      IndexInfo index{fmt::format("ix{}", i), {}};
      const std::size_t size = 1 + below(5);
      const bool shared = chance(0.5);  // element names repeat across indexes
      for (std::size_t e = 0; e < size; ++e)
        index.elements.push_back(shared ? kNames[e] : fmt::format("{}{}", i == 0 ? "a" : "b", e));
      indexes_.push_back(std::move(index));
    }
    const std::size_t parameters = 1 + below(3);
    for (std::size_t p = 0; p < parameters; ++p) {
      IndexedInfo e{fmt::format("ip{}", p), choose_over(1 + below(2)), IndexedKind::Parameter, {}, {}};
      bool first = true;
      const std::string dist = per_element(e.over, 0, [&] {
        DistributionText d = distribution(false);
        e.range = first ? d.range : hull(e.range, d.range);
        first = false;
        return quoted(d.text);
      });
      for (int a = 0; a < 2; ++a) {
        DistributionText d = distribution(false);
        e.range = hull(e.range, d.range);
        e.alternatives.push_back(d.text);
      }
      Value m = Value::map(true);
      m.add("over", over_value(e.over));
      m.add("dist", Value::of_scalar(dist));
      ix_parameters_.emplace_back(e.name, std::move(m));
      indexed_.push_back(std::move(e));
    }
    if (chance(0.6)) {
      note("index:switch");
      IndexedInfo e{"isw", choose_over(1 + below(2)), IndexedKind::Event, Range::unit(), {}};
      Value m = Value::map(true);
      m.add("kind", Value::of_scalar("switch"));
      m.add("over", over_value(e.over));
      m.add("initial", Value::of_scalar(per_element(e.over, 0, [&] { return literal(nice(0, 1)); })));
      m.add("on", Value::of_scalar(per_element(e.over, 0, [&] { return hazard_text(e.over, 0.5); })));
      m.add("off", Value::of_scalar(per_element(e.over, 0, [&] { return hazard_text(e.over, 1.0); })));
      ix_events_.emplace_back(e.name, std::move(m));
      indexed_.push_back(std::move(e));
    }
    if (chance(0.5)) {
      note("index:arrivals");
      IndexedInfo e{"iarr", choose_over(1 + below(2)), IndexedKind::Event, {}, {}};
      Range sizes = Range::point(0.0);
      Value m = Value::map(true);
      m.add("kind", Value::of_scalar("arrivals"));
      m.add("over", over_value(e.over));
      m.add("rate", Value::of_scalar(per_element(e.over, 0, [&] {
              return quoted(kept_in(ix_expr(e.over, Context::Rate, between(0, 2)), 3.0).text);
            })));
      m.add("size", Value::of_scalar(per_element(e.over, 0, [&] {
              DistributionText d = distribution(true);
              if (!d.range.inside(-1e6, 1e6)) d = {"uniform(1, 2)", Range::of(1, 2), false, 0.0};
              sizes = hull(sizes, d.range);
              return quoted(d.text);
            })));
      // More than 60 bursts in a month at a rate of at most 3 is astronomically unlikely.
      e.range = Range::of(std::min(0.0, 60 * sizes.lo), std::max(0.0, 60 * sizes.hi));
      ix_events_.emplace_back(e.name, std::move(m));
      indexed_.push_back(std::move(e));
    }
    const std::size_t monthly = 1 + below(3);
    for (std::size_t f = 0; f < monthly; ++f) {
      IndexedInfo e{fmt::format("im{}", f), choose_over(below(3)), IndexedKind::Monthly, {}, {}};
      bool first = true;
      const std::string formula = per_element(e.over, 0, [&] {
        Text t = ix_expr(e.over, Context::Monthly, between(1, 3));
        e.range = first ? t.range : hull(e.range, t.range);
        first = false;
        return quoted(t.text);
      });
      Value m = Value::map(true);
      if (!e.over.empty()) m.add("over", over_value(e.over));
      m.add("formula", Value::of_scalar(formula));
      ix_monthly_.emplace_back(e.name, std::move(m));
      indexed_.push_back(std::move(e));
    }
    const std::size_t outputs = 1 + below(3);
    for (std::size_t o = 0; o < outputs; ++o) {
      const std::vector<std::size_t> over = choose_over(below(3));
      const std::string formula =
          per_element(over, 0, [&] { return quoted(finite_text(ix_expr(over, Context::Output, between(1, 3))).text); });
      Value m = Value::map(true);
      if (!over.empty()) m.add("over", over_value(over));
      m.add("formula", Value::of_scalar(formula));
      ix_outputs_.emplace_back(fmt::format("iout{}", o), std::move(m));
    }
    for (auto& [name, s] : scenarios_.entries) {
      if (s.kind != Value::Kind::Map || !chance(0.6)) continue;
      for (const IndexedInfo& e : indexed_) {
        if (!chance(0.5)) continue;
        if (e.kind == IndexedKind::Parameter) {
          note("index:override parameter");
          std::string v = per_element(
              e.over, 0, [&] { return quoted(pick(e.alternatives)); }, true);
          Value* params = s.find("parameters");
          if (!params) params = &s.add("parameters", Value::map());
          if (chance(0.3)) {
            note("index:override parameter mapping");
            Value m = Value::map(true);
            m.add("dist", Value::of_scalar(v));
            params->add(e.name, std::move(m));
          } else {
            params->add(e.name, Value::of_scalar(v));
          }
        } else if (e.kind == IndexedKind::Event) {
          Value o = Value::map(true);
          if (e.name == "isw") {
            const std::size_t form = below(3);
            note(fmt::format("index:override switch {}", form == 0 ? "fix" : form == 1 ? "on_from" : "on"));
            if (form == 0)
              o.add("fix", Value::of_scalar(per_element(
                               e.over, 0,
                               [&] {
                                 return pick(std::vector<std::string>{"on", "off", "true", "false"});
                               },
                               true)));
            else if (form == 1)
              o.add("on_from",
                    Value::of_scalar(per_element(
                        e.over, 0, [&] { return std::to_string(between(1, static_cast<int>(horizon_))); }, true)));
            else
              o.add("on", Value::of_scalar(per_element(
                              e.over, 0, [&] { return hazard_text(e.over, 1.0); }, true)));
          } else {
            note("index:override arrivals rate");
            o.add("rate",
                  Value::of_scalar(per_element(
                      e.over, 0, [&] { return quoted(kept_in(ix_expr(e.over, Context::Rate, 1), 3.0).text); }, true)));
          }
          Value* events = s.find("events");
          if (!events) events = &s.add("events", Value::map());
          events->add(e.name, std::move(o));
        }
      }
    }
  }

  // ------------------------------------------------------------ the file
  void insert_at_random(Value& map, const std::string& key, Value v) {
    const auto at = map.entries.begin() + static_cast<std::ptrdiff_t>(below(map.entries.size() + 1));
    map.entries.insert(at, {key, std::move(v)});
  }

  GeneratedModel assemble() {
    GeneratedModel g;
    g.planned_error = planned_;
    g.horizon = horizon_;
    Value& root = g.root;
    root.add("model", Value::of_scalar("generated"));
    if (!indexes_.empty()) {
      Value indexes = Value::map();
      for (const IndexInfo& index : indexes_) indexes.add(index.name, Value::list(index.elements));
      root.add("indexes", std::move(indexes));
    }
    if (chance(0.2)) root.add("title", Value::of_scalar("\"A generated model\""));
    if (chance(0.2)) {
      note("horizon as a formula");
      root.add("horizon", Value::of_scalar(fmt::format("\"{} + 1\"", horizon_ - 1)));
    } else {
      root.add("horizon", Value::of_scalar(std::to_string(horizon_)));
    }
    Value params = Value::map();
    for (const ParameterInfo& p : parameters_) {
      if (chance(0.15)) {
        note("parameter mapping form");
        Value m = Value::map(true);
        m.add("dist", Value::of_scalar("\"" + p.base.text + "\""));
        m.add("unit", Value::of_scalar("\"units\""));
        params.add(p.name, std::move(m));
      } else {
        params.add(p.name, Value::of_scalar("\"" + p.base.text + "\""));
      }
    }
    for (auto& [name, v] : ix_parameters_) params.add(name, std::move(v));
    root.add("parameters", std::move(params));
    Value events = Value::map();
    for (EventInfo& e : events_) events.add(e.name, std::move(e.definition));
    for (EventInfo& e : planted_events_) insert_at_random(events, e.name, std::move(e.definition));
    for (auto& [name, v] : ix_events_) events.add(name, std::move(v));
    if (!events.entries.empty()) root.add("events", std::move(events));
    if (!monthly_.empty()) {
      Value monthly = Value::map();
      std::vector<std::size_t> order(monthly_.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      shuffle(order);  // file order is not dependency order
      for (std::size_t i : order) {
        if (chance(0.15)) {
          note("monthly mapping form");
          Value m = Value::map(true);
          m.add("formula", std::move(monthly_values_[i]));
          m.add("unit", Value::of_scalar("\"units\""));
          monthly.add(monthly_[i].name, std::move(m));
        } else {
          monthly.add(monthly_[i].name, std::move(monthly_values_[i]));
        }
      }
      for (auto& [name, v] : planted_monthly_) insert_at_random(monthly, name, std::move(v));
      root.add("monthly", std::move(monthly));
    } else if (!planted_monthly_.empty()) {
      Value monthly = Value::map();
      for (auto& [name, v] : planted_monthly_) monthly.add(name, std::move(v));
      root.add("monthly", std::move(monthly));
    }
    if (!ix_monthly_.empty()) {
      if (!root.find("monthly")) root.add("monthly", Value::map());
      for (auto& [name, v] : ix_monthly_) root.find("monthly")->add(name, std::move(v));
    }
    Value outputs = Value::map();
    for (auto& [name, v] : ix_outputs_) outputs.add(name, std::move(v));
    for (auto& [name, v] : outputs_) {
      if (chance(0.1)) {
        Value m = Value::map(true);
        m.add("formula", std::move(v));
        m.add("unit", Value::of_scalar(chance(0.5) ? "share" : "\"units\""));
        outputs.add(name, std::move(m));
      } else {
        outputs.add(name, std::move(v));
      }
    }
    root.add("outputs", std::move(outputs));
    if (!scenarios_.entries.empty()) root.add("scenarios", std::move(scenarios_));
    g.features = std::move(features_);
    return g;
  }

  ChoiceSource& choices_;
  const GeneratorOptions& options_;
  std::uint32_t horizon_ = 12;
  PlannedError planned_ = PlannedError::None;
  std::vector<ParameterInfo> parameters_;
  std::vector<EventInfo> events_, planted_events_;
  std::vector<MonthlyInfo> monthly_;
  std::vector<Value> monthly_values_;
  std::vector<std::pair<std::string, Value>> planted_monthly_;
  const MonthlyInfo* current_monthly_ = nullptr;
  std::vector<std::pair<std::string, Value>> outputs_;
  Value scenarios_ = Value::map();
  std::vector<Gen> pool_;
  std::set<std::string> features_;
  std::vector<IndexInfo> indexes_;
  std::vector<IndexedInfo> indexed_;
  std::vector<std::pair<std::string, Value>> ix_parameters_, ix_events_, ix_monthly_, ix_outputs_;
};

}  // namespace

GeneratedModel generate(ChoiceSource& choices, const GeneratorOptions& options) {
  return Generator(choices, options).run();
}

std::string generate_model(std::uint64_t seed, const GeneratorOptions& options) {
  SeededChoices choices(seed);
  return generate(choices, options).text();
}

// ---------------------------------------------------------------- transformations

namespace {

std::size_t below(ChoiceSource& c, std::size_t n) {
  return n == 0 ? 0 : static_cast<std::size_t>(c.next() % n);
}

template <typename T>
void shuffle(std::vector<T>& v, ChoiceSource& c) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(c, i)]);
}

// Calls visit(formula value) for every formula in the model.
void for_each_formula(Value& v, const std::function<void(Value&)>& visit) {
  if (v.kind == Value::Kind::Formula) visit(v);
  for (auto& [k, child] : v.entries) for_each_formula(child, visit);
}

void for_each_node(Node& n, const std::function<void(Node&)>& visit) {
  visit(n);
  for (Node& a : n.args) for_each_node(a, visit);
}

bool contains(const Node& n, const std::function<bool(const Node&)>& test) {
  if (test(n)) return true;
  for (const Node& a : n.args)
    if (contains(a, test)) return true;
  return false;
}

bool is_aggregate(const Node& n) {
  if (n.kind != Node::Kind::Call) return false;
  return n.text == "sum" || n.text == "mean" || n.text == "last" ||
         ((n.text == "min" || n.text == "max") && n.args.size() == 1);
}

bool has_prev(const Node& n) {
  return contains(n, [](const Node& x) { return x.kind == Node::Kind::Call && x.text == "prev"; });
}

// The formula of a monthly entry (plain or mapping form).
Value* formula_of(Value& entry) {
  if (entry.kind == Value::Kind::Formula) return &entry;
  return entry.find("formula");
}

// Sub-formulas a monthly formula could hold, with where they came from.
struct Site {
  Node* node;
  Context context;
};

// Every sub-formula that is not a leaf, not inside prev()'s arguments, not
// an aggregate and not a regime name: places a monthly formula may stand.
void collect_sites(Node& n, Context context, std::vector<Site>& out) {
  if (n.kind == Node::Kind::Call && n.text == "prev") {
    out.push_back({&n, context});
    return;
  }
  if (is_aggregate(n)) {
    collect_sites(n.args[0], Context::Series, out);
    return;
  }
  if (!n.is_leaf() && (context != Context::Output)) out.push_back({&n, context});
  for (Node& a : n.args) collect_sites(a, context, out);
}

std::string fresh_name(const Value& monthly, const std::string& stem) {
  for (int i = 0;; ++i) {
    std::string name = fmt::format("{}{}", stem, i);
    if (!monthly.find(name)) return name;
  }
}

Value& monthly_section(GeneratedModel& m) {
  if (Value* v = m.root.find("monthly")) return *v;
  return m.root.add("monthly", Value::map());
}

void insert_entry(Value& map, std::string key, Value v, ChoiceSource& c) {
  const auto at = map.entries.begin() + static_cast<std::ptrdiff_t>(below(c, map.entries.size() + 1));
  map.entries.insert(at, {std::move(key), std::move(v)});
}

// Replaces the reads of monthly formula `index` by its formula, except
// prev()'s target and, for a formula holding prev, inside aggregates (which
// cannot hold one). False if nothing reads it (or the result is too deep).
bool inline_formula(GeneratedModel& m, std::size_t index) {
  Value* monthly = m.root.find("monthly");
  const std::string name = monthly->entries[index].first;
  const Node replacement = formula_of(monthly->entries[index].second)->formula;
  const bool prev_inside = has_prev(replacement);
  bool changed = false;
  std::function<void(Node&, bool)> replace = [&](Node& n, bool in_series) {
    if (n.kind == Node::Kind::Name && n.ref == Node::Ref::Monthly && n.text == name) {
      if (in_series && prev_inside) return;
      n = replacement;
      changed = true;
      return;
    }
    if (n.kind == Node::Kind::Call && n.text == "prev") {
      replace(n.args[1], in_series);
      return;
    }
    const bool series = in_series || is_aggregate(n);
    for (Node& a : n.args) replace(a, series);
  };
  for (auto& [other, e] : monthly->entries)
    if (other != name) replace(formula_of(e)->formula, false);
  if (Value* outputs = m.root.find("outputs"))
    for (auto& [o, e] : outputs->entries) replace(formula_of(e)->formula, false);
  bool too_deep = false;
  for_each_formula(m.root, [&](Value& f) { too_deep |= f.formula.height() > 150; });
  return changed && !too_deep;
}

}  // namespace

std::optional<GeneratedModel> transform(const GeneratedModel& model, Transformation t, ChoiceSource& c) {
  GeneratedModel out = model;
  switch (t) {
    case Transformation::CommuteOperands: {
      bool changed = false;
      for_each_formula(out.root, [&](Value& f) {
        for_each_node(f.formula, [&](Node& n) {
          static const std::vector<std::string> kCommutative = {"+", "*", "==", "!=", "and", "or"};
          if (n.kind != Node::Kind::Binary ||
              std::find(kCommutative.begin(), kCommutative.end(), n.text) == kCommutative.end())
            return;
          if (c.next() % 4 == 0) return;
          std::swap(n.args[0], n.args[1]);
          changed = true;
        });
      });
      if (!changed || out.text() == model.text()) return std::nullopt;
      return out;
    }
    case Transformation::ReorderEntries: {
      // Sections, their entries and every mapping below an event or a
      // scenario; lists (regime states) keep their order, which is meaning.
      std::function<void(Value&, int)> reorder = [&](Value& v, int depth) {
        if (v.kind != Value::Kind::Map) return;
        shuffle(v.entries, c);
        for (auto& [k, child] : v.entries) reorder(child, depth + 1);
      };
      reorder(out.root, 0);
      if (out.text() == model.text()) return std::nullopt;
      return out;
    }
    case Transformation::InlineFormula: {
      // The first monthly formula, from a random start, that is read somewhere.
      const Value* monthly = model.root.find("monthly");
      if (!monthly) return std::nullopt;
      const std::size_t n = monthly->entries.size(), first = below(c, n);
      for (std::size_t k = 0; k < n; ++k) {
        GeneratedModel candidate = model;
        if (inline_formula(candidate, (first + k) % n)) return candidate;
      }
      return std::nullopt;
    }
    case Transformation::ExtractFormula: {
      std::vector<Site> sites;
      if (Value* monthly = out.root.find("monthly"))
        for (auto& [n, e] : monthly->entries) collect_sites(formula_of(e)->formula, Context::Monthly, sites);
      if (Value* outputs = out.root.find("outputs"))
        for (auto& [n, e] : outputs->entries) collect_sites(formula_of(e)->formula, Context::Output, sites);
      if (sites.empty()) return std::nullopt;
      const Site site = sites[below(c, sites.size())];
      Value& monthly = monthly_section(out);
      const std::string name = fresh_name(monthly, "extracted");
      Node extracted = std::move(*site.node);
      *site.node = Node::name(name, Node::Ref::Monthly);
      insert_entry(monthly, name, Value::of_formula(std::move(extracted), Context::Monthly), c);
      return out;
    }
    case Transformation::AddUnusedFormula: {
      std::vector<Site> sites;
      for_each_formula(out.root, [&](Value& f) {
        if (f.context == Context::Constant || f.context == Context::PrevInit) return;
        // An innovation's law is a distribution call, which no formula can
        // be; its arguments are formulas.
        if (f.context == Context::Innovation) {
          for (Node& a : f.formula.args) collect_sites(a, f.context, sites);
          return;
        }
        collect_sites(f.formula, f.context, sites);
      });
      std::vector<Site> usable;
      for (const Site& s : sites)
        if (!contains(*s.node, is_aggregate)) usable.push_back(s);
      if (usable.empty()) return std::nullopt;
      const Node copy = *usable[below(c, usable.size())].node;
      Value& monthly = monthly_section(out);
      insert_entry(monthly, fresh_name(monthly, "unused"), Value::of_formula(copy, Context::Monthly), c);
      return out;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- shrinking

std::vector<GeneratedModel> shrink_candidates(const GeneratedModel& model) {
  std::vector<GeneratedModel> out;
  // Paths to maps whose entries may be dropped one at a time.
  std::function<void(const Value&, std::vector<std::size_t>&, int)> maps =
      [&](const Value& v, std::vector<std::size_t>& path, int depth) {
        if (v.kind != Value::Kind::Map) return;
        for (std::size_t i = 0; i < v.entries.size(); ++i) {
          if (depth == 0 && v.entries[i].first != "parameters" && v.entries[i].first != "events" &&
              v.entries[i].first != "monthly" && v.entries[i].first != "outputs" && v.entries[i].first != "scenarios")
            continue;
          GeneratedModel m = model;
          Value* at = &m.root;
          for (std::size_t p : path) at = &at->entries[p].second;
          at->entries.erase(at->entries.begin() + static_cast<std::ptrdiff_t>(i));
          out.push_back(std::move(m));
          path.push_back(i);
          maps(v.entries[i].second, path, depth + 1);
          path.pop_back();
        }
      };
  std::vector<std::size_t> path;
  maps(model.root, path, 0);

  // Sub-formulas replaced by one of their operands or by a number.
  auto formulas_of = [](GeneratedModel& m) {
    std::vector<Value*> formulas;
    for_each_formula(m.root, [&](Value& f) { formulas.push_back(&f); });
    return formulas;
  };
  auto nodes_of = [](Node& root) {
    std::vector<Node*> nodes;
    for_each_node(root, [&](Node& n) { nodes.push_back(&n); });
    return nodes;
  };
  GeneratedModel probe = model;
  const std::vector<Value*> formulas = formulas_of(probe);
  for (std::size_t f = 0; f < formulas.size(); ++f) {
    const std::vector<Node*> nodes = nodes_of(formulas[f]->formula);
    for (std::size_t k = 0; k < nodes.size() && k < 64; ++k) {
      std::vector<Node> replacements;
      if (!nodes[k]->is_leaf())
        for (const Node& a : nodes[k]->args) replacements.push_back(a);
      if (!(nodes[k]->kind == Node::Kind::Number && (nodes[k]->text == "1" || nodes[k]->text == "0"))) {
        replacements.push_back(Node::number("1"));
        replacements.push_back(Node::number("0"));
      }
      for (Node& r : replacements) {
        GeneratedModel m = model;
        *nodes_of(formulas_of(m)[f]->formula)[k] = std::move(r);
        out.push_back(std::move(m));
      }
    }
  }
  // A shorter horizon.
  if (const Value* h = model.root.find("horizon"); h && h->kind == Value::Kind::Scalar) {
    const int horizon = std::atoi(h->scalar.c_str() + (h->scalar[0] == '"' ? 1 : 0));
    for (int shorter : {1, 2, horizon / 2, horizon - 1}) {
      if (shorter < 1 || shorter >= horizon) continue;
      GeneratedModel m = model;
      m.root.find("horizon")->scalar = std::to_string(shorter);
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace riskcast::generator
