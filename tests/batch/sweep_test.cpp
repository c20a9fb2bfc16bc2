// Sweeps (docs/batch.md, "Sweeps"): cells expanded from levers (full
// factorial, Latin hypercube), named after their settings, checked against
// their model; run with common random numbers; lever columns in
// summary.csv; the charts of one and two levers.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/tiny_model.hpp"
#include "batch/batch_loading.hpp"
#include "riskcast/batch.hpp"
#include "support/cli_runner.hpp"
#include "support/xml_check.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

// The errors a dry run of `batch` stops at (the names its models lack).
std::string dry_run_errors(const BatchFile& batch) {
  BatchOptions options;
  options.dry_run = true;
  try {
    run_batch(batch, options);
  } catch (const ModelError& e) {
    return e.diagnostics().format();
  }
  ADD_FAILURE() << "the dry run found nothing";
  return {};
}

TEST(Sweep, AFullFactorialHasACellPerCombinationNamedAfterItsSettings) {
  const BatchFile batch = load_ok(R"b(defaults:
  samples: 1_000
runs:
  - name: plain
    model: m.yaml
sweeps:
  - name: grid
    model: m.yaml
    scenarios: [base]
    seed: 9
    levers:
      a: [1, 2.5, "uniform(0, 1)"]
      b: {from: 0, to: 1e20, steps: 3}
)b");
  ASSERT_EQ(batch.runs.size(), 10u);
  ASSERT_EQ(batch.sweeps.size(), 1u);
  const BatchSweep& sweep = batch.sweeps[0];
  EXPECT_EQ(sweep.name, "grid");
  EXPECT_EQ(sweep.first_run, 1u);
  EXPECT_EQ(sweep.cells, 9u);
  EXPECT_EQ(sweep.levers, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(sweep.latin_hypercube);
  const std::vector<std::string> names = {"grid.a-1.b-0",   "grid.a-1.b-5e19",   "grid.a-1.b-1e20",
                                          "grid.a-2.5.b-0", "grid.a-2.5.b-5e19", "grid.a-2.5.b-1e20",
                                          "grid.a-v3.b-0",  "grid.a-v3.b-5e19",  "grid.a-v3.b-1e20"};
  for (std::size_t c = 0; c < 9; ++c) {
    const BatchRun& cell = batch.runs[1 + c];
    EXPECT_EQ(cell.name, names[c]);
    EXPECT_EQ(cell.sweep, 0u);
    EXPECT_EQ(cell.samples, 1000u);  // from defaults
    EXPECT_EQ(cell.seed, 9u);        // every cell the same: common random numbers
    EXPECT_EQ(cell.scenarios, (std::vector<std::string>{"base"}));
    ASSERT_EQ(cell.overrides.size(), 2u);
    EXPECT_EQ(cell.overrides[0].name, "a");
    EXPECT_EQ(cell.overrides[1].name, "b");
  }
  EXPECT_EQ(batch.runs[7].overrides[0].definition, "uniform(0, 1)");
  EXPECT_TRUE(std::isnan(batch.runs[7].setting_values[0]));
  EXPECT_EQ(batch.runs[5].setting_text, (std::vector<std::string>{"2.5", "5e+19"}));
  EXPECT_EQ(batch.runs[9].setting_values[1], 1e20);  // the end exactly
  EXPECT_EQ(batch.runs[0].sweep, BatchRun::kNoSweep);
  EXPECT_TRUE(batch.runs[0].overrides.empty());
}

// Each lever's range cut into `cells` strata with one value in each (the
// Latin hypercube property), the same for the same seed, other for another.
TEST(Sweep, ALatinHypercubeHasOneValueInEachStratumOfEachLever) {
  auto cells_of = [](int seed) {
    return load_ok(fmt::format(R"b(sweeps:
  - name: lhs
    model: m.yaml
    seed: {}
    design: lhs
    cells: 50
    levers:
      a: {{from: -1, to: 3}}
      b: {{from: 100, to: 200}}
)b",
                               seed));
  };
  const BatchFile batch = cells_of(4);
  ASSERT_EQ(batch.runs.size(), 50u);
  EXPECT_TRUE(batch.sweeps[0].latin_hypercube);
  const double lo[2] = {-1, 100}, hi[2] = {3, 200};
  for (int j = 0; j < 2; ++j) {
    std::set<long> strata;
    for (const BatchRun& cell : batch.runs) {
      const double v = cell.setting_values[j];
      EXPECT_GE(v, lo[j]);
      EXPECT_LT(v, hi[j]);
      strata.insert(static_cast<long>(std::floor((v - lo[j]) / (hi[j] - lo[j]) * 50)));
    }
    EXPECT_EQ(strata.size(), 50u) << "lever " << j;
  }
  // The strata of the two levers are paired at random, not in step.
  std::size_t same_stratum = 0;
  for (const BatchRun& cell : batch.runs)
    same_stratum +=
        std::floor((cell.setting_values[0] + 1) / 4 * 50) == std::floor((cell.setting_values[1] - 100) / 100 * 50);
  EXPECT_LT(same_stratum, 10u);
  const BatchFile again = cells_of(4), other = cells_of(5);
  for (std::size_t c = 0; c < 50; ++c) {
    EXPECT_EQ(again.runs[c].name, batch.runs[c].name);
    EXPECT_EQ(again.runs[c].setting_values, batch.runs[c].setting_values);
  }
  EXPECT_NE(other.runs[0].setting_values, batch.runs[0].setting_values);
  // Named to 6 significant digits; the override holds the exact value.
  EXPECT_EQ(batch.runs[0].name.rfind("lhs.a-", 0), 0u);
  EXPECT_EQ(std::stod(batch.runs[0].overrides[0].definition), batch.runs[0].setting_values[0]);
}

// A range so narrow that 6 significant digits name cells alike: the cells
// are named with the values in full instead.
TEST(Sweep, ANarrowLatinHypercubeNamesItsCellsInFull) {
  const BatchFile batch = load_ok(R"b(sweeps:
  - name: narrow
    model: m.yaml
    design: lhs
    cells: 50
    levers:
      a: {from: 0.5, to: 0.500001}
)b");
  ASSERT_EQ(batch.runs.size(), 50u);
  std::set<std::string> names;
  for (const BatchRun& cell : batch.runs) {
    names.insert(cell.name);
    EXPECT_EQ(cell.name, "narrow.a-" + fmt::format("{}", cell.setting_values[0]));
  }
  EXPECT_EQ(names.size(), 50u);
}

TEST(Sweep, MistakesArePositioned) {
  const std::string head = "sweeps:\n  - name: s\n    model: m.yaml\n";
  struct Case {
    std::string body, error;
  };
  const std::vector<Case> cases = {
      {"    levers: {a: [1]}\n    design: grid\n", "b.yaml:5:13: error: unknown design `grid`"},
      {"    levers: {a: {from: 0, to: 1}}\n    design: lhs\n", "needs `cells:`"},
      {"    levers: {a: [1, 2]}\n    cells: 5\n", "b.yaml:5:5: error: `cells` is for `design: lhs`"},
      {"    levers: {a: [1, 2]}\n    design: lhs\n    cells: 5\n", "a Latin hypercube samples ranges"},
      {"    levers: {a: {from: 0, to: 1}}\n", "a full factorial range needs `steps:`"},
      {"    levers: {a: {from: 1, to: 1, steps: 3}}\n", "`from` must be below `to`"},
      {"    levers: {a: {from: x, to: 1, steps: 3}}\n", "`from` 'x'"},
      {"    levers: {a: {from: 0, to: 1, steps: 1}}\n", "`steps`"},
      {"    levers: {a: {from: 0, to: 1, step: 3}}\n", "unknown key `step`"},
      {"    levers: {a: []}\n", "lever `a` has no values"},
      {"    levers: {}\n", "`levers` must be a mapping of parameters to values"},
      {"    levers:\n      a: [1]\n      a: [2]\n", "lever `a` is given twice"},
      {"", "b.yaml:2:11: error: a sweep needs `levers:`"},
      {"    levers: {a: 3}\n", "must be a list of values"},
      {"    levers: {a: {from: 0, to: 1, steps: 100001}}\n", "`steps`"},
      {"    levers: {a: {from: 0, to: 1, steps: 400}, b: {from: 0, to: 1, steps: 400}}\n",
       "would have 400 × 400 cells, more than the 100000 a sweep may have"},
      {"    levers: {a: [0.5, 5e-1]}\n", "b.yaml:4:14: error: sweep `s`: lever `a` lists the value 0.5 twice"},
      {"    levers: {a: [1, 2]}\n  - name: S\n    model: m.yaml\n    levers: {b: [1]}\n",
       "b.yaml:5:11: error: duplicate sweep name `S`"},
      {"    levers: {a_very_long_lever_name_indeed_that_goes_on_and_on: [1], "
       "another_very_long_lever_name_that_also_goes_on_and_on: [2]}\n",
       "at most 100 characters"},
      {"    levers: {a: [1]}\n    cell: 3\n", "unknown key `cell`"},
  };
  for (const Case& c : cases) {
    const std::string errors = errors_of(head + c.body);
    EXPECT_NE(errors.find(c.error), std::string::npos) << head + c.body << "\ngave:\n" << errors;
  }
  // A cell's name taken by a listed run.
  EXPECT_NE(errors_of("runs:\n  - name: s.a-1\n    model: m.yaml\n" + head + "    levers: {a: [1]}\n")
                .find("duplicate run name `s.a-1`"),
            std::string::npos);
}

// A lever's definition is read as the model would read it before anything
// runs (a dry run too), the mistake reported at the lever.
TEST(Sweep, LeverDefinitionsAreCheckedBeforeAnythingRuns) {
  TempDir dir;
  dir.write("tiny.yaml", kTinyModel);
  const BatchFile batch = load_batch_file(dir.write("b.yaml", R"b(sweeps:
  - name: s
    model: tiny.yaml
    levers:
      b: ["uniform(1, 0)", 0.5, "uniform(1, 0)"]
)b"));
  const std::string text = dry_run_errors(batch);
  EXPECT_NE(text.find("b.yaml:5:7: error: sweep `s`: lever `b`: 'uniform(1, 0)': "), std::string::npos) << text;
  EXPECT_EQ(text.find("error:"), text.rfind("error:")) << "once per value:\n" << text;
}

TEST(Sweep, LeversAndOutputMustBeTheModels) {
  TempDir dir;
  dir.write("tiny.yaml", kTinyModel);
  const std::string path = dir.write("b.yaml", R"b(sweeps:
  - name: s
    model: tiny.yaml
    scenarios: [base, hihg]
    output: twise
    levers:
      b: [0.5]
      c: [1, 2]
)b");
  // Checked when the batch runs (or its dry run), each model read once.
  const BatchFile batch = load_batch_file(path);
  const std::string text = dry_run_errors(batch);
  // Once, not once per cell.
  std::size_t errors = 0;
  for (std::size_t at = text.find("error:"); at != std::string::npos; at = text.find("error:", at + 1)) ++errors;
  EXPECT_EQ(errors, 3u) << text;
  EXPECT_NE(text.find("b.yaml:4:23: error: run `s.b-0.5.c-1`: `hihg` is not a scenario"), std::string::npos) << text;
  EXPECT_NE(text.find("b.yaml:8:7: error: sweep `s`: lever `c` is not a parameter"), std::string::npos) << text;
  EXPECT_NE(text.find("b.yaml:5:13: error: sweep `s`: `output` names `twise`"), std::string::npos) << text;
}

// A lever naming something else than a parameter says what it names, as
// LoadedModel::with_parameters does; an entry over an index names its
// elements, each of which may be a lever.
TEST(Sweep, ALeverThatIsNoParameterSaysWhatItIs) {
  TempDir dir;
  dir.write("m.yaml", R"yaml(indexes:
  vendor: [huawei, metax]
parameters:
  units: {over: vendor, dist: "uniform(1, 2)"}
  price: uniform(1, 2)
outputs:
  total: sum(units over vendor) * price
)yaml");
  const std::string text = dry_run_errors(load_batch_file(dir.write("b.yaml", R"b(sweeps:
  - name: s
    model: m.yaml
    levers:
      units: [1]
      total: [2]
      pirce: [3]
)b")));
  EXPECT_NE(text.find("b.yaml:5:7: error: sweep `s`: lever `units` is over an index of "), std::string::npos) << text;
  EXPECT_NE(text.find("name its elements, `units[huawei]`, `units[metax]`"), std::string::npos) << text;
  EXPECT_NE(text.find("b.yaml:6:7: error: sweep `s`: lever `total` is an output, not a parameter of "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("b.yaml:7:7: error: sweep `s`: lever `pirce` is not a parameter of "), std::string::npos) << text;
  EXPECT_NE(text.find("price"), std::string::npos) << "a hint: " << text;
  // An element is a parameter, and a lever.
  const BatchFile elements = load_batch_file(dir.write("e.yaml", R"b(sweeps:
  - name: s
    model: m.yaml
    samples: 100
    formats: [json]
    levers:
      units[huawei]: [1, 3]
)b"));
  BatchOptions options;
  options.out = dir.path() + "/out";
  EXPECT_TRUE(run_batch(elements, options).failed.empty());
  EXPECT_TRUE(fs::exists(dir.path() + "/out/s.units_huawei-3.json"));  // brackets are no file name's
  EXPECT_NE(read_text(dir.path() + "/out/summary.csv").find(",units[huawei]\n"), std::string::npos);
}

// Cells run the model with their levers' values; the cells share their
// random numbers, so an output the lever does not reach is the same in
// every cell, bit for bit, and one it shifts moves by the shift.
TEST(Sweep, CellsRunWithTheirSettingsAndCommonRandomNumbers) {
  TempDir dir;
  dir.write("tiny.yaml", kTinyModel);
  const BatchFile batch = load_batch_file(dir.write("b.yaml", R"b(runs:
  - name: plain
    model: tiny.yaml
    samples: 2000
    formats: [json]
sweeps:
  - name: shift
    model: tiny.yaml
    scenarios: [base]
    samples: 2000
    formats: [json]
    output: shifted
    levers:
      b: [0.25, 0.75]
  - name: grid
    model: tiny.yaml
    samples: 500
    formats: []
    levers:
      b: {from: 0, to: 1, steps: 3}
      a: [5, "normal(10, 1)"]
)b"));
  BatchOptions options;
  options.out = dir.path() + "/out";
  options.plot = dir.path() + "/charts";
  options.threads = 2;
  const BatchOutcome outcome = run_batch(batch, options);
  EXPECT_TRUE(outcome.failed.empty());
  const LoadedModel model = tiny();
  RunOptions run;
  run.samples = 2000;
  run.scenarios = {"base"};
  run.threads = 1;
  const RunResult low = model.with_parameters({{"b", "0.25"}}).run(run);
  const RunResult high = model.with_parameters({{"b", "0.75"}}).run(run);
  EXPECT_EQ(read_text(dir.path() + "/out/shift.b-0.25.json"), format_result(low, Format::Json));
  EXPECT_EQ(read_text(dir.path() + "/out/shift.b-0.75.json"), format_result(high, Format::Json));
  const OutputResult& twice_low = low.scenarios[0].outputs[0];
  const OutputResult& twice_high = high.scenarios[0].outputs[0];
  EXPECT_EQ(twice_low.summary.mean, twice_high.summary.mean);  // not reached by b: the same draws
  EXPECT_NEAR(high.scenarios[0].outputs[1].summary.mean - low.scenarios[0].outputs[1].summary.mean, 0.5, 1e-12);

  // summary.csv: a column per lever, filled for cells only.
  std::istringstream csv(read_text(dir.path() + "/out/summary.csv"));
  std::string header, line;
  std::getline(csv, header);
  EXPECT_TRUE(header.ends_with(",p95,b,a")) << header;
  std::vector<std::string> rows;
  while (std::getline(csv, line)) rows.push_back(line);
  // plain: 2 scenarios × 2 outputs; shift: 2 cells × 1 × 2; grid: 6 cells × 2 × 2.
  ASSERT_EQ(rows.size(), 4u + 4u + 24u);
  EXPECT_TRUE(rows[0].starts_with("plain,") && rows[0].ends_with(",,")) << rows[0];
  EXPECT_TRUE(rows[4].starts_with("shift.b-0.25,") && rows[4].ends_with(",0.25,")) << rows[4];
  EXPECT_TRUE(rows.back().starts_with("grid.b-1.a-v2,")) << rows.back();
  EXPECT_TRUE(rows.back().ends_with(",1,\"normal(10, 1)\"")) << rows.back();

  // Charts: a line chart for one lever, a heatmap per scenario for two.
  for (const char* chart : {"shift.svg", "grid.base.svg", "grid.high.svg"}) {
    const std::string path = dir.path() + "/charts/" + chart;
    ASSERT_TRUE(fs::exists(path)) << chart;
    const std::string svg = read_text(path);
    EXPECT_EQ(xml_problem(svg), "") << chart;
    EXPECT_NE(svg.find("<svg"), std::string::npos);
  }
  EXPECT_EQ(sweep_chart_files(batch.sweeps[1], {"base", "high"}),
            (std::vector<std::string>{"grid.base.svg", "grid.high.svg"}));
}

// The shipped sweep: 100 cells over two levers of the flagship, which its
// model has; `riskcast batch --dry-run` accepts it.
TEST(Sweep, TheShippedFlagshipSweepHas100CellsOverTwoLevers) {
  const BatchFile batch = load_batch_file(source_path("configs/batches/china-2026-sweep.yaml"));
  ASSERT_EQ(batch.sweeps.size(), 1u);
  EXPECT_EQ(batch.sweeps[0].cells, 100u);
  EXPECT_EQ(batch.sweeps[0].levers.size(), 2u);
  EXPECT_EQ(batch.runs.size(), 100u);
  BatchOptions options;
  options.dry_run = true;
  EXPECT_TRUE(run_batch(batch, options).failed.empty());
}

}  // namespace
}  // namespace riskcast::testing
