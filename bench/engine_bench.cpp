// The engine end to end, its instruction throughput, percentile selection,
// and the hand-written yardstick.
#include <benchmark/benchmark.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "handwritten_reference.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/random.hpp"
#include "riskcast/run.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {
namespace {

constexpr std::uint64_t kEndToEndSamples = 200'000;

const Model& reference_model() {
  static const Model model = load_model_file(RISKCAST_SOURCE_DIR "/bench/models/reference.yaml");
  return model;
}

std::string reference_text() {
  std::ifstream in(RISKCAST_SOURCE_DIR "/bench/models/reference.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int all_threads() {
  return tbb::this_task_arena::max_concurrency();
}

// R1 end to end: sampling, statistics (percentiles and their intervals).
void BM_EngineReference(benchmark::State& state) {
  RunRequest request;
  request.settings.samples = kEndToEndSamples;
  request.settings.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(run_model(reference_model(), request));
  state.SetItemsProcessed(state.iterations() * kEndToEndSamples);
  state.counters["threads"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_EngineReference)->Arg(1)->Arg(all_threads())->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HandwrittenReference(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(bench::run_handwritten_reference(kEndToEndSamples, 1, static_cast<int>(state.range(0))));
  state.SetItemsProcessed(state.iterations() * kEndToEndSamples);
  state.counters["threads"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_HandwrittenReference)->Arg(1)->Arg(all_threads())->Unit(benchmark::kMillisecond)->UseRealTime();

// The cost of monthly draws: R1 as it is, and with a 12-month random walk
// added (a price index driven by an innovation with constant arguments,
// with formula arguments, and by the arrivals event a walk had to be
// written with before innovations: 100 bursts a month of normal sizes);
// then a walk alone against the same model with a constant step. Each
// variant samples 10^6 samples end to end on one thread (the abused
// arrivals 10^5: it is that slow); compare samples/s within one run
// (docs/performance.md, "Monthly draws").
std::string with_walk(const std::string& shock) {
  std::string text = reference_text();
  auto insert_after = [&](const std::string& header, const std::string& line) {
    const std::size_t at = text.find("\n" + header + "\n");
    if (at == std::string::npos) throw std::logic_error("no section " + header);
    text.insert(at + header.size() + 2, line);
  };
  insert_after("events:", "  price_shock: " + shock + "\n");
  insert_after("monthly:", "  price_index: prev(price_index, 0) + price_shock\n");
  insert_after("outputs:", "  price_index_end: last(price_index)\n");
  return text;
}

const std::vector<std::pair<std::string, std::string>>& walk_models() {
  static const std::vector<std::pair<std::string, std::string>> models = {
      {"R1", reference_text()},
      {"R1 + walk, constant arguments", with_walk("{kind: innovation, dist: \"normal(0, 0.02)\"}")},
      {"R1 + walk, formula arguments",
       with_walk("{kind: innovation, dist: \"normal(0, us_export == ban ? 0.05 : 0.02)\"}")},
      {"R1 + walk, arrivals", with_walk("{kind: arrivals, rate: 100, size: \"normal(0, 0.002)\"}")},
      {"walk alone",
       "horizon: 12\nevents:\n  shock: {kind: innovation, dist: \"normal(0, 1)\"}\n"
       "monthly:\n  walk: prev(walk, 0) + shock\noutputs:\n  walk_end: last(walk)\n"},
      {"constant step alone",
       "horizon: 12\nparameters:\n  step: 0.1\n"
       "monthly:\n  walk: prev(walk, 0) + step\noutputs:\n  walk_end: last(walk)\n"},
      // The cost of formula arguments: the same walk with a parameter in
      // the arguments, so that every sample's law differs, a normal and a
      // gamma.
      {"walk alone, formula arguments",
       "horizon: 12\nparameters:\n  u: uniform(0, 1)\nevents:\n"
       "  shock: {kind: innovation, dist: \"normal(0, 1 + u / 1000)\"}\n"
       "monthly:\n  walk: prev(walk, 0) + shock\noutputs:\n  walk_end: last(walk)\n"},
      {"gamma walk, constant arguments",
       "horizon: 12\nevents:\n  shock: {kind: innovation, dist: \"gamma(2, 1)\"}\n"
       "monthly:\n  walk: prev(walk, 0) + shock\noutputs:\n  walk_end: last(walk)\n"},
      {"gamma walk, formula arguments",
       "horizon: 12\nparameters:\n  u: uniform(0, 1)\nevents:\n"
       "  shock: {kind: innovation, dist: \"gamma(2 + u / 1000, 1)\"}\n"
       "monthly:\n  walk: prev(walk, 0) + shock\noutputs:\n  walk_end: last(walk)\n"},
  };
  return models;
}

void BM_MonthlyDraws(benchmark::State& state) {
  const auto& [label, text] = walk_models()[static_cast<std::size_t>(state.range(0))];
  const Model model = load_model_text(text, "walk.yaml");
  RunRequest request;
  // The slow one on fewer samples; samples/s compare all the same.
  request.settings.samples = label == "R1 + walk, arrivals" ? 100'000 : 1'000'000;
  request.settings.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(run_model(model, request));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(request.settings.samples));
  state.SetLabel(label);
}
BENCHMARK(BM_MonthlyDraws)->DenseRange(0, 8)->Unit(benchmark::kMillisecond)->UseRealTime();

// Program instructions per second: a formula-heavy model with no events,
// so nearly all time is instruction evaluation.
void BM_ProgramInstructions(benchmark::State& state) {
  std::string text = "horizon: 12\nparameters:\n  a: uniform(1, 2)\n  b: uniform(2, 3)\nmonthly:\n  x0: a * month\n";
  for (int i = 1; i < 40; ++i)
    text += "  x" + std::to_string(i) + ": min(x" + std::to_string(i - 1) + " * b + a, prev(x" + std::to_string(i) +
            ", 0) + 1) / (1 + a)\n";
  text += "outputs:\n  y: sum(x39)\n";
  const Model model = load_model_text(text, "instructions.yaml");
  const Program program = compile_program(model);
  RunSettings settings;
  settings.samples = 50'000;
  settings.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(sample_program(program, settings));
  const double per_sample = static_cast<double>(program.monthly_code.size()) * program.horizon;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * settings.samples * per_sample));
  state.counters["instructions/sample"] = per_sample;
}
BENCHMARK(BM_ProgramInstructions)->Unit(benchmark::kMillisecond);

// Percentiles (9, each with its interval) of 1e7 samples by selection.
void BM_Percentiles1e7(benchmark::State& state) {
  std::vector<double> data(10'000'000);
  fill_uniforms(1, 3, 0, 0, 1, 0, static_cast<std::uint32_t>(data.size()), data.data(), 1);
  std::vector<double> work;
  for (auto _ : state) {
    state.PauseTiming();
    work = data;
    state.ResumeTiming();
    benchmark::DoNotOptimize(summarize(work));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_Percentiles1e7)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace riskcast
