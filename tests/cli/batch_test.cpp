#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

// Two scenarios, two outputs: a batch row count says which it covered.
const std::string kTwoByTwo =
    "parameters:\n  x: uniform(0, 1)\noutputs:\n  share:\n    formula: x\n    unit: share\n  twice: 2 * x\n"
    "scenarios:\n  high:\n    parameters:\n      x: uniform(0.5, 1)\n";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every file under `dir` by name, with its content.
std::map<std::string, std::string> files_in(const std::string& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    files[entry.path().filename().string()] = read_text(entry.path().string());
  return files;
}

// A bad batch file and the one error it gives, after "b.yaml:" (MODEL: the model's path).
struct BadBatch {
  std::string text, error;
};

// Each file is refused with exactly its error, exit status 2, and nothing written.
void expect_refused(const std::vector<BadBatch>& cases) {
  for (const BadBatch& c : cases) {
    TempDir dir;
    const std::string model = dir.write("m.yaml", kTwoByTwo);
    const std::string batch = dir.write("b.yaml", c.text);
    const std::string out = dir.path() + "/out";
    const CommandResult r = run_riskcast({"batch", batch, "--out", out});
    EXPECT_EQ(r.exit_status, 2) << c.text;
    std::string expected = batch + ":" + c.error;
    if (const auto at = expected.find("MODEL"); at != std::string::npos) expected.replace(at, 5, model);
    EXPECT_EQ(lines_of(r.err), std::vector<std::string>{expected}) << c.text;
    EXPECT_FALSE(fs::exists(out)) << c.text;
  }
}

TEST(BatchCommand, WritesEveryResultAndASummaryRowPerRunScenarioAndOutput) {
  TempDir dir;
  dir.write("m.yaml", kTwoByTwo);
  const std::string batch = dir.write("b.yaml", R"(batch: test batch
defaults:
  samples: 2_000
runs:
  - name: all
    model: m.yaml
    seed: 3
    formats: [json, csv, markdown, table]
  - name: high-only
    model: m.yaml
    scenarios: [high]
  - name: reference
    model: )" + source_path("bench/models/reference.yaml") +
                                                    R"(
    samples: 1e3
    formats: []
)");
  const std::string out = dir.path() + "/results/nested";  // created, parents too
  const CommandResult r = run_riskcast({"batch", batch, "--out", out});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.err, "");  // quiet when stderr is not a terminal
  EXPECT_EQ(r.out, "");
  std::vector<std::string> names;
  for (const auto& [name, text] : files_in(out)) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"all.csv", "all.json", "all.md", "all.txt", "high-only.json",
                                             "summary.csv", "summary.md"}));

  // 2 scenarios × 2 outputs + 1 scenario × 2 outputs + 1 scenario × 9 outputs (the reference model).
  const std::vector<std::string> csv = lines_of(read_text(out + "/summary.csv"));
  ASSERT_EQ(csv.size(), 1u + 4 + 2 + 9);
  EXPECT_EQ(csv[0], "run,model,scenario,output,unit,samples,seed,mean,p5,p50,p95");
  EXPECT_EQ(csv[1].rfind("all,m,base,share,share,2000,3,", 0), 0u) << csv[1];
  EXPECT_EQ(csv[2].rfind("all,m,base,twice,,2000,3,", 0), 0u) << csv[2];
  EXPECT_EQ(csv[3].rfind("all,m,high,share,share,2000,3,", 0), 0u) << csv[3];
  EXPECT_EQ(csv[5].rfind("high-only,m,high,share,share,2000,1,", 0), 0u) << csv[5];
  EXPECT_EQ(csv[7].rfind("reference,reference-r1,base,", 0), 0u) << csv[7];
  // Full precision: the mean of high-only's share matches its JSON's digits.
  const std::string mean = lines_of(csv[5].substr(std::string("high-only,m,high,share,share,2000,1,").size()))[0];
  EXPECT_NE(read_text(out + "/high-only.json").find("\"mean\": " + mean.substr(0, mean.find(','))), std::string::npos);

  const std::string md = read_text(out + "/summary.md");
  EXPECT_EQ(md.rfind("# test batch\n\n3 runs: 3 succeeded, 0 failed.\n\n| run | model | scenario | output |", 0), 0u)
      << md;
  EXPECT_EQ(std::count(md.begin(), md.end(), '\n'), 4 + 2 + 15);  // title, count, header, rule, 15 rows
  EXPECT_NE(md.find("| high-only | m | high | share | share | 2,000 | 1 | "), std::string::npos) << md;
  EXPECT_EQ(md.find("Failed"), std::string::npos);
}

TEST(BatchCommand, EachResultFileIsWhatRunPrintsWithTheSameSettings) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", kTwoByTwo);
  const std::string batch =
      dir.write("b.yaml",
                "runs:\n  - name: r\n    model: m.yaml\n    scenarios: [high, base]\n    samples: 3000\n"
                "    seed: 9\n    formats: [table, csv, json, markdown]\n");
  ASSERT_EQ(run_riskcast({"batch", batch, "--out", dir.path() + "/out"}).exit_status, 0);
  const std::map<std::string, std::string> formats = {
      {"table", "txt"}, {"csv", "csv"}, {"json", "json"}, {"markdown", "md"}};
  for (const auto& [format, extension] : formats) {
    const CommandResult run = run_riskcast({"run", model, "--scenario", "high", "--scenario", "base", "--samples",
                                            "3000", "--seed", "9", "--format", format});
    ASSERT_EQ(run.exit_status, 0) << run.err;
    EXPECT_EQ(read_text(dir.path() + "/out/r." + extension), run.out) << format;
  }
}

// `percentiles:` and `exceed:` (in defaults or a run's own) give each run's
// files what run --percentiles and --exceed print.
TEST(BatchCommand, PercentilesAndExceedancesAreRunsOwn) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", kTwoByTwo);
  const std::string batch =
      dir.write("b.yaml",
                "defaults:\n  samples: 2000\n  percentiles: [80, 97.5]\n  exceed: {share: [0.3, 50%], twice: 1}\n"
                "  formats: [table, csv, json, markdown]\n"
                "runs:\n  - {name: d, model: m.yaml}\n  - {name: own, model: m.yaml, percentiles: [2.5], exceed: "
                "{twice: 1.5}}\n");
  const CommandResult r = run_riskcast({"batch", batch, "--out", dir.path() + "/out"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::map<std::string, std::string> formats = {
      {"table", "txt"}, {"csv", "csv"}, {"json", "json"}, {"markdown", "md"}};
  for (const auto& [format, extension] : formats) {
    const CommandResult d =
        run_riskcast({"run", model, "--samples", "2000", "--percentiles", "80,97.5", "--exceed", "share=0.3",
                      "--exceed", "share=0.5", "--exceed", "twice=1", "--format", format});
    ASSERT_EQ(d.exit_status, 0) << d.err;
    EXPECT_EQ(read_text(dir.path() + "/out/d." + extension), d.out) << format;
    const CommandResult own = run_riskcast(
        {"run", model, "--samples", "2000", "--percentiles", "2.5", "--exceed", "twice=1.5", "--format", format});
    ASSERT_EQ(own.exit_status, 0) << own.err;
    EXPECT_EQ(read_text(dir.path() + "/out/own." + extension), own.out) << format;
  }
  EXPECT_NE(read_text(dir.path() + "/out/d.csv").find(",P80,P90,P95,P97.5,P99,P(>0.3),"), std::string::npos);
}

TEST(BatchCommand, BadPercentilesAndExceedancesArePositioned) {
  const std::vector<BadBatch> cases = {
      {"runs:\n  - {name: a, model: m.yaml, percentiles: [80, 100]}\n",
       "2:48: error: percentile '100' is outside 2.2250738585072014e-306 … 99.99999999999999, the percentiles "
       "strictly between 0 and 100 that riskcast can hold; give percentiles in percent, as in [80, 97.5]"},
      {"defaults: {percentiles: 1e-320}\nruns:\n  - {name: a, model: m.yaml}\n",
       "1:25: error: percentile '1e-320' is outside 2.2250738585072014e-306 … 99.99999999999999, the percentiles "
       "strictly between 0 and 100 that riskcast can hold; give percentiles in percent, as in [80, 97.5]"},
      {"defaults: {percentiles: {p: 97.5}}\nruns:\n  - {name: a, model: m.yaml}\n",
       "1:25: error: `percentiles` must be a list, e.g. [80, 97.5], not a mapping"},
      // A percentage is for a share only; positioned at the threshold.
      {"runs:\n  - {name: a, model: m.yaml, exceed: {share: 10%, twice: [0.5, 10%]}}\n",
       "2:64: error: run `a`: `exceed` of `twice`: a percentage (`%`) is only for an output shown as a share, and "
       "`twice` has no unit; give the threshold in its units"},
      {"runs:\n  - {name: a, model: m.yaml, exceed: {shaer: []}}\n",
       "2:39: error: run `a`: `exceed` names `shaer`, which is not an output of MODEL (outputs: share, twice) (did "
       "you mean `share`?)"},
      {"runs:\n  - {name: a, model: m.yaml, exceed: 0.3}\n",
       "2:38: error: `exceed` must be a mapping of outputs to thresholds, e.g. {share: 0.3} or {share: [0.3, 0.5]}, "
       "not a single value"},
      {"runs:\n  - {name: a, model: m.yaml, exceed: {share: lots}}\n",
       "2:46: error: `exceed` of `share`: 'lots' is not a number (a number in the output's units, as in 0.3, 1e6 or "
       "30%)"},
      {"runs:\n  - {name: a, model: m.yaml, exceed: {shaer: [0.1, 0.2]}}\n",
       "2:39: error: run `a`: `exceed` names `shaer`, which is not an output of MODEL (outputs: share, twice) (did "
       "you mean `share`?)"},
      // YAML cuts a value at its comma inside `{…}`: one error, the model loader's hint.
      {"runs:\n  - {name: a, model: m.yaml, exceed: {share: 1,000}}\n",
       "2:46: error: `exceed` of `share` is cut at a comma: YAML reads `1` as its value and the rest as keys of their "
       "own (inside `{…}` a comma ends an entry: quote the value, `share: \"1,000\"`, or write the mapping in block "
       "style)"},
      {"runs:\n  - {name: a, model: m.yaml, exceed: {share: 0.3, 0.5, twice: 1}}\n",
       "2:46: error: `exceed` of `share` is cut at a comma: YAML reads `0.3` as its value and the rest as keys of "
       "their own (inside `{…}` a comma ends an entry: quote the value, `share: \"0.3,0.5\"`, or write the mapping "
       "in block style)"},
      // Quoted, it is read as on the command line: digits grouped by commas are refused.
      {"runs:\n  - {name: a, model: m.yaml, exceed: {share: \"1,000\"}}\n",
       "2:46: error: `exceed` of `share`: '1,000' reads as one number with its digits grouped ('000' after a comma "
       "starts with 0), but a comma separates values; write 1000 (or 1_000) for one number, or 1,0 for two"},
      {"runs:\n  - {name: a, model: m.yaml, percentiles: [80, \"97,050\"]}\n",
       "2:48: error: `percentiles`: '97,050' reads as one number with its digits grouped ('050' after a comma starts "
       "with 0), but a comma separates values; write 97050 (or 97_050) for one number, or 97,50 for two"},
  };
  expect_refused(cases);
}

// A value of `exceed` or `percentiles` may list several numbers with commas,
// as --exceed and --percentiles do, and a comma always separates two.
TEST(BatchCommand, CommaSeparatedValuesAreListsAsOnTheCommandLine) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", kTwoByTwo);
  const std::string listed = dir.write(
      "listed.yaml",
      "runs:\n  - name: a\n    model: m.yaml\n    samples: 500\n    formats: [csv]\n    percentiles: [80, 97.5]\n"
      "    exceed: {twice: [500, 700, 1.5], share: [0.3, 0.5]}\n");
  const std::string commas = dir.write(
      "commas.yaml",
      "runs:\n  - name: a\n    model: m.yaml\n    samples: 500\n    formats: [csv]\n    percentiles: 80,97.5\n"
      "    exceed:\n      twice: 500,700, 1.5\n      share: \"0.3,0.5\"\n");
  const CommandResult a = run_riskcast({"batch", listed, "--out", dir.path() + "/listed"});
  const CommandResult b = run_riskcast({"batch", commas, "--out", dir.path() + "/commas"});
  ASSERT_EQ(a.exit_status, 0) << a.err;
  ASSERT_EQ(b.exit_status, 0) << b.err;
  const std::string csv = read_text(dir.path() + "/commas/a.csv");
  EXPECT_EQ(csv, read_text(dir.path() + "/listed/a.csv"));
  for (const std::string column : {",P80,", ",P97.5,", ",P(>500),", ",P(>700),", ",P(>1.5),", ",P(>0.3),", ",P(>0.5),"})
    EXPECT_NE(csv.find(column), std::string::npos) << column << "\n" << csv;
}

// `exceed` of a probability output is a mistake in the batch file, reported
// at check time with its position like an unknown output, not a failed run.
TEST(BatchCommand, AnExceedanceOfAProbabilityOutputIsPositioned) {
  TempDir dir;
  const std::string model =
      dir.write("p.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  high: {formula: x > 0.5, kind: probability}\n");
  const std::string batch = dir.write("b.yaml", "runs:\n  - {name: a, model: p.yaml, exceed: {high: 0.5}}\n");
  for (const std::vector<std::string>& how :
       {std::vector<std::string>{"--dry-run"}, std::vector<std::string>{"--out", dir.path() + "/out"}}) {
    std::vector<std::string> args = {"batch", batch};
    args.insert(args.end(), how.begin(), how.end());
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 2) << how[0];
    EXPECT_EQ(lines_of(r.err),
              std::vector<std::string>{batch + ":2:39: error: run `a`: `exceed` of `high`: a probability "
                                               "output is reported by its P already; it has no other "
                                               "exceedance"})
        << how[0];
    EXPECT_FALSE(fs::exists(dir.path() + "/out"));
  }
}

TEST(BatchCommand, AFailedRunIsReportedAtTheEndAndTheOthersComplete) {
  TempDir dir;
  dir.write("m.yaml", kTwoByTwo);
  const std::string bad = dir.write("bad.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: x +\n");
  dir.write("inf.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: x / 0\n");
  const std::string batch = dir.write("b.yaml", R"(defaults:
  samples: 2000
  formats: [json, csv]
runs:
  - name: first
    model: m.yaml
  - name: broken
    model: bad.yaml
  - name: missing
    model: nowhere.yaml
  - name: infinite
    model: inf.yaml
  - name: last
    model: m.yaml
    seed: 2
  - name: huge
    model: m.yaml
    samples: 1099511627776
    method: lhs
)");
  const std::string out = dir.path() + "/out";
  fs::create_directory(out);
  // A result an earlier batch left for a run that now fails must not stand for it.
  dir.write("out/broken.json", "{}");
  const CommandResult r = run_riskcast({"batch", batch, "--out", out});
  EXPECT_EQ(r.exit_status, 1) << r.err;
  std::vector<std::string> names;
  for (const auto& [name, text] : files_in(out)) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"first.csv", "first.json", "last.csv", "last.json", "summary.csv",
                                             "summary.md"}));
  EXPECT_EQ(lines_of(read_text(out + "/summary.csv")).size(), 1u + 4 + 4);

  const std::vector<std::string> err = lines_of(r.err);
  ASSERT_EQ(err.size(), 9u) << r.err;
  EXPECT_EQ(err[0], batch + ":7:11: error: run `broken` failed");
  EXPECT_TRUE(is_positioned_error(err[1], bad)) << err[1];
  EXPECT_EQ(err[2], batch + ":9:11: error: run `missing` failed");
  EXPECT_EQ(err[3], dir.path() + "/nowhere.yaml: error: cannot read the model file: No such file or directory");
  EXPECT_EQ(err[4], batch + ":11:11: error: run `infinite` failed");
  EXPECT_EQ(err[5].rfind(dir.path() + "/inf.yaml:4:8: error: output `o` is infinite in sample 0: ", 0), 0u) << err[5];
  EXPECT_TRUE(err[5].ends_with(" / 0 is infinite")) << err[5];
  // Refused up front for memory, as `riskcast run` would refuse it (a Latin
  // hypercube cannot stream).
  EXPECT_EQ(err[6], batch + ":16:11: error: run `huge` failed");
  EXPECT_EQ(err[7].rfind("riskcast: error: 1099511627776 samples need about ", 0), 0u) << err[7];
  EXPECT_EQ(err[8], "riskcast: 4 of 6 runs failed; the other runs' results and the summary are written");

  const std::string md = read_text(out + "/summary.md");
  EXPECT_NE(md.find("6 runs: 2 succeeded, 4 failed."), std::string::npos) << md;
  EXPECT_NE(md.find("## Failed runs\n\n### broken\n\n```text\n" + err[1] + "\n```\n"), std::string::npos) << md;
}

TEST(BatchCommand, BadBatchFilesExitTwoAndWriteNothing) {
  const std::vector<BadBatch> cases = {
      {"runs:\n  - name: a\n    model: m.yaml\n    seeed: 1\n",
       "4:5: error: unknown key `seeed` in a run (did you mean `seed`?)"},
      {"runs:\n  - {name: a, model: m.yaml}\n  - {name: a, model: m.yaml}\n",
       "3:12: error: duplicate run name `a` (first given at line 2; names are file names, so case does not count)"},
      {"runs:\n  - {name: a, model: m.yaml, formats: [pdf]}\n",
       "2:40: error: unknown format `pdf`; formats are table, csv, json and markdown"},
      {"runs:\n  - {name: a, model: m.yaml, samples: lots}\n",
       "2:39: error: `samples` must be a whole number from 1 to 1099511627776 (1e6, 1_000_000 …); 'lots' is not a "
       "number"},
      // Past 2^64 − 1 as a decimal: ran with seed 0 and exit status 0.
      {"runs:\n  - {name: a, model: m.yaml, seed: 18446744073709551616.}\n",
       "2:36: error: `seed` must be a whole number from 0 to 18446744073709551615 (1e6, 1_000_000 …); "
       "'18446744073709551616.' is larger than 18446744073709551615"},
      {"defaults: {samples: 1e6.5}\nruns:\n  - {name: a, model: m.yaml}\n",
       "1:21: error: `samples` must be a whole number from 1 to 1099511627776 (1e6, 1_000_000 …); '1e6.5' is not a "
       "number"},
      {"runs:\n  - {name: a, model: m.yaml, samples: 12.0000000001}\n",
       "2:39: error: `samples` must be a whole number from 1 to 1099511627776 (1e6, 1_000_000 …); '12.0000000001' is "
       "not a whole number"},
      {"runs: a\n", "1:7: error: `runs` must be a list of runs (`- name: …`), not a single value"},
      {"", "1:1: error: the batch file is empty (no YAML content, only blanks or comments)"},
      {"runs: {[\n", "2:1: error: malformed YAML: end of sequence flow not found"},
      // A misspelt scenario is the batch file's mistake, found before anything runs.
      {"runs:\n  - {name: a, model: m.yaml}\n  - {name: b, model: m.yaml, scenarios: [hgih]}\n",
       "3:42: error: run `b`: `hgih` is not a scenario of " + std::string("MODEL") +
           " (scenarios: base, high) (did you mean `high`?)"},
  };
  expect_refused(cases);
}

TEST(BatchCommand, BadCommandLinesExitTwo) {
  TempDir dir;
  dir.write("m.yaml", kTwoByTwo);
  const std::string batch = dir.write("b.yaml", "runs:\n  - {name: a, model: m.yaml, samples: 100}\n");
  const std::string file = dir.write("file", "");
  const std::vector<std::vector<std::string>> cases = {{"batch"},
                                                       {"batch", batch},
                                                       {"batch", batch, "--out", file},
                                                       {"batch", batch, "--out", dir.path() + "/o", "--threads", "x"},
                                                       {"batch", dir.path() + "/none.yaml", "--out", dir.path() + "/o"},
                                                       {"batch", batch, "--out", dir.path() + "/o", "--bogus"}};
  for (const auto& args : cases) {
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 2) << args.size();
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir.path() + "/o"));
  }
  EXPECT_EQ(run_riskcast({"batch", "--help"}).exit_status, 0);
}

TEST(BatchCommand, DryRunChecksModelsAndScenariosAndWritesNothing) {
  TempDir dir;
  dir.write("m.yaml", kTwoByTwo);
  dir.write("bad.yaml", "outputs:\n  o: y\n");
  const std::string good = dir.write("good.yaml", "runs:\n  - {name: a, model: m.yaml, scenarios: [high]}\n");
  const std::string broken = dir.write("broken.yaml",
                                       "runs:\n  - {name: a, model: m.yaml}\n  - {name: b, model: bad.yaml}\n"
                                       "  - {name: c, model: m.yaml, samples: 1099511627776, method: lhs}\n"
                                       "  - {name: d, model: m.yaml, samples: 1099511627776}\n");
  const std::string out = dir.path() + "/out";
  CommandResult r = run_riskcast({"batch", good, "--dry-run", "--out", out});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  r = run_riskcast({"batch", broken, "--dry-run"});
  EXPECT_EQ(r.exit_status, 1);
  const std::vector<std::string> err = lines_of(r.err);
  ASSERT_EQ(err.size(), 5u) << r.err;
  EXPECT_EQ(err[0], broken + ":3:12: error: run `b` would fail");
  EXPECT_TRUE(is_positioned_error(err[1], dir.path() + "/bad.yaml")) << err[1];
  EXPECT_EQ(err[2], broken + ":4:12: error: run `c` would fail");
  EXPECT_EQ(err[3].rfind("riskcast: error: 1099511627776 samples need about ", 0), 0u) << err[3];
  // d would stream (docs/scale.md): it starts.
  EXPECT_EQ(err[4], "riskcast: 2 of 4 runs would fail");
  EXPECT_FALSE(fs::exists(out));
  // A limit too small even for streaming fails every run, as the runs would.
  r = run_riskcast({"batch", good, "--dry-run", "--memory", "1K"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("even sampling twice without keeping the samples needs about"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("beyond the limit of 1 KiB"), std::string::npos) << r.err;
}

TEST(BatchCommand, TheShippedBatchChecksOut) {
  const CommandResult r = run_riskcast({"batch", source_path("configs/batches/china-2026.yaml"), "--dry-run"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(BatchCommand, TheSameBatchTwiceWritesTheSameFilesForAnyThreadCount) {
  TempDir dir;
  dir.write("m.yaml", kTwoByTwo);
  const std::string batch = dir.write("b.yaml",
                                      "defaults: {samples: 5000, formats: [json, csv, markdown, table]}\nruns:\n"
                                      "  - {name: a, model: m.yaml}\n  - {name: b, model: m.yaml, seed: 2}\n"
                                      "  - {name: c, model: " +
                                          source_path("bench/models/reference.yaml") + "}\n");
  ASSERT_EQ(run_riskcast({"batch", batch, "--out", dir.path() + "/one", "--threads", "1"}).exit_status, 0);
  ASSERT_EQ(run_riskcast({"batch", batch, "--out", dir.path() + "/two", "--threads", "2"}).exit_status, 0);
  const auto one = files_in(dir.path() + "/one"), two = files_in(dir.path() + "/two");
  EXPECT_EQ(one.size(), 3u * 4 + 2);
  EXPECT_EQ(one, two);
}

// A batch ended by a signal (Ctrl-C, SIGTERM, SIGHUP) while its first run
// samples leaves no --out folder it made, parents included (found by a
// trial: the folders were removed only when a stop unwound the stack).
TEST(BatchCommand, ASignalBeforeAnyFileLeavesNoFolderItMade) {
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    TempDir dir;
    // Seconds of sampling on one thread: the signal comes long before a file.
    const std::string batch =
        dir.write("b.yaml", "runs:\n  - name: slow\n    model: " + source_path("bench/models/reference.yaml") +
                                "\n    samples: 5_000_000\n");
    const std::string out = dir.path() + "/new/deeper/out";
    std::vector<std::string> args = {RISKCAST_BINARY, "batch", batch, "--out", out, "--threads", "1"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    // The folder appears as the runs begin; the first takes seconds.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(out) && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(fs::exists(out));
    ASSERT_EQ(kill(pid, signal_number), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << strsignal(signal_number);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"b.yaml"}) << strsignal(signal_number);
  }
}

}  // namespace
}  // namespace riskcast::testing
