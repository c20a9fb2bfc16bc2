// The compiler's optimisations (folding, hoisting, common subexpressions,
// results written in place) must never change a result: each fault found is
// pinned here with its right value, and equivalent formulations of a model
// must give bit-identical samples.
//
// Statistical checks use a fixed seed; each tolerance is stated where it is
// used, from the Monte Carlo error of the quantity checked.
#include <gtest/gtest.h>

#include <boost/math/quadrature/gauss.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/program.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast {
namespace {

using testing::load_ok;

constexpr std::uint64_t kSeed = 17;

SampleColumns run_text(const std::string& yaml, std::uint64_t samples, const std::string& scenario = "base") {
  const Model model = load_ok(yaml);
  const Program program = compile_program(apply_scenario(model, *model.find_scenario(scenario)));
  RunSettings settings;
  settings.samples = samples;
  settings.seed = kSeed;
  settings.threads = 2;
  settings.block_size = 64;
  return sample_program(program, settings);
}

const std::vector<double>& column(const SampleColumns& c, const std::string& name) {
  for (std::size_t i = 0; i < c.names.size(); ++i)
    if (c.names[i] == name) return c.values[i];
  throw std::invalid_argument("no output " + name);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double sd(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Every sample of every output of `a` and `b` has the same bits.
void expect_identical(const SampleColumns& a, const SampleColumns& b) {
  ASSERT_EQ(a.names, b.names);
  for (std::size_t o = 0; o < a.names.size(); ++o) {
    ASSERT_EQ(a.values[o].size(), b.values[o].size());
    for (std::size_t s = 0; s < a.values[o].size(); ++s)
      ASSERT_TRUE(same_bits(a.values[o][s], b.values[o][s]))
          << a.names[o] << " sample " << s << ": " << a.values[o][s] << " vs " << b.values[o][s];
  }
}

// A formula that is a common subexpression of a hazard computed earlier was
// written in place over the hazard's register: the switch read a register
// nothing wrote and never turned on (0 months in every sample).
const char* kCseSwitch = R"m(model: cse_switch
horizon: 12
parameters:
  p: uniform(0.1, 0.2)
  q: uniform(0.5, 1.0)
events:
  s: {kind: switch, initial: 0, on: HAZARD}
monthly:
  m: p * q
outputs:
  months_on: sum(s)
  msum: sum(m)
)m";

std::string with_hazard(const std::string& hazard) {
  std::string text = kCseSwitch;
  text.replace(text.find("HAZARD"), 6, hazard);
  return text;
}

TEST(CommonSubexpressions, FormulaSharingAHazardKeepsTheHazard) {
  constexpr std::uint64_t n = 40000;
  const SampleColumns shared = run_text(with_hazard("p * q"), n);
  // The switch is off in month 1 and turns on with hazard h = pq from month 2
  // on, never off: E[months on | h] = Σ_{k=1}^{11} (1 − (1 − h)^k). The
  // integrand is a polynomial of degree 11 in p and in q, so 10-point
  // Gauss–Legendre in each is exact; the right mean is 5.1385.
  using Gauss = boost::math::quadrature::gauss<double, 10>;
  const double exact = Gauss::integrate(
                           [](double p) {
                             return Gauss::integrate(
                                 [p](double q) {
                                   double e = 0;
                                   for (int k = 1; k <= 11; ++k) e += 1 - std::pow(1 - p * q, k);
                                   return e;
                                 },
                                 0.5, 1.0);
                           },
                           0.1, 0.2) /
                       (0.1 * 0.5);
  EXPECT_NEAR(exact, 5.1385, 5e-5);
  const std::vector<double>& months = column(shared, "months_on");
  // 5 standard errors of the mean: a false failure has probability < 1e-6.
  EXPECT_NEAR(mean(months), exact, 5 * sd(months) / std::sqrt(double(n)));
  EXPECT_NEAR(mean(column(shared, "msum")), 12 * 0.15 * 0.75, 5 * sd(column(shared, "msum")) / std::sqrt(double(n)));

  // x · 1 is x exactly, but is not the same subexpression: the two programs
  // differ and must give the same bits.
  expect_identical(shared, run_text(with_hazard("(p * q) * 1"), n));
  expect_identical(shared, run_text(with_hazard("q * p"), n));
}

// The fault's kind: a formula whose value an earlier section computed, read
// back by monthly code, hoisted code, prev initial values, hazards, rates,
// transitions and aggregates. Each model is compared with a twin in which
// the shared subexpression is spelt differently (· 1), so that no register
// is shared; samples must be bit-identical.
TEST(CommonSubexpressions, SharedValuesKeepEveryReader) {
  const std::vector<std::string> models = {
      // monthly formulas in either order
      R"m(parameters: {p: "uniform(0, 1)", q: "uniform(0, 1)"}
monthly:
  m1: p * q + month
  m2: SHARED
outputs: {s1: sum(m1), s2: sum(m2)}
)m",
      R"m(parameters: {p: "uniform(0, 1)", q: "uniform(0, 1)"}
monthly:
  m2: SHARED
  m1: p * q + month
outputs: {s1: sum(m1), s2: sum(m2)}
)m",
      // a hoisted formula and a prev initial value
      R"m(parameters: {p: "uniform(0, 1)", q: "uniform(0, 1)"}
monthly:
  a: prev(a, p * q) + 1
  b: SHARED
outputs: {sa: sum(a), sb: sum(b)}
)m",
      // a regime's transition
      R"m(parameters: {p: "uniform(0, 0.5)", q: "uniform(0, 0.5)"}
events:
  r: {kind: regime, states: [x, y], initial: {x: 1}, transitions: {x: {y: p * q}, y: {x: 0.1}}}
monthly:
  m: SHARED
outputs: {in_y: sum(r == y), sm: sum(m)}
)m",
      // an arrival rate
      R"m(parameters: {p: "uniform(0, 2)", q: "uniform(0, 2)"}
events:
  g: {kind: arrivals, rate: p * q, size: 'uniform(1, 2)'}
monthly:
  m: SHARED
outputs: {sg: sum(g), sm: sum(m)}
)m",
      // an aggregate's series
      R"m(parameters: {p: "uniform(0, 1)", q: "uniform(0, 1)"}
monthly:
  m: SHARED
outputs: {direct: sum(p * q), via: sum(m), top: max(p * q + month)}
)m",
  };
  for (const std::string& model : models) {
    SCOPED_TRACE(model);
    std::string shared = model, twin = model;
    shared.replace(shared.find("SHARED"), 6, "p * q");
    twin.replace(twin.find("SHARED"), 6, "(p * q) * 1");
    expect_identical(run_text(shared, 3000), run_text(twin, 3000));
  }
  // sum(m1) = Σ (pq + m): mean 12 · E[pq] + 78 = 81; sd ≈ 2.64, so 5 standard
  // errors at 40,000 samples is 0.066.
  std::string first = models[0];
  first.replace(first.find("SHARED"), 6, "q * p");
  const SampleColumns c = run_text(first, 40000);
  EXPECT_NEAR(mean(column(c, "s1")), 81.0, 5 * sd(column(c, "s1")) / std::sqrt(40000.0));
}

// A hazard above 1 hidden behind a renamed register read as 0 and passed.
TEST(CommonSubexpressions, RunTimeChecksSeeSharedHazards) {
  const std::string text = R"m(parameters: {p: "uniform(2, 3)", q: "uniform(1, 2)"}
events:
  s: {kind: switch, initial: 0, on: p * q}
monthly:
  m: p * q
outputs: {on: sum(s), sm: sum(m)}
)m";
  EXPECT_THROW(run_text(text, 100), RunError);
}

// min and max are not commutative on signed zeros, so their operands must
// not be reordered: min(-0, 0) is 0 and min(0, -0) is -0, folded or not.
TEST(Operations, MinAndMaxKeepTheirOperandOrder) {
  const SampleColumns c = run_text(R"m(parameters:
  z: bernoulli(0)
monthly:
  a: (1 / min(-z, z)) > 0
  b: (1 / min(-0, 0)) > 0
  c: (1 / min(z, -z)) > 0
  d: (1 / min(0, -0)) > 0
  e: (1 / max(-z, z)) > 0
  f: (1 / max(-0, 0)) > 0
  g: (1 / max(z, -z)) > 0
  h: (1 / max(0, -0)) > 0
outputs: {sa: sum(a), sb: sum(b), sc: sum(c), sd: sum(d), se: sum(e), sf: sum(f), sg: sum(g), sh: sum(h)}
)m",
                                   50);
  for (std::size_t s = 0; s < 50; ++s) {
    EXPECT_EQ(column(c, "sa")[s], 12.0);
    EXPECT_EQ(column(c, "sb")[s], 12.0);
    EXPECT_EQ(column(c, "sc")[s], 0.0);
    EXPECT_EQ(column(c, "sd")[s], 0.0);
    EXPECT_EQ(column(c, "se")[s], 12.0);
    EXPECT_EQ(column(c, "sf")[s], 12.0);
    EXPECT_EQ(column(c, "sg")[s], 0.0);
    EXPECT_EQ(column(c, "sh")[s], 0.0);
  }
}

// Folding at compile time and running in the block loop use one kernel per
// operation; here every operation is evaluated both ways on awkward operands
// (signed zeros, a subnormal, huge magnitudes) and must give the same bits.
TEST(Operations, FoldedAndRunValuesAreBitIdentical) {
  const std::vector<std::string> values = {"-1e308", "-2.5", "-1", "-0", "0", "1e-310", "0.5", "1", "3", "1e308"};
  auto draw = [](const std::string& v) { return "discrete([" + v + "], [1])"; };
  for (const Operation& op : kOperations) {
    if (op.op == OpCode::Copy) continue;
    SCOPED_TRACE(std::string(op.mnemonic));
    auto spell = [&](const std::vector<std::string>& a) -> std::string {
      if (!op.function.empty()) {
        std::string s = std::string(op.function) + "(" + a[0];
        for (std::size_t i = 1; i < op.operands; ++i) s += ", " + a[i];
        return s + ")";
      }
      if (op.operands == 1) return "(" + std::string(op.symbol) + " (" + a[0] + "))";
      if (op.operands == 3) return "((" + a[0] + ") ? (" + a[1] + ") : (" + a[2] + "))";
      return "((" + a[0] + ") " + std::string(op.symbol) + " (" + a[1] + "))";
    };
    std::string params = "parameters:\n", outputs = "outputs:\n";
    std::vector<double> folded;
    std::size_t k = 0;
    std::vector<std::size_t> index(op.operands, 0);
    for (bool more = true; more; ++k) {
      std::vector<std::string> literal, name;
      std::vector<double> number;
      for (std::size_t i = 0; i < op.operands; ++i) {
        literal.push_back(values[index[i]]);
        number.push_back(std::strtod(values[index[i]].c_str(), nullptr));
        name.push_back("x" + std::to_string(k) + "_" + std::to_string(i));
        params += "  " + name.back() + ": " + draw(values[index[i]]) + "\n";
      }
      const double expected =
          apply_operation(op.op, number[0], op.operands > 1 ? number[1] : 0.0, op.operands > 2 ? number[2] : 0.0);
      if (std::isfinite(expected)) {  // a non-finite output stops a run
        outputs += "  run" + std::to_string(k) + ": \"" + spell(name) + "\"\n";
        outputs += "  fold" + std::to_string(k) + ": \"" + spell(literal) + "\"\n";
        folded.push_back(expected);
      }
      more = false;
      for (std::size_t i = 0; i < op.operands && !more; ++i) {
        if (++index[i] < values.size())
          more = true;
        else
          index[i] = 0;
      }
    }
    const SampleColumns c = run_text(params + outputs, 2);
    for (std::size_t o = 0; o + 1 < c.names.size(); o += 2) {
      EXPECT_TRUE(same_bits(c.values[o][0], c.values[o + 1][0]))
          << c.names[o] << " = " << c.values[o][0] << ", " << c.names[o + 1] << " = " << c.values[o + 1][0];
    }
  }
}

// Every function of the table is known to formulas with its arity.
TEST(Operations, EveryFunctionIsCallableWithItsArity) {
  for (const Operation& op : kOperations) {
    if (op.function.empty()) continue;
    SCOPED_TRACE(std::string(op.function));
    for (std::size_t n : {op.min_arguments, op.max_arguments}) {
      std::string call = std::string(op.function) + "(0.5";
      for (std::size_t i = 1; i < n; ++i) call += ", 0.25";
      load_ok("parameters: {x: \"uniform(0, 1)\"}\noutputs: {o: \"x + " + call + ")\"}\n");
    }
    std::string too_many = std::string(op.function) + "(0.5";
    for (std::size_t i = 0; i < op.max_arguments; ++i) too_many += ", 0.25";
    testing::expect_error("parameters: {x: \"uniform(0, 1)\"}\noutputs: {o: \"x + " + too_many + ")\"}\n", "takes");
  }
}

}  // namespace
}  // namespace riskcast

namespace riskcast {
namespace {

// The unoptimised twin (CompileOptions::optimise false) is where a failing
// sample is traced, so it must keep every operation written and give the
// bits of the optimised program.
TEST(UnoptimisedTwin, KeepsEveryOperationAndTheSameBits) {
  const Model model = testing::load_ok(R"(
model: twin
horizon: 6
parameters:
  p: uniform(0.1, 0.2)
  q: uniform(0.5, 1.0)
events:
  s: {kind: switch, initial: 0, on: p * q}
monthly:
  m: p * q + 2 * 3
outputs:
  a: sum(s) + sum(p * q) + sum(p * q)
  b: max(m) - (1 + 1)
)");
  const Program optimised = compile_program(model);
  ASSERT_NE(optimised.unoptimised, nullptr);
  const Program& plain = *optimised.unoptimised;
  EXPECT_EQ(plain.unoptimised, nullptr);
  // Folded away when optimised: 2 * 3 and 1 + 1; shared: p * q, written 4
  // times (the hazard, m and the two series), and the two sum(p * q).
  EXPECT_EQ(optimised.instruction_count() + 2 + 3, plain.instruction_count());
  EXPECT_LT(optimised.accumulators.size(), plain.accumulators.size());
  RunSettings settings;
  settings.samples = 500;
  settings.seed = kSeed;
  settings.block_size = 64;
  const SampleColumns x = sample_program(optimised, settings), y = sample_program(plain, settings);
  ASSERT_EQ(x.names, y.names);
  for (std::size_t o = 0; o < x.values.size(); ++o)
    for (std::size_t i = 0; i < x.values[o].size(); ++i)
      ASSERT_TRUE(same_bits(x.values[o][i], y.values[o][i])) << x.names[o] << " sample " << i;
}

}  // namespace
}  // namespace riskcast
