// Batch text → load_batch_text → each run's scenarios checked against a small
// fixed model, and its result file names.
//
// Checks besides "no crash": errors lie inside the text; a batch that loads
// keeps the promises of docs/batch.md that protect the output folder: run
// names are unique ignoring case, are not `summary`, and each result file
// name is a plain file name inside the folder.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <string>

#include "harness.hpp"
#include "riskcast/batch.hpp"
#include "riskcast/count.hpp"
#include "riskcast/model_loader.hpp"

namespace riskcast::fuzz {
namespace {

const Model& scenario_model() {
  static const Model model = load_model_text(R"yaml(parameters:
  p: uniform(0, 1)
outputs:
  o: p
scenarios:
  high: {parameters: {p: "uniform(1, 2)"}}
  low: {parameters: {p: "uniform(-1, 0)"}}
)yaml",
                                             "model.yaml");
  return model;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

void check_run(const BatchRun& run, std::string_view text) {
  require(!run.name.empty() && run.name.size() <= kMaxRunNameLength && run.name.front() != '.' &&
              lowercase(run.name) != "summary",
          "run name `" + run.name + "` was accepted");
  require(std::all_of(run.name.begin(), run.name.end(),
                      [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; }),
          "run name `" + run.name + "` has a character a file name should not");
  require(run.samples >= 1 && run.samples <= riskcast::kMaxSamples,
          "run `" + run.name + "` has an out-of-range sample count");
  require(run.scenarios.size() == run.scenario_pos.size(), "run `" + run.name + "`: a scenario without a position");
  for (const Format format : run.formats)
    require(result_file_name(run, format).starts_with(run.name + "."),
            "a result file name does not start with the run's");
  Diagnostics d("batch.yaml");
  check_run_scenarios(run, scenario_model(), d);
  if (!d.empty()) require_positioned(d, text);
}

}  // namespace
}  // namespace riskcast::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskcast;
  const std::string_view text = fuzz::as_text(data, size);
  const auto batch = fuzz::loaded(text, [](std::string_view t) { return load_batch_text(t, "fuzz/batch.yaml"); });
  if (!batch) return 0;
  fuzz::require(!batch->runs.empty(), "a batch without runs was accepted");
  std::set<std::string> names;
  for (const BatchRun& run : batch->runs) {
    fuzz::check_run(run, text);
    fuzz::require(names.insert(fuzz::lowercase(run.name)).second, "two runs named `" + run.name + "` (ignoring case)");
  }
  return 0;
}
