// Reserved words are refused as every name a formula can see or an
// analysis writes into a formula; formulas cut at a comma by YAML's flow
// mappings are named as such.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cctype>
#include <set>
#include "model/model_test_support.hpp"

#include "riskcast/builtins.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

// Every reserved word, as docs/language.md lists it.
const std::vector<std::string> kReserved = {"and", "or",    "not",   "true", "false", "month", "prev",
                                            "min", "max",   "clamp", "abs",  "exp",   "log",   "sqrt",
                                            "pow", "ratio", "sum",   "mean", "last"};

// The list above is the table of operations' (builtins.hpp), word for word:
// a function added to the table is reserved and must be documented.
TEST(ReservedWords, AreTheTableOfOperationsWords) {
  std::set<std::string> from_table;
  for (const Operation& o : kOperations) {
    if (!o.function.empty()) from_table.emplace(o.function);
    if (!o.symbol.empty() && std::isalpha(static_cast<unsigned char>(o.symbol[0]))) from_table.emplace(o.symbol);
  }
  for (const SpecialForm& f : kSpecialForms) from_table.emplace(f.name);
  for (const char* w : {"true", "false", "month"}) from_table.emplace(w);
  EXPECT_EQ(from_table, std::set<std::string>(kReserved.begin(), kReserved.end()));
  for (const std::string& w : kReserved) EXPECT_TRUE(reserved_word_meaning(w).has_value()) << w;
  for (const char* free : {"summary", "order", "normal", "x", "monthly"})
    EXPECT_FALSE(reserved_word_meaning(free).has_value()) << free;
}

struct Place {
  const char* what;
  std::string text;  // a model with NAME where the reserved word goes
  std::uint32_t line, column;
  std::string message;  // with NAME
};

std::string with_name(std::string text, const std::string& name) {
  for (std::size_t at; (at = text.find("NAME")) != std::string::npos;) text.replace(at, 4, name);
  return text;
}

TEST(ReservedWords, AreRefusedAsEveryKindOfNameWithAHint) {
  const std::vector<Place> places = {
      {"parameter", "parameters:\n  NAME: 1\noutputs:\n  o: 1\n", 2, 3,
       "`NAME` is a reserved word and cannot name an entry in parameters"},
      {"event", "events:\n  NAME: {kind: switch, on: 0.1}\noutputs:\n  o: 1\n", 2, 3,
       "`NAME` is a reserved word and cannot name an entry in events"},
      {"monthly formula", "monthly:\n  NAME: 1\noutputs:\n  o: 1\n", 2, 3,
       "`NAME` is a reserved word and cannot name an entry in monthly"},
      {"output", "outputs:\n  NAME: 1\n", 2, 3, "`NAME` is a reserved word and cannot name an entry in outputs"},
      {"scenario", "outputs:\n  o: 1\nscenarios:\n  NAME: {}\n", 4, 3,
       "`NAME` is a reserved word and cannot name an entry in scenarios"},
      {"regime state",
       "events:\n  r:\n    kind: regime\n    states: [a, NAME]\n    initial: {a: 1}\noutputs:\n  o: sum(r == a)\n", 4,
       17, "`NAME` is a reserved word and cannot name a state of event `r`"},
      {"regime state, block list",
       "events:\n  r:\n    kind: regime\n    states:\n      - NAME\n      - b\n    initial: {b: 1}\noutputs:\n  o: 1\n",
       5, 9, "`NAME` is a reserved word and cannot name a state of event `r`"},
  };
  for (const Place& place : places) {
    for (const std::string& word : kReserved) {
      const Diagnostics d = load_errors(with_name(place.text, word));
      const std::optional<Diagnostic> found = find_diagnostic(d, with_name(place.message, word));
      ASSERT_TRUE(found) << place.what << " `" << word << "`: " << d.format();
      EXPECT_EQ(found->pos, (SourcePos{place.line, place.column})) << place.what << " `" << word << "`";
      EXPECT_NE(found->hint.find("in formulas; choose another name, e.g. `" + word + "_`"), std::string::npos)
          << found->hint;
    }
  }
}

TEST(ReservedWords, TheHintSaysWhatTheWordIs) {
  const auto hint_of = [](const std::string& word) {
    return expect_error("parameters:\n  " + word + ": 1\noutputs:\n  o: 1\n", "reserved word").hint;
  };
  EXPECT_EQ(hint_of("and"), "`and` is an operator in formulas; choose another name, e.g. `and_`");
  EXPECT_EQ(hint_of("true"), "`true` is a constant (1) in formulas; choose another name, e.g. `true_`");
  EXPECT_EQ(hint_of("month"), "`month` is the current month in formulas; choose another name, e.g. `month_`");
  EXPECT_EQ(hint_of("prev"), "`prev` is a function in formulas; choose another name, e.g. `prev_`");
  EXPECT_EQ(hint_of("sum"), "`sum` is an aggregate in formulas; choose another name, e.g. `sum_`");
}

// Distribution names are not reserved: a formula cannot call a
// distribution, so a parameter `normal` means one thing only. Names that
// merely start with a reserved word are free.
TEST(ReservedWords, DistributionNamesAndLongerNamesAreFree) {
  const Model m = load_ok(
      "parameters:\n  normal: 1\n  uniform: 2\n  summary: 3\n  month_count: 4\n  and_: 5\n"
      "events:\n  r: {kind: regime, states: [android, order, notice], initial: {android: 1}}\n"
      "outputs:\n  o: normal + uniform + summary + month_count + and_\n  p: sum(r == order)\n");
  EXPECT_EQ(m.parameters.size(), 5u);
}

// The issue: states `and`, `or`, `not` passed check and broke sensitivity,
// report and run --plot. Every command now refuses the model at the state.
TEST(ReservedWords, AModelWithReservedStatesFailsEveryCommand) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", R"(events:
  r:
    kind: regime
    states: [and, or, not]
    initial: {and: 1}
outputs:
  o: sum(r == r)
)");
  const std::vector<std::vector<std::string>> commands = {
      {"check", model},
      {"run", model, "--samples", "100"},
      {"run", model, "--samples", "100", "--plot", dir.path() + "/plots"},
      {"sensitivity", model, "--samples", "100"},
      {"report", model, "--samples", "100", "--out", dir.path() + "/r.html"},
      {"describe", model}};
  for (const auto& args : commands) {
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 2) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(model + ":4:14: error: `and` is a reserved word and cannot name a state of event `r`"),
              std::string::npos)
        << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find(model + ":4:19: error: `or` is a reserved word"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(model + ":4:23: error: `not` is a reserved word"), std::string::npos) << r.err;
  }
}

// `{p: uniform(0.1, 0.2)}` reads as p: "uniform(0.1" and a key "0.2)": one
// error at the formula, naming the cause and the fix, instead of "`0.2)`
// is not a valid name".
TEST(FlowMappingComma, ACutFormulaIsNamedWithTheFix) {
  struct Case {
    std::string text;
    std::uint32_t line, column;
    std::string message, hint;
  };
  const std::vector<Case> cases = {
      {"parameters: {p: uniform(0.1, 0.2), q: uniform(0.5, 1.0)}\noutputs:\n  o: p + q\n", 1, 17,
       "the formula of `p` is cut at a comma: YAML reads `uniform(0.1` as its value and the rest as keys of their own",
       "inside `{…}` a comma ends an entry: quote the formula, `p: \"uniform(0.1, 0.2)\"`, or write the mapping in "
       "block style"},
      {"parameters:\n  p: {dist: uniform(0.1, 0.2), unit: share}\noutputs:\n  o: p\n", 2, 13,
       "the formula of `dist` is cut at a comma: YAML reads `uniform(0.1` as its value",
       "quote the formula, `dist: \"uniform(0.1, 0.2)\"`, or write"},
      {"parameters: {p: clamp(0.5, 0, 1)}\noutputs:\n  o: p\n", 1, 17, "the formula of `p` is cut at a comma",
       "`p: \"clamp(0.5, 0, 1)\"`"},
      {"events:\n  r: {kind: regime, states: [a, b], initial: {a: 1}, transitions: {a: {b: max(0.1, 0.2)}}}\n"
       "outputs:\n  o: sum(r == a)\n",
       2, 75, "the formula of `b` is cut at a comma", "`b: \"max(0.1, 0.2)\"`"},
      {"monthly:\n  m: {formula: min(month, 3), unit: x}\noutputs:\n  o: sum(m)\n", 2, 16,
       "the formula of `formula` is cut at a comma", "`formula: \"min(month, 3)\"`"},
  };
  for (const Case& c : cases) {
    const Diagnostics d = load_errors(c.text);
    ASSERT_EQ(d.size(), c.text.find("q: uniform") != std::string::npos ? 2u : 1u) << d.format();
    const std::optional<Diagnostic> found = find_diagnostic(d, c.message);
    ASSERT_TRUE(found) << d.format();
    EXPECT_EQ(found->pos, (SourcePos{c.line, c.column})) << d.format();
    EXPECT_NE(found->hint.find(c.hint), std::string::npos) << found->hint;
  }
  // Quoted, or in block style, the same formulas load.
  load_ok("parameters: {p: \"uniform(0.1, 0.2)\", q: 'uniform(0.5, 1.0)'}\noutputs:\n  o: p + q\n");
  load_ok("parameters:\n  p: uniform(0.1, 0.2)\noutputs:\n  o: p\n");
  // An open bracket with no comma after it is the formula's own mistake.
  const Diagnostic open = expect_error("parameters: {p: uniform(0.1, q: 1}\noutputs:\n  o: p\n", "expected `,` or `)`");
  EXPECT_EQ(open.pos, (SourcePos{1, 28}));
}

}  // namespace
}  // namespace riskcast::testing
