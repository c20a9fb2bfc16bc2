// What a harness does with a model that loaded: every scenario compiled,
// listed and sampled, so fuzzed models reach the evaluator and its run-time
// errors, not only the checks.
//
// Each scenario is sampled twice over the same few samples: once as one
// block, once split in two runs with other block sizes. The sampler promises
// the same bits (and the same RunError) for any split of the sample range and
// any block size, so any difference is a finding. It is sampled a third
// time in its unoptimised twin (no folding, no shared subexpressions), which
// must give the same bits and the same error: the naive reference of the
// compiler's optimisations.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness.hpp"
#include "riskcast/model.hpp"
#include "riskcast/program.hpp"
#include "riskcast/random.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast::fuzz {

// At most this many samples per scenario.
inline constexpr std::uint64_t kSamplesPerScenario = 5;
// Upper bound of one run's work, in instructions and burst draws: a horizon
// of 1200 months with thousands of bursts a month is a legitimate model, but
// it must not make the harness time out. Models above it get fewer samples;
// a model above it for one sample is compiled but not sampled.
inline constexpr std::uint64_t kWorkBudget = 20'000'000;

// Instructions and burst draws one sample can cost at most.
inline std::uint64_t work_per_sample(const Program& program) {
  const std::uint64_t monthly = program.hazard_code.size() + program.rate_code.size() + program.innovation_code.size() +
                                program.monthly_code.size() + program.regimes.size() + program.switches.size() +
                                program.innovations.size() +
                                program.arrivals.size() * std::uint64_t{kMaxBurstsPerMonth};
  return program.parameters.size() + program.start_code.size() + program.horizon * monthly +
         program.output_code.size() + 1;
}

// The columns of a run, or the RunError that stopped it.
struct Outcome {
  std::vector<std::string> names;  // of the columns
  std::vector<std::vector<double>> columns;
  std::optional<std::string> error;
  SourcePos error_pos;
};

inline Outcome sample_outcome(const Program& program, std::uint64_t first, std::uint64_t count,
                              std::size_t block_size) {
  RunSettings settings;
  settings.samples = count;
  settings.seed = 20260101;
  settings.threads = 1;
  settings.block_size = block_size;
  settings.first_sample = first;
  try {
    SampleColumns sampled = sample_program(program, settings);
    return {std::move(sampled.names), std::move(sampled.values), std::nullopt, {}};
  } catch (const RunError& e) {
    return {{}, {}, e.what(), e.pos()};
  }
}

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](double x, double y) {
    return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y);
  });
}

// Samples `program` as one block and as two runs of other block sizes; both
// must give the same bits or the same error. Returns the one-block outcome.
inline Outcome sample_split_invariant(const Program& program, std::uint64_t samples, const std::string& scenario) {
  Outcome whole = sample_outcome(program, 0, samples, samples);
  if (samples < 2) return whole;
  const std::uint64_t half = samples / 2;
  Outcome split = sample_outcome(program, 0, half, 1);
  if (!split.error) {
    Outcome rest = sample_outcome(program, half, samples - half, 2);
    if (rest.error) {
      split = std::move(rest);
    } else {
      for (std::size_t o = 0; o < split.columns.size(); ++o)
        split.columns[o].insert(split.columns[o].end(), rest.columns[o].begin(), rest.columns[o].end());
    }
  }
  const std::string where = "scenario " + scenario + ": ";
  require(whole.error.has_value() == split.error.has_value(),
          where + "one run stopped, the same samples split in two did not (or the reverse): " +
              whole.error.value_or(split.error.value_or("")));
  if (whole.error) {
    require(*whole.error == *split.error && whole.error_pos == split.error_pos,
            where + "a split run reports another error:\n  " + *whole.error + "\n  " + *split.error);
    return whole;
  }
  require(whole.columns.size() == program.outputs.size(), where + "a column count differs from the outputs");
  for (std::size_t o = 0; o < whole.columns.size(); ++o)
    require(same_bits(whole.columns[o], split.columns[o]),
            where + "output " + program.outputs[o].name + " differs between one run and a split run");
  return whole;
}

// Every scenario of a loaded model compiled, listed and sampled (within the
// work budget). Returns each scenario's one-block outcome; nullopt where it
// was too costly to sample.
inline std::vector<std::optional<Outcome>> sample_every_scenario(const Model& model) {
  require(!model.scenarios.empty() && model.scenarios.front().name == "base", "no base scenario first");
  std::vector<std::optional<Outcome>> outcomes;
  for (const Scenario& scenario : model.scenarios) {
    const Program program = compile_program(apply_scenario(model, scenario));
    (void)program.disassemble(model.file);
    const std::uint64_t samples = std::min(kSamplesPerScenario, kWorkBudget / work_per_sample(program));
    if (samples == 0) {
      outcomes.push_back(std::nullopt);
      continue;
    }
    Outcome whole = sample_split_invariant(program, samples, scenario.name);
    require(program.unoptimised != nullptr, "an optimised program without its unoptimised twin");
    const Outcome plain = sample_outcome(*program.unoptimised, 0, samples, samples);
    const std::string where = "scenario " + scenario.name + ": the unoptimised program ";
    require(whole.error == plain.error && whole.error_pos == plain.error_pos,
            where + "stops differently:\n  " + whole.error.value_or("(no error)") + "\n  " +
                plain.error.value_or("(no error)"));
    for (std::size_t o = 0; o < whole.columns.size() && !whole.error; ++o)
      require(same_bits(whole.columns[o], plain.columns[o]), where + "differs in output " + program.outputs[o].name);
    outcomes.push_back(std::move(whole));
  }
  return outcomes;
}

}  // namespace riskcast::fuzz
