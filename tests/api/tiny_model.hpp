// The small model the API tests share: two parameters (one overridden by
// scenario `high`), a switch, two outputs.
#pragma once

#include "riskcast/riskcast.hpp"

namespace riskcast::testing {

// Two parameters, one of them overridden by a scenario; `twice` reads only
// `a` and `shifted` both, so each column can be checked against the draws.
inline constexpr const char* kTinyModel = R"(model: tiny
title: A tiny model
horizon: 3
parameters:
  a:
    dist: normal(10, 2)
    unit: widgets
    source: assumption
  b:
    dist: uniform(0, 1)
events:
  ban:
    kind: switch
    initial: 0.3
    on: 0.1
outputs:
  twice:
    formula: 2 * a
    unit: widgets
  shifted:
    formula: a + b + sum(ban)
scenarios:
  high:
    description: a higher
    parameters:
      a: normal(20, 2)
)";

inline LoadedModel tiny() {
  return LoadedModel::from_text(kTinyModel, "tiny.yaml");
}

}  // namespace riskcast::testing
