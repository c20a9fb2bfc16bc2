// Hints that name the construct meant: each on a model that needs it, at
// its exact place, with its exact text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/model_test_support.hpp"

namespace riskcast::testing {
namespace {

struct Case {
  const char* what;
  std::string text;
  std::string expected;  // every diagnostic, as the CLI prints them for m.yaml
};

std::string diagnostics_of(const std::string& text) {
  try {
    Diagnostics warnings("m.yaml");
    load_model_text(text, "m.yaml", &warnings);
    return warnings.format();
  } catch (const ModelError& e) {
    return e.diagnostics().format();
  }
}

// A model with the monthly formula `y: FORMULA` (quoted) over x and p.
std::string with_formula(const std::string& formula) {
  return "parameters:\n  p: 1\nmonthly:\n  x: p\n  y: \"" + formula + "\"\noutputs:\n  o: sum(y)\n";
}

TEST(Hints, FormulasWrittenAsInOtherLanguages) {
  const std::vector<Case> cases = {
      {"IF()", with_formula("IF(month > 3, 1, 0)"),
       "m.yaml:5:7: error: unknown function `IF` (a condition is written `c ? a : b`: IF(c, a, b) is `c ? a : b`)\n"},
      {"if then else", with_formula("if month > 3 then 1 else 0"),
       "m.yaml:5:10: error: unexpected `month` after the end of the formula (a condition is written `c ? a : b`: `if "
       "c then a else b` is `c ? a : b`)\n"},
      {"if (…) then", with_formula("if (month > 3) then 1 else 0"),
       "m.yaml:5:22: error: unexpected `then` after the end of the formula (a condition is written `c ? a : b`: `if c "
       "then a else b` is `c ? a : b`)\n"},
      {"x[month + 1]", with_formula("x[month + 1]"),
       "m.yaml:5:8: error: unexpected `[` after the end of the formula (a series has no index: last month's `x` is "
       "`prev(x, initial)`, and a formula cannot read later months (no look-ahead))\n"},
      {"x[month - 1] in a call", with_formula("max(x[month - 1], 0)"),
       "m.yaml:5:12: error: expected `,` or `)` but found `[` (a series has no index: last month's `x` is "
       "`prev(x, initial)`, and a formula cannot read later months (no look-ahead))\n"},
      {"x[1]", with_formula("x[1]"),
       "m.yaml:5:8: error: unexpected `[` after the end of the formula (brackets pick an element of an entry over an "
       "index by the element's name, `x[huawei]`; not by position or by a formula)\n"},
      {"next()", with_formula("next(x)"),
       "m.yaml:5:7: error: unknown function `next` (a formula cannot read later months (no look-ahead): it sees this "
       "month and, through prev(x, initial), the month before)\n"},
      {"lag()", with_formula("lag(x)"),
       "m.yaml:5:7: error: unknown function `lag` (last month's value of x is prev(x, initial))\n"},
      {"average()", with_formula("average(x)"),
       "m.yaml:5:7: error: unknown function `average` (the average over the months is the aggregate mean(x))\n"},
      {"15%", with_formula("p * 15%"),
       "m.yaml:5:13: error: unexpected `%` (write a percentage as a fraction: `15%` is `0.15`)\n"},
      {"2.5 %", with_formula("p * 2.5 %"),
       "m.yaml:5:15: error: unexpected `%` (write a percentage as a fraction: `2.5%` is `0.025`)\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(diagnostics_of(c.text), c.expected) << c.what;
}

// A near miss still gets "did you mean"; a right formula gets nothing.
TEST(Hints, TheConstructHintDoesNotHideANearMiss) {
  EXPECT_EQ(diagnostics_of(with_formula("sqr(p)")),
            "m.yaml:5:7: error: unknown function `sqr` (did you mean `sqrt`?)\n");
  EXPECT_EQ(diagnostics_of(with_formula("x * 2")), "");
}

TEST(Hints, AParameterThatUsesAnotherSaysHowToExpressDependence) {
  const std::string hint =
      "a parameter is drawn on its own, before month 1, from numbers only; to make a value depend on `q`, draw the "
      "independent part as a parameter and combine the two in a monthly formula, e.g. `q * factor`";
  EXPECT_EQ(diagnostics_of("parameters:\n  p: uniform(0, q)\n  q: 1\noutputs:\n  o: p + q\n"),
            "m.yaml:2:17: error: arguments of uniform must be numbers (" + hint + ")\n");
  EXPECT_EQ(diagnostics_of("parameters:\n  q: 1\n  r: q * 2\noutputs:\n  o: r\n"),
            "m.yaml:3:8: error: expected a number or a distribution such as `uniform(0, 1)` (" + hint + ")\n");
  // A word that names no entry is no dependence.
  EXPECT_EQ(diagnostics_of("parameters:\n  r: lots\noutputs:\n  o: r\n"),
            "m.yaml:2:6: error: expected a number or a distribution such as `uniform(0, 1)`\n");
}

TEST(Hints, YamlIndentationMistakes) {
  const std::vector<Case> cases = {
      {"a section indented into another", "parameters:\n  p: 1\n  outputs:\n    o: p\n",
       "m.yaml:3:3: error: `outputs` is indented into parameters, so it is an entry there, not the `outputs:` section "
       "(top-level sections start in column 1)\n"},
      {"a section with no value indented into another", "outputs:\n  o: 1\n  scenarios:\n",
       "m.yaml:3:3: error: `scenarios` is indented into outputs, so it is an entry there, not the `scenarios:` section "
       "(top-level sections start in column 1)\n"},
      {"a section indented into an entry", "parameters:\n  p:\n    dist: 1\n    outputs:\n      o: p\n",
       "m.yaml:4:5: error: unknown key `outputs` in parameter `p` (`outputs` is a top-level section: start it in "
       "column 1, not indented under parameter `p`)\n"},
      {"a key indented too little", "parameters:\n  p:\n    dist: 1\n  unit: share\noutputs:\n  o: p\n",
       "m.yaml:4:3: warning: `unit` is a new entry in parameters here, not a key of `p` (if it belongs to `p`, indent "
       "it "
       "like `p`'s other keys)\n"
       "m.yaml:4:9: error: expected a number or a distribution such as `uniform(0, 1)`\n"},
      {"an event key indented too little",
       "events:\n  s:\n    kind: switch\n    on: 0.1\n  off: 0.2\noutputs:\n  o: sum(s)\n",
       "m.yaml:5:3: warning: `off` is a new entry in events here, not a key of `s` (if it belongs to `s`, indent it "
       "like `s`'s other keys)\n"
       "m.yaml:5:8: error: event `off` must be a mapping, not a single value\n"},
      {"a top-level setting indented into a section",
       "parameters:\n  p: 1\n  horizon: 24\noutputs:\n  o: p + horizon\n",
       "m.yaml:3:3: warning: `horizon` is an entry in parameters here (if it is the model's `horizon:`, start it in "
       "column 1)\n"},
      {"an entry indented too deep",
       "parameters:\n  p: 1\noutputs:\n  o: p\nscenarios:\n  high:\n    parameters:\n      p: 2\n    low:\n"
       "      parameters:\n        p: 0\n",
       "m.yaml:9:5: error: unknown key `low` in scenario `high` (if `low` is meant as an entry of its own, it is "
       "indented one level too deep)\n"},
      {"a key indented under a value", "parameters:\n  p: uniform(0, 1)\n    q: 2\noutputs:\n  o: p\n",
       "m.yaml:3:6: error: malformed YAML: illegal map value (`q` is indented deeper than `p` on the line above, "
       "whose value is already given: indent the two alike)\n"},
      {"a control character in the key above (fuzz_model: the hint must stay one printable line)",
       "parameters:\b  a: pert(9, [0, 0, 1](\n  g: con.stant(-5)\noutputs:\n  o: a\n",
       "m.yaml:2:4: error: malformed YAML: illegal map value (`g` is indented deeper than `parameters:\\x08  a` on "
       "the line above, whose value is already given: indent the two alike)\n"},
      {"a key lined up with nothing", "parameters:\n  p: 1\n q: 2\noutputs:\n  o: p\n",
       "m.yaml:3:2: error: malformed YAML: end of map not found (line 3 is indented by 1 space, which lines up with no "
       "key above it: indent it exactly like the keys it belongs with)\n"},
      {"an unquoted conditional", "monthly:\n  x: month > 3 ? 1 : 0\noutputs:\n  o: sum(x)\n",
       "m.yaml:2:20: error: malformed YAML: illegal map value (a formula `c ? a : b` holds `: `, which YAML reads as a "
       "key: quote the formula, \"c ? a : b\")\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(diagnostics_of(c.text), c.expected) << c.what;
}

// Names that happen to be keys are fine where nothing suggests a mistake:
// a parameter `source` first in its section, or after a one-line entry.
TEST(Hints, KeyLikeNamesAloneAreNotMistakes) {
  EXPECT_EQ(diagnostics_of("parameters:\n  source: 1\n  p: 2\n  unit: 3\noutputs:\n  o: source + p + unit\n"), "");
}

}  // namespace
}  // namespace riskcast::testing
