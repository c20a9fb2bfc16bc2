#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "riskcast/expr.hpp"

namespace riskcast {

OpCode opcode_for(BinaryOp op) {
  // Each operator's symbol is its spelling in the table of operations.
  static const auto table = [] {
    std::array<OpCode, static_cast<std::size_t>(BinaryOp::Or) + 1> t{};
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::string_view symbol = to_string(static_cast<BinaryOp>(i));
      const auto* o = std::find_if(std::begin(kOperations), std::end(kOperations),
                                   [&](const Operation& x) { return x.operands == 2 && x.symbol == symbol; });
      if (o == std::end(kOperations)) throw std::logic_error("operator without an operation");
      t[i] = o->op;
    }
    return t;
  }();
  return table[static_cast<std::size_t>(op)];
}

OpCode opcode_for(UnaryOp op) {
  return op == UnaryOp::Negate ? OpCode::Negate : OpCode::Not;
}

// Out of line: constant_value, which calls these, recurses once per level of
// a formula's tree and should keep a small frame.
[[gnu::noinline]] double apply_binary(BinaryOp op, double a, double b) {
  return apply_operation(opcode_for(op), a, b);
}

[[gnu::noinline]] double apply_unary(UnaryOp op, double a) {
  return apply_operation(opcode_for(op), a);
}

std::optional<double> apply_math_function(std::string_view name, const std::vector<double>& args) {
  const Operation* f = function_named(name);
  if (!f || args.size() < f->min_arguments || args.size() > f->max_arguments) return std::nullopt;
  if (f->operands == 2 && args.size() > 2) {  // min(a, b, c, …) chains the binary kernel
    double r = args[0];
    for (std::size_t i = 1; i < args.size(); ++i) r = apply_operation(f->op, r, args[i]);
    return r;
  }
  return apply_operation(f->op, args[0], args.size() > 1 ? args[1] : 0.0, args.size() > 2 ? args[2] : 0.0);
}

namespace {
// A call's value; apart from constant_value, whose frame (one per level of
// the tree, up to kMaxExpressionHeight) it would otherwise enlarge.
[[gnu::noinline]] std::optional<double> constant_call(const Expr& e) {
  std::vector<double> args;
  for (const Expr& operand : e.operands) {
    auto v = constant_value(operand);
    if (!v) return std::nullopt;
    args.push_back(*v);
  }
  return apply_math_function(e.name, args);
}
}  // namespace

// Never inlined, into itself either: one small frame per level of the tree.
[[gnu::noinline]] std::optional<double> constant_value(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Number:
      return e.number;
    case ExprKind::Name:
      if (e.name == "true") return 1.0;
      if (e.name == "false") return 0.0;
      return std::nullopt;
    case ExprKind::List:
    case ExprKind::Pick:
    case ExprKind::Reduction:
      return std::nullopt;
    case ExprKind::Unary: {
      auto a = constant_value(e.operands[0]);
      if (!a) return std::nullopt;
      return apply_unary(e.unary, *a);
    }
    case ExprKind::Binary: {
      auto a = constant_value(e.operands[0]);
      auto b = constant_value(e.operands[1]);
      if (!a || !b) return std::nullopt;
      return apply_binary(e.binary, *a, *b);
    }
    case ExprKind::Conditional: {
      auto c = constant_value(e.operands[0]);
      auto a = constant_value(e.operands[1]);
      auto b = constant_value(e.operands[2]);
      if (!c || !a || !b) return std::nullopt;
      return *c != 0.0 ? *a : *b;
    }
    case ExprKind::Call:
      return constant_call(e);
  }
  return std::nullopt;
}

}  // namespace riskcast
