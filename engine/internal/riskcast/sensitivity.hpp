// Sensitivity of one output: which inputs drive it (rank correlations), how
// it looks given each event outcome, and how each scenario moves it from base.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/run.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/sensitivity_result.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

struct SensitivityRequest {
  // settings.progress, if set, counts samples over every pass: the chosen
  // scenario's, then each other scenario's when deltas are asked for
  // (sensitivity_passes).
  RunSettings settings;
  std::string scenario = "base";  // the scenario whose drivers and conditional outcomes are reported
  std::string output;             // empty: the model's first output
  bool scenario_deltas = true;    // false: drivers and outcomes only (one sampling pass fewer per scenario)
};

inline constexpr std::array<double, 3> kConditionalPercentiles = {0.10, 0.50, 0.90};
inline constexpr std::array<double, 3> kDeltaPercentiles = {0.05, 0.50, 0.95};
// Below this many samples an outcome's percentiles are flagged as wide.
inline constexpr std::uint64_t kFewConditionalSamples = 100;

// Runs `request.scenario` once with every input's per-sample summary as an
// extra output (outputs draw no random numbers, so the output's samples are
// those of a plain run), then every other scenario for the deltas. Throws
// std::invalid_argument for an unknown scenario or output, RunError as
// run_model does.
SensitivityResult analyze_sensitivity(const Model& model, const SensitivityRequest& request);

// Sobol indices of one output in `request.scenario` from
// request.settings.samples = N base rows (docs/analysis.md): A is samples
// [0, N) of a plain run, B samples [N, 2N), and each input's A_B the run of
// [0, N) with that input's random slots shifted by N (AddressShift), so
// every evaluation is a plain sampler pass, bit-identical for any thread
// count. Cost N·(d + 2) evaluations. Throws std::invalid_argument for an
// unknown scenario or output, N < kMinSobolSamples, 2N beyond the sample indices, or a
// group that takes some of a set of correlated parameters but not all;
// RunError as run_model does.
SensitivityResult analyze_sobol(const Model& model, const SensitivityRequest& request);

// Sampling passes of N samples analyze_sobol makes: d + 2. Throws as it does.
std::size_t sobol_passes(const Model& model, const SensitivityRequest& request);

// The output a sensitivity analysis of `name` looks at (empty: the first).
const Output& sensitivity_output(const Model& model, const std::string& name);

// A result naming what was analysed (model, scenario, output, samples,
// seed, horizon): the heading every analysis of `output` fills in first.
SensitivityResult sensitivity_heading(const Model& model, const Scenario& scenario, const Output& output,
                                      const SensitivityRequest& request);

// Sampling passes an analysis makes: 1, plus one per scenario but the chosen
// one when scenario deltas are asked for.
std::size_t sensitivity_passes(const Model& model, const SensitivityRequest& request);

// Memory the analysis needs, for a check before starting it.
MemoryEstimate estimate_sensitivity_memory(const Model& model, const SensitivityRequest& request);

// Rank statistics, exposed for tests.

// Mid-ranks, doubled so that they are whole numbers: the smallest value gets
// 2, ties share the average of their ranks (values 5, 7, 7, 9 → 2, 5, 5, 8).
std::vector<std::uint32_t> doubled_mid_ranks(std::span<const double> values);

struct RankCorrelation {
  double rho = 0.0;
  double ci_low = 0.0, ci_high = 0.0;  // open (±∞) below kMinRankCorrelationSamples
  bool defined = false;                // false when either side is constant
};

// Below this many samples ρ's interval is reported open: no method we tried
// keeps 95 % coverage there for strongly correlated data (the interval
// below covers a bivariate normal ρ = 0.9 in 88 % of runs at n = 6, plain
// Fisher z with the normal-theory error in 75 % at n = 5).
inline constexpr std::size_t kMinRankCorrelationSamples = 10;

// Pearson correlation of two rank vectors (doubled mid-ranks of the same
// samples), computed exactly in integers, with a 95 % interval for the
// population rank correlation ρ (Spearman's ρ_S; with ties, the correlation
// of the mid-distribution transforms):
//  * Fisher's z: tanh(atanh(ρ̂) ± z·se_z), z = confidence_z() (1.96), se_z the larger of the
//    influence-function standard error (distribution-free, ties included)
//    and the normal-theory one of Bonett & Wright (2000),
//    √((1 + ρ̂²/2)/(n − 3)), inflated by √(n/(n − 3)) for small n;
//  * at ρ̂ = ±1 (z infinite) from the nearest attainable value 1 − 12/(n³ − n),
//    the interval ending at ±1;
//  * widened for the O(1/n) bias of ρ̂ (E ρ̂ = ρ + 3(τ − ρ)/(n + 1), Kendall's
//    τ; Daniels' inequality |3τ − 2ρ| ≤ 1 bounds it): the ends become
//    ((n + 1)·low − 1)/n and ((n + 1)·high + 1)/n, within [−1, 1].
// Measured coverage (tests/analysis/sensitivity_test.cpp, docs/analysis.md):
// at least 95 % from n = 10 up, for bivariate normal data (ρ = 0.5, 0.99), a
// tied input, and a non-monotone dependence, where the normal-theory
// interval alone covers 85 % (y = x², ρ = 0).
RankCorrelation rank_correlation(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

// Spearman's ρ of two samples, ties by mid-ranks.
RankCorrelation spearman(std::span<const double> a, std::span<const double> b);

}  // namespace riskcast
