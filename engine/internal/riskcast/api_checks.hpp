// Name checks every entry point of the public API shares, so an unknown
// name reads the same wherever it is given (engine/api/riskcast.cpp).
#pragma once

#include <string>
#include <vector>

#include "riskcast/model.hpp"

namespace riskcast {

// The scenario of that name; std::invalid_argument "'NAME' is not a scenario
// of FILE (did you mean `x`? scenarios: a, b)" otherwise.
const Scenario& scenario_named(const Model& model, const std::string& name);

// std::invalid_argument "'NAME' is not an output of FILE (did you mean `x`?
// outputs: a, b)" for the first name that is not an output of `model`.
void check_output_names(const Model& model, const std::vector<std::string>& names);

}  // namespace riskcast
