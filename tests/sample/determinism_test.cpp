// Determinism contracts (DESIGN.md "Determinism"): a run's numbers depend
// only on (model, scenario, seed, samples): bit-identical for any thread
// count, block size and split of the sample range; scenarios share random
// numbers; a draw is addressed by the stable slot of its model entry, so
// adding unrelated entries changes nothing else.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/sampler.hpp"
#include "support/cli_runner.hpp"

namespace riskcast {
namespace {

constexpr std::uint64_t kSeed = 777;
// Not a multiple of any block size used below: the last block is ragged.
constexpr std::uint64_t kSamples = 3001;

std::string reference_text() {
  std::ifstream in(testing::source_path("bench/models/reference.yaml"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Program compile_text(const std::string& yaml, const std::string& scenario = "base") {
  const Model model = load_model_text(yaml, "model.yaml");
  return compile_program(apply_scenario(model, *model.find_scenario(scenario)));
}

SampleColumns run(const Program& program, unsigned threads, std::size_t block_size, std::uint64_t first_sample = 0,
                  std::uint64_t samples = kSamples, std::uint64_t seed = kSeed) {
  RunSettings settings;
  settings.samples = samples;
  settings.seed = seed;
  settings.threads = threads;
  settings.block_size = block_size;
  settings.first_sample = first_sample;
  return sample_program(program, settings);
}

// Bitwise equality (== would let -0.0 equal 0.0 and fail on NaN).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void expect_identical(const SampleColumns& expected, const SampleColumns& actual, const std::string& what) {
  ASSERT_EQ(expected.names, actual.names) << what;
  for (std::size_t o = 0; o < expected.names.size(); ++o)
    EXPECT_TRUE(same_bits(expected.values[o], actual.values[o])) << what << ": output " << expected.names[o];
}

const std::vector<double>& column(const SampleColumns& c, const std::string& name) {
  for (std::size_t i = 0; i < c.names.size(); ++i)
    if (c.names[i] == name) return c.values[i];
  throw std::out_of_range("no output " + name);
}

TEST(Determinism, ReferenceModelIsBitIdenticalForThreadsBlocksAndSplits) {
  const Program program = compile_text(reference_text());
  const SampleColumns baseline = run(program, 1, 256);
  ASSERT_EQ(baseline.values.size(), 9u);
  ASSERT_EQ(baseline.values[0].size(), kSamples);

  for (unsigned threads : {2u, 7u})
    expect_identical(baseline, run(program, threads, 256), "threads " + std::to_string(threads));
  for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{4096}})
    expect_identical(baseline, run(program, 2, block), "block size " + std::to_string(block));

  // [0, N) against [0, k) + [k, j) + [j, N), each part with its own
  // first_sample, thread count and block size.
  const std::uint64_t k = 1234, j = 2000;
  const SampleColumns parts[] = {run(program, 1, 7, 0, k), run(program, 2, 256, k, j - k),
                                 run(program, 7, 64, j, kSamples - j)};
  SampleColumns joined;
  joined.names = parts[0].names;
  joined.values.resize(parts[0].values.size());
  for (const SampleColumns& part : parts)
    for (std::size_t o = 0; o < part.values.size(); ++o)
      joined.values[o].insert(joined.values[o].end(), part.values[o].begin(), part.values[o].end());
  expect_identical(baseline, joined, "split run");

  // A different seed does change the numbers.
  EXPECT_FALSE(same_bits(baseline.values[0], run(program, 2, 256, 0, kSamples, kSeed + 1).values[0]));
}

TEST(Determinism, SampleIndicesAboveTwoToThe32AreDistinctAndSplittable) {
  // Sample indices carry 40 bits: a range straddling 2^32 splits like any other.
  const Program program = compile_text(reference_text());
  const std::uint64_t first = (std::uint64_t{1} << 32) - 500;
  const SampleColumns whole = run(program, 2, 256, first, 1000);
  const SampleColumns low = run(program, 1, 256, first, 500), high = run(program, 1, 256, first + 500, 500);
  for (std::size_t o = 0; o < whole.values.size(); ++o) {
    std::vector<double> joined = low.values[o];
    joined.insert(joined.end(), high.values[o].begin(), high.values[o].end());
    EXPECT_TRUE(same_bits(whole.values[o], joined)) << whole.names[o];
  }
  // Samples 2^32 + i are not samples i again.
  const SampleColumns wrapped = run(program, 1, 256, 0, 500);
  EXPECT_FALSE(same_bits(high.values[0], wrapped.values[0]));
}

const char* kScenarioModel = R"yaml(
horizon: 12
parameters:
  a: uniform(0, 1)
  b: normal(0, 1)
events:
  sw: {kind: switch, initial: 0, on: 0.2}
  arr: {kind: arrivals, rate: 0.5, size: "lognormal(0, 1)"}
  reg:
    kind: regime
    states: [x, y]
    initial: {x: 0.5, y: 0.5}
    transitions:
      x: {y: 0.1}
      y: {x: 0.3}
outputs:
  untouched: b + sum(arr) + sum(reg == x)
  with_a: a
  sw_months: sum(sw)
  mixed: a * b + sum(sw) + sum(arr)
scenarios:
  shifted:
    parameters:
      a: uniform(5, 6)
  faster:
    events:
      sw: {on: 0.5}
)yaml";

TEST(CommonRandomNumbers, ScenariosShareEveryOtherDraw) {
  const SampleColumns base = run(compile_text(kScenarioModel, "base"), 2, 256);
  const SampleColumns shifted = run(compile_text(kScenarioModel, "shifted"), 2, 256);
  const SampleColumns faster = run(compile_text(kScenarioModel, "faster"), 2, 256);

  // Outputs that read nothing the scenario changes: the same bits.
  EXPECT_TRUE(same_bits(column(base, "untouched"), column(shifted, "untouched")));
  EXPECT_TRUE(same_bits(column(base, "sw_months"), column(shifted, "sw_months")));
  EXPECT_TRUE(same_bits(column(base, "untouched"), column(faster, "untouched")));
  EXPECT_TRUE(same_bits(column(base, "with_a"), column(faster, "with_a")));

  // The changed parameter uses the same uniform: uniform(5, 6) = 5 + u and
  // uniform(0, 1) = u, so every paired difference is 5 up to rounding.
  const std::vector<double>&a0 = column(base, "with_a"), &a1 = column(shifted, "with_a");
  for (std::size_t i = 0; i < a0.size(); ++i) ASSERT_NEAR(a1[i] - a0[i], 5.0, 1e-14) << "sample " << i;

  // The changed switch uses the same monthly uniforms: with hazard 0.5 it
  // turns on no later than with 0.2 (u < 0.2 implies u < 0.5), sample by
  // sample, and strictly earlier in some.
  const std::vector<double>&s0 = column(base, "sw_months"), &s1 = column(faster, "sw_months");
  std::size_t earlier = 0;
  for (std::size_t i = 0; i < s0.size(); ++i) {
    ASSERT_GE(s1[i], s0[i]) << "sample " << i;
    earlier += s1[i] > s0[i];
  }
  EXPECT_GT(earlier, 0u);
}

// Inserts `text` after the first line equal to `header` ("parameters:").
std::string insert_after(std::string yaml, const std::string& header, const std::string& text) {
  const std::size_t at = yaml.find("\n" + header + "\n");
  EXPECT_NE(at, std::string::npos) << header;
  return yaml.insert(at + header.size() + 2, text);
}

TEST(StableSlots, AddingUnrelatedEntriesChangesNoOtherOutput) {
  const std::string original = reference_text();
  std::string extended = insert_after(original, "parameters:", "  aaa_extra: normal(0, 1)\n  aab_extra: beta(2, 2)\n");
  extended = insert_after(extended, "events:",
                          "  aaa_switch: {kind: switch, on: 0.5}\n"
                          "  aab_arrivals: {kind: arrivals, rate: 2, size: \"uniform(0, 1)\"}\n");
  extended = insert_after(extended, "monthly:", "  aaa_monthly: aaa_extra * aab_arrivals\n");
  extended = insert_after(extended, "outputs:", "  aaa_output: sum(aaa_monthly) + sum(aaa_switch) + aab_extra\n");

  const SampleColumns before = run(compile_text(original), 2, 256);
  const SampleColumns after = run(compile_text(extended), 2, 256);
  ASSERT_EQ(after.names.size(), before.names.size() + 1);
  for (std::size_t o = 0; o < before.names.size(); ++o)
    EXPECT_TRUE(same_bits(before.values[o], column(after, before.names[o]))) << before.names[o];
}

}  // namespace
}  // namespace riskcast
