// Models that fail in some sample, shared by the tests of run errors.
#pragma once

namespace riskcast::testing {

// 1 / 0 wherever x > 2.5: in scenario `base` first at a later sample than
// in `shifted` (x ~ normal(2, 1)), so the error a run reports (the first
// scenario's, its lowest sample) is not simply the lowest failing sample.
inline constexpr const char* kLaterScenarioFailsEarlier = R"(model: failing
horizon: 1
parameters:
  x:
    dist: normal(0, 1)
outputs:
  quotient:
    formula: 1 / (x - x * (x > 2.5))
scenarios:
  base: {}
  shifted:
    parameters:
      x: normal(2, 1)
)";

}  // namespace riskcast::testing
