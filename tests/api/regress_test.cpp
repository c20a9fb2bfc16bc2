// Baselines and regression checks through the public API (regress.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>

#include "api/tiny_model.hpp"
#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"

// Internal headers, for cross-checks against the engine underneath.
#include "riskcast/baseline.hpp"
#include "riskcast/regression.hpp"

namespace riskcast::testing {
namespace {

RunOptions small() {
  RunOptions options;
  options.samples = 3000;
  options.seed = 9;
  return options;
}

TEST(RegressApi, ABaselineIsTheEnginesAndItsFileReadsBack) {
  const LoadedModel m = tiny();
  const Baseline baseline = record_baseline(m, small());
  RunRequest request;
  request.settings.samples = 3000;
  request.settings.seed = 9;
  const std::string text = format_baseline(baseline);
  EXPECT_EQ(text, to_json(make_baseline(m.ir(), request, "tiny.yaml")).dump(1) + '\n');
  EXPECT_EQ(baseline.model_path, "tiny.yaml");
  EXPECT_EQ(record_baseline(m, small(), "models/tiny.yaml").model_path, "models/tiny.yaml");

  TempDir dir;
  const std::string path = dir.path() + "/tiny.baseline.json";
  write_file_atomically(path, text);
  EXPECT_EQ(format_baseline(read_baseline_file(path)), text);
  EXPECT_THROW(read_baseline_file(dir.path() + "/none.json"), std::runtime_error);
}

TEST(RegressApi, ABaselineHoldsEveryOutputOfTheWholeRange) {
  const LoadedModel m = tiny();
  RunOptions options = small();
  options.outputs = {"twice"};
  EXPECT_THROW(record_baseline(m, options), std::invalid_argument);
  options = small();
  options.first_sample = 10;
  EXPECT_THROW(record_baseline(m, options), std::invalid_argument);
  options = small();
  options.method = SamplingMethod::lhs;  // regress's checks assume independent samples
  EXPECT_THROW(record_baseline(m, options), std::invalid_argument);
}

TEST(RegressApi, ExactWithTheBaselinesSettingsStatisticalWithOverrides) {
  const LoadedModel m = tiny();
  const Baseline baseline = record_baseline(m, small());
  const RegressionReport same = check_regression(baseline, m, 2);
  EXPECT_TRUE(same.exact);
  EXPECT_EQ(same.moved, 0u);
  RunOverrides overrides;
  overrides.seed = 10;
  const RegressionReport other = check_regression(baseline, m, 0, overrides);
  EXPECT_FALSE(other.exact);
  EXPECT_EQ(other.seed, 10u);
  // The text is the engine's table and JSON.
  std::ostringstream table;
  write_regression_table(other, table, true);
  EXPECT_EQ(format_regression(other, Format::Table, true), table.str());
  EXPECT_EQ(format_regression(other, Format::Json), to_json(other).dump(2) + '\n');
  EXPECT_THROW(format_regression(other, Format::Csv), std::invalid_argument);
}

TEST(RegressApi, UpdateRecordsAnewAndRefusesAScenarioTheModelLost) {
  const LoadedModel m = tiny();
  RunOptions options = small();
  options.scenarios = {"high"};
  Baseline baseline = record_baseline(m, options, "kept/path.yaml");
  const BaselineUpdate update = update_baseline(baseline, m);
  EXPECT_EQ(update.report.moved, 0u);
  EXPECT_EQ(format_baseline(update.baseline), format_baseline(baseline));  // same model: same bytes
  baseline.scenarios = {"gone"};
  try {
    update_baseline(baseline, m);
    FAIL() << "a lost scenario was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("scenario 'gone', which tiny.yaml no longer has"), std::string::npos)
        << e.what();
  }
}

TEST(RegressApi, TheModelIsFoundBesideTheBaselineOrAbove) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/configs/baselines");
  dir.write("configs/m.yaml", kTinyModel);
  Baseline baseline;
  baseline.model_path = "configs/m.yaml";
  const std::string found = locate_baseline_model(baseline, dir.path() + "/configs/baselines/m.json");
  EXPECT_EQ(std::filesystem::canonical(found), std::filesystem::canonical(dir.path() + "/configs/m.yaml"));
  baseline.model_path = "nowhere/m.yaml";
  EXPECT_EQ(locate_baseline_model(baseline, dir.path() + "/configs/baselines/m.json"), "nowhere/m.yaml");
}

}  // namespace
}  // namespace riskcast::testing
