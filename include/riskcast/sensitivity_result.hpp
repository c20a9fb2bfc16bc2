// What a sensitivity analysis of one output finds (docs/analysis.md):
// which inputs drive it (rank correlations), how it looks given each event
// outcome, and how each scenario moves it from base.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "riskcast/statistics.hpp"

namespace riskcast {

// Ranks are kept as 32-bit numbers: a larger run would need hundreds of GiB anyway.
inline constexpr std::uint64_t kMaxSensitivitySamples = (std::uint64_t{1} << 31) - 1;

// One row of the tornado: an input's Spearman rank correlation with the output.
struct Driver {
  std::string name;   // the parameter or event
  std::string kind;   // "parameter" | "regime months" | "switch onset" | "arrivals total" | "innovation mean"
  std::string state;  // regime months: the state counted; empty otherwise
  std::string label;  // "us_export: months in ban"
  std::string unit;   // of the input's value: the parameter's unit, "months", "month", the event's unit
  double rho = 0.0;   // Spearman ρ in [−1, 1]; NaN when undefined (input or output constant)
  // 95 % interval for ρ (rank_correlation); open (kOpenLow / kOpenHigh) below
  // kMinRankCorrelationSamples samples; NaN when ρ is undefined.
  double ci_low = 0.0, ci_high = 0.0;
  bool constant = false;  // the input never varies in this scenario: ρ is undefined
};

// The output's distribution among the samples where one event outcome happened.
struct ConditionalOutcome {
  std::string event;
  std::string kind;          // "regime" | "switch" | "arrivals" | "innovation"
  std::string outcome;       // "h200 held most months", "on by month 6", "no bursts all year", "mean below 0.01"
  double probability = 0.0;  // share of samples with this outcome
  std::uint64_t samples = 0;
  bool few_samples = false;                     // fewer than kFewConditionalSamples: the percentiles are wide
  std::vector<PercentileEstimate> percentiles;  // kConditionalPercentiles, with 95 % intervals
  // A probability output's (OutputKind::Probability) P among these samples:
  // the share that are 1, with its exact interval (estimate_proportion).
  // Empty for a value output. The percentiles above are then those of the
  // 0/1 values, which the writers do not show.
  std::optional<ProportionEstimate> output_probability;
};

// A scenario's output minus base's, sample by sample (common random numbers).
struct ScenarioDelta {
  std::string scenario;
  std::string description;
  OutputSummary difference;  // mean with mean_se; percentiles kDeltaPercentiles
  // A probability output's P in the scenario minus P in base, paired sample
  // by sample, with its interval (paired_proportion_difference). Empty for a
  // value output; `difference` then holds the −1 / 0 / 1 differences, which
  // the writers do not show.
  std::optional<PairedProportionDifference> probability_difference;
};

struct SensitivityResult {
  std::string model;
  std::string title;
  std::string scenario;
  std::string scenario_description;
  std::string output;
  std::string unit;  // of the output
  std::uint64_t samples = 0;
  std::uint64_t seed = 1;
  std::uint32_t horizon = 12;
  // The output in `scenario`, standard percentiles; for a probability output
  // also its P (OutputSummary::probability), which marks the result as one
  // of a probability output.
  OutputSummary output_summary;
  // The output takes one value in every sample of `scenario`: no input can
  // drive it, and every driver's ρ is undefined (NaN).
  bool output_constant = false;
  std::vector<Driver> tornado;  // by |ρ| descending, constant inputs last
  // The parameters correlated with others in `scenario` (docs/language.md,
  // "Correlations"), in model order: their ρ carries what they share with
  // the parameters they are correlated with, not only their own effect.
  std::vector<std::string> correlated;
  std::vector<ConditionalOutcome> conditionals;  // events in model order, outcomes with probability > 0
  std::vector<ScenarioDelta> deltas;             // every scenario but base, in model order
};

}  // namespace riskcast
