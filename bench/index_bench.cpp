// An index costs what its elements written out cost (docs/language.md,
// "Indexes"): a model of 50 risks over an index against the same model with
// every risk written as its own parameter, event, monthly formula and
// output. Loading expands the index into flat entries, so both compile to
// programs of the same size; compare the two rows' time within one run
// (target: indexed ≤ 1.2 × written out).
#include <benchmark/benchmark.h>

#include <string>

#include "riskcast/model_loader.hpp"
#include "riskcast/run.hpp"

namespace riskcast {
namespace {

constexpr int kRisks = 50;
constexpr std::uint64_t kSamples = 100'000;

std::string risk(int i) {
  return "r" + std::to_string(i);
}

// Each risk: an impact (pert), a switch that may turn it on, a monthly cost
// while on, and its yearly total; the total of all risks.
std::string indexed_model() {
  std::string elements, impacts, hazards;
  for (int i = 0; i < kRisks; ++i) {
    elements += (i ? ", " : "") + risk(i);
    impacts += (i ? ", " : "") + ("\"pert(" + std::to_string(i + 1) + ", " + std::to_string(2 * i + 3) + ", " +
                                  std::to_string(4 * i + 9) + ")\"");
    hazards += (i ? ", " : "") + std::to_string(0.01 + 0.001 * i);
  }
  return "indexes:\n  risk: [" + elements +
         "]\n"
         "parameters:\n"
         "  impact: {over: risk, dist: [" +
         impacts +
         "]}\n"
         "  scale: uniform(0.9, 1.1)\n"
         "events:\n"
         "  hit: {kind: switch, over: risk, on: [" +
         hazards +
         "], off: 0.2}\n"
         "monthly:\n"
         "  cost: {over: risk, formula: hit * impact * scale}\n"
         "outputs:\n"
         "  total: sum(sum(cost over risk))\n"
         "  cost_by_risk: {over: risk, formula: sum(cost)}\n";
}

std::string written_out_model() {
  std::string parameters, events, monthly, outputs, total;
  for (int i = 0; i < kRisks; ++i) {
    const std::string r = risk(i);
    parameters += "  impact_" + r + ": pert(" + std::to_string(i + 1) + ", " + std::to_string(2 * i + 3) + ", " +
                  std::to_string(4 * i + 9) + ")\n";
    events += "  hit_" + r + ": {kind: switch, on: " + std::to_string(0.01 + 0.001 * i) + ", off: 0.2}\n";
    monthly += "  cost_" + r + ": hit_" + r + " * impact_" + r + " * scale\n";
    outputs += "  cost_by_risk_" + r + ": sum(cost_" + r + ")\n";
    total += (i ? " + cost_" : "cost_") + r;
  }
  return "parameters:\n" + parameters + "  scale: uniform(0.9, 1.1)\nevents:\n" + events + "monthly:\n" + monthly +
         "outputs:\n  total: sum(" + total + ")\n" + outputs;
}

void run_text(benchmark::State& state, const std::string& text) {
  const Model model = load_model_text(text, "bench.yaml");
  RunRequest request;
  request.settings.samples = kSamples;
  request.settings.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(run_model(model, request));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kSamples));
}

void BM_IndexOf50Risks(benchmark::State& state) {
  run_text(state, indexed_model());
}
BENCHMARK(BM_IndexOf50Risks)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_50RisksWrittenOut(benchmark::State& state) {
  run_text(state, written_out_model());
}
BENCHMARK(BM_50RisksWrittenOut)->Unit(benchmark::kMillisecond)->UseRealTime();

// Loading alone: the expansion of the index against reading the entries.
void BM_LoadIndexOf50Risks(benchmark::State& state) {
  const std::string text = indexed_model();
  for (auto _ : state) benchmark::DoNotOptimize(load_model_text(text, "bench.yaml"));
}
BENCHMARK(BM_LoadIndexOf50Risks)->Unit(benchmark::kMillisecond);

void BM_Load50RisksWrittenOut(benchmark::State& state) {
  const std::string text = written_out_model();
  for (auto _ : state) benchmark::DoNotOptimize(load_model_text(text, "bench.yaml"));
}
BENCHMARK(BM_Load50RisksWrittenOut)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace riskcast
