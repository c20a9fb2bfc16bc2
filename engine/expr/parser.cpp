// Recursive-descent parser for formulas. Precedence, lowest first:
//   c ? a : b   (right-assoc)
//   or
//   and
//   not
//   == != < <= > >=   (non-associative)
//   + -
//   * /
//   unary -
//   ^           (right-assoc, binds tighter than unary minus: -x^2 = -(x^2))
//   numbers, names, calls f(a, b), lists [a, b], ( … ), element picks
//   x[e1, e2], reductions sum(a over index)
#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include "riskcast/expr.hpp"

namespace riskcast {

Expr Expr::make_number(double value, SourcePos pos) {
  Expr e;
  e.kind = ExprKind::Number;
  e.number = value;
  e.pos = pos;
  return e;
}

namespace {

enum class Tok : std::uint8_t {
  End,
  Number,
  Name,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Question,
  Colon,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  EqualEqual,
  NotEqual,
  And,
  Or,
  Not,
  Error,
};

struct Token {
  Tok tok = Tok::End;
  std::size_t offset = 0;
  std::string_view text;
  double number = 0.0;
};

// Nesting depth and tree height. `depth` counts the constructs (parentheses,
// calls, unary operators, `^`, `?:`) around the point being parsed and
// guards the parser's own recursion, within kMaxExpressionDepth; `height_` is
// the height of the tree just parsed, which also grows along left-associative
// chains (a + b + c + …) that the parser builds in a loop, within
// kMaxExpressionHeight, so every later recursive walk of the tree
// (resolution, folding, compiling, destruction) is bounded.
class Parser {
 public:
  Parser(std::string_view text, const OffsetToPosition& position_of, Diagnostics& diagnostics)
      : text_(text), position_of_(position_of), diagnostics_(diagnostics) {
    advance();
  }

  std::optional<Expr> parse_all() {
    if (current_.tok == Tok::End) {
      fail(current_.offset, "empty formula");
      return std::nullopt;
    }
    std::optional<Expr> e = parse_conditional(0);
    if (!e || failed_) return std::nullopt;
    if (current_.tok != Tok::End) {
      fail(current_.offset,
           fmt::format("unexpected `{}` after the end of the formula", quote_for_message(current_.text)),
           construct_hint());
      return std::nullopt;
    }
    return e;
  }

  // Hints that name the construct meant when a formula is written as in a
  // spreadsheet or another language.
  static bool is_word(std::string_view text, std::string_view word) {
    return text.size() == word.size() && std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  }

  // At the token that stopped the parse: `if … then … else …`, or `x[…]`.
  std::string construct_hint() const {
    const auto if_then = [&](const Token& t) {
      return t.tok == Tok::Name && (is_word(t.text, "if") || is_word(t.text, "then") || is_word(t.text, "else"));
    };
    if (if_then(current_) || if_then(previous_) || is_word(first_word(), "if"))
      return "a condition is written `c ? a : b`: `if c then a else b` is `c ? a : b`";
    if (current_.tok == Tok::LBracket && previous_.tok == Tok::Name) {
      const std::size_t close = text_.find(']', current_.offset);
      const std::string_view inside = text_.substr(
          current_.offset + 1, close == std::string_view::npos ? std::string_view::npos : close - current_.offset - 1);
      if (inside.find("month") == std::string_view::npos)  // x[1], x[]: a pick meant
        return fmt::format(
            "brackets pick an element of an entry over an index by the element's name, `{0}[huawei]`; not by "
            "position or by a formula",
            quote_for_message(previous_.text));
      return fmt::format(
          "a series has no index: last month's `{0}` is `prev({0}, initial)`, and a formula cannot read later "
          "months (no look-ahead)",
          quote_for_message(previous_.text));
    }
    return {};
  }

  std::string_view first_word() const {
    std::size_t i = 0;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
    std::size_t j = i;
    while (j < text_.size() && name_char(text_[j])) ++j;
    return text_.substr(i, j - i);
  }

  // `15%`: shares are fractions.
  std::string percent_hint() const {
    if (previous_.tok == Tok::Number)
      return fmt::format("write a percentage as a fraction: `{}%` is `{}`", previous_.text, previous_.number / 100.0);
    return "write a percentage as a fraction: `15%` is `0.15`";
  }

 private:
  SourcePos pos_at(std::size_t offset) const { return position_of_(offset); }

  void fail(std::size_t offset, std::string message, std::string hint = {}) {
    if (!failed_) diagnostics_.error(pos_at(offset), std::move(message), std::move(hint));
    failed_ = true;
  }

  static bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  void advance() {
    previous_ = current_;
    std::size_t i = pos_;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
    current_ = Token{};
    current_.offset = i;
    if (i >= text_.size()) {
      current_.tok = Tok::End;
      pos_ = i;
      return;
    }
    const char c = text_[i];
    auto single = [&](Tok t, std::size_t len = 1) {
      current_.tok = t;
      current_.text = text_.substr(i, len);
      pos_ = i + len;
    };
    auto next_is = [&](char n) { return i + 1 < text_.size() && text_[i + 1] == n; };
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
      std::size_t j = i;
      while (j < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[j])) || text_[j] == '.')) ++j;
      if (j < text_.size() && (text_[j] == 'e' || text_[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < text_.size() && (text_[k] == '+' || text_[k] == '-')) ++k;
        if (k < text_.size() && std::isdigit(static_cast<unsigned char>(text_[k]))) {
          while (k < text_.size() && std::isdigit(static_cast<unsigned char>(text_[k]))) ++k;
          j = k;
        }
      }
      current_.text = text_.substr(i, j - i);
      pos_ = j;
      if (j < text_.size() && name_start(text_[j])) {
        current_.tok = Tok::Error;
        fail(i, fmt::format("malformed number `{}`", quote_for_message(text_.substr(i, j - i + 1))));
        return;
      }
      std::string digits(current_.text);
      if (std::count(digits.begin(), digits.end(), '.') > 1) {
        current_.tok = Tok::Error;
        fail(i, fmt::format("malformed number `{}`", quote_for_message(digits)));
        return;
      }
      errno = 0;
      char* end = nullptr;
      double value = std::strtod(digits.c_str(), &end);
      if (end != digits.c_str() + digits.size()) {
        current_.tok = Tok::Error;
        fail(i, fmt::format("malformed number `{}`", quote_for_message(digits)));
        return;
      }
      if (errno == ERANGE && std::isinf(value)) {
        current_.tok = Tok::Error;
        fail(i, fmt::format("number `{}` is out of range", quote_for_message(digits)));
        return;
      }
      current_.tok = Tok::Number;
      current_.number = value;
      return;
    }
    if (name_start(c)) {
      std::size_t j = i;
      while (j < text_.size() && name_char(text_[j])) ++j;
      current_.text = text_.substr(i, j - i);
      pos_ = j;
      if (current_.text == "and")
        current_.tok = Tok::And;
      else if (current_.text == "or")
        current_.tok = Tok::Or;
      else if (current_.text == "not")
        current_.tok = Tok::Not;
      else
        current_.tok = Tok::Name;
      return;
    }
    switch (c) {
      case '(':
        return single(Tok::LParen);
      case ')':
        return single(Tok::RParen);
      case '[':
        return single(Tok::LBracket);
      case ']':
        return single(Tok::RBracket);
      case ',':
        return single(Tok::Comma);
      case '?':
        return single(Tok::Question);
      case ':':
        return single(Tok::Colon);
      case '+':
        return single(Tok::Plus);
      case '-':
        return single(Tok::Minus);
      case '*':
        if (next_is('*')) return single(Tok::Caret, 2);
        return single(Tok::Star);
      case '/':
        return single(Tok::Slash);
      case '^':
        return single(Tok::Caret);
      case '<':
        return next_is('=') ? single(Tok::LessEqual, 2) : single(Tok::Less);
      case '>':
        return next_is('=') ? single(Tok::GreaterEqual, 2) : single(Tok::Greater);
      case '=':
        if (next_is('=')) return single(Tok::EqualEqual, 2);
        current_.tok = Tok::Error;
        fail(i, "unexpected `=`", "use `==` to compare");
        return;
      case '!':
        if (next_is('=')) return single(Tok::NotEqual, 2);
        current_.tok = Tok::Error;
        fail(i, "unexpected `!`", "use `not`");
        return;
      case '&':
        current_.tok = Tok::Error;
        fail(i, "unexpected `&`", "use `and`");
        return;
      case '|':
        current_.tok = Tok::Error;
        fail(i, "unexpected `|`", "use `or`");
        return;
      case '%':
        current_.tok = Tok::Error;
        fail(i, "unexpected `%`", percent_hint());
        return;
      default: {
        current_.tok = Tok::Error;
        unsigned char uc = static_cast<unsigned char>(c);
        fail(i, uc < 0x20 || uc >= 0x7f ? fmt::format("unexpected byte 0x{:02x} in formula", uc)
                                        : fmt::format("unexpected character `{}`", c));
        return;
      }
    }
  }

  bool expect(Tok t, std::string_view what) {
    if (current_.tok == t) {
      advance();
      return true;
    }
    if (current_.tok == Tok::End) {
      fail(current_.offset, fmt::format("expected {} but the formula ended", what));
    } else {
      fail(current_.offset, fmt::format("expected {} but found `{}`", what, quote_for_message(current_.text)),
           construct_hint());
    }
    return false;
  }

  void too_deep(std::size_t offset) {
    fail(offset, fmt::format("formula is nested too deeply (more than {} levels of parentheses, calls, lists and "
                             "operators inside one another)",
                             kMaxExpressionDepth));
  }

  bool enter(int depth) {
    if (depth > kMaxExpressionDepth) {
      too_deep(current_.offset);
      return false;
    }
    return !failed_;
  }

  // Records the height of the expression about to be returned.
  bool set_height(int height, std::size_t offset) {
    height_ = height;
    if (height > kMaxExpressionHeight) {
      fail(offset,
           fmt::format("formula is too long: more than {} operations one after another (a + b + … counts one per "
                       "operator)",
                       kMaxExpressionHeight),
           "split it into monthly formulas, each summing a part");
      return false;
    }
    return true;
  }

  Expr binary(BinaryOp op, Expr lhs, Expr rhs, std::size_t offset) {
    Expr e;
    e.kind = ExprKind::Binary;
    e.binary = op;
    e.pos = pos_at(offset);
    e.operands.push_back(std::move(lhs));
    e.operands.push_back(std::move(rhs));
    return e;
  }

  std::optional<Expr> parse_conditional(int depth) {
    if (!enter(depth)) return std::nullopt;
    std::optional<Expr> cond = parse_or(depth);
    if (!cond || current_.tok != Tok::Question) return cond;
    int height = height_;
    std::size_t offset = current_.offset;
    advance();
    std::optional<Expr> then = parse_conditional(depth + 1);
    if (!then) return std::nullopt;
    height = std::max(height, height_);
    if (!expect(Tok::Colon, "`:` of `c ? a : b`")) return std::nullopt;
    std::optional<Expr> otherwise = parse_conditional(depth + 1);
    if (!otherwise) return std::nullopt;
    if (!set_height(1 + std::max(height, height_), offset)) return std::nullopt;
    Expr e;
    e.kind = ExprKind::Conditional;
    e.pos = pos_at(offset);
    e.operands.push_back(std::move(*cond));
    e.operands.push_back(std::move(*then));
    e.operands.push_back(std::move(*otherwise));
    return e;
  }

  // One left-associative level: operand (op operand)*.
  template <typename Operand, typename OperatorOf>
  std::optional<Expr> parse_chain(int depth, Operand operand, OperatorOf operator_of) {
    if (!enter(depth)) return std::nullopt;
    std::optional<Expr> lhs = (this->*operand)(depth);
    if (!lhs) return std::nullopt;
    int height = height_;
    while (std::optional<BinaryOp> op = operator_of(current_.tok)) {
      std::size_t offset = current_.offset;
      advance();
      std::optional<Expr> rhs = (this->*operand)(depth + 1);
      if (!rhs) return std::nullopt;
      if (!set_height(1 + std::max(height, height_), offset)) return std::nullopt;
      height = height_;
      lhs = binary(*op, std::move(*lhs), std::move(*rhs), offset);
    }
    height_ = height;
    return lhs;
  }

  std::optional<Expr> parse_or(int depth) {
    return parse_chain(depth, &Parser::parse_and,
                       [](Tok t) { return t == Tok::Or ? std::optional<BinaryOp>(BinaryOp::Or) : std::nullopt; });
  }

  std::optional<Expr> parse_and(int depth) {
    return parse_chain(depth, &Parser::parse_not,
                       [](Tok t) { return t == Tok::And ? std::optional<BinaryOp>(BinaryOp::And) : std::nullopt; });
  }

  std::optional<Expr> parse_not(int depth) {
    if (!enter(depth)) return std::nullopt;
    if (current_.tok != Tok::Not) return parse_comparison(depth);
    std::size_t offset = current_.offset;
    advance();
    std::optional<Expr> operand = parse_not(depth + 1);
    if (!operand || !set_height(1 + height_, offset)) return std::nullopt;
    Expr e;
    e.kind = ExprKind::Unary;
    e.unary = UnaryOp::Not;
    e.pos = pos_at(offset);
    e.operands.push_back(std::move(*operand));
    return e;
  }

  static std::optional<BinaryOp> comparison_op(Tok t) {
    switch (t) {
      case Tok::Less:
        return BinaryOp::Less;
      case Tok::LessEqual:
        return BinaryOp::LessEqual;
      case Tok::Greater:
        return BinaryOp::Greater;
      case Tok::GreaterEqual:
        return BinaryOp::GreaterEqual;
      case Tok::EqualEqual:
        return BinaryOp::Equal;
      case Tok::NotEqual:
        return BinaryOp::NotEqual;
      default:
        return std::nullopt;
    }
  }

  std::optional<Expr> parse_comparison(int depth) {
    if (!enter(depth)) return std::nullopt;
    std::optional<Expr> lhs = parse_additive(depth);
    if (!lhs) return std::nullopt;
    std::optional<BinaryOp> op = comparison_op(current_.tok);
    if (!op) return lhs;
    int height = height_;
    std::size_t offset = current_.offset;
    advance();
    std::optional<Expr> rhs = parse_additive(depth + 1);
    if (!rhs) return std::nullopt;
    if (comparison_op(current_.tok)) {
      fail(current_.offset, "comparisons cannot be chained", "write `a < b and b < c`");
      return std::nullopt;
    }
    if (!set_height(1 + std::max(height, height_), offset)) return std::nullopt;
    return binary(*op, std::move(*lhs), std::move(*rhs), offset);
  }

  std::optional<Expr> parse_additive(int depth) {
    return parse_chain(depth, &Parser::parse_multiplicative, [](Tok t) -> std::optional<BinaryOp> {
      if (t == Tok::Plus) return BinaryOp::Add;
      if (t == Tok::Minus) return BinaryOp::Sub;
      return std::nullopt;
    });
  }

  std::optional<Expr> parse_multiplicative(int depth) {
    return parse_chain(depth, &Parser::parse_unary, [](Tok t) -> std::optional<BinaryOp> {
      if (t == Tok::Star) return BinaryOp::Mul;
      if (t == Tok::Slash) return BinaryOp::Div;
      return std::nullopt;
    });
  }

  std::optional<Expr> parse_unary(int depth) {
    if (!enter(depth)) return std::nullopt;
    if (current_.tok == Tok::Plus) {
      std::size_t offset = current_.offset;
      advance();
      // No node, but a level all the same: `+ + + … x` must not recurse unbounded.
      std::optional<Expr> operand = parse_unary(depth + 1);
      if (!operand || !set_height(1 + height_, offset)) return std::nullopt;
      return operand;
    }
    if (current_.tok != Tok::Minus) return parse_power(depth);
    std::size_t offset = current_.offset;
    advance();
    std::optional<Expr> operand = parse_unary(depth + 1);
    if (!operand || !set_height(1 + height_, offset)) return std::nullopt;
    if (operand->kind == ExprKind::Number) {
      operand->number = -operand->number;
      operand->pos = pos_at(offset);
      return operand;
    }
    Expr e;
    e.kind = ExprKind::Unary;
    e.unary = UnaryOp::Negate;
    e.pos = pos_at(offset);
    e.operands.push_back(std::move(*operand));
    return e;
  }

  std::optional<Expr> parse_power(int depth) {
    if (!enter(depth)) return std::nullopt;
    std::optional<Expr> base = parse_primary(depth);
    if (!base || current_.tok != Tok::Caret) return base;
    int height = height_;
    std::size_t offset = current_.offset;
    advance();
    // The exponent may carry its own sign: 2 ^ -1.
    std::optional<Expr> exponent = parse_unary(depth + 1);
    if (!exponent || !set_height(1 + std::max(height, height_), offset)) return std::nullopt;
    return binary(BinaryOp::Pow, std::move(*base), std::move(*exponent), offset);
  }

  // Whether the brackets that start at the current `[` hold only names
  // separated by commas: an element pick, x[huawei] or x[huawei, h200].
  bool brackets_hold_names() const {
    std::size_t i = pos_;
    auto blanks = [&] {
      while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
    };
    while (true) {
      blanks();
      if (i >= text_.size() || !name_start(text_[i])) return false;
      while (i < text_.size() && name_char(text_[i])) ++i;
      blanks();
      if (i < text_.size() && text_[i] == ']') return true;
      if (i >= text_.size() || text_[i] != ',') return false;
      ++i;
    }
  }

  // `over INDEX` after the first argument of sum, mean, min or max: the
  // call reduces an index. Returns false on a syntax error.
  bool parse_over(Expr& call) {
    const Token over = current_;
    if (call.operands.size() != 1 || !is_index_reduction(call.name)) {
      fail(over.offset, "`over` reduces an index only as the first argument of sum, mean, min or max",
           "write sum(x over index), mean(x over index), min(x over index) or max(x over index)");
      return false;
    }
    advance();
    if (current_.tok != Tok::Name) {
      fail(current_.offset, "expected the name of an index after `over`");
      return false;
    }
    Expr index;
    index.kind = ExprKind::Name;
    index.name = std::string(current_.text);
    index.pos = pos_at(current_.offset);
    call.operands.push_back(std::move(index));
    call.kind = ExprKind::Reduction;
    advance();
    return current_.tok == Tok::RParen || expect(Tok::RParen, "`)` after the index of a reduction");
  }

  static bool is_index_reduction(std::string_view f) { return f == "sum" || f == "mean" || f == "min" || f == "max"; }

  bool parse_arguments(Expr& into, Tok close, std::string_view close_text, int depth, std::size_t offset) {
    advance();  // the opening bracket
    int height = 0;
    if (current_.tok != close) {
      while (true) {
        std::optional<Expr> arg = parse_conditional(depth + 1);
        if (!arg) return false;
        height = std::max(height, height_);
        into.operands.push_back(std::move(*arg));
        if (close == Tok::RParen && current_.tok == Tok::Name && current_.text == "over") {
          if (!parse_over(into)) return false;
          advance();
          break;
        }
        if (current_.tok == Tok::Comma) {
          advance();
          continue;
        }
        if (!expect(close, fmt::format("`,` or `{}`", close_text))) return false;
        break;
      }
    } else {
      advance();
    }
    return set_height(1 + height, offset);
  }

  std::optional<Expr> parse_primary(int depth) {
    if (!enter(depth)) return std::nullopt;
    const Token t = current_;
    switch (t.tok) {
      case Tok::Number:
        advance();
        height_ = 0;
        return Expr::make_number(t.number, pos_at(t.offset));
      case Tok::Name: {
        advance();
        Expr e;
        e.pos = pos_at(t.offset);
        e.name = std::string(t.text);
        height_ = 0;
        if (current_.tok == Tok::LParen) {
          e.kind = ExprKind::Call;
          if (!parse_arguments(e, Tok::RParen, ")", depth, t.offset)) return std::nullopt;
        } else if (current_.tok == Tok::LBracket && brackets_hold_names()) {
          // Anything else in brackets (x[month + 1]) stays a syntax error with its hint.
          e.kind = ExprKind::Pick;
          if (!parse_arguments(e, Tok::RBracket, "]", depth, t.offset)) return std::nullopt;
        } else {
          e.kind = ExprKind::Name;
        }
        return e;
      }
      case Tok::LParen: {
        advance();
        std::optional<Expr> inner = parse_conditional(depth + 1);
        if (!inner || !set_height(1 + height_, t.offset)) return std::nullopt;
        if (!expect(Tok::RParen, "`)`")) return std::nullopt;
        return inner;
      }
      case Tok::LBracket: {
        Expr e;
        e.kind = ExprKind::List;
        e.pos = pos_at(t.offset);
        if (!parse_arguments(e, Tok::RBracket, "]", depth, t.offset)) return std::nullopt;
        return e;
      }
      case Tok::End:
        fail(t.offset, "expected a value but the formula ended");
        return std::nullopt;
      case Tok::Error:
        return std::nullopt;
      default:
        fail(t.offset, fmt::format("expected a value but found `{}`", quote_for_message(t.text)));
        return std::nullopt;
    }
  }

  std::string_view text_;
  const OffsetToPosition& position_of_;
  Diagnostics& diagnostics_;
  std::size_t pos_ = 0;
  Token current_;
  Token previous_;  // the token before current_
  int height_ = 0;
  bool failed_ = false;
};

}  // namespace

std::optional<Expr> parse_expression(std::string_view text, const OffsetToPosition& position_of,
                                     Diagnostics& diagnostics) {
  Parser parser(text, position_of, diagnostics);
  return parser.parse_all();
}

std::optional<Expr> parse_expression(std::string_view text, SourcePos start, Diagnostics& diagnostics) {
  // Offsets of the line breaks in `text`: a formula spanning several lines
  // maps each of its lines onto the next line of the file.
  std::vector<std::size_t> breaks;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') breaks.push_back(i);
  const OffsetToPosition position_of = [&](std::size_t offset) {
    const auto line = static_cast<std::size_t>(std::lower_bound(breaks.begin(), breaks.end(), offset) - breaks.begin());
    SourcePos p = start;
    p.line += static_cast<std::uint32_t>(line);
    p.column = line == 0 ? start.column + static_cast<std::uint32_t>(offset)
                         : static_cast<std::uint32_t>(offset - breaks[line - 1]);
    return p;
  };
  return parse_expression(text, position_of, diagnostics);
}

std::string_view to_string(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
      return "+";
    case BinaryOp::Sub:
      return "-";
    case BinaryOp::Mul:
      return "*";
    case BinaryOp::Div:
      return "/";
    case BinaryOp::Pow:
      return "^";
    case BinaryOp::Less:
      return "<";
    case BinaryOp::LessEqual:
      return "<=";
    case BinaryOp::Greater:
      return ">";
    case BinaryOp::GreaterEqual:
      return ">=";
    case BinaryOp::Equal:
      return "==";
    case BinaryOp::NotEqual:
      return "!=";
    case BinaryOp::And:
      return "and";
    case BinaryOp::Or:
      return "or";
  }
  return "?";
}

namespace {

// Operand `i` of a binary operation as text. Each operation prints inside its
// own parentheses, but a prefix operator prints without: the operand needs
// them where the operator, read again, would take in more than the operand.
// `not` binds looser than everything but `and` and `or` (`not a + 1` is
// not (a + 1)), and a minus binds looser than `^` (`-2 ^ 2` is -(2 ^ 2)).
bool operand_needs_parentheses(const Expr& e, std::size_t i) {
  const Expr& operand = e.operands[i];
  const bool negated = (operand.kind == ExprKind::Unary && operand.unary == UnaryOp::Negate) ||
                       (operand.kind == ExprKind::Number && std::signbit(operand.number));
  return (operand.kind == ExprKind::Unary && operand.unary == UnaryOp::Not && e.binary != BinaryOp::And &&
          e.binary != BinaryOp::Or) ||
         (e.binary == BinaryOp::Pow && i == 0 && negated);
}

// Kept out of append_text, whose frame is on the stack once per level of the
// tree (up to kMaxExpressionHeight).
[[gnu::noinline]] void append_number(std::string& out, double v) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

// The text of `e` appended to `out`: no temporary strings, so each level of
// recursion costs a small frame, and a long chain is written in linear time.
[[gnu::noinline]] void append_text(std::string& out, const Expr& e) {
  switch (e.kind) {
    case ExprKind::Number:
      append_number(out, e.number);
      return;
    case ExprKind::Name:
      out += e.name;
      return;
    case ExprKind::Reduction:
      out += e.name;
      out += '(';
      append_text(out, e.operands[0]);
      out += " over ";
      out += e.operands[1].name;
      out += ')';
      return;
    case ExprKind::Pick:
      out += e.name;
      out += '[';
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i) out += ", ";
        out += e.operands[i].name;
      }
      out += ']';
      return;
    case ExprKind::List:
    case ExprKind::Call:
      if (e.kind == ExprKind::Call) out += e.name;
      out += e.kind == ExprKind::Call ? '(' : '[';
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i) out += ", ";
        append_text(out, e.operands[i]);
      }
      out += e.kind == ExprKind::Call ? ')' : ']';
      return;
    case ExprKind::Unary:
      out += e.unary == UnaryOp::Not ? "not (" : "-(";
      append_text(out, e.operands[0]);
      out += ')';
      return;
    case ExprKind::Binary:
      out += '(';
      for (std::size_t i = 0; i < 2; ++i) {
        if (i) {
          out += ' ';
          out += to_string(e.binary);
          out += ' ';
        }
        const bool parenthesised = operand_needs_parentheses(e, i);
        if (parenthesised) out += '(';
        append_text(out, e.operands[i]);
        if (parenthesised) out += ')';
      }
      out += ')';
      return;
    case ExprKind::Conditional:
      out += '(';
      append_text(out, e.operands[0]);
      out += " ? ";
      append_text(out, e.operands[1]);
      out += " : ";
      append_text(out, e.operands[2]);
      out += ')';
      return;
  }
}

}  // namespace

std::string to_string(const Expr& e) {
  std::string out;
  append_text(out, e);
  return out;
}

}  // namespace riskcast
