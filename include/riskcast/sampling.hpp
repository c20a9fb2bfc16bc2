// How a run samples (docs/results.md, "Sampling methods" and "Precision-based
// stopping"; docs/scale.md): the sampling design (Monte Carlo, Latin
// hypercube, randomized quasi-Monte Carlo) with its replicates, whether the
// samples are kept or sampled again, and the precision a run may stop at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskcast {

// mc: independent draws (the default). lhs: Latin hypercube sampling of
// every parameter and of each event's month-1 uniform. qmc: randomized
// quasi-Monte Carlo: Sobol points (Joe–Kuo direction numbers, from
// Boost.Random) with hash-based nested uniform (Owen) scrambling, same
// coordinates as lhs. Every other draw is the Monte Carlo one.
enum class SamplingMethod : std::uint8_t { mc, lhs, qmc };

std::string_view to_string(SamplingMethod method);  // "mc", "lhs", "qmc"
// The method of that name, or nullopt.
std::optional<SamplingMethod> parse_sampling_method(std::string_view name);

// Where a run keeps its samples (docs/scale.md). in_memory: every output's
// column of a scenario, 8 bytes a sample, one scenario at a time (the
// fastest). streamed: none;
// every scenario is sampled in chunks, two passes or more, each regenerating
// the same values (every draw is a function of its sample's address), the
// first counting values into buckets and summing, the next keeping only the
// values near the wanted ranks: mean, sd, every percentile and interval are
// bit-identical to in_memory's, at about twice the sampling time.
// automatic: in_memory when the memory estimate fits within
// RunOptions::memory_limit, else streamed. A run that keeps per-sample
// columns, visits columns, uses a lhs/qmc design or precision targets needs
// its samples in memory (ResourceError when they do not fit).
enum class SampleStorage { automatic, in_memory, streamed };

// Replicates of a design: a run of n samples under lhs or qmc is R
// independent designs of n / R points each (independent permutations,
// independent scramblings), and its intervals come from the spread of the
// R estimates (Student t on R − 1 degrees of freedom). The default R:
// qmc 16 (t(0.975, 15) = 2.13: the interval is 9 % longer than with a known
// variance, and 16 designs still fill each replicate well); lhs 1 (one
// design of n, stratified over all n; its intervals are Monte Carlo's,
// which bound the Latin hypercube's error from above: Owen 1997, see
// docs/results.md). qmc needs R ≥ 2.
inline constexpr unsigned kDefaultQmcReplicates = 16;
inline constexpr unsigned kDefaultLhsReplicates = 1;
// The replicates a run of `method` uses when `asked` is 0 (not given).
unsigned replicates_for(SamplingMethod method, unsigned asked);

// A precision a run must reach before it stops (RunOptions::precision;
// `run --precision OUTPUT:STAT:HALFWIDTH`): the half-width of the 95 %
// interval of the mean or of a percentile of `output`, absolute (in the
// output's units; a share as a fraction) or relative to the estimate's
// magnitude.
struct PrecisionTarget {
  std::string output;
  std::optional<double> percentile;  // a probability in (0, 1); empty: the mean
  double halfwidth = 0;              // > 0
  bool relative = false;             // halfwidth is a fraction of |estimate|

  // "revenue:mean:1%", "nvidia_share_value:p50:0.002".
  std::string to_string() const;
};

// Reads "OUTPUT:STAT:HALFWIDTH": STAT is `mean` or pNN (p50, p97.5, p99.9);
// HALFWIDTH a positive number, or a percentage ("1%": relative 0.01).
// std::invalid_argument says what is wrong.
PrecisionTarget parse_precision_target(std::string_view text);

// Precision-based stopping samples in blocks of this many samples and
// decides after each (at most the run's samples); a run stops at the first
// block boundary where every target is met.
inline constexpr std::uint64_t kPrecisionBlock = 10'000;

// What a run with precision targets found.
struct PrecisionOutcome {
  struct Target {
    PrecisionTarget target;
    // The widest half-width over the scenarios at the stopping point (NaN
    // if an interval was open), and the half-width it was held to there
    // (the relative ones times |estimate|).
    double achieved = 0, required = 0;
    bool met = false;
  };
  std::vector<Target> targets;
  bool reached = false;           // every target met at `samples`
  std::uint64_t max_samples = 0;  // the most the run could take (RunOptions::samples)
  std::uint64_t block = kPrecisionBlock;
};

}  // namespace riskcast
