// Baselines: a run's statistics saved for later regression checks
// (schema riskcast.baseline/1).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/run.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

inline constexpr std::string_view kBaselineSchema = "riskcast.baseline/1";

// The quantile function is kept at P0, P0.1, …, P100.
inline constexpr std::size_t kQuantileGridPoints = 1001;

struct OutputBaseline {
  std::string name;
  std::string unit;
  OutputSummary summary;
  std::vector<double> quantiles;  // kQuantileGridPoints values, type-7 estimator
};

struct ScenarioBaseline {
  std::string name;
  std::vector<OutputBaseline> outputs;
};

struct Baseline {
  std::string model_name;
  std::string model_path;          // as given when the baseline was made
  std::string model_fingerprint;   // hash of the model's canonical form
  std::string engine_fingerprint;  // version, numerics version, Boost version
  std::uint64_t samples = 0;
  std::uint64_t seed = 1;
  std::string method = "mc";
  std::vector<std::string> scenarios;  // requested; empty = all
  std::vector<ScenarioBaseline> results;
};

// The model written out in a canonical form — names, distributions, events,
// formulas, outputs and scenarios, without comments, layout or metadata
// (unit, source, note) — and its 64-bit FNV-1a hash in hex.
std::string canonical_form(const Model& model);
std::string model_fingerprint(const Model& model);

// "riskcast 0.1.0; numerics 1; boost 1_74"
std::string engine_fingerprint();

// The type-7 quantile function of a sorted sample at i / (points − 1).
std::vector<double> quantile_grid(std::span<const double> sorted, std::size_t points = kQuantileGridPoints);

// Runs the model and records everything a baseline holds.
Baseline make_baseline(const Model& model, const RunRequest& request, const std::string& model_path);

nlohmann::ordered_json to_json(const Baseline& baseline);
// Throws std::runtime_error naming the first field that is missing or wrong.
Baseline baseline_from_json(const nlohmann::ordered_json& doc);
Baseline read_baseline_file(const std::string& path);

}  // namespace riskcast
