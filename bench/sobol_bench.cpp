// Sobol indices of the reference model's first output, against a plain run
// of the same number of evaluations (items: model evaluations, so the two
// rates compare directly: their ratio is the Sobol analysis's cost per
// evaluation relative to plain sampling).
#include <benchmark/benchmark.h>

#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast {
namespace {

constexpr std::uint64_t kBaseRows = 2'000;

const Model& reference_model() {
  static const Model model = load_model_file(RISKCAST_SOURCE_DIR "/bench/models/reference.yaml");
  return model;
}

void BM_SobolReference(benchmark::State& state) {
  SensitivityRequest request;
  request.settings.samples = kBaseRows;
  request.settings.threads = 1;
  std::uint64_t evaluations = 0;
  for (auto _ : state) {
    const SensitivityResult r = analyze_sobol(reference_model(), request);
    evaluations = r.sobol->evaluations;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * evaluations));
  state.counters["inputs"] = static_cast<double>(evaluations / kBaseRows - 2);
}
BENCHMARK(BM_SobolReference)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same evaluations as plain samples of the same one-output program.
void BM_PlainEvaluationsOfSobolSize(benchmark::State& state) {
  Model model = reference_model();
  model.outputs = {model.outputs.front()};
  const Program program = compile_program(model);
  SensitivityRequest request;
  request.settings.samples = kBaseRows;
  const std::uint64_t evaluations = kBaseRows * sobol_passes(reference_model(), request);
  RunSettings settings;
  settings.samples = evaluations;
  settings.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(sample_program(program, settings));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * evaluations));
}
BENCHMARK(BM_PlainEvaluationsOfSobolSize)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace riskcast
