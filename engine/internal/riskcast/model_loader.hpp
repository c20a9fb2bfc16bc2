// Reading a model file: YAML text → validated, resolved model IR.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "riskcast/model.hpp"
#include "riskcast/riskcast.hpp"  // kMaxHorizon

namespace riskcast {

// Largest model file accepted; real models are a few kilobytes.
inline constexpr std::size_t kMaxModelBytes = 64u << 20;

// Reads, validates and resolves a model. Throws ModelError carrying every
// diagnostic found (several per run where the file allows), warnings
// included. On success the warnings (warnings.hpp), if any, go to
// `warnings` when given; its file name becomes the model's.
Model load_model_file(const std::string& path, Diagnostics* warnings = nullptr);
Model load_model_text(std::string_view text, const std::string& file, Diagnostics* warnings = nullptr);

// For `riskcast check --nearest-correlations`: the file's `correlations:`
// sections with each group that is not positive definite replaced by its
// nearest valid matrix (copula.hpp, nearest_correlations_yaml); "" if every
// group is. Throws ModelError for any other error.
std::string nearest_correlations_of_file(const std::string& path);

// A parameter's distribution as a model file writes it ("uniform(0.8, 1)",
// "0.9"), its text's first character at `start`, checked as the loader checks
// `dist:`. Errors go to `diagnostics`; returns nullopt then.
std::optional<Distribution> parse_distribution(std::string_view text, SourcePos start, Diagnostics& diagnostics);

// Name resolution and checks on formulas (part of loading; exposed for tests).
// Fills Expr::ref for every name, orders `monthly` by dependency, and reports
// unknown names, wrong arity, misplaced aggregates and cycles.
void resolve_model(Model& model, Diagnostics& diagnostics);

}  // namespace riskcast
