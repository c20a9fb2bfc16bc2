// What the commands' outputs may not do (the findings of a new user's
// trial): replace an input, name one file twice under two spellings, land
// in the --plot folder, leave part of a run's files (or any temporary file)
// behind after a failure or a signal, ignore the umask or the replaced
// file's mode, overwrite a file the user may not write, take a folder as
// stdout, or take the format from an extension riskcast does not know.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

extern char** environ;

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

const std::string kModel = source_path("bench/models/reference.yaml");
const std::string kManySamples = "100000000";  // minutes of sampling, were it not refused first
// With --plot: seconds of sampling, within the memory the tornado's pass may take.
const std::string kPlotSamples = "1000000";

// Everything under `dir` (hidden temporary files too), sorted.

// A copy of the reference model in `dir`, as a user's own model.
std::string copy_model(const TempDir& dir, const std::string& name = "m.yaml") {
  return dir.write(name, read_text(kModel));
}

void expect_refused(const CommandResult& r, const std::string& message, const std::string& context) {
  expect_one_line_usage_error(r, context);
  EXPECT_EQ(r.err, "riskcast: error: " + message + "\n") << context;
}

// Finding 1: `run m.yaml --out m.yaml` wrote over the model. Every command,
// every output option and every spelling of the model's path is refused
// before sampling, and the model is left as it was.
TEST(OutputSafety, NoOutputMayBeTheModel) {
  TempDir dir;
  const std::string model = copy_model(dir);
  const std::string text = read_text(model);
  fs::create_directory(dir.path() + "/sub");
  fs::create_symlink("m.yaml", dir.path() + "/link.yaml");
  const std::vector<std::string> spellings = {model, dir.path() + "/./m.yaml", dir.path() + "/sub/../m.yaml",
                                              dir.path() + "/link.yaml"};
  for (const std::string& same : spellings) {
    const std::string which = same == model ? "the model file" : "the model file " + model;
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"run", model, "-n", kManySamples, "--out", same}, "--out"},
        {{"run", model, "-n", kManySamples, "--export", same}, "--export"},
        {{"compare", model, "-n", kManySamples, "--out", same}, "--out"},
        {{"describe", model, "--out", same}, "--out"},
        {{"sensitivity", model, "-n", "1000", "--out", same}, "--out"},
        {{"report", model, "-n", kManySamples, "--out", same}, "--out"},
        {{"baseline", model, "-n", kManySamples, "--out", same}, "--out"},
    };
    for (const auto& [args, option] : cases)
      expect_refused(
          run_riskcast(args),
          option + " " + same + " is " + which + "; an output may not replace an input (choose another name)",
          args[0] + " " + option + " " + same);
  }
  EXPECT_EQ(read_text(model), text);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"link.yaml", "m.yaml", "sub"}));
}

// The same for a batch: no result file and no summary may be the batch file
// or a model it names.
TEST(OutputSafety, NoBatchOutputMayBeAnInput) {
  TempDir dir;
  // A model whose name is a result's: run `r` in markdown writes r.md.
  const std::string model = copy_model(dir, "r.md");
  const std::string batch = dir.write("b.yaml",
                                      "runs:\n  - name: r\n    model: r.md\n    samples: 100\n"
                                      "    formats: [markdown]\n");
  expect_refused(run_riskcast({"batch", batch, "--out", dir.path()}),
                 "--out " + dir.path() + " would write " + model +
                     ", the model file of run `r`; an output may not replace an input (choose another name)",
                 "batch writing its model");
  // The batch file where its summary would go.
  const std::string summary = dir.write("summary.md", read_text(batch));
  expect_refused(run_riskcast({"batch", summary, "--out", dir.path()}),
                 "--out " + dir.path() + " would write " + summary +
                     ", the batch file; an output may not replace an input (choose another name)",
                 "batch writing its batch file");
  EXPECT_EQ(read_text(model), read_text(kModel));
  EXPECT_EQ(read_text(summary), read_text(batch));
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"b.yaml", "r.md", "summary.md"}));
}

// Finding 2: two options naming one file were compared by spelling. A link
// to a file (there or not yet) is that file; `-` and /dev/stdout are both
// stdout; /dev/null twice is harmless and allowed.
TEST(OutputSafety, TwoOptionsNamingOneFileAreComparedByIdentity) {
  TempDir dir;
  const std::string same = dir.path() + "/same.csv", link = dir.path() + "/samelink.csv";
  fs::create_symlink(same, link);  // same.csv is not there yet
  const std::string message =
      "--out and --export name the same file (" + same + " and " + link + "); one would overwrite the other";
  expect_refused(run_riskcast({"run", kModel, "-n", kManySamples, "--out", same, "--export", link}), message,
                 "a link to a file not there yet");
  dir.write("same.csv", "old\n");
  expect_refused(run_riskcast({"run", kModel, "-n", kManySamples, "--out", same, "--export", link}), message,
                 "a link to an existing file");
  EXPECT_EQ(read_text(same), "old\n");
  // stdout is a file here (the runner's capture): both would land in it.
  expect_refused(
      run_riskcast({"run", kModel, "-n", kManySamples, "--format", "csv", "--out", "-", "--export", "/dev/stdout"}),
      "--out and --export name the same file (- and /dev/stdout); one would overwrite the other", "stdout twice");
  const CommandResult null = run_riskcast({"run", kModel, "-n", "100", "--out", "/dev/null", "--export", "/dev/null"});
  EXPECT_EQ(null.exit_status, 0) << null.err;
  EXPECT_TRUE(null.out.empty());
}

// Finding 3: an output inside the --plot folder (or the folder itself) was
// replaced by a chart, or replaced the charts, after sampling. It is refused
// before, and nothing is created.
TEST(OutputSafety, NoFileOutputMayBeInThePlotFolder) {
  TempDir dir;
  const std::string plots = dir.path() + "/pl";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--out", plots + "/base/nvidia_units.svg"},
       "--out " + plots + "/base/nvidia_units.svg is inside the --plot folder " + plots},
      {{"--export", plots + "/tornado_nvidia_share_value.svg"},
       "--export " + plots + "/tornado_nvidia_share_value.svg is inside the --plot folder " + plots},
      {{"--out", plots}, "--out " + plots + " is the --plot folder; choose another name"},
      {{"--export", plots}, "--export " + plots + " is the --plot folder; choose another name"},
  };
  for (const bool exists : {false, true}) {
    if (exists) fs::create_directories(plots + "/base");
    for (const auto& [more, message] : cases) {
      std::vector<std::string> args = {"run", kModel, "-n", kPlotSamples, "--plot", plots};
      args.insert(args.end(), more.begin(), more.end());
      const CommandResult r = run_riskcast(args);
      expect_one_line_usage_error(r, more[0] + " " + more[1]);
      EXPECT_EQ(r.err.rfind("riskcast: error: " + message, 0), 0u) << r.err;
    }
    const std::vector<std::string> expected =
        exists ? std::vector<std::string>{"pl", "pl/base"} : std::vector<std::string>{};
    EXPECT_EQ(names_in(dir.path()), expected);
  }
  // A chart may not be the model either.
  const std::string model = copy_model(dir, "tornado_nvidia_share_value.svg");
  expect_refused(
      run_riskcast({"run", model, "-n", kPlotSamples, "--plot", dir.path()}),
      "--plot " + dir.path() + " would write " + dir.path() +
          "/tornado_nvidia_share_value.svg, the model file; an output may not replace an input (choose another "
          "name)",
      "a chart over the model");
}

// Finding 6: a folder cannot be stdout (--plot - and batch --out - made a
// folder named "-"); report and baseline write their one text to stdout.
TEST(OutputSafety, DashIsStdoutForTextAndNoFolder) {
  TempDir dir;
  const std::string cwd_dash = (fs::current_path() / "-").string();
  ASSERT_FALSE(fs::exists(cwd_dash));
  expect_refused(run_riskcast({"run", kModel, "-n", kManySamples, "--plot", "-"}),
                 "--plot -: a folder cannot be stdout; give a folder name", "--plot -");
  expect_refused(run_riskcast({"batch", source_path("configs/batches/china-2026.yaml"), "--out", "-"}),
                 "--out -: a folder cannot be stdout; give a folder name", "batch --out -");
  EXPECT_FALSE(fs::exists(cwd_dash));
  expect_refused(run_riskcast({"run", kModel, "-n", kManySamples, "--export", "-"}),
                 "--export -: '-' (stdout) is only for the one text result of --out; --export writes a file",
                 "--export -");

  const std::string page = dir.path() + "/r.html";
  ASSERT_EQ(run_riskcast({"report", kModel, "-n", "200", "--out", page}).exit_status, 0);
  const CommandResult report = run_riskcast({"report", kModel, "-n", "200", "--out", "-"});
  EXPECT_EQ(report.exit_status, 0) << report.err;
  EXPECT_EQ(report.out, read_text(page));
  const std::string baseline = dir.path() + "/b.json";
  ASSERT_EQ(run_riskcast({"baseline", kModel, "-n", "200", "--out", baseline}).exit_status, 0);
  const CommandResult recorded = run_riskcast({"baseline", kModel, "-n", "200", "--out", "-"});
  EXPECT_EQ(recorded.exit_status, 0) << recorded.err;
  EXPECT_EQ(recorded.out, read_text(baseline));
  EXPECT_NE(recorded.err.find("wrote the baseline to stdout"), std::string::npos) << recorded.err;
}

// Findings 3 and 7: a write that fails after sampling names the option and
// the system's reason, and leaves nothing new: no --out, no --export, no
// chart, no folder --plot made, no temporary file; an existing plot folder
// keeps exactly what it held.
TEST(OutputSafety, AFailedWriteLeavesNothingNewAndSaysWhy) {
  TempDir dir;
  const std::string plots = dir.path() + "/pl", out = dir.path() + "/r.json", csv = dir.path() + "/e.csv";
  for (const bool plots_exist : {false, true}) {
    if (plots_exist) {
      fs::create_directory(plots);
      dir.write("pl/keep.txt", "kept\n");
    }
    const std::vector<std::string> before = names_in(dir.path());
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--out", "/dev/full", "--export", csv}, "--out /dev/full: cannot write: No space left on device"},
        {{"--out", out, "--export", "/dev/full"}, "--export /dev/full: cannot write: No space left on device"},
    };
    for (const auto& [more, message] : cases) {
      std::vector<std::string> args = {"run", kModel, "-n", "200", "--plot", plots};
      args.insert(args.end(), more.begin(), more.end());
      const CommandResult r = run_riskcast(args);
      EXPECT_EQ(r.exit_status, 2) << message;
      EXPECT_EQ(r.err, "riskcast: error: " + message + "\n");
      EXPECT_EQ(names_in(dir.path()), before) << message;
    }
  }
  EXPECT_EQ(read_text(plots + "/keep.txt"), "kept\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compare", kModel, "-n", "200", "--out", "/dev/full"},
        std::vector<std::string>{"describe", kModel, "--out", "/dev/full"},
        std::vector<std::string>{"report", kModel, "-n", "200", "--out", "/dev/full"},
        std::vector<std::string>{"baseline", kModel, "-n", "200", "--out", "/dev/full"}}) {
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 2) << args[0];
    EXPECT_EQ(r.err, "riskcast: error: --out /dev/full: cannot write: No space left on device\n") << args[0];
  }
}

// Finding 4: new files follow the umask, as the shell's `>` makes them; a
// replaced file keeps its mode.
TEST(OutputSafety, ModesFollowTheUmaskAndTheReplacedFile) {
  TempDir dir;
  const mode_t old = umask(077);  // the child inherits it
  const std::string out = dir.path() + "/r.json", csv = dir.path() + "/e.csv", plots = dir.path() + "/pl";
  const CommandResult r = run_riskcast({"run", kModel, "-n", "100", "--out", out, "--export", csv, "--plot", plots});
  umask(022);
  const CommandResult again = run_riskcast({"run", kModel, "-n", "100", "--out", dir.path() + "/r2.json"});
  umask(old);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_EQ(mode_of(out), 0600u);
  EXPECT_EQ(mode_of(csv), 0600u);
  EXPECT_EQ(mode_of(plots), 0700u);
  EXPECT_EQ(mode_of(plots + "/base"), 0700u);
  EXPECT_EQ(mode_of(plots + "/base/nvidia_units.svg"), 0600u);
  EXPECT_EQ(mode_of(dir.path() + "/r2.json"), 0644u);
  // Replaced under umask 022, each keeps its own mode.
  ASSERT_EQ(chmod(out.c_str(), 0640), 0);
  ASSERT_EQ(chmod(csv.c_str(), 0604), 0);
  const CommandResult replaced = run_riskcast({"run", kModel, "-n", "100", "--out", out, "--export", csv});
  ASSERT_EQ(replaced.exit_status, 0) << replaced.err;
  EXPECT_EQ(mode_of(out), 0640u);
  EXPECT_EQ(mode_of(csv), 0604u);
}

// Finding 4: a file the user may not write (0444), or a chart folder they
// may not write, is refused before sampling, as the shell's `>` would
// refuse it. Root may write anything, so as root the command runs as nobody
// (setpriv); the files are left as they were.
TEST(OutputSafety, WhatTheUserMayNotWriteIsRefusedBeforeSampling) {
  std::vector<std::string> prefix;
  if (geteuid() == 0) {
    const std::string setpriv = find_program("setpriv");
    if (setpriv.empty()) GTEST_SKIP() << "running as root without setpriv to drop to nobody";
    prefix = {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);  // anyone may make files in it: only the file's mode refuses
  const std::string ro = dir.write("ro.json", "kept\n");
  ASSERT_EQ(chmod(ro.c_str(), 0444), 0);
  fs::create_directories(dir.path() + "/pl/base");
  fs::permissions(dir.path() + "/pl", fs::perms::all);
  ASSERT_EQ(chmod((dir.path() + "/pl/base").c_str(), 0555), 0);
  auto as_user = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = prefix;
    argv.push_back(RISKCAST_BINARY);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
  };
  const std::string denied = std::strerror(EACCES);
  expect_refused(as_user({"run", kModel, "-n", kManySamples, "--out", ro}), "--out " + ro + ": cannot write: " + denied,
                 "--out a read-only file");
  expect_refused(as_user({"run", kModel, "-n", kManySamples, "--export", ro}),
                 "--export " + ro + ": cannot write: " + denied, "--export a read-only file");
  expect_refused(
      as_user({"run", kModel, "-n", kPlotSamples, "--plot", dir.path() + "/pl"}),
      "--plot " + dir.path() + "/pl: cannot write " + dir.path() + "/pl/base/nvidia_share_value.svg: " + denied,
      "--plot with a read-only scenario folder");
  EXPECT_EQ(read_text(ro), "kept\n");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"pl", "pl/base", "ro.json"}));
}

// Finding 5: Ctrl-C (SIGINT), SIGTERM or SIGHUP while the files are written
// left the export's hidden temporary file and a complete plot folder. Made
// deterministic with a named pipe as --export: the run stages --out and the
// charts, then blocks writing the export into the pipe (more than a pipe
// holds, and nobody reads); the signal comes while it is blocked. The
// process ends by that signal, and nothing new is left.
TEST(OutputSafety, ASignalWhileWritingLeavesNothingNew) {
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    TempDir dir;
    const std::string fifo = dir.path() + "/e.csv";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    const std::string out = dir.path() + "/r.json", plots = dir.path() + "/pl";
    std::vector<std::string> args = {RISKCAST_BINARY, "run", kModel,     "-n", "20000", "--out", out,
                                     "--plot",        plots, "--export", fifo};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    // Each signal at its default in the child, though this process may ignore one (nohup).
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&defaults, s);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    // Returns once the run opens the pipe to write the export: --out and
    // every chart are staged by then.
    const int reader = open(fifo.c_str(), O_RDONLY);
    ASSERT_GE(reader, 0);
    char first = 0;
    ASSERT_EQ(read(reader, &first, 1), 1);  // it is writing
    EXPECT_EQ(first, 's');                  // "sample,scenario,…"
    bool staged = false;
    for (const std::string& name : names_in(dir.path())) staged |= name.starts_with(".r.json.tmp-");
    EXPECT_TRUE(staged) << "--out is staged before the export is written";
    ASSERT_EQ(kill(pid, signal_number), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    close(reader);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << strsignal(signal_number);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"e.csv"}) << strsignal(signal_number);
  }
}

// Finding 8: the format comes from the extension in any case, .markdown
// and .txt included; an extension riskcast does not know is refused,
// naming the formats (and `riskcast report` for .html).
TEST(OutputSafety, TheFormatComesFromAKnownExtensionOnly) {
  TempDir dir;
  auto run_to = [&](const std::string& name) {
    return run_riskcast({"run", kModel, "-n", "100", "--out", dir.path() + "/" + name});
  };
  const std::vector<std::pair<std::string, std::string>> known = {
      {"x.JSON", "json"}, {"x.Csv", "csv"}, {"x.markdown", "markdown"}, {"x.MD", "markdown"}, {"x.TXT", "table"}};
  for (const auto& [name, format] : known) {
    ASSERT_EQ(run_to(name).exit_status, 0) << name;
    const CommandResult printed = run_riskcast({"run", kModel, "-n", "100", "--format", format});
    EXPECT_EQ(read_text(dir.path() + "/" + name), printed.out) << name;
  }
  for (const std::string name : {"x.html", "x.tsv", "x.csv.gz", "x.HTM"}) {
    const std::string extension = fs::path(name).extension().string();
    const bool html = extension == ".html" || extension == ".HTM";
    expect_refused(run_to(name),
                   "--out " + dir.path() + "/" + name + ": riskcast does not know the extension '" + extension +
                       "'; give --format table, csv, json or markdown" +
                       (html ? "; for an HTML page, use riskcast report MODEL --out FILE.html" : ""),
                   name);
  }
  expect_refused(run_riskcast({"describe", kModel, "--out", dir.path() + "/d.tsv"}),
                 "--out " + dir.path() +
                     "/d.tsv: riskcast does not know the extension '.tsv'; give --format table, markdown or csv",
                 "describe .tsv");
  const CommandResult tsv =
      run_riskcast({"run", kModel, "-n", "100", "--format", "csv", "--out", dir.path() + "/x.tsv"});
  EXPECT_EQ(tsv.exit_status, 0) << "--format decides: " << tsv.err;
}

}  // namespace
}  // namespace riskcast::testing
