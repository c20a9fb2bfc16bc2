// Formulas: the abstract syntax tree, its parser, and what each name means.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/builtins.hpp"
#include "riskcast/diagnostics.hpp"

namespace riskcast {

// Pick and Reduction are read over indexes (docs/language.md, "Indexes") and
// exist only until loading expands indexed entries into flat ones: no later
// step (resolution, compilation) sees them.
//   Pick:      x[huawei, h200]: `name` the entry, operands the element names (Name nodes)
//   Reduction: sum(e over vendor): `name` the function (sum, mean, min, max),
//              operands {e, the index's name (a Name node)}
enum class ExprKind : std::uint8_t { Number, Name, List, Unary, Binary, Conditional, Call, Pick, Reduction };

enum class UnaryOp : std::uint8_t { Negate, Not };

enum class BinaryOp : std::uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  Equal,
  NotEqual,
  And,
  Or,
};

// What a name refers to, filled in by name resolution.
enum class RefKind : std::uint8_t {
  Unresolved,
  Parameter,    // index into Model::parameters
  Event,        // index into Model::events (switch 0/1, arrivals total, regime state index)
  RegimeState,  // index = state number within the regime it is compared with
  Monthly,      // index into Model::monthly
  Month,        // the current month, 1 … horizon
  Constant,     // `true` / `false`: value in Expr::number
  Data,         // index into Model::data: a series by month, its value in the current month
};

struct Expr {
  ExprKind kind = ExprKind::Number;
  SourcePos pos;
  double number = 0.0;  // Number, or the value of a Constant name
  std::string name;     // Name, or the function of a Call
  UnaryOp unary = UnaryOp::Negate;
  BinaryOp binary = BinaryOp::Add;
  std::vector<Expr> operands;  // Unary: 1, Binary: 2, Conditional: 3, Call/List: the arguments
  RefKind ref = RefKind::Unresolved;
  std::uint32_t ref_index = 0;

  static Expr make_number(double value, SourcePos pos);
};

// Deepest nesting a formula may have: parentheses, calls, lists, unary
// operators, `^` and `c ? a : b`, each of which the parser descends into
// recursively. A chain of left-associative operators (a + b + c + …) is not
// nesting: the parser reads it in a loop.
inline constexpr int kMaxExpressionDepth = 200;
// Highest syntax tree a formula may have (a chain a + b + c + … is as high
// as it is long, and every later walk of the tree — resolution, folding,
// compiling, printing, copying, destruction — recurses along it). At this
// height the deepest walk takes about 0.3 MiB of stack in the release build
// and 2 MiB under the address sanitizer, whose frames are several times
// larger (tests/model/hostile_test.cpp, HostileModel.HighestTreeFitsInTheStack,
// measures it): inside the 8 MiB of a main thread or a Python thread, and
// the 4 MiB of a TBB worker.
inline constexpr int kMaxExpressionHeight = 2000;

// Where the character at a byte offset of a formula's text sits in the model
// file; offset == text.size() asks for the place just after the last one.
using OffsetToPosition = std::function<SourcePos(std::size_t offset)>;

// Parses `text`, whose first character sits at `start` in the model file;
// a line break in `text` moves to column 1 of the next line. Errors go to
// `diagnostics`; returns nullopt then.
std::optional<Expr> parse_expression(std::string_view text, SourcePos start, Diagnostics& diagnostics);

// The same with an exact map from offsets to positions, for text that YAML
// has folded, unescaped or unindented (quoted, multi-line or block scalars).
std::optional<Expr> parse_expression(std::string_view text, const OffsetToPosition& position_of,
                                     Diagnostics& diagnostics);

// Formula text of an expression, fully parenthesised where precedence needs it.
std::string to_string(const Expr& expr);

std::string_view to_string(BinaryOp op);

// Calls `visit` on `expr` and every sub-expression, parents first.
template <typename Visitor>
void for_each_node(const Expr& expr, Visitor&& visit) {
  visit(expr);
  for (const Expr& operand : expr.operands) for_each_node(operand, visit);
}

}  // namespace riskcast

namespace riskcast {

// The value of a formula built only from numbers, arithmetic and math
// functions (no names but `true` / `false`); nullopt otherwise.
std::optional<double> constant_value(const Expr& expr);

// The operation (builtins.hpp) an operator stands for.
OpCode opcode_for(BinaryOp op);
OpCode opcode_for(UnaryOp op);

// Operators and functions applied to numbers by the kernels of builtins.hpp,
// exactly as the evaluator applies them; apply_math_function is nullopt for
// a name that is not a function or the wrong number of arguments, and chains
// min and max over two or more arguments left to right.
double apply_binary(BinaryOp op, double a, double b);
double apply_unary(UnaryOp op, double a);
std::optional<double> apply_math_function(std::string_view name, const std::vector<double>& args);

}  // namespace riskcast
