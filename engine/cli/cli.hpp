// Shared pieces of the command-line front end.
#pragma once

#include <atomic>
#include <boost/program_options.hpp>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "riskcast/riskcast.hpp"

namespace riskcast::cli {

// Exit statuses: 0 success, 1 a check found something (regress, batch), 2 error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitError = 2;

// A bad command line: printed as "riskcast: error: MESSAGE", exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int command_check(const std::vector<std::string>& args);
int command_baseline(const std::vector<std::string>& args);
int command_regress(const std::vector<std::string>& args);
int command_run(const std::vector<std::string>& args);
int command_describe(const std::vector<std::string>& args);
int command_compare(const std::vector<std::string>& args);
int command_sensitivity(const std::vector<std::string>& args);
int command_batch(const std::vector<std::string>& args);
int command_report(const std::vector<std::string>& args);

// Parses the arguments of `command` ("run"); prints help and returns nullopt
// for --help. Options are taken by their full names only (no abbreviations);
// an unknown one gets a "did you mean" hint, and a second positional
// argument is refused by name ("run takes one model file, got 2: …").
std::optional<boost::program_options::variables_map> parse_options(
    std::string_view command, const std::vector<std::string>& args,
    const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional, std::string_view usage);

// --samples, --seed, --threads and --scenario: the same for every command
// that samples a model; with Designs::offered also --method and
// --replicates (run and compare: the commands whose statistics have honest
// intervals for a design; the others sample by Monte Carlo and do not offer
// the options, and typing one says so).
enum class Designs { offered, monte_carlo_only };
// Why `command` (Designs::monte_carlo_only) takes no sampling design.
std::string monte_carlo_only(std::string_view command);
void add_sampling_options(boost::program_options::options_description& options, const char* scenario_help,
                          Designs designs);
// --samples, --seed, --threads, and --method and --replicates where offered.
RunOptions sampling_options(const boost::program_options::variables_map& vm, Designs designs = Designs::offered);
// --percentiles P,P… and --exceed OUTPUT=VALUE,VALUE… (run, compare; both
// repeatable): statistics reported besides the standard ones
// (docs/results.md).
void add_statistics_options(boost::program_options::options_description& options);
// --memory LIMIT and --stream (RunOptions::memory_limit, storage; docs/scale.md), for the commands that run.
void add_memory_options(boost::program_options::options_description& options);
void memory_options(const boost::program_options::variables_map& vm, RunOptions& run);
// A size in bytes: 1e9, 512M, 1G, 1.5GiB, 2T (K, M, G, T are powers of 1024; B, iB may follow).
std::uint64_t parse_bytes(const std::string& option, const std::string& text);
// Reads them into run.percentiles and run.exceedances, blanks around names
// and values ignored; each output --exceed names is checked against the
// model's (a hint if misspelt) and against run.outputs when any are chosen,
// and a threshold in percent is taken only for a share (is_share_unit).
void statistics_options(const boost::program_options::variables_map& vm, const LoadedModel& model,
                        const std::string& path, RunOptions& run);
// The --scenario names, each checked against the model's (a hint if misspelt).
std::vector<std::string> chosen_scenarios(const boost::program_options::variables_map& vm,
                                          const std::vector<std::string>& scenarios, const std::string& path);
// One scenario name (describe, check --dump-program), checked likewise.
void chosen_scenario(const std::string& name, const LoadedModel& model, const std::string& path);
std::vector<std::string> scenario_names(const LoadedModel& model);
std::vector<std::string> output_names(const LoadedModel& model);

// The --output names (repeatable), each checked against the model's outputs
// (a hint if misspelt); empty when none is given.
std::vector<std::string> chosen_outputs(const boost::program_options::variables_map& vm, const LoadedModel& model,
                                        const std::string& path);
// The one --output name, checked likewise, or the model's first output;
// "PATH has no outputs to PURPOSE" for a model without any.
std::string chosen_output(const boost::program_options::variables_map& vm, const LoadedModel& model,
                          const std::string& path, std::string_view purpose);

// --format, else the format --out's extension implies (format.hpp's
// format_for_path: .json, .csv, .md, .markdown, .txt in any case), else the
// table. An extension it does not know is refused, naming `formats` (the
// command's, as "table, csv, json or markdown").
Format output_format(const boost::program_options::variables_map& vm,
                     std::string_view formats = "table, csv, json or markdown");
// `text` on stdout, or into the --out file when one is given (`--out -` is
// stdout too); errors as write_text.
void print_or_write(const std::string& text, const boost::program_options::variables_map& vm);

// Runs `check` — a check of the paths a command will write — on rank 0
// alone under MPI (ranks.hpp: rank 0 alone writes) and gives its outcome to
// every rank in one collective step: an error rank 0 meets is thrown on
// every rank (a UsageError with its message; rank 0's own exception on
// rank 0), so the job stops at once with one message, as one process does,
// rather than rank 0 failing alone. Every rank calls it, in the same
// order; one process simply runs `check`. check_output_files,
// check_output_folder and check_chart_files are decided this way.
void decided_by_rank_zero(const std::function<void()>& check);

// A file a command will write, named by `option` ("--out").
struct OutputFile {
  std::string option;
  std::string path;
  bool stdout_allowed = false;  // "-" means stdout (a single text result)
};
// A file a command reads, as messages name it ("the model file").
struct InputFile {
  std::string what;
  std::string path;
};
// The model file of a command that samples or describes one.
std::vector<InputFile> model_input(const std::string& path);
// Checks, before any sampling, every file a command will write: its folder
// exists and is writable and an existing file there may be written
// (check_file_writable), "-" only where stdout is allowed, no output is one
// of `inputs` (riskcast never writes over what it reads), and no two
// options name the same file (one would lose the other), compared by what
// they write (file_identity: a link, ./name or an absolute path is the same
// file), except a character device that is not a terminal (/dev/null twice).
void check_output_files(const std::vector<OutputFile>& files, const std::vector<InputFile>& inputs);
// Refuses `path`, which `option` (given as `value`) would write, when it is
// one of `inputs`.
void check_not_input(const std::string& option, const std::string& value, const std::string& path,
                     const std::vector<InputFile>& inputs);
// Checks that `dir` is a folder, or can be created as one (files.hpp's
// check_folder_writable), and that none of `outputs` is `dir` or inside it
// (a file written there could replace or be replaced by the folder's);
// "-" is refused. `option` names it in the message.
void check_output_folder(const std::string& option, const std::string& dir,
                         const std::vector<OutputFile>& outputs = {});
// run --plot DIR, once the charts are known: every chart file in it
// (`charts`, relative to it) may be written where its folder exists
// (check_file_writable), and none is one of `inputs`.
void check_chart_files(const std::string& dir, const std::vector<std::string>& charts,
                       const std::vector<InputFile>& inputs);
// The --out file of a command that writes a single text result (stdout allowed).
std::vector<OutputFile> text_output(const boost::program_options::variables_map& vm);

// "--out r.json: cannot write: No space left on device": a FileError
// (files.hpp) from writing the file of `option`, given as `value` ("-": stdout;
// an empty option: stdout by default); a file inside a folder option is
// named as well ("--plot p: cannot write p/base/x.svg: Permission denied").
std::string cannot_write_message(const std::string& option, const std::string& value, const FileError& error);
// Runs `write`, a FileError from it thrown again as std::runtime_error
// with cannot_write_message's words.
void writing(const std::string& option, const std::string& value, const std::function<void()>& write);
// Stages `text` as the file of `option` ("-": stdout, written at once) in
// `files`; errors as writing().
void write_text(StagedFiles& files, const std::string& option, const std::string& path, std::string_view text);

// Loads a model and prints its warnings on stderr.
LoadedModel open_model(const std::string& path);
// Whole numbers written as 1000000, 1e6 or 1_000_000, within [lo, hi].
std::uint64_t parse_count(const std::string& option, const std::string& text, std::uint64_t lo, std::uint64_t hi);

// "scenario 2/7 h200_open  45%" (or "LABEL  45%") on stderr, redrawn every
// 200 ms once the work has taken a second, only when stderr is a terminal;
// the line is cleared when the object goes. follow() drives it from the
// engine's progress callbacks.
class ProgressLine {
 public:
  ProgressLine(std::uint64_t total, std::string label);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // A run of several scenarios: each counts its samples from 0 under its own label.
  void start_scenario(std::size_t index, std::size_t count, const std::string& name);
  // Another piece of work under `label`, counted from 0.
  void relabel(std::string label);
  // A progress callback (RunOptions::progress) that drives this line: each
  // scenario under its own label ("scenario 2/7 NAME"), or the line's own
  // label for a single one, its share of its samples done.
  ProgressCallback follow();
  std::atomic<std::uint64_t> counter{0};

 private:
  void loop();
  std::atomic<std::uint64_t> total_;
  std::string label_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

bool stderr_is_terminal();
bool stdout_is_terminal();

// The number of processes an MPI launcher started this one among (mpirun,
// mpiexec, srun with PMI or PMIx), read from the launcher's environment;
// 1 when not launched by one.
int launched_processes();
// This process's rank among them (0 when not launched by one), from the
// same environment: before MPI starts, for what only rank 0 should print.
int launched_rank();

}  // namespace riskcast::cli
