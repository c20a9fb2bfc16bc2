// What a run produces: per scenario, per output, the summary statistics, and
// the per-sample columns the run was asked to keep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "riskcast/metadata.hpp"
#include "riskcast/sampling.hpp"
#include "riskcast/statistics.hpp"
#include "riskcast/version.hpp"

namespace riskcast {

struct OutputResult {
  std::string name;
  Metadata metadata;  // metadata.kind: a value or a probability output
  OutputSummary summary;
  // A probability output in each scenario of a run after its first: its P
  // here minus its P in the run's first scenario, taken sample by sample
  // (scenarios share random numbers), with the interval of
  // paired_proportion_difference (statistics.hpp). Empty otherwise.
  std::optional<PairedProportionDifference> difference;
};

// One kept column of per-sample values: values[i] belongs to sample
// first_sample + i. A parameter's column holds the very draws the outputs of
// that sample were computed from (the scenario's, where it overrides them).
struct SampleColumn {
  enum class Kind { Output, Parameter };
  std::string name;
  Kind kind = Kind::Output;
  Metadata metadata;
  std::vector<double> values;
};

struct ScenarioResult {
  std::string name;
  std::string description;
  std::vector<OutputResult> outputs;
  std::vector<SampleColumn> columns;  // in the order asked for (RunOptions::columns); empty unless asked

  // The kept column of that name, or nullptr.
  const SampleColumn* column(const std::string& column_name) const {
    for (const SampleColumn& c : columns)
      if (c.name == column_name) return &c;
    return nullptr;
  }
};

struct RunResult {
  std::string model;
  std::string title;
  std::uint64_t samples = 0;
  std::uint64_t seed = 1;
  std::uint64_t first_sample = 0;  // global index of the first sample (split runs)
  std::string method = "mc";       // the sampling method: "mc", "lhs" or "qmc" (sampling.hpp)
  // Independent designs the samples form (lhs, qmc): each interval comes
  // from the spread of their estimates when there are two or more. 1 for mc.
  unsigned replicates = 1;
  // With precision targets (RunOptions::precision): what they found;
  // `samples` is where the run stopped.
  std::optional<PrecisionOutcome> precision;
  // The probabilities of every output's percentiles, ascending: the standard
  // ones and those RunOptions::percentiles added.
  std::vector<double> percentiles{kStandardPercentiles.begin(), kStandardPercentiles.end()};
  // What made the numbers: the same engine and numerics version, model,
  // seed and sample range give the same bits.
  std::string engine_version{kVersion};
  int numerics_version = kNumericsVersion;
  std::vector<ScenarioResult> scenarios;
};

// Is this output a share (a fraction of a whole), shown as a percentage?
bool is_share_unit(const std::string& unit);

}  // namespace riskcast
