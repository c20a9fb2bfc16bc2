// What a run produces: per scenario, per output, the summary statistics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

struct OutputResult {
  std::string name;
  Metadata metadata;
  OutputSummary summary;
};

struct ScenarioResult {
  std::string name;
  std::string description;
  std::vector<OutputResult> outputs;
};

struct RunResult {
  std::string model;
  std::string title;
  std::uint64_t samples = 0;
  std::uint64_t seed = 1;
  std::string method = "mc";
  std::vector<ScenarioResult> scenarios;
};

// Is this output a share (a fraction of a whole), shown as a percentage?
bool is_share_unit(const std::string& unit);

}  // namespace riskcast
