// Correlated parameters: nanoseconds per quantile of the prepared quantile
// functions (QuantileFunction, the copula's draws) against
// Distribution::quantile, per kind, and a whole run of a correlated model
// against the same model drawn independently.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "riskcast/model_loader.hpp"
#include "riskcast/quantile_function.hpp"
#include "riskcast/random.hpp"
#include "riskcast/run.hpp"

namespace riskcast {
namespace {

// Probabilities as the copula gives them, uniform on (0, 1): one block of
// Philox uniforms, reused.
constexpr std::size_t kProbabilities = 4096;
const std::vector<double>& probabilities() {
  static const std::vector<double> q = [] {
    std::vector<double> u(kProbabilities);
    fill_uniforms(1, 11, 0, 0, static_cast<std::uint32_t>(u.size()), 0, 1, u.data(), u.size());
    return u;
  }();
  return q;
}

Distribution parse(const std::string& text) {
  const Model m = load_model_text("parameters:\n  x: " + text + "\noutputs:\n  y: x\n", "bench.yaml");
  return m.parameters[0].distribution;
}

void per_quantile(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kProbabilities));
  state.counters["ns/quantile"] = benchmark::Counter(static_cast<double>(state.iterations() * kProbabilities),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_QuantilePrepared(benchmark::State& state, const std::string& text) {
  const QuantileFunction quantile(parse(text));
  const std::vector<double>& q = probabilities();
  std::vector<double> out(q.size());
  for (auto _ : state) {
    quantile.quantiles(q.data(), q.size(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  per_quantile(state);
}

void BM_QuantileReference(benchmark::State& state, const std::string& text) {
  const Distribution d = parse(text);
  const std::vector<double>& q = probabilities();
  std::vector<double> out(q.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < q.size(); ++i) out[i] = d.quantile(q[i]);
    benchmark::DoNotOptimize(out.data());
  }
  per_quantile(state);
}

#define RISKCAST_QUANTILE_BENCH(name, text)                                                       \
  BENCHMARK_CAPTURE(BM_QuantilePrepared, name, std::string(text))->Unit(benchmark::kMicrosecond); \
  BENCHMARK_CAPTURE(BM_QuantileReference, name, std::string(text))->Unit(benchmark::kMicrosecond);

RISKCAST_QUANTILE_BENCH(pert, "pert(1, 2, 4)")
RISKCAST_QUANTILE_BENCH(beta, "beta(2, 3)")
RISKCAST_QUANTILE_BENCH(student_t, "student_t(5, 0, 1)")
RISKCAST_QUANTILE_BENCH(gamma, "gamma(2, 1)")
RISKCAST_QUANTILE_BENCH(mixture, "mixture([normal(0, 1), uniform(0, 1)], [0.5, 0.5])")
RISKCAST_QUANTILE_BENCH(binomial, "binomial(20, 0.3)")
RISKCAST_QUANTILE_BENCH(poisson, "poisson(4)")
RISKCAST_QUANTILE_BENCH(discrete, "discrete([1, 2, 3, 5, 8], [0.1, 0.2, 0.4, 0.2, 0.1])")
RISKCAST_QUANTILE_BENCH(normal, "normal(0, 1)")
RISKCAST_QUANTILE_BENCH(lognormal, "lognormal_mean_sd(1000, 300)")
RISKCAST_QUANTILE_BENCH(truncated_normal, "truncated_normal(0, 1, -1, 2)")
RISKCAST_QUANTILE_BENCH(weibull, "weibull(1.5, 4)")

// bench/models/correlated.yaml end to end on one thread, with its
// correlations (argument 1) and without (0).
void BM_CorrelatedModel(benchmark::State& state) {
  Model model = load_model_file(RISKCAST_SOURCE_DIR "/bench/models/correlated.yaml");
  if (state.range(0) == 0) model.correlations.clear();
  constexpr std::uint64_t kSamples = 100'000;
  RunRequest request;
  request.settings.samples = kSamples;
  request.settings.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(run_model(model, request));
  state.SetItemsProcessed(state.iterations() * kSamples);
  state.counters["correlated"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_CorrelatedModel)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace riskcast
