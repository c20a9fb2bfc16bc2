// Batch files: many runs (model, scenarios, samples, seed, formats) listed in
// one YAML file, for `riskcast batch`. See docs/batch.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/diagnostics.hpp"
#include "riskcast/model.hpp"
#include "riskcast/report.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast {

// Largest batch file accepted; real ones are a few hundred bytes.
inline constexpr std::size_t kMaxBatchBytes = 1u << 20;
// A run's name is a file name: letters, digits, `-`, `_` and `.`, at most this long.
inline constexpr std::size_t kMaxRunNameLength = 100;

struct BatchRun {
  std::string name;                     // unique (ignoring case); its result files are NAME.json, NAME.csv, …
  SourcePos pos;                        // of its name in the batch file: where a failure points
  std::string model;                    // as written in the batch file
  std::string model_path;               // resolved against the batch file's folder
  std::vector<std::string> scenarios;   // empty: every scenario of the model
  std::vector<SourcePos> scenario_pos;  // where each name is written (a run's own list or `defaults`)
  std::uint64_t samples = 1'000'000;
  std::uint64_t seed = 1;
  std::vector<Format> formats = {Format::Json};  // may be empty: the run shows only in the summary
  std::vector<double> percentiles;               // `percentiles:` as probabilities (RunOptions::percentiles)
  std::vector<ExceedanceThreshold> exceedances;  // `exceed:` (RunOptions::exceedances)
  std::vector<SourcePos> exceedance_pos;         // where each output name is written
};

struct BatchFile {
  std::string path;
  std::string title;  // `batch:`; may be empty
  std::vector<BatchRun> runs;
};

// Reads and checks a batch file. Throws ModelError carrying every problem
// found, positioned in the batch file (unknown keys with a hint, wrong types,
// duplicate run names, unknown formats, bad counts). Models are not read.
BatchFile load_batch_file(const std::string& path);
BatchFile load_batch_text(std::string_view text, const std::string& path);

// Reports each scenario the run names that `model` lacks, positioned at the
// name in the batch file, with a hint when one is close.
void check_run_scenarios(const BatchRun& run, const Model& model, Diagnostics& diagnostics);

// Reports each output the run's `exceed:` names that `model` lacks, likewise.
void check_run_outputs(const BatchRun& run, const Model& model, Diagnostics& diagnostics);

// "all-20k.json": where a run's result in one format goes, inside the output folder.
std::string result_file_name(const BatchRun& run, Format format);

}  // namespace riskcast
