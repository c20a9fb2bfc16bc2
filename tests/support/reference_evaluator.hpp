// A second, deliberately naive evaluator of a model: one sample at a time,
// one month at a time, walking each formula's syntax tree. It is written
// from the documented semantics (docs/language.md "Month by month",
// docs/architecture.md "Randomness") and shares with the engine only what
// defines a draw or an operation: RandomStream (the random addresses),
// Sampler / draw_poisson / poisson_by_inversion (the distributions),
// prepare_distribution (the check of an innovation's law with formula
// arguments) and the scalar kernels of expr.hpp. No folding, hoisting, common subexpressions,
// registers, blocks or bulk random fills, so the compiled engine can be
// checked against it bit for bit (tests/difftest, docs/testing.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "riskcast/model.hpp"
#include "support/reference_indexes.hpp"

namespace riskcast::reference {

// A run-time error, as the engine reports it: the lowest failing sample, the
// position of the formula at fault and the message.
struct ReferenceError {
  std::uint64_t sample = 0;
  SourcePos pos;
  std::string message;
};

struct ReferenceSettings {
  std::uint64_t seed = 1;
  std::uint64_t first_sample = 0;  // global index of the first sample
  std::uint64_t samples = 0;
  // The model's indexes as the reference reads them from the text
  // (read_index_layer, with the same scenario applied): its entries over
  // indexes, and its formulas holding picks or reductions, are evaluated
  // from there, element by element. Null for a model without indexes.
  const IndexLayer* indexes = nullptr;
};

struct ReferenceResult {
  std::vector<std::string> names;           // the outputs, in model order
  std::vector<std::vector<double>> values;  // [output][sample − first_sample]; empty when `error` is set
  std::optional<ReferenceError> error;      // the run stops at the first error of the lowest sample
};

// Samples [first_sample, first_sample + samples) of a model whose scenario
// is already applied (apply_scenario). Samples are evaluated in index order
// and the run stops at the first error, so the error reported is the one of
// the lowest failing sample (within a sample: the first in evaluation order).
// With `settings.indexes`, the outputs are the layer's (each output over
// indexes one per element, in the reference's own order).
ReferenceResult evaluate_reference(const Model& model, const ReferenceSettings& settings);

}  // namespace riskcast::reference
