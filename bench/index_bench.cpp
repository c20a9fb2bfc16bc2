// An index costs what its elements written out cost (docs/language.md,
// "Indexes"): a model of 50 risks over an index against the same model with
// every risk written as its own parameter, event, monthly formula and
// output. Loading expands the index into flat entries, so both compile to
// programs of the same size; compare the two rows' time within one run
// (target: indexed ≤ 1.2 × written out).
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "riskcast/model_loader.hpp"
#include "riskcast/run.hpp"

namespace riskcast {
namespace {

constexpr int kRisks = 50;
constexpr std::uint64_t kSamples = 100'000;

// Each risk: an impact (pert), a switch that may turn it on, a monthly cost
// while on, and its yearly total; the total of all risks.
std::string impact_of(int i) {
  return fmt::format("pert({}, {}, {})", i + 1, 2 * i + 3, 4 * i + 9);
}

double hazard_of(int i) {
  return 0.01 + 0.001 * i;
}

std::string indexed_model() {
  std::vector<std::string> elements, impacts, hazards;
  for (int i = 0; i < kRisks; ++i) {
    elements.push_back(fmt::format("r{}", i));
    impacts.push_back(fmt::format("\"{}\"", impact_of(i)));
    hazards.push_back(fmt::format("{}", hazard_of(i)));
  }
  return fmt::format(
      "indexes:\n  risk: [{}]\n"
      "parameters:\n"
      "  impact: {{over: risk, dist: [{}]}}\n"
      "  scale: uniform(0.9, 1.1)\n"
      "events:\n"
      "  hit: {{kind: switch, over: risk, on: [{}], off: 0.2}}\n"
      "monthly:\n"
      "  cost: {{over: risk, formula: hit * impact * scale}}\n"
      "outputs:\n"
      "  total: sum(sum(cost over risk))\n"
      "  cost_by_risk: {{over: risk, formula: sum(cost)}}\n",
      fmt::join(elements, ", "), fmt::join(impacts, ", "), fmt::join(hazards, ", "));
}

std::string written_out_model() {
  std::string parameters, events, monthly, outputs;
  std::vector<std::string> costs;
  for (int i = 0; i < kRisks; ++i) {
    parameters += fmt::format("  impact_r{}: {}\n", i, impact_of(i));
    events += fmt::format("  hit_r{}: {{kind: switch, on: {}, off: 0.2}}\n", i, hazard_of(i));
    monthly += fmt::format("  cost_r{0}: hit_r{0} * impact_r{0} * scale\n", i);
    outputs += fmt::format("  cost_by_risk_r{0}: sum(cost_r{0})\n", i);
    costs.push_back(fmt::format("cost_r{}", i));
  }
  return fmt::format("parameters:\n{}  scale: uniform(0.9, 1.1)\nevents:\n{}monthly:\n{}outputs:\n  total: sum({})\n{}",
                     parameters, events, monthly, fmt::join(costs, " + "), outputs);
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
