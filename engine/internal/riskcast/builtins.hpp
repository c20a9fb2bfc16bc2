// The language's operations in one table: every operator and function a
// formula can use, with its spelling, its arguments and its scalar kernel.
//
// The parser's keywords, the resolver's arity checks and reserved words,
// constant folding, the compiler's instruction set, the disassembler, the
// block runner's loops and the reference evaluator in the tests all read this
// one list. Folding and running therefore share one kernel per operation, and
// a new function is added here and nowhere else.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

namespace riskcast {

// min and max of two values that propagate NaN (std::fmin would hide it,
// and a NaN must reach the output check). Branch-free, so loops vectorise.
// Not commutative on signed zeros: of two equal values the second is
// returned, so min(-0, 0) is 0 and min(0, -0) is -0.
inline double min_value(double a, double b) {
  return a < b ? a : (b <= a ? b : a + b);
}
inline double max_value(double a, double b) {
  return a > b ? a : (b >= a ? b : a + b);
}

// c ? a : b by a bitwise blend of the two values rather than a branch, so a
// loop of them vectorises; the chosen value's bits pass through unchanged.
inline double select_value(double c, double a, double b) {
  std::uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  const std::uint64_t mask = c != 0.0 ? ~std::uint64_t{0} : 0;
  const std::uint64_t z = (x & mask) | (y & ~mask);
  double d;
  std::memcpy(&d, &z, sizeof d);
  return d;
}

// X(Name, mnemonic, operator symbol, function name, operands, min arguments,
//   max arguments, commutative, kernel)
//
//  * Name: the OpCode; mnemonic: its name in `check --dump-program`.
//  * operator symbol: how the parser spells it as an operator ("" if none;
//    "?:" is the conditional); function name: how a formula calls it ("" if
//    it is not a function). `^` and pow() are the same operation.
//  * operands: of one instruction (1 to 3), read as a, b, c by the kernel;
//    min/max arguments: of a call (min(a, b, c, …) chains the binary kernel).
//  * commutative: swapping a and b never changes a result's bits, so the
//    compiler may order them to find common subexpressions. min and max are
//    not, on signed zeros; + and * are (IEEE addition and multiplication are
//    commutative bit for bit, NaN payloads aside, and a NaN stops the run).
//  * kernel: one IEEE operation or one libm call, so every SIMD clone of a
//    loop over it, and folding at compile time, give the same bits.
#define RISKCAST_OPERATIONS(X)                                                \
  X(Copy, "copy", "", "", 1, 0, 0, false, a)                                  \
  X(Negate, "neg", "-", "", 1, 0, 0, false, -a)                               \
  X(Not, "not", "not", "", 1, 0, 0, false, a == 0.0 ? 1.0 : 0.0)              \
  X(Add, "add", "+", "", 2, 0, 0, true, a + b)                                \
  X(Sub, "sub", "-", "", 2, 0, 0, false, a - b)                               \
  X(Mul, "mul", "*", "", 2, 0, 0, true, a* b)                                 \
  X(Div, "div", "/", "", 2, 0, 0, false, a / b)                               \
  X(Pow, "pow", "^", "pow", 2, 2, 2, false, std::pow(a, b))                   \
  X(Less, "lt", "<", "", 2, 0, 0, false, a < b ? 1.0 : 0.0)                   \
  X(LessEqual, "le", "<=", "", 2, 0, 0, false, a <= b ? 1.0 : 0.0)            \
  X(Greater, "gt", ">", "", 2, 0, 0, false, a > b ? 1.0 : 0.0)                \
  X(GreaterEqual, "ge", ">=", "", 2, 0, 0, false, a >= b ? 1.0 : 0.0)         \
  X(Equal, "eq", "==", "", 2, 0, 0, true, a == b ? 1.0 : 0.0)                 \
  X(NotEqual, "ne", "!=", "", 2, 0, 0, true, a != b ? 1.0 : 0.0)              \
  X(And, "and", "and", "", 2, 0, 0, true, (a != 0.0 && b != 0.0) ? 1.0 : 0.0) \
  X(Or, "or", "or", "", 2, 0, 0, true, (a != 0.0 || b != 0.0) ? 1.0 : 0.0)    \
  X(Select, "select", "?:", "", 3, 0, 0, false, select_value(a, b, c))        \
  X(Min, "min", "", "min", 2, 2, kMaxCallArguments, false, min_value(a, b))   \
  X(Max, "max", "", "max", 2, 2, kMaxCallArguments, false, max_value(a, b))   \
  X(Abs, "abs", "", "abs", 1, 1, 1, false, std::fabs(a))                      \
  X(Exp, "exp", "", "exp", 1, 1, 1, false, std::exp(a))                       \
  X(Log, "log", "", "log", 1, 1, 1, false, std::log(a))                       \
  X(Sqrt, "sqrt", "", "sqrt", 1, 1, 1, false, std::sqrt(a))                   \
  X(Ratio, "ratio", "", "ratio", 2, 2, 2, false, b == 0.0 ? 0.0 : a / b)      \
  X(Clamp, "clamp", "", "clamp", 3, 3, 3, false, min_value(max_value(a, b), c))

// Most arguments min(…) and max(…) take.
inline constexpr std::size_t kMaxCallArguments = 64;

enum class OpCode : std::uint8_t {
#define RISKCAST_OPCODE(name, ...) name,
  RISKCAST_OPERATIONS(RISKCAST_OPCODE)
#undef RISKCAST_OPCODE
};

struct Operation {
  OpCode op;
  std::string_view mnemonic;
  std::string_view symbol;                   // as an operator, or ""
  std::string_view function;                 // as a function, or ""
  std::uint8_t operands;                     // of one instruction: 1, 2 or 3
  std::size_t min_arguments, max_arguments;  // of a call, if a function
  bool commutative;
};

inline constexpr Operation kOperations[] = {
#define RISKCAST_OPERATION(name, mnemonic, symbol, function, operands, min_args, max_args, commutative, kernel) \
  {OpCode::name, mnemonic, symbol, function, operands, min_args, max_args, commutative},
    RISKCAST_OPERATIONS(RISKCAST_OPERATION)
#undef RISKCAST_OPERATION
};

inline constexpr const Operation& operation(OpCode op) {
  return kOperations[static_cast<std::size_t>(op)];
}

// The operation a formula calls by this name (abs, min, pow, …); nullptr if
// none. min and max with one argument are aggregates (special_forms below).
const Operation* function_named(std::string_view name);

// The kernel of each operation, inlined where it is used: kernel<OpCode::Add>(a, b, c).
// Operands an operation does not have are ignored.
template <OpCode Op>
inline double kernel([[maybe_unused]] double a, [[maybe_unused]] double b, [[maybe_unused]] double c) {
#define RISKCAST_KERNEL(name, mnemonic, symbol, function, operands, min_args, max_args, commutative, expression) \
  if constexpr (Op == OpCode::name) return expression;
  RISKCAST_OPERATIONS(RISKCAST_KERNEL)
#undef RISKCAST_KERNEL
}

// The same kernels chosen at run time, for constant folding and the
// reference evaluator; operands the operation does not have are ignored.
double apply_operation(OpCode op, double a, double b = 0.0, double c = 0.0);

// Forms a formula writes like calls that are not operations on values: they
// read a series over months (aggregates) or the previous month (prev).
struct SpecialForm {
  std::string_view name;
  std::string_view role;  // what the word is, for messages: "an aggregate"
  std::string_view usage;
};
inline constexpr SpecialForm kSpecialForms[] = {
    {"prev", "a function", "prev(x, initial): x of the previous month; `initial` before month 1"},
    {"sum", "an aggregate", "sum(x) or sum(x, from, to): the series summed over months"},
    {"mean", "an aggregate", "mean(x) or mean(x, from, to): the series' mean over months"},
    {"last", "an aggregate", "last(x): the series in the last month"},
    {"min", "an aggregate", "min(x): the series' smallest month (min(a, b, …) of two or more values is a function)"},
    {"max", "an aggregate", "max(x): the series' largest month (max(a, b, …) of two or more values is a function)"},
};

// Whether a call of `name` with this many arguments is an aggregate over
// months (sum, mean, last; min and max with one argument).
bool is_aggregate(std::string_view name, std::size_t arguments);

// Words a formula gives a meaning of their own, so no entry, state or other
// name a formula can see may be spelt like them: the keyword operators, the
// constants `true` and `false`, `month`, every function and special form.
// Returns what the word is ("an operator", "a function", "the current
// month", …), or nullopt for a free name. Distribution names are not
// reserved: a formula cannot call a distribution.
std::optional<std::string_view> reserved_word_meaning(std::string_view name);

}  // namespace riskcast
