#include "riskcast/batch.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <stop_token>

#include "batch/batch_loading.hpp"
#include "riskcast/count.hpp"
#include "riskcast/model_loader.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

TEST(BatchFile, RunsTakeDefaultsAndOverrideThem) {
  const BatchFile batch = load_ok(R"(batch: two sizes
defaults:
  samples: 1_000
  seed: 7
  formats: [json, csv]
runs:
  - name: small
    model: ../m.yaml
  - name: big.v2
    model: /abs/m.yaml
    scenarios: [base, high]
    samples: 2e4
    seed: 0
    formats: [markdown, table]
  - name: only-summary
    model: sub/m.yaml
    formats: []
)");
  EXPECT_EQ(batch.path, "dir/b.yaml");
  EXPECT_EQ(batch.title, "two sizes");
  ASSERT_EQ(batch.runs.size(), 3u);
  const BatchRun& small = batch.runs[0];
  EXPECT_EQ(small.name, "small");
  EXPECT_EQ(small.pos, (SourcePos{7, 11}));
  EXPECT_EQ(small.model, "../m.yaml");
  EXPECT_EQ(small.model_path, "m.yaml");  // relative to the batch file's folder
  EXPECT_TRUE(small.scenarios.empty());
  EXPECT_EQ(small.samples, 1000u);
  EXPECT_EQ(small.seed, 7u);
  EXPECT_EQ(small.formats, (std::vector<Format>{Format::Json, Format::Csv}));
  const BatchRun& big = batch.runs[1];
  EXPECT_EQ(big.model_path, "/abs/m.yaml");
  EXPECT_EQ(big.scenarios, (std::vector<std::string>{"base", "high"}));
  EXPECT_EQ(big.scenario_pos, (std::vector<SourcePos>{{11, 17}, {11, 23}}));
  EXPECT_EQ(big.samples, 20000u);
  EXPECT_EQ(big.seed, 0u);
  EXPECT_EQ(big.formats, (std::vector<Format>{Format::Markdown, Format::Table}));
  EXPECT_EQ(batch.runs[2].model_path, "dir/sub/m.yaml");
  EXPECT_TRUE(batch.runs[2].formats.empty());
  EXPECT_EQ(result_file_name(big, Format::Markdown), "big.v2.md");
  EXPECT_EQ(result_file_name(big, Format::Table), "big.v2.txt");
}

TEST(BatchFile, WithoutDefaultsARunIsAMillionSamplesSeedOneJson) {
  const BatchFile batch = load_ok("runs:\n  - {name: a, model: m.yaml}\n", "b.yaml");
  ASSERT_EQ(batch.runs.size(), 1u);
  EXPECT_EQ(batch.runs[0].model_path, "m.yaml");
  EXPECT_EQ(batch.runs[0].samples, 1'000'000u);
  EXPECT_EQ(batch.runs[0].seed, 1u);
  EXPECT_EQ(batch.runs[0].formats, std::vector<Format>{Format::Json});
  EXPECT_TRUE(batch.title.empty());
}

TEST(BatchFile, ProblemsArePositionedAndAllReported) {
  struct Case {
    std::string text, errors;
  };
  const std::vector<Case> cases = {
      {"", "b.yaml:1:1: error: the batch file is empty (no YAML content, only blanks or comments)\n"},
      {"# nothing\n", "b.yaml:1:1: error: the batch file is empty (no YAML content, only blanks or comments)\n"},
      {"- 1\n",
       "b.yaml:1:1: error: a batch file is a mapping with `runs:` (and optionally `batch:` and `defaults:`), not a "
       "list\n"},
      {"runs: [\n", "b.yaml:2:1: error: malformed YAML: end of sequence flow not found\n"},
      {std::string("runs:\0\n", 7), "b.yaml:1:6: error: the file contains a NUL byte; is it a binary file?\n"},
      {"batch: x\n", "b.yaml:1:1: error: the batch file has no `runs:` list (nor `sweeps:`); nothing would run\n"},
      {"runs:\n", "b.yaml:1:1: error: `runs` must be a list of runs (`- name: …`), not nothing\n"},
      {"runs: []\n", "b.yaml:1:1: error: `runs` is empty; nothing would run\n"},
      {"runs:\n  name: a\n", "b.yaml:2:3: error: `runs` must be a list of runs (`- name: …`), not a mapping\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    sampels: 100\n",
       "b.yaml:4:5: error: unknown key `sampels` in a run (did you mean `samples`?)\n"},
      {"run:\n  - name: a\n",
       "b.yaml:1:1: error: unknown key `run` in the batch file (did you mean `runs`?)\n"
       "b.yaml:1:1: error: the batch file has no `runs:` list (nor `sweeps:`); nothing would run\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n  - name: A\n    model: m.yaml\n",
       "b.yaml:4:11: error: duplicate run name `A` (first given at line 2; names are file names, so case does not "
       "count)\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    formats: [json, xml, jsno, json]\n",
       "b.yaml:4:21: error: unknown format `xml`; formats are table, csv, json and markdown\n"
       "b.yaml:4:26: error: unknown format `jsno`; formats are table, csv, json and markdown (did you mean `json`?)\n"
       "b.yaml:4:32: error: format `json` is listed twice\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    formats: {json: 1}\n",
       "b.yaml:4:14: error: `formats` must be a list, e.g. [json, csv], not a mapping\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    samples: 0\n    seed: -1\n",
       "b.yaml:4:14: error: `samples` must be a whole number from 1 to 1099511627776 (1e6, 1_000_000 …); '0' is less "
       "than 1\n"
       "b.yaml:5:11: error: `seed` must be a whole number from 0 to 18446744073709551615 (1e6, 1_000_000 …); "
       "'-1' is negative\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    samples: [1]\n    seed:\n",
       "b.yaml:4:14: error: `samples` must be a whole number from 1 to 1099511627776, not a list\n"
       "b.yaml:5:5: error: `seed` must be a whole number from 0 to 18446744073709551615, not nothing\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    samples: 20,000\n",
       "b.yaml:4:14: error: `samples` must be a whole number from 1 to 1099511627776 (1e6, 1_000_000 …); "
       "'20,000' is not a number (group digits with `_`, as in 1_000_000, not with commas)\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    scenarios: []\n",
       "b.yaml:4:16: error: `scenarios` is empty; leave it out to run every scenario\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    scenarios: [base, [x], base]\n",
       "b.yaml:4:23: error: each of `scenarios` must be a single value, not a list\n"},
      {"runs:\n  - name: a\n    model: m.yaml\n    scenarios: [base, high, base]\n",
       "b.yaml:4:29: error: scenario `base` is listed twice\n"},
      {"runs:\n  - name: ../a\n    model: m.yaml\n  - name: summary\n    model: m.yaml\n  - model: m.yaml\n  - 5\n"
       "  - name: c\n",
       "b.yaml:2:11: error: run name `../a` must be letters, digits, `-`, `_` and `.`, not starting with `.` (it "
       "names the run's result files)\n"
       "b.yaml:4:11: error: a run cannot be called `summary`: summary.csv and summary.md are the batch's summary\n"
       "b.yaml:6:5: error: a run needs a `name:` (its result files are named after it)\n"
       "b.yaml:7:5: error: a run must be a mapping (name:, model:, …), not a single value\n"
       "b.yaml:8:11: error: a run needs a `model:` (the model file, relative to the batch file's folder)\n"},
      {"runs:\n  - name: " + std::string(101, 'x') + "\n    model: m.yaml\n",
       "b.yaml:2:11: error: run name `" + std::string(40, 'x') + "… (101 bytes)` is longer than 100 characters\n"},
      {"defaults:\n  model: m.yaml\n  samples: 10\n  colour: red\nruns:\n  - {name: a, model: m.yaml}\n",
       "b.yaml:2:3: error: `model` has no default: every run gives its own\n"
       "b.yaml:4:3: error: unknown key `colour` in defaults\n"},
      {"defaults: 3\nruns:\n  - {name: a, model: m.yaml}\n",
       "b.yaml:1:11: error: `defaults` must be a mapping of run settings, not a single value\n"},
      {"runs:\n  - {name: a, model: m.yaml}\nbatch: [1]\nbatch: x\n",
       "b.yaml:3:8: error: `batch` (the title) must be a single value, not a list\n"
       "b.yaml:4:1: error: duplicate key `batch` in the batch file (first given at line 3)\n"},
      {"runs:\n  - {name: '', model: m.yaml}\n", "b.yaml:2:12: error: a run's `name` must not be empty\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(errors_of(c.text), c.errors) << c.text;
}

// As the Python package takes `percentiles=80` and `scenarios="base"`, a
// single value stands for a list of one; an empty `exceed` list asks for no
// threshold (as `exceed: {}` does) but its output is still checked.
TEST(BatchFile, ASingleValueIsAListOfOneAndAnEmptyExceedListAsksForNone) {
  const BatchFile one = load_ok(
      "runs:\n  - name: a\n    model: m.yaml\n    percentiles: 80\n    scenarios: high\n    formats: csv\n"
      "    exceed: {o: [], p: 0.5}\n");
  const BatchFile list = load_ok(
      "runs:\n  - name: a\n    model: m.yaml\n    percentiles: [80]\n    scenarios: [high]\n    formats: [csv]\n"
      "    exceed: {p: [0.5]}\n");
  ASSERT_EQ(one.runs.size(), 1u);
  ASSERT_EQ(list.runs.size(), 1u);
  EXPECT_EQ(one.runs[0].percentiles, list.runs[0].percentiles);
  EXPECT_EQ(one.runs[0].percentiles, std::vector<double>{0.8});
  EXPECT_EQ(one.runs[0].scenarios, list.runs[0].scenarios);
  EXPECT_EQ(one.runs[0].scenario_pos, (std::vector<SourcePos>{{5, 16}}));
  EXPECT_EQ(one.runs[0].formats, list.runs[0].formats);
  ASSERT_EQ(one.runs[0].exceedances.size(), 1u);
  EXPECT_EQ(one.runs[0].exceedances[0].output, "p");
  ASSERT_EQ(one.runs[0].exceedance_text.size(), 2u);
  EXPECT_EQ(one.runs[0].exceedance_text[0].output, "o");
  EXPECT_EQ(one.runs[0].exceedance_text[0].pos, (SourcePos{7, 14}));

  const Model model = load_model_text("outputs:\n  p:\n    formula: 0.5\n    unit: share\n  units: 2\n", "m.yaml");
  const BatchFile bad =
      load_ok("runs:\n  - name: a\n    model: m.yaml\n    exceed: {q: [], units: [1, 5%], p: 5%}\n", "b.yaml");
  Diagnostics diagnostics("b.yaml");
  check_run_names(bad.runs[0], model, diagnostics);
  EXPECT_EQ(diagnostics.format(),
            "b.yaml:4:14: error: run `a`: `exceed` names `q`, which is not an output of m.yaml (outputs: p, units)\n"
            "b.yaml:4:32: error: run `a`: `exceed` of `units`: a percentage (`%`) is only for an output shown as a "
            "share, and `units` has no unit; give the threshold in its units\n");
}

// Mistakes that need the model (a scenario or an `exceed` output it lacks)
// come in the same report as the batch file's other errors, not after
// those are fixed.
TEST(BatchFile, NamesTheModelsLackAreReportedWithTheOtherErrors) {
  TempDir dir;
  dir.write("m.yaml", "outputs:\n  share:\n    formula: 0.5\n    unit: share\n  units: 2\n");
  const std::string path = dir.write("b.yaml", R"(runs:
  - name: a
    model: m.yaml
    samples: 100
    percentiles: [0, 80]
    exceed: {nope: 1, units: [abc, 10%]}
  - name: b
    model: m.yaml
    scenarios: [base, hihg]
  - name: c
    model: missing.yaml
    scenarios: [whatever]
)");
  try {
    load_batch_file(path);
    FAIL() << "a bad batch file loaded";
  } catch (const ModelError& e) {
    const std::string p = path + ":";
    EXPECT_EQ(e.diagnostics().format(),
              p +
                  "5:19: error: percentile '0' is outside 2.2250738585072014e-306 … 99.99999999999999, the "
                  "percentiles strictly between 0 and 100 that riskcast can hold; give percentiles in percent, as in "
                  "[80, 97.5]\n" +
                  p + "6:14: error: run `a`: `exceed` names `nope`, which is not an output of " + dir.path() +
                  "/m.yaml (outputs: share, units)\n" + p +
                  "6:31: error: `exceed` of `units`: 'abc' is not a number (a number in the output's units, as in "
                  "0.3, 1e6 or 30%)\n" +
                  p +
                  "6:36: error: run `a`: `exceed` of `units`: a percentage (`%`) is only for an output shown as "
                  "a share, and `units` has no unit; give the threshold in its units\n" +
                  p + "9:23: error: run `b`: `hihg` is not a scenario of " + dir.path() +
                  "/m.yaml (scenarios: base)\n");
  }
}

TEST(BatchFile, UnknownScenariosArePositionedInTheBatchFileWithAHint) {
  const Model model = load_model_text(
      "parameters:\n  x: uniform(0, 1)\noutputs:\n  o: x\nscenarios:\n  high:\n    parameters:\n      x: 0.9\n",
      "m.yaml");
  const BatchFile batch =
      load_ok("runs:\n  - name: a\n    model: m.yaml\n    scenarios: [hihg, base, low]\n", "b.yaml");
  Diagnostics diagnostics("b.yaml");
  check_run_scenarios(batch.runs[0], model, diagnostics);
  EXPECT_EQ(diagnostics.format(),
            "b.yaml:4:17: error: run `a`: `hihg` is not a scenario of m.yaml (scenarios: base, high) (did you mean "
            "`high`?)\n"
            "b.yaml:4:29: error: run `a`: `low` is not a scenario of m.yaml (scenarios: base, high)\n");
}

// A model path is user text: its control characters are spelt out, so the
// message stays one line (found by fuzzing).
TEST(BatchFile, AControlCharacterInAModelPathIsSpeltOutInMessages) {
  const Model model = load_model_text("outputs:\n  o: 1\n", "m.yaml");
  const BatchFile batch = load_ok(
      "runs:\n  - name: a\n    model: \"dir\\nname\\x01-of-a-model-file-longer-than-forty-bytes.yaml\"\n"
      "    scenarios: [high]\n",
      "b.yaml");
  Diagnostics diagnostics("b.yaml");
  check_run_scenarios(batch.runs[0], model, diagnostics);
  EXPECT_EQ(diagnostics.format(),
            "b.yaml:4:17: error: run `a`: `high` is not a scenario of "
            "dir\\x0aname\\x01-of-a-model-file-longer-than-forty-bytes.yaml (scenarios: base)\n");
}

TEST(BatchFile, MissingFileIsAnErrorNamingIt) {
  try {
    load_batch_file("/nonexistent/b.yaml");
    FAIL() << "loaded a missing file";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.diagnostics().format(),
              "/nonexistent/b.yaml: error: cannot read the batch file: No such file or directory\n");
  }
}

TEST(WholeNumbers, AcceptTheSpellingsOfSamples) {
  EXPECT_EQ(parse_whole_number("1e6", 1, kMaxSamples), 1'000'000u);
  EXPECT_EQ(parse_whole_number("1_000_000", 1, kMaxSamples), 1'000'000u);
  EXPECT_EQ(parse_whole_number("18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
  EXPECT_FALSE(parse_whole_number("1.5", 0, 10));
  EXPECT_FALSE(parse_whole_number("11", 0, 10));
  EXPECT_FALSE(parse_whole_number("", 0, 10));
  EXPECT_FALSE(parse_whole_number("-1", 0, 10));
}

// A batch stopped (Ctrl-C, SIGTERM) before it wrote anything leaves no
// empty --out folder it made; a folder that was there stays.
TEST(RunBatch, AStoppedBatchRemovesTheEmptyFolderItMade) {
  TempDir dir;
  const BatchFile batch = load_batch_file(dir.write("b.yaml", fmt::format(R"b(runs:
  - name: one
    model: {}
    samples: 1_000
)b",
                                                                          source_path("bench/models/reference.yaml"))));
  std::stop_source stop;
  stop.request_stop();
  BatchOptions options;
  options.stop = stop.get_token();
  options.out = dir.path() + "/new/out/";
  EXPECT_THROW(run_batch(batch, options), RunCancelled);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/new"));
  options.out = dir.path();
  EXPECT_THROW(run_batch(batch, options), RunCancelled);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/b.yaml"));
  options.stop = {};
  options.out = dir.path() + "/new/out";
  run_batch(batch, options);
  EXPECT_TRUE(std::filesystem::exists(options.out + "/one.json"));
}

}  // namespace
}  // namespace riskcast::testing
