// A whole run: each chosen scenario compiled, sampled and summarised.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/result.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast {

// Sees each output's column of samples (in sample order) before it is
// summarised; called concurrently for different outputs.
using ColumnVisitor = std::function<void(std::size_t scenario, std::size_t output, std::span<const double> column)>;

struct RunRequest {
  RunSettings settings;
  std::vector<std::string> scenarios;  // empty: every scenario of the model
  ColumnVisitor visit_column;          // optional
};

// Memory a run needs: output columns of one scenario at a time, plus each
// thread's register file.
struct MemoryEstimate {
  std::uint64_t bytes_per_sample = 0;
  std::uint64_t fixed_bytes = 0;
  std::uint64_t total(std::uint64_t samples) const { return bytes_per_sample * samples + fixed_bytes; }
};

MemoryEstimate estimate_memory(const Model& model, const RunSettings& settings);

// Physical memory this process may use (MemAvailable), in bytes.
std::uint64_t available_memory();

// Called when a scenario starts, with its index and name (for progress lines).
using ScenarioCallback = std::function<void(std::size_t index, const std::string& name)>;

// Runs the scenarios in order with common random numbers (same seed, same
// sample indices, same slots). Throws RunError on a model that cannot be
// evaluated, std::invalid_argument on an unknown scenario name.
RunResult run_model(const Model& model, const RunRequest& request, const ScenarioCallback& on_scenario = {});

}  // namespace riskcast
