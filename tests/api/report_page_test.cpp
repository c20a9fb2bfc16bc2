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

namespace riskcast::testing {
namespace {

// The assumptions show the rank correlations, each scenario's own, the
// solved form of a distribution given in other terms, and the tornado the
// correlated-inputs caveat.
TEST(ReportPage, AssumptionsShowCorrelations) {
  const LoadedModel m = LoadedModel::from_text(R"(parameters:
  labour: pert(80, 100, 150)
  materials: lognormal_mean_sd(200, 40)
correlations:
  - [labour, materials, 0.6]
outputs:
  cost: labour + materials
scenarios:
  loose:
    correlations:
      - [labour, materials, 0.2]
)",
                                               "corr.yaml");
  const ReportPage page = m.report(small());
  EXPECT_NE(page.html.find("<h3>Correlations</h3>"), std::string::npos);
  EXPECT_NE(page.html.find("<td>labour – materials</td>"), std::string::npos) << page.html;
  EXPECT_NE(page.html.find("rank correlations it sets"), std::string::npos);
  EXPECT_NE(page.html.find("labour – materials: 0.2"), std::string::npos);
  EXPECT_NE(page.html.find("lognormal_mean_sd(200, 40) = lognormal(5.27871, 0.198042)"), std::string::npos);
  EXPECT_NE(page.html.find("Correlated inputs (labour, materials)"), std::string::npos);
  EXPECT_EQ(tiny().report(small()).html.find("<h3>Correlations</h3>"), std::string::npos);
}

}  // namespace
}  // namespace riskcast::testing
