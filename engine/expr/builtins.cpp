#include "riskcast/builtins.hpp"

#include <algorithm>

namespace riskcast {

static_assert(std::size(kOperations) > 0);
static_assert([] {
  for (std::size_t i = 0; i < std::size(kOperations); ++i)
    if (static_cast<std::size_t>(kOperations[i].op) != i) return false;
  return true;
}());

const Operation* function_named(std::string_view name) {
  for (const Operation& o : kOperations)
    if (!o.function.empty() && o.function == name) return &o;
  return nullptr;
}

double apply_operation(OpCode op, double a, double b, double c) {
  switch (op) {
#define RISKCAST_APPLY(name, ...) \
  case OpCode::name:              \
    return kernel<OpCode::name>(a, b, c);
    RISKCAST_OPERATIONS(RISKCAST_APPLY)
#undef RISKCAST_APPLY
  }
  return 0.0;
}

bool is_aggregate(std::string_view name, std::size_t arguments) {
  return name == "sum" || name == "mean" || name == "last" || ((name == "min" || name == "max") && arguments == 1);
}

std::optional<std::string_view> reserved_word_meaning(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"true", "a constant (1)"}, {"false", "a constant (0)"}, {"month", "the current month"}};
  for (const auto& [word, meaning] : kWords)
    if (word == name) return meaning;
  for (const Operation& o : kOperations) {
    if (o.function == name) return "a function";
    if (!o.symbol.empty() && o.symbol == name) return "an operator";
  }
  for (const SpecialForm& f : kSpecialForms)
    if (f.name == name) return f.role;
  return std::nullopt;
}

}  // namespace riskcast
