// Indexes (docs/language.md, "Indexes"): entries over indexes load as one
// flat entry per element, formulas broadcast, reduce and pick element by
// element, each element draws from its own random slot, and every index
// mistake is a positioned error.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/sampler.hpp"
#include "support/doc_examples.hpp"

namespace riskcast {
namespace {

using testing::expect_error;
using testing::load_ok;

const std::string kIndexes =
    "indexes:\n"
    "  vendor: [huawei, cambricon, metax]\n"
    "  product: [h20, h200]\n";

std::vector<std::string> parameter_names(const Model& m) {
  std::vector<std::string> names;
  for (const Parameter& p : m.parameters) names.push_back(p.name);
  return names;
}

const MonthlyFormula& monthly(const Model& m, const std::string& name) {
  for (const MonthlyFormula& f : m.monthly)
    if (f.name == name) return f;
  ADD_FAILURE() << "no monthly formula " << name;
  return m.monthly.front();
}

const Output& output(const Model& m, const std::string& name) {
  for (const Output& o : m.outputs)
    if (o.name == name) return o;
  ADD_FAILURE() << "no output " << name;
  return m.outputs.front();
}

const Parameter& parameter(const Model& m, const std::string& name) {
  for (const Parameter& p : m.parameters)
    if (p.name == name) return p;
  ADD_FAILURE() << "no parameter " << name;
  return m.parameters.front();
}

TEST(Indexes, ReadsTheSectionAndNamesElementsFlat) {
  const Model m = load_ok(kIndexes +
                          "parameters:\n"
                          "  capacity:\n"
                          "    over: vendor\n"
                          "    dist: {huawei: \"pert(2, 4, 7)\", cambricon: \"uniform(1, 2)\", metax: 3}\n"
                          "  price:\n"
                          "    over: [vendor, product]\n"
                          "    dist: [[1, 2], 3, {h20: 4, h200: 5}]\n"
                          "outputs:\n"
                          "  total: sum(capacity over vendor)\n");
  ASSERT_EQ(m.indexes.size(), 2u);
  EXPECT_EQ(m.indexes[0].name, "vendor");
  EXPECT_EQ(m.indexes[0].elements, (std::vector<std::string>{"huawei", "cambricon", "metax"}));
  EXPECT_EQ(m.indexes[1].element_positions[1], (SourcePos{3, 18}));
  EXPECT_EQ(parameter_names(m),
            (std::vector<std::string>{"capacity[huawei]", "capacity[cambricon]", "capacity[metax]", "price[huawei,h20]",
                                      "price[huawei,h200]", "price[cambricon,h20]", "price[cambricon,h200]",
                                      "price[metax,h20]", "price[metax,h200]"}));
  EXPECT_EQ(parameter(m, "capacity[huawei]").distribution.to_string(), "pert(2, 4, 7)");
  EXPECT_EQ(parameter(m, "capacity[cambricon]").distribution.to_string(), "uniform(1, 2)");
  EXPECT_EQ(parameter(m, "capacity[metax]").distribution.to_string(), "3");
  // A list per vendor, one value for all products, a mapping per product.
  std::vector<std::string> prices;
  for (const Parameter& p : m.parameters)
    if (p.name.starts_with("price")) prices.push_back(p.distribution.to_string());
  EXPECT_EQ(prices, (std::vector<std::string>{"1", "2", "3", "3", "4", "5"}));
  // Every flat entry points at the entry's name in the file.
  EXPECT_EQ(parameter(m, "price[metax,h200]").pos, (SourcePos{8, 3}));
  ASSERT_EQ(m.indexed.size(), 2u);
  EXPECT_EQ(m.indexed[1].name, "price");
  EXPECT_EQ(m.indexed[1].over, (std::vector<std::uint32_t>{0, 1}));
}

TEST(Indexes, FormulasBroadcastReduceAndPick) {
  const Model m = load_ok(kIndexes +
                          "parameters:\n"
                          "  capacity: {over: vendor, dist: [1, 2, 3]}\n"
                          "  price: {over: [vendor, product], dist: 10}\n"
                          "  tax: 0.1\n"
                          "monthly:\n"
                          "  units: {over: vendor, formula: capacity * (1 - tax)}\n"
                          "  share: {over: vendor, formula: units / sum(units over vendor)}\n"
                          "  revenue: {over: [vendor, product], formula: units * price}\n"
                          "  by_product: {over: product, formula: sum(revenue over vendor)}\n"
                          "  top: max(units over vendor) - min(units over vendor) + units[metax]\n"
                          "  stock: {over: vendor, formula: \"prev(stock, 0) + units\"}\n"
                          "outputs:\n"
                          "  total: sum(sum(units over vendor))\n"
                          "  total_by_vendor: sum(sum(units) over vendor)\n"
                          "  average: mean(capacity over vendor)\n"
                          "  one: price[cambricon, h200] + sum(top) + sum(by_product[h20]) + last(stock[huawei])\n"
                          "  shares:\n"
                          "    over: vendor\n"
                          "    formula: mean(share)\n");
  EXPECT_EQ(to_string(monthly(m, "units[cambricon]").formula), "(capacity[cambricon] * (1 - tax))");
  // Inside the reduction `vendor` runs over every element, outside it is the entry's own.
  EXPECT_EQ(to_string(monthly(m, "share[metax]").formula),
            "(units[metax] / ((units[huawei] + units[cambricon]) + units[metax]))");
  // An entry over [vendor] broadcasts along product.
  EXPECT_EQ(to_string(monthly(m, "revenue[metax,h200]").formula), "(units[metax] * price[metax,h200])");
  EXPECT_EQ(to_string(monthly(m, "by_product[h200]").formula),
            "((revenue[huawei,h200] + revenue[cambricon,h200]) + revenue[metax,h200])");
  EXPECT_EQ(to_string(monthly(m, "top").formula),
            "((max(max(units[huawei], units[cambricon]), units[metax]) - min(min(units[huawei], units[cambricon]), "
            "units[metax])) + units[metax])");
  EXPECT_EQ(to_string(monthly(m, "stock[cambricon]").formula), "(prev(stock[cambricon], 0) + units[cambricon])");
  EXPECT_EQ(to_string(output(m, "total").formula), "sum(((units[huawei] + units[cambricon]) + units[metax]))");
  EXPECT_EQ(to_string(output(m, "total_by_vendor").formula),
            "((sum(units[huawei]) + sum(units[cambricon])) + sum(units[metax]))");
  EXPECT_EQ(to_string(output(m, "average").formula),
            "(((capacity[huawei] + capacity[cambricon]) + capacity[metax]) / 3)");
  EXPECT_EQ(to_string(output(m, "one").formula),
            "(((price[cambricon,h200] + sum(top)) + sum(by_product[h20])) + last(stock[huawei]))");
  std::vector<std::string> outputs;
  for (const Output& o : m.outputs) outputs.push_back(o.name);
  EXPECT_EQ(outputs, (std::vector<std::string>{"total", "total_by_vendor", "average", "one", "shares[huawei]",
                                               "shares[cambricon]", "shares[metax]"}));
}

TEST(Indexes, ReductionsPairHalvesSoLargeIndexesStayShallow) {
  std::string elements;
  for (int i = 0; i < 1000; ++i) elements += (i ? ", e" : "e") + std::to_string(i);
  const Model m = load_ok("indexes:\n  big: [" + elements +
                          "]\n"
                          "parameters:\n  x: {over: big, dist: 1}\n"
                          "outputs:\n  total: sum(x over big)\n");
  // A chain of 999 additions would be 999 levels high; halves make it 10.
  int height = 0;
  for (const Expr* e = &m.outputs[0].formula; e->kind == ExprKind::Binary; e = &e->operands[0]) ++height;
  EXPECT_EQ(height, 10);
  EXPECT_EQ(m.parameters.size(), 1000u);
}

TEST(Indexes, EveryEventKindMayBeOverAnIndex) {
  const Model m = load_ok(kIndexes +
                          "parameters:\n"
                          "  base_rate: {over: vendor, dist: [0.1, 0.2, 0.3]}\n"
                          "events:\n"
                          "  policy:\n"
                          "    kind: regime\n"
                          "    over: vendor\n"
                          "    states: [calm, crisis]\n"
                          "    initial: {huawei: {calm: 1}, cambricon: {calm: 0.5, crisis: 0.5}, metax: {crisis: 1}}\n"
                          "    transitions:\n"
                          "      calm: {crisis: [0.1, 0.2, 0.3]}\n"
                          "  ban:\n"
                          "    kind: switch\n"
                          "    over: vendor\n"
                          "    initial: [0, 0.5, 1]\n"
                          "    on: \"policy == crisis ? 0.5 : 0.01\"\n"
                          "  shocks:\n"
                          "    kind: arrivals\n"
                          "    over: vendor\n"
                          "    rate: base_rate\n"
                          "    size: {huawei: \"uniform(1, 2)\", cambricon: 3, metax: \"uniform(3, 4)\"}\n"
                          "  noise:\n"
                          "    kind: innovation\n"
                          "    over: vendor\n"
                          "    dist: normal(0, base_rate)\n"
                          "monthly:\n"
                          "  hit: {over: vendor, formula: ban + shocks + noise}\n"
                          "outputs:\n"
                          "  o: sum(sum(hit over vendor))\n");
  ASSERT_EQ(m.events.size(), 12u);
  const Regime& cambricon = std::get<Regime>(m.events[1].definition);
  EXPECT_EQ(m.events[1].name, "policy[cambricon]");
  EXPECT_EQ(cambricon.initial, (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(to_string(*cambricon.transitions[0][1]), "0.2");
  const Switch& ban = std::get<Switch>(m.events[5].definition);
  EXPECT_EQ(m.events[5].name, "ban[metax]");
  EXPECT_EQ(ban.initial, 1.0);
  EXPECT_EQ(to_string(ban.on_hazard), "((policy[metax] == crisis) ? 0.5 : 0.01)");
  EXPECT_EQ(to_string(std::get<Arrivals>(m.events[7].definition).rate), "base_rate[cambricon]");
  EXPECT_EQ(std::get<Arrivals>(m.events[7].definition).size.to_string(), "3");
  EXPECT_EQ(std::get<Innovation>(m.events[11].definition).to_string(), "normal(0, base_rate[metax])");
}

TEST(Indexes, ScenariosOverrideSomeOrAllElements) {
  const Model m = load_ok(kIndexes +
                          "parameters:\n"
                          "  capacity: {over: vendor, dist: [1, 2, 3], unit: units}\n"
                          "events:\n"
                          "  ban: {kind: switch, over: vendor, initial: 0, on: 0.1}\n"
                          "outputs:\n"
                          "  o: sum(capacity over vendor)\n"
                          "scenarios:\n"
                          "  some:\n"
                          "    parameters:\n"
                          "      capacity: {huawei: 10}\n"
                          "    events:\n"
                          "      ban: {fix: {metax: on}, on: 0.2}\n"
                          "  all:\n"
                          "    parameters:\n"
                          "      capacity: {dist: 7}\n");
  const Model some = apply_scenario(m, *m.find_scenario("some"));
  EXPECT_EQ(parameter(some, "capacity[huawei]").distribution.to_string(), "10");
  EXPECT_EQ(parameter(some, "capacity[cambricon]").distribution.to_string(), "2");
  EXPECT_EQ(parameter(some, "capacity[huawei]").metadata.unit, "units");
  EXPECT_FALSE(std::get<Switch>(some.events[0].definition).fixed_on_from.has_value());
  EXPECT_EQ(std::get<Switch>(some.events[2].definition).fixed_on_from, 1u);
  // The key given for every element applies to every element.
  EXPECT_EQ(to_string(std::get<Switch>(some.events[0].definition).on_hazard), "0.2");
  const Model all = apply_scenario(m, *m.find_scenario("all"));
  for (const Parameter& p : all.parameters) EXPECT_EQ(p.distribution.to_string(), "7") << p.name;
}

TEST(Indexes, CorrelationsNameElements) {
  const Model m = load_ok(kIndexes +
                          "parameters:\n"
                          "  capacity: {over: vendor, dist: \"uniform(0, 1)\"}\n"
                          "correlations:\n"
                          "  - [\"capacity[huawei]\", \"capacity[metax]\", 0.5]\n"
                          "outputs:\n"
                          "  o: sum(capacity over vendor)\n");
  ASSERT_EQ(m.correlations.size(), 1u);
  EXPECT_EQ(m.correlations[0].second, "capacity[metax]");
}

// Bitwise equality of two sample columns.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

SampleColumns sample(const std::string& text) {
  const Model model = load_model_text(text, "m.yaml");
  RunSettings settings;
  settings.samples = 500;
  settings.seed = 11;
  settings.threads = 1;
  return sample_program(compile_program(apply_scenario(model, *model.find_scenario("base"))), settings);
}

const std::vector<double>& column(const SampleColumns& c, const std::string& name) {
  for (std::size_t i = 0; i < c.names.size(); ++i)
    if (c.names[i] == name) return c.values[i];
  ADD_FAILURE() << "no output " << name;
  return c.values.front();
}

TEST(Indexes, EachElementDrawsFromItsOwnSlot) {
  const std::string rest =
      "parameters:\n"
      "  capacity: {over: vendor, dist: \"uniform(0, 1)\"}\n"
      "events:\n"
      "  ban: {kind: switch, over: vendor, initial: 0.5, on: 0.3, off: 0.3}\n"
      "outputs:\n"
      "  c: {over: vendor, formula: capacity}\n"
      "  b: {over: vendor, formula: sum(ban)}\n";
  const SampleColumns three = sample("indexes:\n  vendor: [huawei, cambricon, metax]\n" + rest);
  const SampleColumns two = sample("indexes:\n  vendor: [metax, huawei]\n" + rest);
  // Removing and reordering elements leaves the others' draws as they were.
  for (const char* name : {"c[huawei]", "c[metax]", "b[huawei]", "b[metax]"})
    EXPECT_TRUE(same_bits(column(three, name), column(two, name))) << name;
  EXPECT_FALSE(same_bits(column(three, "c[huawei]"), column(three, "c[cambricon]")));
}

// Element-wise arithmetic, checked against the numbers worked out by hand
// from docs/language.md: broadcasting, picks, each reduction, month
// aggregates around and inside reductions, and a scenario's partial override.
TEST(Indexes, ValuesAreTheElementWiseArithmetic) {
  const Model m =
      load_ok(kIndexes +
              "horizon: 3\n"
              "parameters:\n"
              "  capacity: {over: vendor, dist: [1, 2, 4]}\n"
              "  price: {over: [vendor, product], dist: {huawei: [10, 20], cambricon: 30, metax: [40, 50]}}\n"
              "monthly:\n"
              "  units: {over: vendor, formula: capacity * month}\n"
              "  share: {over: vendor, formula: units / sum(units over vendor)}\n"
              "  revenue: {over: [vendor, product], formula: units * price}\n"
              "  by_product: {over: product, formula: sum(revenue over vendor)}\n"
              "outputs:\n"
              "  total: sum(sum(units over vendor))\n"
              "  per_vendor: {over: vendor, formula: sum(units)}\n"
              "  share_last: {over: vendor, formula: last(share)}\n"
              "  h200: sum(by_product[h200])\n"
              "  extremes: max(capacity over vendor) - min(capacity over vendor) + mean(capacity over vendor)\n"
              "  picked: price[metax, h20] + last(revenue[cambricon, h200])\n"
              "scenarios:\n"
              "  more:\n"
              "    parameters:\n"
              "      capacity: {cambricon: 10}\n");
  RunSettings settings;
  settings.samples = 3;
  settings.threads = 1;
  auto run = [&](const std::string& scenario) {
    return sample_program(compile_program(apply_scenario(m, *m.find_scenario(scenario))), settings);
  };
  const SampleColumns base = run("base");
  // Months 1 + 2 + 3 = 6; units[v] = capacity[v] × month.
  const std::vector<std::pair<std::string, double>> expected = {
      {"total", (1 + 2 + 4) * 6.0},
      {"per_vendor[huawei]", 6.0},
      {"per_vendor[cambricon]", 12.0},
      {"per_vendor[metax]", 24.0},
      {"share_last[huawei]", 3.0 / 21.0},
      {"share_last[metax]", 12.0 / 21.0},
      {"h200", (1 * 20 + 2 * 30 + 4 * 50) * 6.0},
      {"extremes", (4.0 - 1.0) + 7.0 / 3.0},
      {"picked", 40.0 + 2 * 3 * 30.0},
  };
  for (const auto& [name, value] : expected)
    for (double v : column(base, name)) EXPECT_EQ(v, value) << name;
  // The scenario names cambricon only: the others keep the model's.
  const SampleColumns more = run("more");
  for (double v : column(more, "total")) EXPECT_EQ(v, (1 + 10 + 4) * 6.0);
  for (double v : column(more, "per_vendor[cambricon]")) EXPECT_EQ(v, 60.0);
  for (double v : column(more, "per_vendor[metax]")) EXPECT_EQ(v, 24.0);
}

// The examples of docs/language.md "Indexes" check and run as written, and
// do what the text says of them.
TEST(Indexes, LanguageGuideExamplesRun) {
  const int examples = testing::run_language_examples(
      "## Indexes", [](const std::string& text, const Model& model, const Scenario& s, const SampleColumns& c) {
        if (s.name != "base" || text.find("total_units:") == std::string::npos) return;
        // The months' total of the vendors' totals is the sum of each
        // vendor's months: equal up to the order of the additions.
        for (std::size_t i = 0; i < c.values.front().size(); ++i) {
          double by_vendor = 0.0;
          for (const char* v : {"units_by_vendor[huawei]", "units_by_vendor[cambricon]", "units_by_vendor[metax]"})
            by_vendor += column(c, v)[i];
          ASSERT_NEAR(column(c, "total_units")[i], by_vendor, 1e-9 * by_vendor) << i;
        }
        const Model expands = apply_scenario(model, *model.find_scenario("huawei_expands"));
        EXPECT_EQ(parameter(expands, "capacity[huawei]").distribution.to_string(), "pert(400000, 600000, 900000)");
        EXPECT_EQ(parameter(expands, "capacity[metax]").distribution.to_string(), "30000");
      });
  EXPECT_EQ(examples, 1);
}

// Each index mistake, at its place in the file.
struct Mistake {
  const char* name;
  std::string model;
  std::string fragment;  // of the message
  SourcePos pos;
  std::string hint = {};  // a fragment of the hint, if any
};

TEST(Indexes, MistakesAreCheckErrorsWithPositions) {
  const std::string p = kIndexes + "parameters:\n  c: {over: vendor, dist: 1}\n  q: 1\n";
  const std::vector<Mistake> mistakes = {
      {"an index that is not a list",
       "indexes:\n  vendor: huawei\noutputs:\n  o: 1\n",
       "index `vendor` must be a non-empty list of element names",
       {2, 11}},
      {"an empty index", "indexes:\n  vendor: []\noutputs:\n  o: 1\n", "not an empty list", {2, 11}},
      {"a duplicate element",
       "indexes:\n  vendor: [a, b, a]\noutputs:\n  o: 1\n",
       "duplicate element `a` in index `vendor`",
       {2, 18}},
      {"an element that is not a name",
       "indexes:\n  vendor: [a, 2b]\noutputs:\n  o: 1\n",
       "`2b` is not a valid element name",
       {2, 15}},
      {"an index named like an entry",
       kIndexes + "parameters:\n  vendor: 1\noutputs:\n  o: vendor\n",
       "index `vendor` has the name of a parameter",
       {2, 3}},
      {"an index named like a reserved word", "indexes:\n  month: [a]\noutputs:\n  o: 1\n", "reserved word", {2, 3}},
      {"an unknown index in over",
       kIndexes + "parameters:\n  c: {over: vendro, dist: 1}\noutputs:\n  o: 1\n",
       "unknown index `vendro`",
       {5, 13},
       "did you mean `vendor`?"},
      {"over naming an entry",
       kIndexes + "parameters:\n  q: 1\n  c: {over: q, dist: 1}\noutputs:\n  o: 1\n",
       "`q` is an entry; `over:` names indexes",
       {6, 13}},
      {"over listing an index twice",
       kIndexes + "parameters:\n  c: {over: [vendor, vendor], dist: 1}\noutputs:\n  o: 1\n",
       "lists index `vendor` twice",
       {5, 22}},
      {"a list of the wrong length",
       kIndexes + "parameters:\n  c: {over: vendor, dist: [1, 2]}\noutputs:\n  o: 1\n",
       "`dist:` of parameter `c` lists 2 values, but index `vendor` has 3 elements",
       {5, 27}},
      {"a mapping missing elements",
       kIndexes + "parameters:\n  c: {over: vendor, dist: {huawei: 1}}\noutputs:\n  o: 1\n",
       "gives no value for 2 elements of index `vendor`: cambricon, metax",
       {5, 27}},
      {"a mapping with an unknown element",
       kIndexes + "parameters:\n  c: {over: vendor, dist: {huawei: 1, cambrcon: 2, metax: 3}}\noutputs:\n  o: 1\n",
       "`cambrcon` is not an element of index `vendor`",
       {5, 39},
       "did you mean `cambricon`?"},
      {"a reading that does not reduce",
       p + "outputs:\n  o: c\n",
       "`c` is over vendor but `o` is not",
       {8, 6},
       "reduce it with sum(c over vendor) or pick an element, c[huawei]"},
      {"mismatched indexes",
       p + "  d: {over: product, dist: 1}\nmonthly:\n  m: {over: vendor, formula: c * d}\noutputs:\n  o: 1\n",
       "`d` is over product but `m` is over vendor",
       {9, 34}},
      {"a reduction over an index the value lacks",
       p + "outputs:\n  o: sum(q over vendor)\n",
       "sum(… over vendor) reduces index `vendor`, but `q` is not over it",
       {8, 6}},
      {"a reduction over an unknown index",
       p + "outputs:\n  o: sum(c over vendr)\n",
       "unknown index `vendr`",
       {8, 17},
       "did you mean `vendor`?"},
      {"a reduction over an entry",
       p + "outputs:\n  o: sum(c over q)\n",
       "`q` is an entry; `over` names an index",
       {8, 17}},
      {"`over` in another function",
       p + "outputs:\n  o: abs(c over vendor)\n",
       "`over` reduces an index only as the first argument of sum, mean, min or max",
       {8, 12}},
      {"a pick of an unknown element",
       p + "outputs:\n  o: c[huawai]\n",
       "`huawai` is not an element of index `vendor`",
       {8, 8},
       "did you mean `huawei`?"},
      {"a pick on an unindexed name", p + "outputs:\n  o: q[huawei]\n", "`q` is not over an index", {8, 6}},
      {"a pick with too many elements",
       p + "outputs:\n  o: c[huawei, h20]\n",
       "`c` is over vendor: pick 1 element, one per index in that order, not 2",
       {8, 6}},
      {"a pick of an unknown name",
       p + "outputs:\n  o: cc[huawei]\n",
       "unknown name `cc`",
       {8, 6},
       "did you mean `c`?"},
      {"an index read as a value", p + "outputs:\n  o: vendor\n", "`vendor` is an index, not a value", {8, 6}},
      {"a correlation of a whole indexed parameter",
       p + "correlations:\n  - [c, q, 0.5]\noutputs:\n  o: 1\n",
       "`c` is over an index: correlate its elements, named in quotes, e.g. \"c[huawei]\"",
       {8, 6}},
      {"a scenario's over",
       p + "outputs:\n  o: q\nscenarios:\n  s:\n    parameters:\n      c: {over: product, dist: 1}\n",
       "scenario `s` cannot change the indexes of `c`: drop `over:`",
       {12, 11}},
      {"a scenario's unknown element",
       p + "outputs:\n  o: c[huawei]\nscenarios:\n  s:\n    parameters:\n      c: {dist: {huawai: 2}}\n",
       "`huawai` is not an element of index `vendor`",
       {12, 18}},
  };
  for (const Mistake& m : mistakes) {
    SCOPED_TRACE(m.name);
    const Diagnostic d = expect_error(m.model, m.fragment);
    EXPECT_EQ(d.pos, m.pos) << d.message;
    EXPECT_NE(d.hint.find(m.hint), std::string::npos) << d.hint;
  }
}

TEST(Indexes, AShapeMistakeIsReportedOnceNotOncePerElement) {
  const Diagnostics d = testing::load_errors(kIndexes +
                                             "parameters:\n  c: {over: vendor, dist: [1, 2]}\n"
                                             "  e: {over: vendor, dist: \"uniform(2, 1)\"}\noutputs:\n  o: 1\n");
  EXPECT_EQ(d.size(), 2u) << d.format();
}

// The documented limits (docs/language.md, "Indexes") are check errors at the
// place that passes them, not a crash or a model of millions of entries. The
// limit of 10^6 flat entries is not tested here: reaching it means expanding
// a million entries first.
TEST(Indexes, LimitsAreCheckErrorsWithPositions) {
  std::string elements;
  for (std::size_t i = 0; i <= kMaxIndexElements; ++i) elements += (i ? ", e" : "e") + std::to_string(i);
  {
    SCOPED_TRACE("an index of 10,001 elements");
    const Diagnostic d = expect_error("indexes:\n  big: [" + elements + "]\noutputs:\n  o: 1\n",
                                      "index `big` has 10001 elements; at most 10000 are allowed");
    EXPECT_EQ(d.pos, (SourcePos{2, 8}));
  }
  {
    SCOPED_TRACE("an entry over five indexes");
    const Diagnostic d = expect_error(
        "indexes: {a: [x], b: [x], c: [x], d: [x], e: [x]}\n"
        "parameters:\n  p: {over: [a, b, c, d, e], dist: 1}\noutputs:\n  o: 1\n",
        "`p` is over 5 indexes; an entry may be over at most 4");
    EXPECT_EQ(d.pos, (SourcePos{3, 13}));
  }
  {
    SCOPED_TRACE("an entry over more than 100,000 combinations");
    std::string a, b;
    for (int i = 0; i < 400; ++i) a += (i ? ", a" : "a") + std::to_string(i);
    for (int i = 0; i < 251; ++i) b += (i ? ", b" : "b") + std::to_string(i);
    const Diagnostic d = expect_error("indexes:\n  a: [" + a + "]\n  b: [" + b + "]\n" +
                                          "parameters:\n  p: {over: [a, b], dist: 1}\noutputs:\n  o: 1\n",
                                      "`p` over a, b has more than 100000 combinations of elements");
    EXPECT_EQ(d.pos, (SourcePos{5, 13}));
  }
  {
    // Reductions reaching the term limit exactly, then one more: an error,
    // never the later entries dropped without one (a bug: `check` said ok
    // and the outputs after the limit were gone). 1,000 shares of a
    // 1,000-element total are 10^6 terms.
    std::string v;
    for (int i = 0; i < 1000; ++i) v += (i ? ", e" : "e") + std::to_string(i);
    const Diagnostic d = expect_error("indexes:\n  v: [" + v +
                                          "]\nparameters:\n  x: {over: v, dist: 1}\n"
                                          "monthly:\n  sh: {over: v, formula: x / sum(x over v)}\n"
                                          "outputs:\n  t: sum(sum(sh over v))\n",
                                      "the model's reductions expand to more than 1000000 terms in all");
    EXPECT_EQ(d.pos, (SourcePos{8, 10}));
  }
  // At the limits themselves, loading succeeds.
  std::string most;
  for (std::size_t i = 0; i < kMaxIndexElements; ++i) most += (i ? ", e" : "e") + std::to_string(i);
  const Model m = load_ok("indexes:\n  big: [" + most +
                          "]\nparameters:\n  p: {over: big, dist: 1}\n"
                          "outputs:\n  o: p[e9999]\n");
  EXPECT_EQ(m.parameters.size(), kMaxIndexElements);
}

// YAML keeps a key given twice; an element given twice would silently take
// the first value.
TEST(Indexes, AnElementGivenTwiceIsAnError) {
  {
    const Diagnostic d =
        expect_error(kIndexes +
                         "parameters:\n  c: {over: vendor, dist: {huawei: 1, cambricon: 2, huawei: 3, metax: 4}}\n"
                         "outputs:\n  o: c[huawei]\n",
                     "`dist:` of parameter `c`: element `huawei` is given twice");
    EXPECT_EQ(d.pos, (SourcePos{5, 53}));
    EXPECT_NE(d.hint.find("first given at line 5, column 28"), std::string::npos) << d.hint;
  }
  expect_error(kIndexes +
                   "events:\n  ban:\n    kind: switch\n    over: vendor\n    on:\n      huawei: 0.1\n"
                   "      cambricon: 0.1\n      metax: 0.1\n      metax: 0.2\noutputs:\n  o: 1\n",
               "element `metax` is given twice");
  expect_error(kIndexes +
                   "parameters:\n  c: {over: vendor, dist: 1}\noutputs:\n  o: c[huawei]\nscenarios:\n  s:\n"
                   "    parameters:\n      c: {huawei: 2, huawei: 3}\n",
               "element `huawei` is given twice");
}

// A scenario that changes some elements of an event overrides those only:
// describe and the API list just them (all three were listed before).
TEST(Indexes, APartialEventOverrideListsOnlyItsElements) {
  const Model m = load_ok(kIndexes +
                          "events:\n  ban: {kind: switch, over: vendor, initial: 0, on: 0.1}\n"
                          "outputs:\n  o: sum(sum(ban over vendor))\n"
                          "scenarios:\n  one:\n    events:\n      ban: {fix: {metax: on}, note: metax banned}\n"
                          "  all:\n    events:\n      ban: {on: 0.2}\n");
  auto names = [&](const std::string& scenario) {
    std::vector<std::string> out;
    const Scenario* s = m.find_scenario(scenario);
    if (!s) return out;
    for (const Event& e : s->events) out.push_back(e.name);
    return out;
  };
  EXPECT_EQ(names("one"), (std::vector<std::string>{"ban[metax]"}));
  EXPECT_EQ(names("all"), (std::vector<std::string>{"ban[huawei]", "ban[cambricon]", "ban[metax]"}));
}

}  // namespace
}  // namespace riskcast
