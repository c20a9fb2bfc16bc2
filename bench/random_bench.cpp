// Randomness: Philox words and uniforms per second, draws per second for
// every distribution.
#include <benchmark/benchmark.h>

#include <vector>

#include "riskcast/draw.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/random.hpp"

namespace riskcast {
namespace {

constexpr std::size_t kBlock = 256;

void BM_PhiloxUniformsBulk(benchmark::State& state) {
  std::vector<double> out(kBlock * 16);
  std::uint64_t first = 0;
  for (auto _ : state) {
    fill_uniforms(1, 42, 0, first, kBlock, 0, 16, out.data(), kBlock);
    first += kBlock;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kBlock * 16);
}
BENCHMARK(BM_PhiloxUniformsBulk);

void BM_PhiloxUniformsStream(benchmark::State& state) {
  std::uint64_t sample = 0;
  double sum = 0;
  for (auto _ : state) {
    RandomStream stream(1, sample++, 42, 0);
    for (int i = 0; i < 16; ++i) sum += stream.uniform();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_PhiloxUniformsStream);

Distribution parse(const std::string& text) {
  const Model m = load_model_text("parameters:\n  x: " + text + "\noutputs:\n  y: x\n", "bench.yaml");
  return m.parameters[0].distribution;
}

void BM_Draws(benchmark::State& state, const std::string& text) {
  const Sampler sampler(parse(text));
  std::vector<double> out(kBlock);
  std::vector<std::uint64_t> scratch(Sampler::kBufferedWords * kBlock);
  std::uint64_t first = 0;
  for (auto _ : state) {
    sampler.fill(1, 7, first, kBlock, out.data(), scratch.data());
    first += kBlock;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kBlock);
}
BENCHMARK_CAPTURE(BM_Draws, uniform, std::string("uniform(0, 1)"));
BENCHMARK_CAPTURE(BM_Draws, triangular, std::string("triangular(1, 2, 4)"));
BENCHMARK_CAPTURE(BM_Draws, pert, std::string("pert(1.3e6, 1.7e6, 2.5e6)"));
BENCHMARK_CAPTURE(BM_Draws, normal, std::string("normal(0, 1)"));
BENCHMARK_CAPTURE(BM_Draws, truncated_normal, std::string("truncated_normal(0, 1, -1, 2)"));
BENCHMARK_CAPTURE(BM_Draws, lognormal_ci90, std::string("lognormal_ci90(1.5e5, 7.0e5)"));
BENCHMARK_CAPTURE(BM_Draws, beta, std::string("beta(9, 1.5)"));
BENCHMARK_CAPTURE(BM_Draws, gamma, std::string("gamma(2.5, 1)"));
BENCHMARK_CAPTURE(BM_Draws, gamma_small_shape, std::string("gamma(0.5, 1)"));
BENCHMARK_CAPTURE(BM_Draws, bernoulli, std::string("bernoulli(0.3)"));
BENCHMARK_CAPTURE(BM_Draws, discrete, std::string("discrete([1, 2, 3], [0.2, 0.5, 0.3])"));
BENCHMARK_CAPTURE(BM_Draws, poisson_small, std::string("poisson(0.5)"));
BENCHMARK_CAPTURE(BM_Draws, poisson_large, std::string("poisson(100)"));

}  // namespace
}  // namespace riskcast
