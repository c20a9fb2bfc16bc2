// The formula parser: precedence, numbers, error positions, depth limits and
// constant folding.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>

#include "riskcast/expr.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast {
namespace {

struct Parsed {
  std::optional<Expr> expr;
  Diagnostics diagnostics{"formula"};
};

Parsed parse(std::string_view text, SourcePos start = {1, 1}) {
  Parsed p;
  p.expr = parse_expression(text, start, p.diagnostics);
  return p;
}

// The fully parenthesised form of a formula that must parse.
std::string shape(std::string_view text) {
  Parsed p = parse(text);
  EXPECT_TRUE(p.expr.has_value()) << text << "\n" << p.diagnostics.format();
  EXPECT_TRUE(p.diagnostics.empty()) << p.diagnostics.format();
  return p.expr ? to_string(*p.expr) : "<error>";
}

// The single error a formula must give.
Diagnostic error_of(std::string_view text, SourcePos start = {1, 1}) {
  Parsed p = parse(text, start);
  EXPECT_FALSE(p.expr.has_value()) << text << " parsed as " << to_string(*p.expr);
  EXPECT_EQ(p.diagnostics.size(), 1u) << p.diagnostics.format();
  if (p.diagnostics.empty()) return {};
  return p.diagnostics.items().front();
}

std::optional<double> fold(std::string_view text) {
  Parsed p = parse(text);
  EXPECT_TRUE(p.expr.has_value()) << p.diagnostics.format();
  return p.expr ? constant_value(*p.expr) : std::nullopt;
}

// --- precedence and associativity -----------------------------------------

TEST(ParserPrecedence, MultiplicationBindsTighterThanAddition) {
  EXPECT_EQ(shape("a + b * c"), "(a + (b * c))");
  EXPECT_EQ(shape("a * b + c"), "((a * b) + c)");
  EXPECT_EQ(shape("a - b / c - d"), "((a - (b / c)) - d)");
}

TEST(ParserPrecedence, AdditionAndMultiplicationAreLeftAssociative) {
  EXPECT_EQ(shape("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(shape("a / b / c"), "((a / b) / c)");
  EXPECT_EQ(shape("a / b * c"), "((a / b) * c)");
}

TEST(ParserPrecedence, ParenthesesOverridePrecedence) {
  EXPECT_EQ(shape("(a + b) * c"), "((a + b) * c)");
  EXPECT_EQ(shape("a - (b - c)"), "(a - (b - c))");
  EXPECT_EQ(shape("((((a))))"), "a");
}

TEST(ParserPrecedence, PowerBindsTighterThanUnaryMinus) {
  EXPECT_EQ(shape("-x^2"), "-((x ^ 2))");
  EXPECT_EQ(shape("-2^2"), "-((2 ^ 2))");
  EXPECT_DOUBLE_EQ(*fold("-2^2"), -4.0);
  EXPECT_DOUBLE_EQ(*fold("(-2)^2"), 4.0);
  // A negative or negated base keeps its parentheses in print, or the text would mean -(2 ^ 2).
  EXPECT_EQ(shape("(-2)^2"), "((-2) ^ 2)");
  EXPECT_EQ(shape("(-0)^x"), "((-0) ^ x)");
  EXPECT_EQ(shape("(-x)^2"), "((-(x)) ^ 2)");
  EXPECT_EQ(shape("2^-2"), "(2 ^ -2)");
  EXPECT_EQ(shape("2^-x"), "(2 ^ -(x))");
}

TEST(ParserPrecedence, NotAsAnOperandKeepsItsParenthesesInPrint) {
  EXPECT_EQ(shape("(not a) + 1"), "((not (a)) + 1)");
  EXPECT_EQ(shape("1 + (not a)"), "(1 + (not (a)))");
  EXPECT_EQ(shape("(not a) == b"), "((not (a)) == b)");
  EXPECT_EQ(shape("(not a) ^ 2"), "((not (a)) ^ 2)");
  EXPECT_EQ(shape("2 ^ (not a)"), "(2 ^ (not (a)))");
  // Where `not` already reads right, its print is unchanged (baseline fingerprints hash it).
  EXPECT_EQ(shape("not a and not b"), "(not (a) and not (b))");
  EXPECT_EQ(shape("a or not b"), "(a or not (b))");
  EXPECT_EQ(shape("-(not a)"), "-(not (a))");
  EXPECT_EQ(shape("not a ? 1 : 2"), "(not (a) ? 1 : 2)");
}

// to_string's text parses back to the same tree (baseline fingerprints and the
// assumptions table print formulas with it).
TEST(ParserPrecedence, PrintedFormulaParsesBackToTheSameFormula) {
  for (const char* text :
       {"(-2)^2", "-2^2", "(-1.5)^(-2)^3", "2^(-3)^-1", "-(-2)^x", "a - -2 * -b", "(-0)^2", "(-x)^2", "(-(-x))^-y^z",
        "(not 0) + 1", "1 - (not 1)", "(not 1) == 0", "(not 0)^2", "2^(not 0)", "-(not 0)", "not 0 and not 1 or not 0",
        "(not 0) * (not 1) < (not 0)", "max(not 0, (not 1) + 1)", "not 1 ? (not 0) / 2 : -(not 1)"}) {
    const std::string printed = shape(text);
    EXPECT_EQ(shape(printed), printed) << text;
    const std::optional<double> value = fold(text);
    if (value) {
      EXPECT_EQ(fold(printed), value) << text;
    }
  }
}

TEST(ParserPrecedence, PowerIsRightAssociative) {
  EXPECT_EQ(shape("2^3^2"), "(2 ^ (3 ^ 2))");
  EXPECT_DOUBLE_EQ(*fold("2^3^2"), 512.0);
  EXPECT_DOUBLE_EQ(*fold("(2^3)^2"), 64.0);
}

TEST(ParserPrecedence, PowerTakesASignedExponentAndStarStarSpelling) {
  EXPECT_EQ(shape("2 ^ -x"), "(2 ^ -(x))");
  EXPECT_DOUBLE_EQ(*fold("2 ^ -1"), 0.5);
  EXPECT_EQ(shape("a ** b"), "(a ^ b)");
  EXPECT_EQ(shape("a * b ^ c"), "(a * (b ^ c))");
}

TEST(ParserPrecedence, UnaryMinusOnANumberFoldsIntoTheNumber) {
  Parsed p = parse("-5");
  ASSERT_TRUE(p.expr);
  EXPECT_EQ(p.expr->kind, ExprKind::Number);
  EXPECT_DOUBLE_EQ(p.expr->number, -5.0);
  EXPECT_EQ(shape("- - x"), "-(-(x))");
  EXPECT_EQ(shape("+x"), "x");
}

TEST(ParserPrecedence, ConditionalIsLowestAndNestsToTheRight) {
  EXPECT_EQ(shape("c ? a : b"), "(c ? a : b)");
  EXPECT_EQ(shape("c ? a : d ? b : e"), "(c ? a : (d ? b : e))");
  EXPECT_EQ(shape("c ? d ? 1 : 2 : 3"), "(c ? (d ? 1 : 2) : 3)");
  EXPECT_EQ(shape("a or b ? x + 1 : y * 2"), "((a or b) ? (x + 1) : (y * 2))");
  EXPECT_EQ(shape("(c ? a : b) + 1"), "((c ? a : b) + 1)");
  EXPECT_DOUBLE_EQ(*fold("0 ? 1 : 0 ? 2 : 3"), 3.0);
}

TEST(ParserPrecedence, NotAndOrHaveTheirOwnLevels) {
  EXPECT_EQ(shape("a or b and c"), "(a or (b and c))");
  EXPECT_EQ(shape("a and b or c"), "((a and b) or c)");
  EXPECT_EQ(shape("not a and b"), "(not (a) and b)");
  EXPECT_EQ(shape("not a == b"), "not ((a == b))");
  EXPECT_EQ(shape("not not a"), "not (not (a))");
  EXPECT_EQ(shape("a < b and c >= d"), "((a < b) and (c >= d))");
  EXPECT_EQ(shape("a + 1 > b * 2"), "((a + 1) > (b * 2))");
}

TEST(ParserPrecedence, ComparisonsCannotBeChained) {
  for (std::string_view text : {"a < b < c", "a == b == c", "1 <= x > 0", "a != b != c"}) {
    Diagnostic d = error_of(text);
    EXPECT_NE(d.message.find("comparisons cannot be chained"), std::string::npos) << text;
    EXPECT_NE(d.hint.find("and"), std::string::npos);
  }
  EXPECT_EQ(shape("(a < b) < c"), "((a < b) < c)");
  EXPECT_EQ(shape("a < b and b < c"), "((a < b) and (b < c))");
}

TEST(ParserPrecedence, CallsAndListsTakeFullExpressions) {
  EXPECT_EQ(shape("min(a + 1, b ? c : d)"), "min((a + 1), (b ? c : d))");
  EXPECT_EQ(shape("f()"), "f()");
  EXPECT_EQ(shape("discrete([1, 2], [0.5, 0.5])"), "discrete([1, 2], [0.5, 0.5])");
  EXPECT_EQ(shape("regime == h200"), "(regime == h200)");
}

// --- numbers ----------------------------------------------------------------

TEST(ParserNumbers, AcceptsDecimalAndExponentForms) {
  EXPECT_DOUBLE_EQ(*fold("1.5e6"), 1.5e6);
  EXPECT_DOUBLE_EQ(*fold(".5"), 0.5);
  EXPECT_DOUBLE_EQ(*fold("5."), 5.0);
  EXPECT_DOUBLE_EQ(*fold("2E-3"), 2e-3);
  EXPECT_DOUBLE_EQ(*fold("1e+2"), 100.0);
  EXPECT_DOUBLE_EQ(*fold("007"), 7.0);
}

TEST(ParserNumbers, RejectsMalformedNumbers) {
  for (std::string_view text : {"1.2.3", "1..2", "1e", "1e+", "12abc", "0x10", "1.5e6e2"}) {
    Diagnostic d = error_of(text);
    EXPECT_NE(d.message.find("malformed number"), std::string::npos) << text << ": " << d.message;
    EXPECT_EQ(d.pos, (SourcePos{1, 1})) << text;
  }
}

TEST(ParserNumbers, OverflowIsAnError) {
  Diagnostic d = error_of("1 + 1e400");
  EXPECT_NE(d.message.find("out of range"), std::string::npos) << d.message;
  EXPECT_EQ(d.pos, (SourcePos{1, 5}));
  EXPECT_NE(error_of("1e999").message.find("out of range"), std::string::npos);
}

TEST(ParserNumbers, UnderflowIsNotAnError) {
  EXPECT_DOUBLE_EQ(*fold("1e-400"), 0.0);
}

// --- positions ---------------------------------------------------------------

TEST(ParserPositions, NodesCarryTheirPositionsFromTheStart) {
  Parsed p = parse("a + b * c", {7, 10});
  ASSERT_TRUE(p.expr);
  EXPECT_EQ(p.expr->pos, (SourcePos{7, 12}));                          // `+`
  EXPECT_EQ(p.expr->operands[0].pos, (SourcePos{7, 10}));              // a
  EXPECT_EQ(p.expr->operands[1].pos, (SourcePos{7, 16}));              // `*`
  EXPECT_EQ(p.expr->operands[1].operands[1].pos, (SourcePos{7, 18}));  // c
}

TEST(ParserPositions, ErrorsPointAtTheOffendingCharacter) {
  EXPECT_EQ(error_of("a + $b", {3, 5}).pos, (SourcePos{3, 9}));
  EXPECT_EQ(error_of("a + ", {3, 5}).pos, (SourcePos{3, 9}));  // where the formula ended
  EXPECT_EQ(error_of("(a + b", {2, 1}).pos, (SourcePos{2, 7}));
  EXPECT_EQ(error_of("min(a,, b)", {1, 1}).pos, (SourcePos{1, 7}));
  EXPECT_EQ(error_of("a b", {1, 1}).pos, (SourcePos{1, 3}));
}

TEST(ParserPositions, LineBreaksInTheTextMoveToTheNextLine) {
  Diagnostic d = error_of("a +\nb +\n  $", {4, 8});
  EXPECT_EQ(d.pos, (SourcePos{6, 3}));
}

TEST(ParserPositions, CustomOffsetMapIsUsed) {
  Diagnostics diagnostics("f");
  const OffsetToPosition map = [](std::size_t offset) {
    return SourcePos{10, static_cast<std::uint32_t>(100 + offset)};
  };
  EXPECT_FALSE(parse_expression("a + #", map, diagnostics));
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].pos, (SourcePos{10, 104}));
}

// Positions inside a model file: the formula's column in the file, shifted by
// one for a quoted scalar (whose text starts after the quote).
SourcePos first_error_in_model(const std::string& text) {
  try {
    load_model_text(text, "m.yaml");
  } catch (const ModelError& e) {
    EXPECT_FALSE(e.diagnostics().empty());
    return e.diagnostics().items().front().pos;
  }
  ADD_FAILURE() << "model loaded:\n" << text;
  return {};
}

TEST(ParserPositions, PlainAndQuotedScalarsInAModel) {
  EXPECT_EQ(first_error_in_model("outputs:\n  o: 1 + $\n"), (SourcePos{2, 10}));
  EXPECT_EQ(first_error_in_model("outputs:\n  o: \"1 + $\"\n"), (SourcePos{2, 11}));
  EXPECT_EQ(first_error_in_model("outputs:\n  o: '1 + $'\n"), (SourcePos{2, 11}));
  EXPECT_EQ(first_error_in_model("outputs: {o: \"1 + $\"}\n"), (SourcePos{1, 19}));
  EXPECT_EQ(first_error_in_model("outputs:\n  o:\n    formula: \"1 ? 2 : $\"\n"), (SourcePos{3, 23}));
}

TEST(ParserPositions, EscapesAndDoubledQuotesInQuotedScalars) {
  // `\t` is two characters in the file but one in the formula.
  EXPECT_EQ(first_error_in_model("outputs:\n  o: \"1 +\\t2 + $\"\n"), (SourcePos{2, 16}));
  // `''` is one quote in the formula (and not a valid character there).
  EXPECT_EQ(first_error_in_model("outputs:\n  o: 'x + '''\n"), (SourcePos{2, 11}));
}

TEST(ParserPositions, MultiLineScalarsMapToTheirOwnLines) {
  // A plain scalar folded over two lines.
  EXPECT_EQ(first_error_in_model("outputs:\n  o: 1 +\n    2 + $\n"), (SourcePos{3, 9}));
  // A literal block scalar: the text starts on the line after `|`.
  EXPECT_EQ(first_error_in_model("outputs:\n  o: |\n    1 +\n      $\n"), (SourcePos{4, 7}));
  // A folded block scalar.
  EXPECT_EQ(first_error_in_model("outputs:\n  o: >-\n    1 +\n    2 $\n"), (SourcePos{4, 7}));
  // A double-quoted scalar over two lines.
  EXPECT_EQ(first_error_in_model("outputs:\n  o: \"1 +\n    $\"\n"), (SourcePos{3, 5}));
}

TEST(ParserPositions, TagsAndAnchorsBeforeAScalar) {
  EXPECT_EQ(first_error_in_model("outputs:\n  o: !!str 1 + $\n"), (SourcePos{2, 16}));
  EXPECT_EQ(first_error_in_model("outputs:\n  o: &f 1 + $\n"), (SourcePos{2, 13}));
}

TEST(ParserPositions, ByteOrderMarkDoesNotShiftColumns) {
  EXPECT_EQ(first_error_in_model("\xef\xbb\xbfoutputs: {o: 1 + $}\n"), (SourcePos{1, 18}));
}

// --- other syntax errors -------------------------------------------------------

TEST(ParserErrors, MessagesNameTheProblem) {
  struct Case {
    std::string_view text;
    std::string_view fragment;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"", "empty formula"},
           {"   ", "empty formula"},
           {"a +", "the formula ended"},
           {"a = b", "unexpected `=`"},
           {"a && b", "unexpected `&`"},
           {"a || b", "unexpected `|`"},
           {"!a", "unexpected `!`"},
           {"(a + b", "expected `)`"},
           {"a + b)", "unexpected `)`"},
           {"f(a, )", "expected a value but found `)`"},
           {"[1, 2", "expected `,` or `]`"},
           {"c ? a", "`:` of `c ? a : b`"},
           {"a $ b", "unexpected character `$`"},
           {"a \x01 b", "unexpected byte 0x01"},
           {"x é", "unexpected byte 0xc3"},
       }) {
    Diagnostic d = error_of(c.text);
    EXPECT_NE(d.message.find(c.fragment), std::string::npos) << "`" << c.text << "` gave: " << d.message;
  }
  EXPECT_EQ(error_of("a = b").hint, "use `==` to compare");
}

TEST(ParserErrors, OnlyTheFirstErrorOfAFormulaIsReported) {
  Parsed p = parse("1.2.3 + $ + (");
  EXPECT_FALSE(p.expr);
  EXPECT_EQ(p.diagnostics.size(), 1u);
}

TEST(ParserErrors, VeryLongTokensAreShortenedInMessages) {
  const std::string text = "a b" + std::string(100000, 'c');
  Diagnostic d = error_of(text);
  EXPECT_LT(d.message.size(), 200u);
  EXPECT_NE(d.message.find("bytes"), std::string::npos);
}

// --- depth limits --------------------------------------------------------------

TEST(ParserDepth, ModerateNestingParses) {
  const int n = kMaxExpressionDepth - 10;
  std::string text = std::string(n, '(') + "x" + std::string(n, ')');
  EXPECT_EQ(shape(text), "x");
  EXPECT_TRUE(parse("min(max(abs(-(1 + (2 * (3 - (4 / (5 ^ 6)))))), 1), 2)").expr);
  std::string sum = "x";
  for (int i = 0; i < 150; ++i) sum += " + x";
  EXPECT_TRUE(parse(sum).expr);
}

TEST(ParserDepth, HundredThousandParenthesesGiveAnErrorNotACrash) {
  const std::string text = std::string(100000, '(') + "x" + std::string(100000, ')');
  Diagnostic d = error_of(text, {5, 7});
  EXPECT_NE(d.message.find("nested too deeply"), std::string::npos) << d.message;
  EXPECT_EQ(d.pos.line, 5u);
  // Just inside the first parenthesis that is one level too many.
  EXPECT_EQ(d.pos.column, 7u + kMaxExpressionDepth + 1);
}

TEST(ParserDepth, EveryKindOfNestingIsLimited) {
  const int n = 100000;
  auto repeat = [](std::string_view s, int k) {
    std::string out;
    for (int i = 0; i < k; ++i) out += s;
    return out;
  };
  for (const std::string& text : {
           repeat("-", n) + "x",
           repeat("+", n) + "x",
           repeat("not ", n) + "x",
           repeat("abs(", n) + "x" + repeat(")", n),
           repeat("[", n) + "x" + repeat("]", n),
           repeat("x ^ ", n) + "x",
           repeat("c ? x : ", n) + "x",
           repeat("c ? ", n) + "x" + repeat(" : x", n),
       }) {
    Diagnostic d = error_of(text);
    EXPECT_NE(d.message.find("nested too deeply"), std::string::npos) << text.substr(0, 20) << ": " << d.message;
  }
}

TEST(ParserDepth, LongLeftAssociativeChainsAreLimitedToo) {
  // The parser builds these in a loop, but the tree is as high as the chain
  // is long, and every later walk of the tree recurses over it: a chain is
  // not nesting (the trial's `p0 + … + p201` was refused as "nested too
  // deeply"), and has a limit of its own, far above nesting's.
  for (std::string_view op : {" + ", " * ", " and ", " or "}) {
    std::string text = "x";
    for (int i = 0; i < 100000; ++i) {
      text += op;
      text += "x";
    }
    Diagnostic d = error_of(text);
    EXPECT_NE(d.message.find("formula is too long: more than 2000 operations one after another"), std::string::npos)
        << op << d.message;
    EXPECT_EQ(d.hint, "split it into monthly formulas, each summing a part");
    text.resize(1 + op.size() * kMaxExpressionHeight + kMaxExpressionHeight);  // exactly the limit
    EXPECT_TRUE(parse(text).expr) << op;
  }
  // Nesting inside a long chain still counts as nesting.
  std::string nested = "x";
  for (int i = 0; i < 1000; ++i) nested += " + x";
  nested += " + " + std::string(kMaxExpressionDepth + 1, '(') + "x" + std::string(kMaxExpressionDepth + 1, ')');
  EXPECT_NE(error_of(nested).message.find("nested too deeply"), std::string::npos);
  static_assert(kMaxExpressionHeight >= 10 * kMaxExpressionDepth);
}

TEST(ParserDepth, ManyArgumentsParseInLinearTime) {
  std::string text = "min(";
  for (int i = 0; i < 300000; ++i) text += "1,\n";
  text += "1)";
  Parsed p = parse(text);  // would take minutes if positions were found by rescanning
  ASSERT_TRUE(p.expr);
  EXPECT_EQ(p.expr->operands.size(), 300001u);
  EXPECT_EQ(p.expr->operands.back().pos, (SourcePos{300001, 1}));
}

// --- constant folding --------------------------------------------------------------

TEST(ConstantValue, FoldsArithmeticComparisonsAndLogic) {
  EXPECT_DOUBLE_EQ(*fold("2 * 3 + 1"), 7.0);
  EXPECT_DOUBLE_EQ(*fold("10 / 4"), 2.5);
  EXPECT_DOUBLE_EQ(*fold("1 < 2"), 1.0);
  EXPECT_DOUBLE_EQ(*fold("1 >= 2"), 0.0);
  EXPECT_DOUBLE_EQ(*fold("1 == 1 and 0"), 0.0);
  EXPECT_DOUBLE_EQ(*fold("0 or 2"), 1.0);
  EXPECT_DOUBLE_EQ(*fold("not 0"), 1.0);
  EXPECT_DOUBLE_EQ(*fold("not 3"), 0.0);
  EXPECT_DOUBLE_EQ(*fold("1 < 2 ? 3 : 4"), 3.0);
  EXPECT_DOUBLE_EQ(*fold("true + true"), 2.0);
  EXPECT_DOUBLE_EQ(*fold("false ? 1 : 2"), 2.0);
}

TEST(ConstantValue, FoldsMathFunctions) {
  EXPECT_DOUBLE_EQ(*fold("min(3, 1, 2)"), 1.0);
  EXPECT_DOUBLE_EQ(*fold("max(3, 1, 2)"), 3.0);
  EXPECT_DOUBLE_EQ(*fold("clamp(5, 0, 1)"), 1.0);
  EXPECT_DOUBLE_EQ(*fold("clamp(-5, 0, 1)"), 0.0);
  EXPECT_DOUBLE_EQ(*fold("abs(-2.5)"), 2.5);
  EXPECT_DOUBLE_EQ(*fold("exp(0)"), 1.0);
  EXPECT_DOUBLE_EQ(*fold("log(exp(2))"), 2.0);
  EXPECT_DOUBLE_EQ(*fold("sqrt(16)"), 4.0);
  EXPECT_DOUBLE_EQ(*fold("pow(2, 10)"), 1024.0);
  EXPECT_DOUBLE_EQ(*fold("ratio(1, 4)"), 0.25);
  EXPECT_DOUBLE_EQ(*fold("ratio(1, 0)"), 0.0);
}

TEST(ConstantValue, NonFiniteResultsAreReturnedForTheCallerToJudge) {
  EXPECT_TRUE(std::isinf(*fold("1 / 0")));
  EXPECT_TRUE(std::isnan(*fold("sqrt(-1)")));
}

TEST(ConstantValue, AnythingNotConstantIsNullopt) {
  EXPECT_FALSE(fold("x + 1"));
  EXPECT_FALSE(fold("month"));
  EXPECT_FALSE(fold("[1, 2]"));
  EXPECT_FALSE(fold("sum(1)"));
  EXPECT_FALSE(fold("min(1)"));     // one argument: an aggregate, not a function
  EXPECT_FALSE(fold("abs(1, 2)"));  // wrong arity
  EXPECT_FALSE(fold("pert(1, 2, 3)"));
  EXPECT_FALSE(fold("1 ? x : 2"));
}

TEST(ConstantValue, AgreesWithApplyFunctions) {
  EXPECT_DOUBLE_EQ(apply_binary(BinaryOp::Pow, 2, 3), 8.0);
  EXPECT_DOUBLE_EQ(apply_binary(BinaryOp::NotEqual, 2, 3), 1.0);
  EXPECT_DOUBLE_EQ(apply_unary(UnaryOp::Negate, 2), -2.0);
  EXPECT_DOUBLE_EQ(apply_unary(UnaryOp::Not, 0), 1.0);
  EXPECT_FALSE(apply_math_function("nope", {1.0}));
  EXPECT_EQ(to_string(BinaryOp::LessEqual), "<=");
}

}  // namespace
}  // namespace riskcast
