// Batch files (docs/batch.md): many runs — model, scenarios, samples, seed,
// result formats — listed in one YAML file, read with every mistake
// positioned, and executed: each run's result files written atomically into
// one folder, plus a summary of every run (`riskcast batch`).
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/diagnostics.hpp"
#include "riskcast/format.hpp"
#include "riskcast/riskcast.hpp"  // ParameterOverride
#include "riskcast/sampling.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

// Largest batch file accepted; real ones are a few hundred bytes.
inline constexpr std::size_t kMaxBatchBytes = 1u << 20;
// A run's name is a file name: letters, digits, `-`, `_` and `.`, at most this long.
inline constexpr std::size_t kMaxRunNameLength = 100;

// One output a run's `exceed:` names, as written: checked against the model
// once it is read (the output exists; a threshold in percent only for a
// share).
struct BatchExceedance {
  std::string output;
  SourcePos pos;                       // of the output's name
  std::vector<SourcePos> percentages;  // of each of its thresholds written with `%`
};

struct BatchRun {
  std::string name;                     // unique (ignoring case); its result files are NAME.json, NAME.csv, …
  SourcePos pos;                        // of its name in the batch file: where a failure points
  std::string model;                    // as written in the batch file
  std::string model_path;               // resolved against the batch file's folder
  std::vector<std::string> scenarios;   // empty: every scenario of the model
  std::vector<SourcePos> scenario_pos;  // where each name is written (a run's own list or `defaults`)
  std::uint64_t samples = 1'000'000;
  std::uint64_t seed = 1;
  SamplingMethod method = SamplingMethod::mc;    // `method:` (RunOptions::method)
  unsigned replicates = 0;                       // `replicates:` (RunOptions::replicates); 0: the method's default
  std::vector<Format> formats = {Format::Json};  // may be empty: the run shows only in the summary
  std::vector<double> percentiles;               // `percentiles:` as probabilities (RunOptions::percentiles)
  std::vector<ExceedanceThreshold> exceedances;  // `exceed:` (RunOptions::exceedances)
  std::vector<BatchExceedance> exceedance_text;  // every output `exceed:` names, even with no threshold
  // A cell of a sweep (`sweeps:`, docs/batch.md): its sweep's index in
  // BatchFile::sweeps, and per lever of that sweep, in order, the
  // parameter's new definition (LoadedModel::with_parameters) and the
  // value as the summary shows it (a number at full precision, or the
  // definition as written). A listed run: kNoSweep and none.
  static constexpr std::size_t kNoSweep = static_cast<std::size_t>(-1);
  std::size_t sweep = kNoSweep;
  std::vector<ParameterOverride> overrides;
  std::vector<std::string> setting_text;
  std::vector<double> setting_values;  // the lever's number (NaN: a distribution)
};

// A `sweeps:` entry: one run per cell, each cell a setting of the levers
// (parameters of the model fixed to values, or redefined), crossed with
// the sweep's scenarios, all with the same seed: common random numbers, so
// that the difference between two cells is paired sample by sample.
struct BatchSweep {
  std::string name;
  SourcePos pos;  // of its name
  std::string model_path;
  std::vector<std::string> levers;  // parameter names, in the file's order
  std::vector<SourcePos> lever_pos;
  bool latin_hypercube = false;  // `design: lhs` (else the full factorial)
  std::string output;            // `output:`, the headline the chart draws; empty: the model's first
  SourcePos output_pos;
  std::size_t first_run = 0, cells = 0;  // its cells: BatchFile::runs[first_run, first_run + cells)
};
// The most cells one sweep may expand to.
inline constexpr std::size_t kMaxSweepCells = 100'000;

struct BatchFile {
  std::string path;
  std::string title;           // `batch:`; may be empty
  std::vector<BatchRun> runs;  // the listed runs, then each sweep's cells
  std::vector<BatchSweep> sweeps;
};

// Reads and checks a batch file. Throws ModelError carrying every problem
// found, positioned in the batch file (unknown keys with a hint, wrong types,
// duplicate run names, unknown formats, bad counts). When there is one,
// load_batch_file also reads the models the runs name and adds, in the same
// report, each scenario or `exceed` output a model lacks and each
// percentage threshold of an output that is no share (run_batch checks
// those of a batch file without other errors). load_batch_text reads no
// model.
BatchFile load_batch_file(const std::string& path);
BatchFile load_batch_text(std::string_view text, const std::string& path);

// The chart files of `sweep` (BatchOptions::plot): "SWEEP.svg" for one
// lever, "SWEEP.SCENARIO.svg" per scenario for two (`scenarios` the
// sweep's, or its model's when it names none); none for three or more.
std::vector<std::string> sweep_chart_files(const BatchSweep& sweep, const std::vector<std::string>& scenarios);

// "all-20k.json": where a run's result in one format goes, inside the output folder.
std::string result_file_name(const BatchRun& run, Format format);

// Where a batch is: called from the calling thread as each run starts and
// as it ends (never for a dry run).
struct BatchProgress {
  std::size_t index = 0;  // of the run in BatchFile::runs
  std::size_t runs = 0;   // how many the batch holds
  const BatchRun* run = nullptr;
  std::size_t scenarios = 0;  // how many scenarios it samples (its own list, else its model's when that was read)
  bool finished = false;      // false: starting; true: ended
  bool failed = false;        // when finished: the run failed (BatchOutcome::failed says why)
  double seconds = 0;         // when finished: how long it took
};

struct BatchOptions {
  std::string out;  // the folder for the result files and the summary (created if missing); unused by a dry run
  // The folder for each sweep's chart (created if missing; empty: none):
  // SWEEP.svg for one lever, SWEEP.SCENARIO.svg for two (sweep_chart_files).
  std::string plot;
  unsigned threads = 0;  // for every run; results never depend on it
  // For every run, as RunOptions::memory_limit and RunOptions::storage: a
  // run whose samples would not fit streams (docs/scale.md).
  std::uint64_t memory_limit = 0;
  SampleStorage storage = SampleStorage::automatic;
  // Read every model and check every run's scenarios and memory, sampling
  // and writing nothing.
  bool dry_run = false;
  std::function<void(const BatchProgress&)> progress;  // optional
  // Optional: the warnings of each model as it is read and of each run's
  // results (a share output that left [0, 1]), as "FILE:LINE:COL: warning:
  // …" lines, a run's headed by "BATCH:LINE:COL: in run `NAME`:" and
  // given after its finished progress; called from the calling thread.
  std::function<void(const std::string&)> warnings;
  std::stop_token stop;  // ends the batch with RunCancelled; the running run's files are removed
};

// A run that failed (or would fail): `error` is what `riskcast run` would
// have printed for it — a model's positioned diagnostics, or
// "riskcast: error: MESSAGE" — one or more lines, each ending in a newline.
struct BatchFailure {
  std::string run;
  SourcePos pos;  // of the run's name in the batch file
  std::string error;
};

struct BatchOutcome {
  std::size_t runs = 0;              // in the batch
  std::size_t models = 0;            // distinct model files, each read once
  std::vector<BatchFailure> failed;  // in batch order
  double seconds = 0;                // the whole batch
};

// Runs every run of `batch` in order. Each model file is read once, up
// front: a scenario name that its model lacks is a mistake in the batch file
// (ModelError, positioned at the name, before anything runs or is written),
// while a model that cannot be read fails only the runs that use it. Each
// run is refused (fails) when its memory estimate exceeds the memory
// available; it writes OUT/NAME.EXT per format (result_file_name), each
// atomically, all or none of them: a failed run leaves no file of its name,
// not even one an earlier batch left. A failed run does not stop the others.
// Then OUT/summary.csv (run,model,scenario,output,unit,samples,seed,mean,
// p5,p50,p95 at full precision; with a probability output, also
// probability,probability_ci_low,probability_ci_high, in place of its mean
// and percentiles) and OUT/summary.md (the same as people read
// numbers, then the failed runs with their errors). std::runtime_error when
// OUT cannot be created or a summary cannot be written. Under a RankScope
// of R ranks (ranks.hpp) and with at least R runs, each rank runs whole runs
// (run i of each round of R on rank i) and rank 0 writes them all; else
// each run's samples are split. The files are one process's either way.
BatchOutcome run_batch(const BatchFile& batch, const BatchOptions& options);

}  // namespace riskcast
