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

bool is_reserved_word(std::string_view name) {
  static constexpr std::string_view kKeywords[] = {"true", "false", "month"};
  if (std::find(std::begin(kKeywords), std::end(kKeywords), name) != std::end(kKeywords)) return true;
  for (const Operation& o : kOperations)
    if (o.function == name || (!o.symbol.empty() && o.symbol == name)) return true;
  for (const SpecialForm& f : kSpecialForms)
    if (f.name == name) return true;
  return false;
}

}  // namespace riskcast
