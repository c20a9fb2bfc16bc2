// Name resolution: what names mean, where they may be used, and the order
// of monthly formulas.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast::testing {
namespace {

// A model with one of each kind of name; tests append sections to it.
const std::string kHeader = R"(horizon: 12
parameters:
  p: uniform(0, 1)
  q: 2
events:
  r:
    kind: regime
    states: [low, mid, high]
    initial: {low: 0.5, mid: 0.3, high: 0.2}
    transitions:
      low: {mid: 0.1}
      mid: {low: 0.1, high: "month > 6 ? 0.2 : 0.1"}
  s:
    kind: switch
    initial: 0
    on: "r == high ? 0.5 : 0.05"
    off: 0.1
  g:
    kind: arrivals
    rate: "s ? 2 * p : p"
    size: lognormal_ci90(1, 10)
)";

const std::string kOutputs = "outputs:\n  o: sum(x)\n";

std::string with_monthly(const std::string& monthly, const std::string& outputs = kOutputs) {
  return kHeader + "monthly:\n" + monthly + outputs;
}

const MonthlyFormula& monthly(const Model& m, std::string_view name) {
  for (const MonthlyFormula& f : m.monthly)
    if (f.name == name) return f;
  ADD_FAILURE() << "no monthly formula " << name;
  static const MonthlyFormula none;
  return none;
}

// Every Name node of a formula, in tree order.
std::vector<const Expr*> names_in(const Expr& e) {
  std::vector<const Expr*> out;
  for_each_node(e, [&](const Expr& node) {
    if (node.kind == ExprKind::Name) out.push_back(&node);
  });
  return out;
}

std::vector<std::string> monthly_order(const Model& m) {
  std::vector<std::string> out;
  for (const MonthlyFormula& f : m.monthly) out.push_back(f.name);
  return out;
}

// --- what names refer to -------------------------------------------------------

TEST(ResolveNames, ParametersEventsMonthlyAndMonth) {
  Model m = load_ok(with_monthly("  y: 1\n  x: p + q + s + g + y + month + true\n"));
  auto names = names_in(monthly(m, "x").formula);
  ASSERT_EQ(names.size(), 7u);
  EXPECT_EQ(names[0]->ref, RefKind::Parameter);
  EXPECT_EQ(names[0]->ref_index, 0u);
  EXPECT_EQ(names[1]->ref, RefKind::Parameter);
  EXPECT_EQ(names[1]->ref_index, 1u);
  EXPECT_EQ(names[2]->ref, RefKind::Event);
  EXPECT_EQ(names[2]->ref_index, 1u);  // s
  EXPECT_EQ(names[3]->ref, RefKind::Event);
  EXPECT_EQ(names[3]->ref_index, 2u);  // g
  EXPECT_EQ(names[4]->ref, RefKind::Monthly);
  EXPECT_EQ(m.monthly[names[4]->ref_index].name, "y");
  EXPECT_EQ(names[5]->ref, RefKind::Month);
  EXPECT_EQ(names[6]->ref, RefKind::Constant);
  EXPECT_DOUBLE_EQ(names[6]->number, 1.0);
}

TEST(ResolveNames, RegimeEqualsStateInBothOrders) {
  Model m = load_ok(with_monthly("  x: \"(r == mid) + (high == r) + (r != low)\"\n"));
  auto names = names_in(monthly(m, "x").formula);
  ASSERT_EQ(names.size(), 6u);
  EXPECT_EQ(names[0]->ref, RefKind::Event);
  EXPECT_EQ(names[0]->ref_index, 0u);
  EXPECT_EQ(names[1]->ref, RefKind::RegimeState);
  EXPECT_EQ(names[1]->ref_index, 1u);  // mid
  EXPECT_EQ(names[2]->ref, RefKind::RegimeState);
  EXPECT_EQ(names[2]->ref_index, 2u);  // high
  EXPECT_EQ(names[3]->ref, RefKind::Event);
  EXPECT_EQ(names[5]->ref, RefKind::RegimeState);
  EXPECT_EQ(names[5]->ref_index, 0u);  // low
}

TEST(ResolveNames, StateNamesMayShadowOtherNames) {
  // `q` is a parameter and, here, a state: compared with the regime it is the state.
  Model m = load_ok(R"(parameters:
  q: 1
events:
  e:
    kind: regime
    states: [q, z]
    initial: {q: 1}
monthly:
  x: "e == q ? q : 0"
outputs:
  o: sum(x)
)");
  auto names = names_in(m.monthly[0].formula);
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[1]->ref, RefKind::RegimeState);
  EXPECT_EQ(names[2]->ref, RefKind::Parameter);
}

TEST(ResolveNames, HazardsAndRatesResolveToo) {
  Model m = load_ok(with_monthly("  x: 1\n"));
  const Switch& s = std::get<Switch>(m.events[1].definition);
  auto names = names_in(s.on_hazard);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0]->ref, RefKind::Event);
  EXPECT_EQ(names[1]->ref, RefKind::RegimeState);
  EXPECT_EQ(names[1]->ref_index, 2u);
  const Arrivals& g = std::get<Arrivals>(m.events[2].definition);
  auto rate_names = names_in(g.rate);
  ASSERT_EQ(rate_names.size(), 3u);
  EXPECT_EQ(rate_names[0]->ref, RefKind::Event);
  EXPECT_EQ(rate_names[1]->ref, RefKind::Parameter);
}

TEST(ResolveNames, UnknownNameWithHint) {
  Diagnostic d = expect_error(with_monthly("  x: p + qq * 2\n"), "unknown name `qq`");
  EXPECT_EQ(d.pos, (SourcePos{23, 10}));
  EXPECT_EQ(d.hint, "did you mean `q`?");
  EXPECT_EQ(expect_error(with_monthly("  x: montth\n"), "unknown name").hint, "did you mean `month`?");
}

TEST(ResolveNames, BareStateNameHintsAtTheComparison) {
  Diagnostic d = expect_error(with_monthly("  x: high\n"), "unknown name `high`");
  EXPECT_NE(d.hint.find("r == high"), std::string::npos) << d.hint;
}

TEST(ResolveNames, RegimeNeedsAComparison) {
  expect_error(with_monthly("  x: r + 1\n"), "regime `r` has no numeric value");
  expect_error(with_monthly("  x: r == 1\n"), "compare regime `r` with one of its states");
  Diagnostic d = expect_error(with_monthly("  x: r == hihg\n"), "`hihg` is not a state of regime `r`");
  EXPECT_EQ(d.hint, "did you mean `high`?");
}

TEST(ResolveNames, FormulasCannotReadOutputs) {
  expect_error(with_monthly("  x: o2\n", "outputs:\n  o: sum(x)\n  o2: 1\n"), "`o2` is an output");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: sum(x)\n  o2: o + 1\n"), "`o` is an output");
}

// --- where names may be used -------------------------------------------------------

TEST(ResolveContexts, HazardsCannotUseMonthlyFormulas) {
  Diagnostic d = expect_error(R"(events:
  s:
    kind: switch
    on: x / 10
monthly:
  x: 1
outputs:
  o: sum(x)
)",
                              "cannot use monthly formula `x`");
  EXPECT_EQ(d.pos, (SourcePos{4, 9}));
}

TEST(ResolveContexts, RatesCannotUseArrivals) {
  expect_error(R"(events:
  a:
    kind: arrivals
    rate: 1
    size: 1
  b:
    kind: arrivals
    rate: a + 1
    size: 1
outputs:
  o: sum(b)
)",
               "an arrival rate cannot depend on arrivals (`a`)");
}

TEST(ResolveContexts, PrevInitialValueSeesParametersOnly) {
  expect_error(with_monthly("  x: prev(x, s)\n"), "may use parameters only");
  expect_error(with_monthly("  x: prev(x, month)\n"), "`month` is not defined");
  expect_error(with_monthly("  y: 1\n  x: prev(x, y)\n"), "cannot use monthly formula `y`");
  load_ok(with_monthly("  x: prev(x, p * q) + 1\n"));
}

TEST(ResolveContexts, PrevTargetsMonthlyFormulasSwitchesAndArrivals) {
  load_ok(with_monthly("  x: prev(s, 0) + prev(g, 0)\n"));
  expect_error(with_monthly("  x: prev(p, 0)\n"), "first argument of prev() must name");
  expect_error(with_monthly("  x: prev(r, 0)\n"), "first argument of prev() must name");
  Diagnostic d = expect_error(with_monthly("  x: prev(xx, 0)\n"), "first argument of prev()");
  EXPECT_EQ(d.hint, "did you mean `x`?");
}

// --- dependency order -----------------------------------------------------------------

TEST(ResolveOrder, FormulaUsedBeforeItsDefinitionIsOrderedAfterIt) {
  Model m = load_ok(with_monthly("  x: y * 2\n  y: z + 1\n  z: p\n  w: 1\n"));
  EXPECT_EQ(monthly_order(m), (std::vector<std::string>{"z", "y", "x", "w"}));
  // References follow the new order.
  auto names = names_in(monthly(m, "x").formula);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(m.monthly[names[0]->ref_index].name, "y");
}

TEST(ResolveOrder, FileOrderIsKeptWhereItIsFree) {
  Model m = load_ok(with_monthly("  c: 1\n  a: 2\n  x: c + a\n  b: 3\n"));
  EXPECT_EQ(monthly_order(m), (std::vector<std::string>{"c", "a", "x", "b"}));
}

TEST(ResolveOrder, CycleThroughPrevIsLegal) {
  Model m = load_ok(with_monthly("  stock: prev(stock, q) + inflow - prev(x, 0)\n  inflow: p\n  x: stock / 2\n"));
  EXPECT_EQ(monthly_order(m), (std::vector<std::string>{"inflow", "stock", "x"}));
  load_ok(with_monthly("  a: prev(b, 0) + 1\n  b: a * 2\n  x: b\n"));
}

TEST(ResolveOrder, CycleIsAnErrorNamingItsPath) {
  Diagnostic d = expect_error(with_monthly("  a: b + 1\n  b: a * 2\n  x: a\n"), "cycle");
  EXPECT_NE(d.message.find("a → b → a"), std::string::npos) << d.message;
  EXPECT_EQ(d.pos, (SourcePos{23, 3}));
  EXPECT_NE(d.hint.find("prev("), std::string::npos);
}

TEST(ResolveOrder, SelfReferenceAndLongerCycles) {
  EXPECT_NE(expect_error(with_monthly("  x: x + 1\n"), "cycle").message.find("x → x"), std::string::npos);
  Diagnostic d = expect_error(with_monthly("  x: 1\n  a: c\n  b: a\n  c: min(b, 1)\n"), "cycle");
  EXPECT_NE(d.message.find("a → c → b → a"), std::string::npos) << d.message;
}

TEST(ResolveOrder, LongChainsAndCyclesDoNotExhaustTheStack) {
  const int n = 100000;
  std::string chain = "monthly:\n";
  for (int i = n; i > 0; --i) chain += "  x" + std::to_string(i) + ": x" + std::to_string(i - 1) + " + 1\n";
  chain += "  x0: 1\noutputs:\n  o: last(x" + std::to_string(n) + ")\n";
  Model m = load_ok(chain);
  ASSERT_EQ(m.monthly.size(), static_cast<std::size_t>(n + 1));
  EXPECT_EQ(m.monthly.front().name, "x0");
  EXPECT_EQ(m.monthly.back().name, "x" + std::to_string(n));

  std::string cycle = "monthly:\n";
  for (int i = 0; i < n; ++i) cycle += "  x" + std::to_string(i) + ": x" + std::to_string((i + 1) % n) + "\n";
  cycle += "outputs:\n  o: sum(x0)\n";
  Diagnostic d = expect_error(cycle, "cycle");
  EXPECT_LT(d.message.size(), 400u) << "a long cycle is shown shortened";
  EXPECT_NE(d.message.find("more"), std::string::npos);
}

// --- outputs and aggregates -------------------------------------------------------------

TEST(ResolveOutputs, ParametersAndAggregatesAreAllowed) {
  Model m = load_ok(with_monthly("  x: p\n  y: s + g\n", R"(outputs:
  a: sum(x)
  b: mean(x)
  c: last(y)
  d: min(x)
  e: max(y)
  f: sum(x, 1, 3)
  g2: mean(y, 4, 12)
  h: q * sum(x) / ratio(sum(y), max(sum(x), 1))
  i: sum(r == high)
  j: mean(s * month)
  k: sum(x, 12, 12)
)"));
  EXPECT_EQ(m.outputs.size(), 11u);
}

TEST(ResolveOutputs, MonthlySeriesNeedAnAggregate) {
  Diagnostic d =
      expect_error(with_monthly("  x: 1\n", "outputs:\n  o: x + 1\n"), "monthly series `x` needs an aggregate");
  EXPECT_EQ(d.pos, (SourcePos{25, 6}));
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: s\n"), "an output sees events only through");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: r == low\n"), "an output sees events only through");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: month\n"), "`month` is not defined in an output");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: prev(x, 0)\n"), "only allowed in monthly formulas");
}

TEST(ResolveOutputs, AggregatesOnlyInOutputs) {
  Diagnostic d = expect_error(with_monthly("  y: 1\n  x: sum(y)\n"), "sum() aggregates a monthly series");
  EXPECT_NE(d.message.find("only allowed in outputs"), std::string::npos);
  expect_error(with_monthly("  y: 1\n  x: mean(y)\n"), "only allowed in outputs");
  expect_error(with_monthly("  y: 1\n  x: last(y)\n"), "only allowed in outputs");
  Diagnostic m = expect_error(with_monthly("  y: 1\n  x: min(y)\n"), "only allowed in outputs");
  EXPECT_NE(m.hint.find("min(a, b)"), std::string::npos);
  expect_error(R"(events:
  s:
    kind: switch
    on: sum(month)
outputs:
  o: 1
)",
               "only allowed in outputs");
}

TEST(ResolveOutputs, AggregatesCannotNest) {
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: sum(sum(x))\n"), "cannot be nested");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: max(mean(x) + 1)\n"), "cannot be nested");
}

TEST(ResolveOutputs, MonthRanges) {
  Diagnostic d = expect_error(with_monthly("  x: 1\n", "outputs:\n  o: sum(x, 0, 3)\n"),
                              "month range of sum() must be whole months from 1 to 12");
  EXPECT_EQ(d.pos, (SourcePos{25, 13}));
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: sum(x, 1, 13)\n"), "from 1 to 12");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: mean(x, 1.5, 3)\n"), "whole months");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: sum(x, p, 3)\n"), "whole months");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: sum(x, 4, 3)\n"), "month range 4..3 is empty");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: last(x, 1, 3)\n"), "last() takes 1 argument");
  expect_error(with_monthly("  x: 1\n", "outputs:\n  o: sum(x, 1)\n"), "sum() takes 1 argument, or 3");
}

// --- arity and unknown functions -----------------------------------------------------------

TEST(ResolveCalls, WrongArity) {
  struct Case {
    std::string formula;
    std::string fragment;
  };
  for (const Case& c : std::vector<Case>{
           {"prev(x)", "prev() takes 2 arguments"},
           {"prev(x, 1, 2)", "prev() takes 2 arguments"},
           {"abs(1, 2)", "abs() takes 1 argument, got 2 arguments"},
           {"exp()", "exp() takes 1 argument, got 0 arguments"},
           {"clamp(p, 1)", "clamp() takes 3 arguments, got 2 arguments"},
           {"pow(p)", "pow() takes 2 arguments, got 1 argument"},
           {"ratio(p, 1, 2)", "ratio() takes 2 arguments"},
           {"min()", "min() takes 2 to 64 arguments, got 0"},
           {"sqrt()", "sqrt() takes 1 argument"},
       }) {
    expect_error(with_monthly("  x: " + c.formula + "\n"), c.fragment);
  }
  std::string many = "max(p";
  for (int i = 0; i < 64; ++i) many += ", 1";
  expect_error(with_monthly("  x: " + many + ")\n"), "max() takes 2 to 64 arguments, got 65");
}

TEST(ResolveCalls, UnknownFunctionWithDidYouMean) {
  Diagnostic d = expect_error(with_monthly("  x: sqr(p)\n"), "unknown function `sqr`");
  EXPECT_EQ(d.hint, "did you mean `sqrt`?");
  EXPECT_EQ(d.pos, (SourcePos{23, 6}));
  EXPECT_EQ(expect_error(with_monthly("  x: clamb(p, 0, 1)\n"), "unknown function").hint, "did you mean `clamp`?");
  EXPECT_EQ(expect_error(with_monthly("  x: 1\n", "outputs:\n  o: summ(x)\n"), "unknown function").hint,
            "did you mean `sum`?");
  EXPECT_EQ(expect_error(with_monthly("  x: frobnicate(1)\n"), "unknown function").hint, "");
}

TEST(ResolveCalls, DistributionsAreNotFunctions) {
  expect_error(with_monthly("  x: uniform(0, 1)\n"), "`uniform` is a distribution");
}

TEST(ResolveCalls, ListsOnlyInDiscrete) {
  expect_error(with_monthly("  x: \"[1, 2] + 1\"\n"), "a list [...] is only allowed");
}

// --- several errors in one run --------------------------------------------------------------

TEST(ResolveErrors, OneRunReportsEveryBadFormula) {
  Diagnostics d = load_errors(with_monthly("  x: aa\n  y: bb\n", "outputs:\n  o: cc\n"));
  EXPECT_TRUE(find_diagnostic(d, "`aa`"));
  EXPECT_TRUE(find_diagnostic(d, "`bb`"));
  EXPECT_TRUE(find_diagnostic(d, "`cc`"));
}

TEST(ResolveErrors, ScenarioFormulasAreCheckedToo) {
  const std::string text = with_monthly("  x: 1\n") + R"(scenarios:
  bad:
    events:
      s: {on: "zz > 1 ? 0.5 : 0"}
)";
  expect_error(text, "unknown name `zz`");
}

TEST(ResolveErrors, ManyUnknownNamesStayFast) {
  // Hints scan every name; they stop after the first errors so that a
  // hostile file with tens of thousands of mistakes is still checked quickly.
  std::string text = "monthly:\n";
  for (int i = 0; i < 30000; ++i) text += "  a" + std::to_string(i) + ": b" + std::to_string(i) + "\n";
  text += "outputs:\n  o: 1\n";
  Diagnostics d = load_errors(text);
  EXPECT_EQ(d.size(), 30000u);
  EXPECT_EQ(d.items().front().hint, "did you mean `a0`?");
  EXPECT_EQ(d.items().back().hint, "");
}

TEST(ResolveModel, IsCallableOnItsOwn) {
  Model m = load_ok(with_monthly("  x: 1\n"));
  Diagnostics d("m.yaml");
  resolve_model(m, d);  // resolving twice changes nothing
  EXPECT_TRUE(d.empty()) << d.format();
  EXPECT_EQ(monthly_order(m), (std::vector<std::string>{"x"}));
}

}  // namespace
}  // namespace riskcast::testing
