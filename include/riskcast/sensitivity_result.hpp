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
  // The tornado in output units (docs/analysis.md, "Swing"): the output's
  // P50 among the samples whose input is at or below the input's P10
  // (p50_low) and among those at or above its P90 (p50_high), the input's
  // P10 and P90 the ⌈0.1n⌉-th and ⌈0.9n⌉-th smallest of its values; swing =
  // p50_high − p50_low, in the output's unit. Its 95 % interval combines the
  // two P50s' distribution-free intervals (disjoint samples, so independent
  // given the input's quantiles) in quadrature, side by side: low end
  // swing − √((p50_high − its low end)² + (p50_low's high end − p50_low)²),
  // high end alike; open when either P50's interval is. All NaN when the
  // input is constant or its P10 and P90 are the same value.
  double p50_low = 0.0, p50_high = 0.0;
  double swing = 0.0, swing_ci_low = 0.0, swing_ci_high = 0.0;
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

// How a sensitivity analysis apportions the output (docs/analysis.md):
// rank correlations, conditional outcomes and scenario deltas from one
// plain run (rank), or variance-based Sobol indices from Saltelli's hybrid
// samples (sobol).
enum class SensitivityMethod { rank, sobol };

// One input's Sobol indices (docs/analysis.md, "Variance-based sensitivity
// (Sobol indices)"). With A and B two independent samples of N rows and
// A_B the model evaluated with this input's randomness from B and all else
// from A, row by row, f centred by the mean of f(A) and f(B), and
// V = the variance of f(A) and f(B) together:
//   first order S  = (1/N) Σ f(B)(f(A_B) − f(A)) / V   (Saltelli et al. 2010,
//       Comput. Phys. Commun. 181:259–270, table 2 (b)): the share of the
//       output's variance the input explains alone;
//   total       ST = (1/2N) Σ (f(A) − f(A_B))² / V     (Jansen 1999; ibid. (f)):
//       the share it has a hand in, interactions included.
// Intervals: 95 %, asymptotic (delta method for a ratio of row means:
// se = √(Σ (u_j − Ŝ·q_j)² / (N(N − 1))) / V with u_j the row's numerator
// term and q_j = (f(A)_j² + f(B)_j²)/2), cut to [0, 1]; the estimates are
// not cut (a first order index near 0 may come out slightly negative).
struct SobolIndex {
  std::string name;  // the parameter, event or group; correlated parameters: their names joined by " + "
  // "parameter" | "correlated parameters" | "regime" | "switch" | "arrivals" | "innovation" | "group"
  std::string kind;
  std::vector<std::string> members;  // correlated parameters and groups: the inputs taken together
  double first = 0.0, first_low = 0.0, first_high = 0.0;
  double total = 0.0, total_low = 0.0, total_high = 0.0;
};

// Base rows N when none is asked for (the command line's --method sobol),
// and the fewest accepted: below it the delta-method intervals under-cover
// (std::invalid_argument).
inline constexpr std::uint64_t kDefaultSobolSamples = 10'000;
inline constexpr std::uint64_t kMinSobolSamples = 100;

struct SobolIndices {
  std::uint64_t base_samples = 0;  // N: rows of A and of B
  std::uint64_t inputs = 0;        // d: rows of the table, one A_B sample each
  std::uint64_t evaluations = 0;   // N·(d + 2)
  double variance = 0.0;           // V, of the output over A and B (2N values)
  // Every independent parameter, then every set of correlated parameters
  // (one input: they share their normals), then every event, each in model
  // order, then the model's groups in file order.
  std::vector<SobolIndex> indices;
  // Inputs that draw nothing in the scenario (constant parameters, fixed
  // events): their indices are 0 and they take no A_B sample.
  std::vector<std::string> fixed;
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
  // --method sobol: the Sobol indices, with `samples` = N and
  // `output_summary` from the 2N samples of A and B; the tornado,
  // conditionals and deltas are then empty.
  std::optional<SobolIndices> sobol;
};

}  // namespace riskcast
