#include "riskcast/run.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fstream>
#include <stdexcept>

#include "riskcast/program.hpp"

namespace riskcast {

MemoryEstimate estimate_memory(const Model& model, const RunSettings& settings) {
  const Program program = compile_program(model);
  MemoryEstimate e;
  e.bytes_per_sample = bytes_per_sample(program);
  const unsigned threads =
      settings.threads ? settings.threads : static_cast<unsigned>(tbb::this_task_arena::max_concurrency());
  e.fixed_bytes = static_cast<std::uint64_t>(threads) * program.register_count * settings.block_size * sizeof(double) +
                  (64u << 20);  // code, model, allocator slack
  return e;
}

std::uint64_t available_memory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (meminfo >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
}

RunResult run_model(const Model& model, const RunRequest& request, const ScenarioCallback& on_scenario) {
  std::vector<const Scenario*> chosen;
  if (request.scenarios.empty()) {
    for (const Scenario& s : model.scenarios) chosen.push_back(&s);
  } else {
    for (const std::string& name : request.scenarios) {
      const Scenario* s = model.find_scenario(name);
      if (!s) throw std::invalid_argument(fmt::format("unknown scenario `{}`", name));
      chosen.push_back(s);
    }
  }
  RunResult result;
  result.model = model.name;
  result.title = model.title;
  result.samples = request.settings.samples;
  result.seed = request.settings.seed;
  const int threads =
      request.settings.threads ? static_cast<int>(request.settings.threads) : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const Scenario& scenario = *chosen[i];
    if (on_scenario) on_scenario(i, scenario.name);
    const Program program = compile_program(apply_scenario(model, scenario));
    std::vector<Column> columns;
    std::vector<double*> outputs;
    for (std::size_t o = 0; o < program.outputs.size(); ++o) {
      columns.push_back(allocate_column(request.settings.samples));
      outputs.push_back(columns.back().data.get());
    }
    sample_program_into(program, request.settings, outputs);
    ScenarioResult sr;
    sr.name = scenario.name;
    sr.description = scenario.description;
    sr.outputs.resize(program.outputs.size());
    // Each output's summary depends on its column alone: parallel and still exact.
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, program.outputs.size(), [&](std::size_t o) {
        sr.outputs[o].name = program.outputs[o].name;
        sr.outputs[o].metadata = program.outputs[o].metadata;
        if (request.visit_column) request.visit_column(i, o, columns[o].span());
        sr.outputs[o].summary = summarize(columns[o].span());
        columns[o].data.reset();  // free the column as soon as it is summarised
      });
    });
    result.scenarios.push_back(std::move(sr));
  }
  return result;
}

}  // namespace riskcast
