// The riskcast engine's public API (docs/api.md): load a model, list what it
// holds, run it, and get summaries or per-sample columns.
//
// Plain structs and std::vector<double> columns, errors as exceptions, no
// streams: a thin binding (pybind11) can wrap every call one to one.
//
// Errors:
//  * ModelError (diagnostics.hpp): the model cannot be read or evaluated;
//    every diagnostic carries the file, line and column, including a run
//    error (a probability formula outside [0, 1], an output that is not a
//    finite number) found while sampling.
//  * std::invalid_argument: options the engine cannot honour (an unknown
//    scenario, column or output, one listed twice, a percentile outside
//    (0, 1), a threshold that is not finite, samples beyond the
//    random-stream layout, threads beyond kMaxThreads, a block size beyond
//    kMaxBlockSize).
//  * ResourceError, RunCancelled (errors.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/count.hpp"
#include "riskcast/diagnostics.hpp"
#include "riskcast/errors.hpp"
#include "riskcast/format.hpp"
#include "riskcast/metadata.hpp"
#include "riskcast/random_layout.hpp"
#include "riskcast/result.hpp"
#include "riskcast/sampling.hpp"
#include "riskcast/sensitivity_result.hpp"
#include "riskcast/statistics.hpp"
#include "riskcast/version.hpp"

namespace riskcast {

struct Model;          // the model IR, internal (engine/)
struct ReportOptions;  // report_page.hpp
struct ReportPage;

// Samples indices are 40-bit in the random-stream layout: a run needs
// first_sample + samples ≤ kMaxSamples (random_layout.hpp; docs/architecture.md,
// "Randomness"), and the model's horizon at most kMaxHorizon months: a
// century, well inside the months the layout can address.
inline constexpr std::uint32_t kMaxHorizon = 1200;
static_assert(kMaxHorizon < kMonthsAddressable, "every month 1 … kMaxHorizon needs a substream of its own");
inline constexpr std::size_t kMaxBlockSize = 4096;
// Worker threads a run may ask for (RunOptions::threads and the like; the
// command's --threads): far beyond any machine's cores, small enough that a
// typo (threads = 2^31) is an error rather than a refusal for memory.
inline constexpr unsigned kMaxThreads = 1024;

// A parameter or an event as the model (base scenario) defines it.
struct ParameterInfo {
  std::string name;
  SourcePos pos;
  std::string definition;  // the distribution as written: "normal(0.3, 0.05)"
  // Exact quantiles of the distribution (no sampling); has_numbers is false
  // for a distribution whose quantiles have no closed form here.
  bool has_numbers = false;
  double median = 0, p5 = 0, p95 = 0;
  Metadata metadata;
  // For a distribution given in other terms (lognormal_mean_sd,
  // lognormal_ci90, normal_percentiles, lognormal_percentiles,
  // pert_p10_p50_p90): the standard law it was solved to, in full precision,
  // "lognormal(14.4165…, 0.4294…)"; empty for the others.
  std::string solved;
};

// An index (docs/language.md, "Indexes"): a named, ordered list of elements.
// An entry over it is listed element by element (`units[huawei]`, …).
struct IndexInfo {
  std::string name;
  SourcePos pos;
  std::vector<std::string> elements;  // in the model's order
};

// A data table (docs/language.md, "Data tables"): numbers read from a CSV
// file when the model was loaded.
struct DataInfo {
  std::string name;
  SourcePos pos;
  std::string file;            // as the model writes it, relative to the model file's folder
  std::string by;              // "month": a series; else the name of an index: a table by its elements
  std::string column;          // the column read
  std::vector<double> values;  // by month: values[m − 1]; by index: one per element, in the index's order
  Metadata metadata;
};

// A rank (Spearman) correlation between two parameters (docs/language.md,
// "Correlations"): `first` precedes `second` in the model's parameter order.
// In a scenario's list, 0 removes the model's coefficient for the pair.
struct CorrelationInfo {
  std::string first, second;
  double rank_correlation = 0;
  SourcePos pos;  // the pair's entry, or its cell of a matrix
};

struct EventInfo {
  std::string name;
  SourcePos pos;
  std::string kind;                 // "regime" | "switch" | "arrivals" | "innovation"
  std::vector<std::string> states;  // a regime's states, in order; empty otherwise
  std::string definition;           // as the assumptions table shows it
  Metadata metadata;
};

// An output or a monthly formula.
struct FormulaInfo {
  std::string name;
  SourcePos pos;
  std::string formula;  // the formula, each operation parenthesised: "(2 * a)"
  Metadata metadata;
};

struct ScenarioInfo {
  std::string name;
  SourcePos pos;
  std::string description;
  std::vector<std::string> parameters;        // the parameters it overrides
  std::vector<std::string> events;            // the events it overrides
  std::vector<CorrelationInfo> correlations;  // the coefficients it sets (0: removes the model's), as written
};

// A parameter's new definition (LoadedModel::with_parameters): a number or a
// distribution as a model file writes it, "0.9" or "uniform(0.8, 1)".
struct ParameterOverride {
  std::string name;
  std::string definition;
};

enum class MemoryPolicy {
  refuse,     // refuse (ResourceError) a run whose estimate exceeds the memory available
  unchecked,  // run anyway (the caller has checked, or accepts the risk)
};

// Where a run is: called at the start and end of every scenario and about
// every 100 ms in between, never concurrently with itself, from the calling
// thread or one thread the engine starts. Each (scenario, done) comes at
// most once, `done` rising within a scenario; a scenario that completes
// reports done == total exactly once, as its last call. An exception it throws stops the
// run and is rethrown by run().
struct RunProgress {
  std::size_t scenario = 0;   // index among the scenarios run
  std::size_t scenarios = 0;  // how many run
  std::string name;           // the scenario's name
  std::uint64_t done = 0;     // samples of this scenario finished
  std::uint64_t total = 0;    // samples per scenario
  // A streamed run (SampleStorage) samples every scenario at once, in
  // passes: each pass is reported as a "scenario" (scenario = pass − 1,
  // name "pass K", total the samples) of `scenarios` = the passes known so
  // far (2 at first, one more as a pass finds another is needed; the final
  // call's is the passes made); 0 for a run that keeps its samples.
  unsigned pass = 0;
};
using ProgressCallback = std::function<void(const RunProgress&)>;

// Sees each output's column of samples (in sample order) before it is
// summarised; called concurrently for different outputs of a scenario.
using ColumnVisitor = std::function<void(std::size_t scenario, std::size_t output, std::span<const double> column)>;

struct RunOptions {
  std::uint64_t samples = 1'000'000;  // per scenario, ≥ 1
  std::uint64_t seed = 1;
  // Global index of the first sample: a run of samples [a, b) gives the same
  // values as those samples of a larger run (split runs, MPI ranks).
  std::uint64_t first_sample = 0;
  unsigned threads = 0;                // 0 … kMaxThreads, 0: all hardware threads; results never depend on it
  std::size_t block_size = 256;        // samples evaluated together, 1 … kMaxBlockSize; results never depend on it
  std::vector<std::string> scenarios;  // empty: every scenario, in model order; each at most once
  // The outputs to evaluate and summarise, in model order whatever the order
  // here; empty: every output. The others are not computed (no formula reads
  // an output), which saves their memory.
  std::vector<std::string> outputs;
  // Per-sample columns to keep (ScenarioResult::columns), each the name of
  // an output (among `outputs`) or a parameter, each at most once; "*" among
  // them stands for every output evaluated and every parameter not named on
  // its own (resolve_columns).
  std::vector<std::string> columns;
  // Percentiles to report in addition to the standard P1 … P99
  // (kStandardPercentiles), as probabilities in (0, 1): 0.975 for P97.5.
  // Every summary holds the standard ones and these, ascending, each once
  // (RunResult::percentiles), so every view that reads a standard one (P5,
  // P50, P95 in compare, charts, baselines) still finds it.
  std::vector<double> percentiles;
  // Exceedance probabilities P(X > threshold) (strictly greater), each with
  // its exact binomial 95 % interval (proportion_interval), for outputs
  // among `outputs`; each output's in the order given, repeats dropped
  // (OutputSummary::exceedances). The threshold must be finite.
  std::vector<ExceedanceThreshold> exceedances;
  // The sampling design (sampling.hpp): Monte Carlo, Latin hypercube or
  // randomized quasi-Monte Carlo, in `replicates` independent designs of
  // samples / replicates points each (0: the method's default,
  // replicates_for). Under lhs and qmc, samples must be a multiple of the
  // replicates, and first_sample a multiple of the points of one design: a
  // split run is whole replicates of a larger run with the same points
  // (docs/results.md, "Sampling methods").
  SamplingMethod method = SamplingMethod::mc;
  unsigned replicates = 0;
  // Precision-based stopping (mc only): sample in blocks of kPrecisionBlock
  // and stop at the first block boundary where, in every scenario run, each
  // target's 95 % interval is no wider than asked; `samples` is the most.
  // The result is that of a run of the samples taken (RunResult::samples),
  // bit for bit, and says whether every target was met
  // (RunResult::precision).
  std::vector<PrecisionTarget> precision;
  MemoryPolicy memory = MemoryPolicy::refuse;
  // Bytes the run may use (SampleStorage): 0 is the memory available
  // (MemAvailable) under MemoryPolicy::refuse and no limit under unchecked.
  std::uint64_t memory_limit = 0;
  SampleStorage storage = SampleStorage::automatic;
  ProgressCallback progress;   // optional
  ColumnVisitor visit_column;  // optional
  std::stop_token stop;        // a stop request ends the run with RunCancelled
};

// A sensitivity analysis of one output (docs/analysis.md): one sampling
// pass of `scenario` with every input recorded, then one pass per other
// scenario for the deltas against base.
struct SensitivityOptions {
  std::uint64_t samples = 1'000'000;  // 1 … kMaxSensitivitySamples
  std::uint64_t seed = 1;
  unsigned threads = 0;           // 0 … kMaxThreads, as RunOptions
  std::size_t block_size = 256;   // 1 … kMaxBlockSize
  std::string scenario = "base";  // whose drivers and conditional outcomes are reported
  std::string output;             // empty: the model's first output
  bool scenario_deltas = true;    // false: one pass only, no deltas (rank only)
  // sobol: Sobol indices of every input, event and group from `samples` = N
  // base rows, N·(d + 2) evaluations (SensitivityResult::sobol); rank: the
  // tornado, conditional outcomes and deltas.
  SensitivityMethod method = SensitivityMethod::rank;
  MemoryPolicy memory = MemoryPolicy::refuse;
  // Called as for a run, with one "scenario" named "sensitivity" whose total
  // counts the samples of every pass.
  ProgressCallback progress;
  std::stop_token stop;
};

// Memory a run needs: every kept column of every scenario, plus the output
// columns of one scenario at a time and each thread's registers.
struct MemoryEstimate {
  std::uint64_t bytes_per_sample = 0;
  std::uint64_t fixed_bytes = 0;
  std::uint64_t total(std::uint64_t samples) const { return bytes_per_sample * samples + fixed_bytes; }
};

// A loaded, validated model. Copies share the (immutable) model; every
// member may be called from several threads at once.
class LoadedModel {
 public:
  // Reads, validates and resolves a model; throws ModelError carrying every
  // diagnostic found. Warnings (docs/language.md, "Warnings") are kept.
  static LoadedModel from_file(const std::string& path);
  // `file` names the text in diagnostics.
  static LoadedModel from_text(std::string_view text, const std::string& file = "<text>");

  // This model with parameters redefined (engine/api/overrides.cpp), as if
  // their `dist:` were edited in the file: a scenario that overrides one
  // keeps its own definition. Each definition is read and checked as `dist:`
  // is; ModelError carries every error, positioned in the text
  // "NAME: DEFINITION", one line per override in order, of file
  // "<overrides>". Warnings are those of the new model.
  LoadedModel with_parameters(const std::vector<ParameterOverride>& overrides) const;

  const std::string& file() const;
  const std::string& name() const;
  const std::string& title() const;
  const std::string& description() const;
  std::uint32_t horizon() const;  // months

  // Warnings found while loading, and the same as "FILE:LINE:COL: warning: …"
  // lines (with `as_errors`, "error:" instead: check --strict).
  const std::vector<Diagnostic>& warnings() const;
  std::string format_warnings(bool as_errors = false) const;

  std::vector<IndexInfo> indexes() const;  // in file order
  std::vector<DataInfo> data() const;      // in file order
  std::vector<ParameterInfo> parameters() const;
  std::vector<EventInfo> events() const;
  std::vector<FormulaInfo> monthly() const;  // in evaluation (dependency) order
  std::vector<FormulaInfo> outputs() const;
  std::vector<ScenarioInfo> scenarios() const;  // base first
  // The model's rank correlations as written (no scenario applied), each
  // non-zero pair once; a scenario's changes are ScenarioInfo::correlations.
  std::vector<CorrelationInfo> correlations() const;

  // The column names `columns` stands for, each checked: "*" stands, where
  // it is, for every output of a run of `outputs` (empty: every output) and
  // then every parameter, except those `columns` names on its own.
  // std::invalid_argument names an unknown name (what it is when it is an
  // event or a monthly formula, else a did-you-mean hint), an output not
  // among `outputs`, or a name listed twice.
  std::vector<std::string> resolve_columns(const std::vector<std::string>& columns,
                                           const std::vector<std::string>& outputs = {}) const;

  MemoryEstimate estimate_memory(const RunOptions& options) const;

  // How run(options) would keep its samples: SampleStorage::in_memory or
  // streamed (options.storage, and for automatic the estimate against the
  // limit). Throws as run() would before sampling: ResourceError when the
  // samples do not fit and the run cannot stream (saying why), or when even
  // a streamed run's working set exceeds the limit; std::invalid_argument
  // for a streamed run that needs its samples.
  SampleStorage storage_for(const RunOptions& options) const;

  // The assumptions table of the model with `scenario`'s overrides (what
  // `riskcast describe` prints): table, markdown or csv; std::invalid_argument
  // for an unknown scenario or Format::Json.
  std::string describe(const std::string& scenario, Format format) const;

  // The compiled program of `scenario`, each instruction with its source
  // position (what `riskcast check --dump-program` prints).
  std::string disassemble(const std::string& scenario) const;

  // Samples the chosen scenarios with common random numbers (same seed,
  // sample indices and random slots) and summarises every output. Checks
  // the options first (limits, scenarios, columns, memory), so a refused
  // run costs no sampling.
  RunResult run(const RunOptions& options) const;

  // Throws std::invalid_argument for an unknown scenario or output or too
  // many samples, and otherwise as run() does.
  SensitivityResult sensitivity(const SensitivityOptions& options) const;

  // The HTML report page (report_page.hpp): a run of the chosen scenarios,
  // a sensitivity analysis of the chosen output, and the page composed.
  ReportPage report(const ReportOptions& options) const;

  // Warnings a run's results give: a share output that left [0, 1]; as
  // diagnostics (the file empty where it is the model's), and as
  // "FILE:LINE:COL: warning: …" lines.
  std::vector<Diagnostic> result_warnings(const RunResult& result) const;
  std::string format_result_warnings(const RunResult& result) const;

  // The internal model IR (engine/ only; the type is incomplete here).
  const Model& ir() const { return *model_; }

 private:
  explicit LoadedModel(std::shared_ptr<const Model> model, std::vector<Diagnostic> warnings);
  std::shared_ptr<const Model> model_;
  std::shared_ptr<const std::vector<Diagnostic>> warnings_;
};

}  // namespace riskcast

namespace riskcast {

// For a model whose correlation matrices are not all positive definite
// (docs/language.md, "Correlations"): YAML holding the model's and each
// scenario's `correlations:` section with every such group replaced by its
// nearest valid matrix (what `riskcast check --nearest-correlations`
// writes); "" when every group is valid. Throws ModelError for any other
// error of the model.
std::string nearest_correlations(const std::string& path);

}  // namespace riskcast

// What else the command does, each over LoadedModel: the charts of a run,
// the HTML report, baselines and regression checks, batch files, the
// per-sample export, atomic file writes.
#include "riskcast/batch_runs.hpp"
#include "riskcast/charts.hpp"
#include "riskcast/files.hpp"
#include "riskcast/regress.hpp"
#include "riskcast/report_page.hpp"
#include "riskcast/sample_export.hpp"
