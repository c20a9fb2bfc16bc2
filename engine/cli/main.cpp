// riskcast: the command-line entry point; one file per subcommand.
#include <fmt/format.h>

#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli.hpp"
#include "riskcast/diagnostics.hpp"
#include "riskcast/version.hpp"
#ifdef RISKCAST_WITH_MPI
#include "mpi/mpi_driver.hpp"
#endif

namespace {

constexpr const char* kUsage = R"(riskcast — Monte Carlo risk engine for policy uncertainty

usage: riskcast COMMAND [OPTIONS]

commands:
  check MODEL.yaml        validate a model; --dump-program prints the compiled program
  run MODEL.yaml          sample every scenario and print percentile tables; --plot DIR writes SVG charts
  baseline MODEL.yaml     record a run's statistics (--out BASELINE.json) for regression checks
  regress BASELINE.json   did the distribution move beyond Monte Carlo noise? exit 1 if it did
  compare MODEL.yaml      one output (default: the first) across scenarios: mean, P5, P50, P95
  describe MODEL.yaml     the assumptions table: distributions, medians, 90 % intervals, sources
  sensitivity MODEL.yaml  what drives one output: rank correlations, outcomes, scenario deltas
  report MODEL.yaml       one self-contained HTML page (--out REPORT.html): scenarios, charts, assumptions
  batch BATCH.yaml        many runs from one file: result files and a summary (--out DIR)

  riskcast COMMAND --help   options of one command
  riskcast --version        the engine version

under mpirun -n K (a build with MPI): every command splits its samples over the K processes and
  writes the files one process would, byte for byte (docs/scale.md)

exit status: 0 success, 1 regress found a moved statistic or a batch run failed,
             2 error in the model, the batch file or the command line)";

}  // namespace

namespace {

int dispatch(const std::string& command, const std::vector<std::string>& args) {
  using namespace riskcast;
  try {
    if (command == "check") return cli::command_check(args);
    if (command == "run") return cli::command_run(args);
    if (command == "baseline") return cli::command_baseline(args);
    if (command == "regress") return cli::command_regress(args);
    if (command == "compare") return cli::command_compare(args);
    if (command == "describe") return cli::command_describe(args);
    if (command == "sensitivity") return cli::command_sensitivity(args);
    if (command == "report") return cli::command_report(args);
    if (command == "batch") return cli::command_batch(args);
    std::string hint = did_you_mean(
        command, {"check", "run", "compare", "describe", "sensitivity", "report", "baseline", "regress", "batch"});
    std::cerr << fmt::format("riskcast: error: unknown command '{}'{}; see riskcast --help\n",
                             quote_for_message(command), hint.empty() ? "" : " (" + hint + ")");
    return cli::kExitError;
  } catch (const ModelError& e) {
    std::cerr << e.diagnostics().format();
    return cli::kExitError;
  } catch (const cli::UsageError& e) {
    std::cerr << "riskcast: error: " << e.what() << '\n';
    return cli::kExitError;
  } catch (const std::bad_alloc&) {
    std::cerr << "riskcast: error: out of memory\n";
    return cli::kExitError;
  } catch (const std::exception& e) {
    std::cerr << "riskcast: error: " << e.what() << '\n';
    return cli::kExitError;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace riskcast;
  std::vector<std::string> args(argv + 1, argv + argc);
  // Under mpirun, the usage and the version once, from rank 0.
  if (cli::launched_rank() != 0 &&
      (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help" || args[0] == "--version"))
    return args.empty() ? cli::kExitError : cli::kExitOk;
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage << '\n';
    return args.empty() ? cli::kExitError : cli::kExitOk;
  }
  if (args[0] == "--version") {
    std::cout << "riskcast " << kVersion << '\n';
    return cli::kExitOk;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  // Under mpirun every process runs the command; the engine splits the
  // samples between them and rank 0 alone writes (docs/scale.md, "MPI").
  if (const int processes = cli::launched_processes(); processes > 1) {
#ifdef RISKCAST_WITH_MPI
    return mpi::run_on_ranks(argc, argv, [&] { return dispatch(command, args); });
#else
    std::cerr << fmt::format(
        "riskcast: error: started as one of {} MPI processes, but this riskcast was built without MPI: each "
        "would run the whole command and write the same files; build it with MPI (libopenmpi-dev, "
        "docs/scale.md) or run it once\n",
        processes);
    return cli::kExitError;
#endif
  }
  return dispatch(command, args);
}
