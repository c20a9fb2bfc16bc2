// LoadedModel::report (report_page.hpp): the HTML page composed in the engine.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "api/tiny_model.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast::testing {
namespace {

ReportOptions small() {
  ReportOptions options;
  options.samples = 2000;
  options.seed = 5;
  return options;
}

TEST(ReportPage, SameInputsSameBytesWhateverTheThreads) {
  const LoadedModel m = tiny();
  ReportOptions one = small();
  one.threads = 1;
  ReportOptions four = small();
  four.threads = 4;
  four.block_size = 64;
  const ReportPage a = m.report(one);
  EXPECT_EQ(a.html, m.report(four).html);
  EXPECT_EQ(a.html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(a.html.find("What drives twice in scenario base"), std::string::npos);
  ASSERT_EQ(a.result.scenarios.size(), 2u);
  EXPECT_EQ(a.result.scenarios[0].outputs.size(), 2u);  // every output, for the percentile table
}

TEST(ReportPage, TheChosenOutputHeadlinesAndIsAnalysed) {
  const LoadedModel m = tiny();
  ReportOptions options = small();
  options.output = "shifted";
  options.scenarios = {"high"};
  std::vector<std::string> run, analysis;
  options.progress = [&](const RunProgress& p) { run.push_back(p.name); };
  options.analysis_progress = [&](const RunProgress& p) { analysis.push_back(p.name); };
  const ReportPage page = m.report(options);
  EXPECT_NE(page.html.find("<p>shifted in each scenario.</p>"), std::string::npos);
  EXPECT_NE(page.html.find("What drives shifted in scenario high"), std::string::npos);
  EXPECT_EQ(page.html.find("What drives twice"), std::string::npos);
  ASSERT_FALSE(run.empty());
  EXPECT_EQ(run.front(), "high");
  ASSERT_FALSE(analysis.empty());
  EXPECT_EQ(analysis.front(), "sensitivity");
}

TEST(ReportPage, RefusesUnknownNamesAndTooManySamples) {
  const LoadedModel m = tiny();
  ReportOptions options = small();
  options.output = "shiftd";
  try {
    m.report(options);
    FAIL() << "an unknown output was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "'shiftd' is not an output of tiny.yaml (did you mean `shifted`? outputs: twice, shifted)");
  }
  options = small();
  options.scenarios = {"hgh"};
  EXPECT_THROW(m.report(options), std::invalid_argument);
  options = small();
  options.samples = kMaxSensitivitySamples + 1;
  options.memory = MemoryPolicy::unchecked;
  EXPECT_THROW(m.report(options), std::invalid_argument);
}

}  // namespace
}  // namespace riskcast::testing
