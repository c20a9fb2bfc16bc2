#include <cmath>

#include "riskcast/expr.hpp"

namespace riskcast {

double apply_binary(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::Add:
      return a + b;
    case BinaryOp::Sub:
      return a - b;
    case BinaryOp::Mul:
      return a * b;
    case BinaryOp::Div:
      return a / b;
    case BinaryOp::Pow:
      return std::pow(a, b);
    case BinaryOp::Less:
      return a < b ? 1.0 : 0.0;
    case BinaryOp::LessEqual:
      return a <= b ? 1.0 : 0.0;
    case BinaryOp::Greater:
      return a > b ? 1.0 : 0.0;
    case BinaryOp::GreaterEqual:
      return a >= b ? 1.0 : 0.0;
    case BinaryOp::Equal:
      return a == b ? 1.0 : 0.0;
    case BinaryOp::NotEqual:
      return a != b ? 1.0 : 0.0;
    case BinaryOp::And:
      return (a != 0.0 && b != 0.0) ? 1.0 : 0.0;
    case BinaryOp::Or:
      return (a != 0.0 || b != 0.0) ? 1.0 : 0.0;
  }
  return 0.0;
}

double apply_unary(UnaryOp op, double a) {
  return op == UnaryOp::Negate ? -a : (a == 0.0 ? 1.0 : 0.0);
}

std::optional<double> apply_math_function(std::string_view name, const std::vector<double>& args) {
  const std::size_t n = args.size();
  if ((name == "min" || name == "max") && n >= 2) {
    double r = args[0];
    for (std::size_t i = 1; i < n; ++i) r = name == "min" ? min_value(r, args[i]) : max_value(r, args[i]);
    return r;
  }
  if (n == 1) {
    if (name == "abs") return std::fabs(args[0]);
    if (name == "exp") return std::exp(args[0]);
    if (name == "log") return std::log(args[0]);
    if (name == "sqrt") return std::sqrt(args[0]);
  }
  if (n == 2) {
    if (name == "pow") return std::pow(args[0], args[1]);
    if (name == "ratio") return args[1] == 0.0 ? 0.0 : args[0] / args[1];
  }
  if (n == 3 && name == "clamp") return min_value(max_value(args[0], args[1]), args[2]);
  return std::nullopt;
}

std::optional<double> constant_value(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Number:
      return e.number;
    case ExprKind::Name:
      if (e.name == "true") return 1.0;
      if (e.name == "false") return 0.0;
      return std::nullopt;
    case ExprKind::List:
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
    case ExprKind::Call: {
      std::vector<double> args;
      for (const Expr& operand : e.operands) {
        auto v = constant_value(operand);
        if (!v) return std::nullopt;
        args.push_back(*v);
      }
      return apply_math_function(e.name, args);
    }
  }
  return std::nullopt;
}

}  // namespace riskcast
