// Baselines: a run's statistics saved for later regression checks
// (schema riskcast.baseline/1); the types are public (regress.hpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/regress.hpp"
#include "riskcast/run.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

// The model written out in a canonical form — names, distributions,
// correlations, events, formulas, outputs (with the kind of a probability
// output) and scenarios, without comments, layout or metadata (unit, source,
// note) — and its 64-bit FNV-1a hash in hex.
std::string canonical_form(const Model& model);
std::string model_fingerprint(const Model& model);

// The type-7 quantile function of a sorted sample at i / (points − 1).
std::vector<double> quantile_grid(std::span<const double> sorted, std::size_t points = kQuantileGridPoints);

// Runs the model and records everything a baseline holds.
Baseline make_baseline(const Model& model, const RunRequest& request, const std::string& model_path);

nlohmann::ordered_json to_json(const Baseline& baseline);
// Throws std::runtime_error naming the first field that is missing or wrong.
Baseline baseline_from_json(const nlohmann::ordered_json& doc);

}  // namespace riskcast
