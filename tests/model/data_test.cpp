// Data tables (docs/language.md, "Data tables"): the CSV reader, every
// mistake a data file can hold as an error positioned in that file, series
// by month read in formulas, the fingerprint over the numbers read, and the
// listings.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "difftest/differential.hpp"
#include "model/model_test_support.hpp"
#include "riskcast/assumptions.hpp"
#include "riskcast/baseline.hpp"
#include "riskcast/csv.hpp"
#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"
#include "support/diagnostic_checks.hpp"
#include "support/doc_examples.hpp"

namespace riskcast::testing {
namespace {

// A model of four months with one series by month, `s`, read from
// data/s.csv's column `factor`; `entry` replaces the table's keys.
constexpr const char* kKeys = "file: data/s.csv\n    by: month\n    column: factor";

std::string model_with(const std::string& entry = kKeys, const std::string& rest = "outputs:\n  total: sum(s)\n") {
  return fmt::format("horizon: 4\ndata:\n  s:\n    {}\n    source: shipment reports\n{}", entry, rest);
}

constexpr const char* kGoodCsv = "month,factor\n1,0.5\n2,1\n3,1.5\n4,2\n";

class DataTables : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_.path() + "/data"); }

  std::string csv_path() const { return dir_.path() + "/data/s.csv"; }

  Model load(const std::string& csv, const std::string& model = model_with()) {
    dir_.write("data/s.csv", csv);
    const std::string path = dir_.write("m.yaml", model);
    try {
      return load_model_file(path);
    } catch (const ModelError& e) {
      ADD_FAILURE() << "model did not load:\n" << e.diagnostics().format();
    }
    return {};
  }

  Diagnostics errors(const std::string& csv, const std::string& model = model_with()) {
    dir_.write("data/s.csv", csv);
    const std::string path = dir_.write("m.yaml", model);
    try {
      load_model_file(path);
    } catch (const ModelError& e) {
      // Every error in the CSV file lies inside it, with printable text.
      Diagnostics in_csv(csv_path());
      for (const Diagnostic& d : e.diagnostics().items())
        if (d.file == csv_path()) in_csv.error(d.pos, d.message, d.hint);
      if (std::optional<std::string> fault = diagnostic_fault(in_csv, csv)) ADD_FAILURE() << *fault;
      return e.diagnostics();
    }
    ADD_FAILURE() << "the model loaded, but should not have; CSV:\n" << csv;
    return Diagnostics("m.yaml");
  }

  // The one error `csv` gives, which must be in the CSV file at line:column
  // and contain `fragment` (in its message or hint).
  void expect_csv_error(const std::string& csv, std::uint32_t line, std::uint32_t column, std::string_view fragment,
                        const std::string& model = model_with()) {
    const Diagnostics d = errors(csv, model);
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    const Diagnostic& e = d.items()[0];
    EXPECT_EQ(e.file, csv_path()) << d.format();
    EXPECT_EQ(e.pos, (SourcePos{line, column})) << d.format();
    EXPECT_TRUE(e.message.find(fragment) != std::string::npos || e.hint.find(fragment) != std::string::npos)
        << "no mention of `" << fragment << "`: " << d.format();
  }

  // The one error of the model, at line:column of the model file.
  void expect_model_error(const std::string& csv, const std::string& model, std::uint32_t line, std::uint32_t column,
                          std::string_view fragment) {
    const Diagnostics d = errors(csv, model);
    ASSERT_EQ(d.items().size(), 1u) << d.format();
    const Diagnostic& e = d.items()[0];
    EXPECT_EQ(e.file, "") << d.format();
    EXPECT_EQ(e.pos, (SourcePos{line, column})) << d.format();
    EXPECT_TRUE(e.message.find(fragment) != std::string::npos || e.hint.find(fragment) != std::string::npos)
        << "no mention of `" << fragment << "`: " << d.format();
  }

  TempDir dir_;
};

// --- reading -------------------------------------------------------------------------------------

TEST_F(DataTables, ReadsASeriesByMonthInMonthOrder) {
  const Model m = load("month,other,factor\n3,x,1.5\n1,y,0.5\n4,z,2\n2,w,1\n");
  ASSERT_EQ(m.data.size(), 1u);
  const DataTable& t = m.data[0];
  EXPECT_EQ(t.name, "s");
  EXPECT_EQ(t.file, "data/s.csv");
  EXPECT_EQ(t.path, csv_path());
  EXPECT_EQ(t.by, "month");
  EXPECT_EQ(t.column, "factor");
  EXPECT_EQ(t.metadata.source, "shipment reports");
  EXPECT_EQ(t.values, (std::vector<double>{0.5, 1, 1.5, 2}));
}

TEST_F(DataTables, ReadsRfc4180QuotingLineEndingsAndTheModelsNumbers) {
  // A byte-order mark, \r\n line ends, quoted cells (a comma, a doubled
  // quote, a line break inside), blank lines, no final line break, and
  // numbers as the model writes them: signs, exponents, `_` groups.
  const Model m = load(
      "\xef\xbb\xbf\"month\",\"factor\",\"note\"\r\n1,-2.5,\"a, b\"\r\n\r\n\"2\",1e3,\"say \"\"hi\"\"\"\r\n3, 1_000 "
      ",\"two\nlines\"\r\n"
      "4,+.5,");
  ASSERT_EQ(m.data.size(), 1u);
  EXPECT_EQ(m.data[0].values, (std::vector<double>{-2.5, 1000, 1000, 0.5}));
}

TEST_F(DataTables, TheOnlyValueColumnNeedsNoName) {
  const Model m = load("month,units\n1,1\n2,2\n3,3\n4,4\n", model_with("file: data/s.csv\n    by: month"));
  ASSERT_EQ(m.data.size(), 1u);
  EXPECT_EQ(m.data[0].column, "units");
  EXPECT_EQ(m.data[0].values, (std::vector<double>{1, 2, 3, 4}));
}

TEST_F(DataTables, CsvCellsKeepTheirPositions) {
  Diagnostics d("x.csv");
  const std::optional<std::vector<CsvRow>> rows = parse_csv("a,\"b\nc\",d\n\n e,f\n", "x.csv", d);
  ASSERT_TRUE(rows) << d.format();
  ASSERT_EQ(rows->size(), 2u);
  ASSERT_EQ((*rows)[0].cells.size(), 3u);
  EXPECT_EQ((*rows)[0].cells[1].text, "b\nc");
  EXPECT_TRUE((*rows)[0].cells[1].quoted);
  EXPECT_EQ((*rows)[0].cells[2].pos, (SourcePos{2, 4}));
  EXPECT_EQ((*rows)[0].end, (SourcePos{2, 5}));
  EXPECT_EQ((*rows)[1].cells[0].text, " e");
  EXPECT_EQ((*rows)[1].cells[1].pos, (SourcePos{4, 4}));
}

// --- every mistake, positioned in the CSV file ---------------------------------------------------

TEST_F(DataTables, MissingFileIsAnErrorAtTheModelsFileValue) {
  std::filesystem::remove(csv_path());
  const std::string path = dir_.write("m.yaml", model_with("file: data/none.csv\n    by: month"));
  try {
    load_model_file(path);
    ADD_FAILURE() << "a missing data file loaded";
  } catch (const ModelError& e) {
    ASSERT_EQ(e.diagnostics().items().size(), 1u) << e.diagnostics().format();
    const Diagnostic& d = e.diagnostics().items()[0];
    EXPECT_EQ(d.file, "");
    EXPECT_EQ(d.pos, (SourcePos{4, 11}));
    EXPECT_NE(d.message.find("data file `data/none.csv`"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("cannot read the data file"), std::string::npos) << d.message;
  }
}

constexpr const char* kVendors = "indexes:\n  vendor: [huawei, cambricon, metax]\n";

// A table by index whose file is missing is the one error: the entries
// reading its numbers do not each report a mistake that is not there.
TEST_F(DataTables, AMissingTableByIndexIsTheOneError) {
  const std::string path = dir_.write("m.yaml", std::string(kVendors) + R"yaml(data:
  low: {file: data/none.csv, by: vendor, column: low}
  high: {file: data/none.csv, by: vendor, column: high}
parameters:
  units: {over: vendor, dist: "uniform(low, high)"}
outputs:
  total: sum(units over vendor)
  top: high[huawei]
)yaml");
  try {
    load_model_file(path);
    ADD_FAILURE() << "loaded";
  } catch (const ModelError& e) {
    ASSERT_EQ(e.diagnostics().items().size(), 2u) << e.diagnostics().format();  // one per table
    for (const Diagnostic& d : e.diagnostics().items())
      EXPECT_NE(d.message.find("cannot read the data file"), std::string::npos) << d.message;
  }
}

TEST_F(DataTables, AFolderIsNoDataFile) {
  std::filesystem::create_directories(dir_.path() + "/data/folder.csv");
  expect_model_error(kGoodCsv, model_with("file: data/folder.csv\n    by: month"), 4, 11, "is a directory");
}

TEST_F(DataTables, EmptyFile) {
  expect_csv_error("", 1, 1, "the data file is empty");
  expect_csv_error("\xef\xbb\xbf\n\r\n", 1, 1, "the data file is empty");
}

TEST_F(DataTables, HeaderWithoutTheKey) {
  expect_csv_error("mnth,factor\n1,1\n2,1\n3,1\n4,1\n", 1, 1, "did you mean `month`?");
  expect_csv_error("# seasonality\nmonth,factor\n", 1, 1, "a comment line (#) is not allowed");
}

TEST_F(DataTables, HeaderWithoutTheColumn) {
  expect_csv_error("month,factr\n1,1\n2,1\n3,1\n4,1\n", 1, 1, "did you mean `factr`?");
  expect_csv_error("month,units\n1,1\n2,1\n3,1\n4,1\n", 1, 1, "the header has no column `factor`");
}

TEST_F(DataTables, HeaderWithAColumnTwiceOrUnnamed) {
  expect_csv_error("month,factor,factor\n1,1,1\n2,1,1\n3,1,1\n4,1,1\n", 1, 14, "names column `factor` twice");
  expect_csv_error("month,factor,\n1,1,1\n2,1,1\n3,1,1\n4,1,1\n", 1, 14, "column 3 of the header has no name");
}

TEST_F(DataTables, SeveralValueColumnsNeedAColumnKey) {
  expect_model_error("month,a,b\n1,1,1\n2,1,1\n3,1,1\n4,1,1\n", model_with("file: data/s.csv\n    by: month"), 3, 3,
                     "has 2 value columns (a, b); name the one to read with `column:`");
}

// A spreadsheet in a decimal-comma locale writes `;` or tabs between cells.
TEST_F(DataTables, SemicolonsOrTabsBetweenCellsAreNamed) {
  expect_csv_error("month;factor\n1;0,5\n2;1\n3;1\n4;1\n", 1, 1, "this file separates them with semicolons");
  expect_csv_error("month\tfactor\n1\t0.5\n2\t1\n3\t1\n4\t1\n", 1, 1, "this file separates them with tabs");
}

TEST_F(DataTables, RowShortOrLong) {
  expect_csv_error("month,factor\n1,1\n2\n3,1\n4,1\n", 3, 2, "this row has 1 cell, the header 2; `factor` is missing");
  expect_csv_error("month,factor\n1,1\n2,1\n3,1,5\n4,1\n", 4, 5, "this row has 3 cells, the header 2");
}

TEST_F(DataTables, NotANumber) {
  expect_csv_error("month,factor\n1,1\n2,abc\n3,1\n4,1\n", 3, 3, "`abc` in column `factor` is not a number");
  expect_csv_error("month,factor\n1,1\n2,15%\n3,1\n4,1\n", 3, 3, "write a percentage as a fraction: `15%` is `0.15`");
  // A decimal comma, a thousands comma (three digits after it: either), other commas.
  expect_csv_error("month,factor\n1,1\n2,\"1,5\"\n3,1\n4,1\n", 3, 3, "a decimal point, not a comma: `1.5`");
  expect_csv_error("month,factor\n1,1\n2,\"1,000\"\n3,1\n4,1\n", 3, 3,
                   "write `1000` or `1_000` for a thousands comma, `1.000` for a decimal comma");
  expect_csv_error("month,factor\n1,1\n2,\"1,000,000\"\n3,1\n4,1\n", 3, 3, "group digits with `_`");
  expect_csv_error("month,factor\n1,1\n2,\n3,1\n4,1\n", 3, 3, "month 2 has no value in column `factor`");
}

TEST_F(DataTables, NotAFiniteNumber) {
  expect_csv_error("month,factor\n1,1\n2,1e999\n3,1\n4,1\n", 3, 3, "beyond the range of a double");
  expect_csv_error("month,factor\n1,1\n2,nan\n3,1\n4,1\n", 3, 3, "finite numbers only");
  expect_csv_error("month,factor\n1,1\n2,-inf\n3,1\n4,1\n", 3, 3, "finite numbers only");
}

TEST_F(DataTables, MonthMissingRepeatedOrOutsideTheHorizon) {
  expect_csv_error("month,factor\n1,1\n2,1\n4,1\n", 1, 1, "month 3 has no row");
  expect_csv_error("month,factor\n1,1\n", 1, 1, "months 2, 3, 4 have no row");
  const Diagnostics d = errors("month,factor\n1,1\n2,1\n2,1\n3,1\n4,1\n");
  ASSERT_EQ(d.items().size(), 1u) << d.format();
  EXPECT_EQ(d.items()[0].pos, (SourcePos{4, 1}));
  EXPECT_EQ(d.items()[0].message, "month 2 has a second row here");
  EXPECT_EQ(d.items()[0].hint, "its first is on line 3");
  expect_csv_error("month,factor\n1,1\n2,1\n3,1\n4,1\n5,1\n", 6, 1, "month `5` is larger than 4");
  expect_csv_error("month,factor\n0,1\n1,1\n2,1\n3,1\n4,1\n", 2, 1, "month `0` is less than 1");
  expect_csv_error("month,factor\n-1,1\n1,1\n2,1\n3,1\n4,1\n", 2, 1, "month `-1` is negative");
  expect_csv_error("month,factor\n1.5,1\n1,1\n2,1\n3,1\n4,1\n", 2, 1, "month `1.5` is not a whole number");
  expect_csv_error("month,factor\n1,1\n,1\n2,1\n3,1\n4,1\n", 3, 1, "the month is empty");
}

TEST_F(DataTables, BadQuoting) {
  expect_csv_error("month,factor\n1,\"1\n2,1\n", 2, 3, "this quoted cell is never closed");
  expect_csv_error("month,factor\n1,1\"\n", 2, 4, "a quote inside a cell that does not start with one");
  expect_csv_error("month,factor\n1,\"1\"x\n", 2, 6, "after a quoted cell's closing quote");
  expect_csv_error("month,factor\r1,1\r", 1, 13, "a carriage return that does not end a line");
}

TEST_F(DataTables, NotUtf8) {
  expect_csv_error("month,factor\n1,\xff\n", 2, 3, "invalid UTF-8");
  expect_csv_error(std::string("month,factor\n1,\0\n", 17), 2, 3, "NUL byte");
}

TEST_F(DataTables, ManyMistakesAreCutShort) {
  std::string csv = "month,factor\n";
  for (int i = 0; i < 100; ++i) csv += "x,1\n";
  const Diagnostics d = errors(csv);
  ASSERT_EQ(d.items().size(), 21u) << d.format();  // 20, then "stopped reading"
  // Last, at the row where reading stopped (line 22: the header, 20 rows in error).
  EXPECT_NE(d.items().back().message.find("stopped reading after 20 errors"), std::string::npos) << d.format();
  EXPECT_EQ(d.items().back().pos, (SourcePos{22, 1})) << d.format();
}

TEST_F(DataTables, TooManyCellsAreRefused) {
  const std::string commas(kMaxCsvCells + 10, ',');
  // The header's 2 cells and the row's first K − 2 fit; the row's cell K − 1 starts at column K − 1.
  expect_csv_error("month,factor\n" + commas + "\n", 2, static_cast<std::uint32_t>(kMaxCsvCells - 1), "more than");
}

// --- mistakes in the model's entry ----------------------------------------------------------------

TEST_F(DataTables, UnknownByWithAHint) {
  expect_model_error(kGoodCsv, model_with("file: data/s.csv\n    by: mnoth"), 5, 9, "did you mean `month`?");
  expect_model_error(kGoodCsv, model_with("file: data/s.csv\n    by: year"), 5, 9, "unknown `by: year`");
}

TEST_F(DataTables, MissingKeysAndUnknownKeys) {
  expect_model_error(kGoodCsv, model_with("by: month"), 3, 3, "needs `file:`");
  expect_model_error(kGoodCsv, model_with("file: data/s.csv"), 3, 3, "needs `by:`");
  expect_model_error(kGoodCsv, model_with("file: data/s.csv\n    by: month\n    colum: factor"), 6, 5,
                     "did you mean `column`?");
  expect_model_error(kGoodCsv, "horizon: 4\ndata:\n  s: data/s.csv\noutputs:\n  o: sum(s)\n", 3, 6,
                     "must be a mapping with `file:` and `by:`");
}

TEST_F(DataTables, NamesAreUniqueAcrossTheModel) {
  expect_model_error(kGoodCsv, model_with(kKeys, "parameters:\n  s: 1\noutputs:\n  total: s\n"), 9, 3,
                     "`s` is already defined as a data table at line 3");
}

TEST_F(DataTables, ASeriesNeedsAnAggregateInAnOutputAndIsNoInitialValue) {
  expect_model_error(kGoodCsv, model_with(kKeys, "outputs:\n  total: s\n"), 9, 10,
                     "data series `s` needs an aggregate");
  expect_model_error(kGoodCsv, model_with(kKeys, "monthly:\n  x: prev(x, s) + 1\noutputs:\n  total: sum(x)\n"), 9, 14,
                     "may use parameters only, not data series `s`");
}

TEST_F(DataTables, AnUnreadTableIsWarnedAbout) {
  dir_.write("data/s.csv", kGoodCsv);
  Diagnostics warnings("m.yaml");
  load_model_file(dir_.write("m.yaml", model_with(kKeys, "outputs:\n  total: 1\n")), &warnings);
  EXPECT_NE(warnings.format().find("data table `s` is never read"), std::string::npos) << warnings.format();
}

// --- in formulas -----------------------------------------------------------------------------------

// The values of every output in the first samples of a run.
std::vector<double> first_sample_outputs(const std::string& model_path, const std::vector<std::string>& names) {
  const LoadedModel m = LoadedModel::from_file(model_path);
  RunOptions options;
  options.samples = 8;
  options.columns = names;
  const RunResult r = m.run(options);
  std::vector<double> out;
  for (const std::string& name : names) out.push_back(r.scenarios[0].column(name)->values[0]);
  return out;
}

TEST_F(DataTables, ASeriesReadsAsTheMonthsValueWhereverMonthIs) {
  // Hazard 1 in month 3 only: the switch turns on in month 3 and stays on
  // (2 months of 4). Arrivals at rate 0 in months 1, 2 and 4 have none then.
  dir_.write("data/s.csv", kGoodCsv);
  dir_.write("data/on.csv", "month,p\n1,0\n2,0\n3,1\n4,0\n");
  const std::string model = R"yaml(horizon: 4
data:
  s: {file: data/s.csv, by: month, column: factor}
  on: {file: data/on.csv, by: month}
events:
  late: {kind: switch, on: on}
  burst: {kind: arrivals, rate: "on * 5", size: 1}
  noise: {kind: innovation, dist: "uniform(s, s + 1)"}
monthly:
  scaled: s * 10 + month
  last_month: prev(s, -1)
  noise_in_range: (noise >= s) * (noise < s + 1)
outputs:
  total: sum(s)
  spring: sum(s, 2, 3)
  average: mean(s)
  peak: max(scaled)
  final: last(s)
  lagged: sum(last_month)
  late_months: sum(late)
  outside_month_3: sum(burst) - sum(burst, 3, 3)
  drawn: sum(noise_in_range)
)yaml";
  const std::string path = dir_.write("m.yaml", model);
  const std::vector<double> v = first_sample_outputs(
      path, {"total", "spring", "average", "peak", "final", "lagged", "late_months", "outside_month_3", "drawn"});
  EXPECT_EQ(v[0], 5.0);
  EXPECT_EQ(v[1], 2.5);
  EXPECT_EQ(v[2], 1.25);
  EXPECT_EQ(v[3], 24.0);
  EXPECT_EQ(v[4], 2.0);
  EXPECT_EQ(v[5], -1 + 0.5 + 1 + 1.5);
  EXPECT_EQ(v[6], 2.0);
  EXPECT_EQ(v[7], 0.0);
  EXPECT_EQ(v[8], 4.0);
}

TEST_F(DataTables, ADataTableChangesNoDraw) {
  const std::string plain =
      "horizon: 4\nparameters:\n  p: normal(0, 1)\nevents:\n  e: {kind: switch, on: 0.3}\n"
      "outputs:\n  o: p + sum(e)\n";
  dir_.write("data/s.csv", kGoodCsv);
  const std::string with_data =
      "horizon: 4\ndata:\n  s: {file: data/s.csv, by: month}\nparameters:\n  p: normal(0, 1)\n"
      "events:\n  e: {kind: switch, on: 0.3}\noutputs:\n  o: p + sum(e)\n  t: sum(s)\n";
  const std::vector<double> a = first_sample_outputs(dir_.write("a.yaml", plain), {"o"});
  const std::vector<double> b = first_sample_outputs(dir_.write("b.yaml", with_data), {"o"});
  EXPECT_EQ(a, b);
}

// The engine against the reference evaluator (tests/support), which reads a
// series as values[month − 1] on its own, bit for bit over random samples.
TEST_F(DataTables, TheEngineAgreesWithTheReferenceEvaluator) {
  dir_.write("data/s.csv", "month,factor\n1,0.5\n2,1.25\n3,0.75\n4,2\n5,0.1\n6,3\n");
  const std::string model = fmt::format(R"yaml(horizon: 6
data:
  s: {{file: "{0}/data/s.csv", by: month}}
parameters:
  p: lognormal(0, 0.5)
events:
  r:
    kind: regime
    states: [calm, tense]
    initial: {{calm: 1}}
    transitions: {{calm: {{tense: "0.2 * s"}}, tense: {{calm: "0.1 * s"}}}}
  sw: {{kind: switch, on: "0.1 * s", off: 0.2}}
  burst: {{kind: arrivals, rate: "s * p", size: "lognormal(0, 1)"}}
  noise: {{kind: innovation, dist: "normal(s, 0.1 * s + 0.01)"}}
monthly:
  level: prev(level, p) * s + burst + noise + (r == tense) + sw
  lag: prev(s, 0) - s
outputs:
  total: sum(level)
  mixed: mean(s * p, 2, 5) + max(lag) + last(s) + min(s * level)
)yaml",
                                        dir_.path());
  for (std::uint64_t seed : {1u, 7u}) {
    const difftest::Comparison c = difftest::compare_engine_with_reference(model, {seed, 0, 300, 2, 64});
    EXPECT_FALSE(c.mismatch) << c.mismatch->describe();
  }
}

// --- the fingerprint ---------------------------------------------------------------------------------

TEST_F(DataTables, TheFingerprintCoversTheNumbersRead) {
  const std::string base = model_fingerprint(load(kGoodCsv));
  // The same numbers written otherwise: the same model.
  EXPECT_EQ(model_fingerprint(load("\"month\",\"factor\"\r\n4,2.0\n3,1.50\n2,1\n1,5e-1\n")), base);
  // One number changed: another model.
  EXPECT_NE(model_fingerprint(load("month,factor\n1,0.5\n2,1\n3,1.5\n4,2.0000000001\n")), base);
  // A model without data keeps its canonical form: no `data` line.
  EXPECT_EQ(canonical_form(load_ok("outputs:\n  o: 1\n")).find("data"), std::string::npos);
}

TEST_F(DataTables, RegressReportsAnEditedDataFileAsAnotherModel) {
  dir_.write("data/s.csv", kGoodCsv);
  const std::string model = dir_.write("m.yaml", model_with(kKeys,
                                                            "parameters:\n  p: normal(0, 1)\noutputs:\n  total: "
                                                            "sum(s) * p\n"));
  const std::string baseline = dir_.path() + "/baseline.json";
  const CommandResult recorded = run_riskcast({"baseline", model, "--samples", "2000", "--out", baseline});
  ASSERT_EQ(recorded.exit_status, 0) << recorded.err;
  const CommandResult same = run_riskcast({"regress", baseline});
  EXPECT_EQ(same.exit_status, 0) << same.out << same.err;
  EXPECT_EQ((same.out + same.err).find("model changed"), std::string::npos) << same.out << same.err;
  dir_.write("data/s.csv", "month,factor\n1,0.5\n2,1\n3,1.5\n4,3\n");
  const CommandResult edited = run_riskcast({"regress", baseline});
  EXPECT_NE((edited.out + edited.err).find("model changed"), std::string::npos) << edited.out << edited.err;
}

// --- tables by index ------------------------------------------------------------------------------

// A formula shared by every element whose numbers are wrong for one element
// names that element, once (the trial's `uniform(low, high)` repeated the
// message without saying which element).
TEST_F(DataTables, AMistakeOnlySomeElementsMakeNamesThem) {
  dir_.write("data/v.csv", "vendor,low,high\nhuawei,1,4\ncambricon,2,5\nmetax,5,3\n");
  const std::string path = dir_.write("m.yaml", std::string(kVendors) + R"yaml(data:
  low: {file: data/v.csv, by: vendor, column: low}
  high: {file: data/v.csv, by: vendor, column: high}
parameters:
  units: {over: vendor, dist: "uniform(low, high)"}
outputs:
  total: sum(units over vendor)
)yaml");
  try {
    load_model_file(path);
    ADD_FAILURE() << "loaded";
  } catch (const ModelError& e) {
    ASSERT_EQ(e.diagnostics().items().size(), 1u) << e.diagnostics().format();
    EXPECT_NE(e.diagnostics().items()[0].message.find("(element `units[metax]`)"), std::string::npos)
        << e.diagnostics().format();
  }
}

TEST_F(DataTables, ATableByIndexIsAConstantOverIt) {
  // Elements in any order; broadcast, picked, reduced, and as the arguments
  // of an indexed parameter's distribution, resolved per element.
  dir_.write("data/v.csv", "vendor,low,mode,high\nmetax,5,6,9\nhuawei,1,2,4\ncambricon,2,3,5\n");
  const std::string model = std::string(kVendors) + R"yaml(data:
  low: {file: data/v.csv, by: vendor, column: low, source: 000}
  mode: {file: data/v.csv, by: vendor, column: mode}
  high: {file: data/v.csv, by: vendor, column: high}
parameters:
  units:
    over: vendor
    dist: pert(low, mode, high)
outputs:
  span:
    over: vendor
    formula: high - low
  huawei_mode: mode[huawei]
  total_high: sum(high over vendor)
  total_units: sum(units over vendor)
)yaml";
  const std::string path = dir_.write("m.yaml", model);
  const Model m = load_model_file(path);
  ASSERT_EQ(m.data.size(), 3u);
  EXPECT_EQ(m.data[0].by, "vendor");
  EXPECT_EQ(m.data[0].values, (std::vector<double>{1, 2, 5}));  // in the index's order
  ASSERT_EQ(m.parameters.size(), 3u);
  EXPECT_EQ(m.parameters[0].name, "units[huawei]");
  EXPECT_EQ(m.parameters[0].distribution.to_string(), "pert(1, 2, 4)");
  EXPECT_EQ(m.parameters[2].distribution.to_string(), "pert(5, 6, 9)");
  const std::vector<double> v =
      first_sample_outputs(path, {"span[huawei]", "span[cambricon]", "span[metax]", "huawei_mode", "total_high"});
  EXPECT_EQ(v, (std::vector<double>{3, 3, 4, 2, 18}));
  // The three parameters draw as they would from numbers written in place.
  const std::string written = std::string(kVendors) +
                              "parameters:\n  units:\n    over: vendor\n    dist: {huawei: \"pert(1, 2, 4)\", "
                              "cambricon: \"pert(2, 3, 5)\", metax: \"pert(5, 6, 9)\"}\noutputs:\n  total_units: "
                              "sum(units over vendor)\n";
  EXPECT_EQ(first_sample_outputs(path, {"total_units"}),
            first_sample_outputs(dir_.write("w.yaml", written), {"total_units"}));
  // Listed with its index as `by`.
  const std::string table = describe_assumptions(m, m.scenarios[0], Format::Table);
  EXPECT_NE(table.find("data/v.csv  vendor  low     3 values, 1 – 5"), std::string::npos) << table;
}

TEST_F(DataTables, ATableByIndexNeedsEveryElementOnce) {
  const std::string model =
      std::string(kVendors) + "data:\n  s: {file: data/s.csv, by: vendor}\noutputs:\n  o: sum(s over vendor)\n";
  expect_csv_error("vendor,units\nhuawei,1\nmetax,2\n", 1, 1,
                   "element cambricon of index `vendor` has no row; a table by vendor has one row for each of its 3 "
                   "elements",
                   model);
  expect_csv_error("vendor,units\nhuawei,1\ncambricon,1\nmetax,2\nhuawie,3\n", 5, 1, "did you mean `huawei`?", model);
  expect_csv_error("vendor,units\nhuawei,1\ncambricon,1\nmetax,2\nnvidia,3\n", 5, 1,
                   "`nvidia` is not an element of index `vendor`", model);
  expect_csv_error("vendor,units\nhuawei,1\ncambricon,1\nhuawei,2\nmetax,2\n", 4, 1,
                   "element `huawei` has a second row here", model);
  expect_csv_error("month,units\nhuawei,1\ncambricon,1\nmetax,2\n", 1, 1,
                   "the first column of a table by vendor is `vendor`, not `month`", model);
  expect_csv_error("vendor,units\nhuawei,1\ncambricon,x\nmetax,2\n", 3, 11, "`x` in column `units` is not a number",
                   model);
}

TEST_F(DataTables, UnknownByNamesTheIndexes) {
  expect_model_error(kGoodCsv, std::string(kVendors) + "data:\n  s: {file: data/s.csv, by: vendr}\noutputs:\n  o: 1\n",
                     4, 29, "did you mean `vendor`?");
  expect_model_error(kGoodCsv, std::string(kVendors) + "data:\n  s: {file: data/s.csv, by: region}\noutputs:\n  o: 1\n",
                     4, 29, "or by an index (one row per element): month, vendor");
}

TEST_F(DataTables, ATableByIndexIsReadOnlyOverItsIndex) {
  dir_.write("data/v.csv", "vendor,units\nhuawei,1\ncambricon,2\nmetax,3\n");
  const Diagnostics d =
      errors("month,factor\n1,1\n2,1\n3,1\n4,1\n",
             std::string(kVendors) + "data:\n  v: {file: data/v.csv, by: vendor}\noutputs:\n  o: v\n");
  EXPECT_NE(d.format().find("`v` is over vendor but `o` is not"), std::string::npos) << d.format();
}

// The examples of docs/language.md "Data tables" check and run as written
// (their CSV files are docs/examples/data/), and do what the text says.
TEST(DataTablesGuide, LanguageGuideExamplesRun) {
  const int examples = run_language_examples("## Data tables", [](const std::string& text, const Model& model,
                                                                  const Scenario&, const SampleColumns& c) {
    auto column = [&](const std::string& name) {
      return c.values.at(static_cast<std::size_t>(std::find(c.names.begin(), c.names.end(), name) - c.names.begin()));
    };
    if (text.find("seasonality_total") != std::string::npos) {
      // The factors of docs/examples/data/seasonality.csv add up to 12 and peak at 1.1.
      for (double v : column("seasonality_total")) EXPECT_NEAR(v, 12.0, 1e-12);
      for (double v : column("peak_month_factor")) EXPECT_EQ(v, 1.1);
    } else {
      EXPECT_EQ(model.parameters.at(0).name, "units_2026[huawei]");
      EXPECT_EQ(model.parameters.at(0).distribution.to_string(), "pert(300000, 450000, 700000)");
      for (double v : column("growth[metax]")) EXPECT_TRUE(v >= 10000.0 / 25000 && v <= 60000.0 / 25000) << v;
    }
  });
  EXPECT_EQ(examples, 2);
}

// --- listings ---------------------------------------------------------------------------------------

TEST_F(DataTables, DescribeListsFileByColumnAndSource) {
  const Model m = load(kGoodCsv);
  const std::string table = describe_assumptions(m, m.scenarios[0], Format::Table);
  EXPECT_NE(table.find("data/s.csv"), std::string::npos) << table;
  EXPECT_NE(table.find("factor"), std::string::npos) << table;
  EXPECT_NE(table.find("4 values, 0.5 – 2"), std::string::npos) << table;
  EXPECT_NE(table.find("shipment reports"), std::string::npos) << table;
  const std::string csv = describe_assumptions(m, m.scenarios[0], Format::Csv);
  EXPECT_NE(csv.find("data,s,\"data/s.csv by month, column factor (4 values, 0.5 – 2)\",,,,,shipment reports,,"),
            std::string::npos)
      << csv;
  const std::string markdown = describe_assumptions(m, m.scenarios[0], Format::Markdown);
  EXPECT_NE(markdown.find("| `s` | `data/s.csv` | month | factor |"), std::string::npos) << markdown;
  // Without data tables, no data table.
  const Model plain = load_ok("outputs:\n  o: 1\n");
  EXPECT_EQ(describe_assumptions(plain, plain.scenarios[0], Format::Table).find("data"), std::string::npos);
}

TEST_F(DataTables, TheApiListsDataTables) {
  dir_.write("data/s.csv", kGoodCsv);
  const LoadedModel m = LoadedModel::from_file(dir_.write("m.yaml", model_with()));
  const std::vector<DataInfo> data = m.data();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].name, "s");
  EXPECT_EQ(data[0].file, "data/s.csv");
  EXPECT_EQ(data[0].by, "month");
  EXPECT_EQ(data[0].column, "factor");
  EXPECT_EQ(data[0].metadata.source, "shipment reports");
  EXPECT_EQ(data[0].values, (std::vector<double>{0.5, 1, 1.5, 2}));
  EXPECT_EQ(data[0].pos, (SourcePos{3, 3}));
}

TEST_F(DataTables, TheCommandLineNamesTheCsvFileAndWritesNothing) {
  dir_.write("data/s.csv", "month,factor\n1,1\n2,x\n3,1\n4,1\n");
  const std::string model = dir_.write("m.yaml", model_with());
  const std::string out = dir_.path() + "/out";
  const CommandResult r = run_riskcast({"run", model, "--samples", "100", "--out", out});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_TRUE(is_positioned_error(r.err.substr(0, r.err.find('\n')), csv_path())) << r.err;
  EXPECT_EQ(r.err.rfind(csv_path() + ":3:3: error: `x` in column `factor` is not a number", 0), 0u) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  const CommandResult check = run_riskcast({"check", model});
  EXPECT_EQ(check.exit_status, 2);
  EXPECT_EQ(check.err, r.err);
}

TEST_F(DataTables, TheReportListsDataTables) {
  dir_.write("data/s.csv", kGoodCsv);
  const std::string model = dir_.write("m.yaml", model_with());
  const std::string out = dir_.path() + "/report.html";
  const CommandResult r = run_riskcast({"report", model, "--samples", "200", "--out", out});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string html = read_text(out);
  EXPECT_NE(html.find("<h3>Data tables</h3>"), std::string::npos);
  EXPECT_NE(html.find("data/s.csv"), std::string::npos);
}

}  // namespace
}  // namespace riskcast::testing
