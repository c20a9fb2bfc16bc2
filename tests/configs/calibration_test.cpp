// The flagship model configs/china-2026.yaml against the published figures it
// is calibrated to (shared/models/china-2026-model.md, "Calibration"; the
// record is in docs/model.md):
//   status_quo_2025  median value share in [5 %, 12 %]   (Bernstein: ~8 %, seed 000)
//   h200_open        median value share in [10 %, 33 %], and at least 8 points
//                    above status_quo_2025              (Counterpoint: 10–25 %, seed 003)
//   us_full_ban      median value share below 3 %        (Huang: "nearly 0 %", seed 003)
//   base             P(domestic units > 1 M) reported; the median stays below
//                    1 M unless HBM allows more          (seed 001)
//
// Tolerance from Monte Carlo error. Every median comes with its 95 %
// distribution-free order-statistic interval [ci_low, ci_high] (the ranks of
// quantile_interval_ranks). The test requires the WHOLE interval inside the
// band, not just the point estimate, so it passes only when the model's true
// median lies in the band at 95 % confidence; and it requires the interval's
// half-width to be under half a percentage point, so the check is sharp enough
// to mean something. With 200,000 samples the half-width is about 0.1 points;
// the sanitizer build (RISKCAST_SANITIZED=1) uses 40,000 samples, about
// 0.25 points, and the same two conditions still hold. The seed is fixed, so
// the test is deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "riskcast/model_loader.hpp"
#include "riskcast/run.hpp"
#include "support/cli_runner.hpp"

namespace riskcast {
namespace {

constexpr std::uint64_t kSeed = 2026;
constexpr double kMaxHalfWidth = 0.005;  // half a percentage point

bool sanitized() {
  const char* flag = std::getenv("RISKCAST_SANITIZED");
  return flag && std::string(flag) == "1";
}

class Calibration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Model model = load_model_file(testing::source_path("configs/china-2026.yaml"));
    // Only the outputs checked here: formulas never read outputs, so dropping
    // the rest changes no draw and saves time.
    std::erase_if(model.outputs, [](const Output& o) {
      return o.name != "nvidia_share_value" && o.name != "domestic_units" && o.name != "p_domestic_over_1m" &&
             !o.name.starts_with("domestic_units_by_vendor[");
    });
    RunRequest request;
    request.settings.samples = sanitized() ? 40'000 : 200'000;
    request.settings.seed = kSeed;
    request.scenarios = {"base", "status_quo_2025", "h200_open", "us_full_ban", "domestic_hbm_ramp"};
    result_ = new RunResult(run_model(model, request));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }

  static const OutputSummary& summary(const std::string& scenario, const std::string& output) {
    for (const ScenarioResult& s : result_->scenarios)
      if (s.name == scenario)
        for (const OutputResult& o : s.outputs)
          if (o.name == output) return o.summary;
    throw std::runtime_error("no result for " + scenario + " / " + output);
  }
  static const PercentileEstimate& median(const std::string& scenario,
                                          const std::string& output = "nvidia_share_value") {
    for (const PercentileEstimate& q : summary(scenario, output).percentiles)
      if (q.p == 0.5) return q;
    throw std::runtime_error("no median for " + scenario);
  }
  // The median's 95 % interval lies inside [lo, hi] and is narrow enough.
  static void expect_median_in(const std::string& scenario, double lo, double hi) {
    const PercentileEstimate& m = median(scenario);
    EXPECT_LT(std::max(m.value - m.ci_low, m.ci_high - m.value), kMaxHalfWidth) << scenario;
    EXPECT_GE(m.ci_low, lo) << scenario << ": median " << m.value << " [" << m.ci_low << ", " << m.ci_high << "]";
    EXPECT_LE(m.ci_high, hi) << scenario << ": median " << m.value << " [" << m.ci_low << ", " << m.ci_high << "]";
  }

  static RunResult* result_;
};

RunResult* Calibration::result_ = nullptr;

TEST_F(Calibration, StatusQuo2025MatchesBernstein) {
  expect_median_in("status_quo_2025", 0.05, 0.12);
}

TEST_F(Calibration, H200OpenMatchesCounterpoint) {
  expect_median_in("h200_open", 0.10, 0.33);
  // At least 8 points above status_quo_2025, with both medians' Monte Carlo
  // error counted against the gap (the lower end of one interval minus the
  // upper end of the other).
  EXPECT_GE(median("h200_open").ci_low - median("status_quo_2025").ci_high, 0.08);
}

TEST_F(Calibration, UsFullBanMatchesHuang) {
  expect_median_in("us_full_ban", 0.0, 0.03);
}

TEST_F(Calibration, DomesticOverOneMillionOnlyIfHbmAllows) {
  // The output is 1 when a sample's domestic units exceed 1 M, so its mean is
  // the probability; its 95 % interval is mean ± 1.96 · SE.
  const OutputSummary& base = summary("base", "p_domestic_over_1m");
  const OutputSummary& ramp = summary("domestic_hbm_ramp", "p_domestic_over_1m");
  EXPECT_LT(1.96 * base.mean_se, kMaxHalfWidth);
  EXPECT_GT(base.mean - 1.96 * base.mean_se, 0.0);
  // Under base HBM supply the median stays below 1 M: P < 1/2 and the median's
  // interval below 1 M; the two must agree.
  EXPECT_LT(base.mean + 1.96 * base.mean_se, 0.5);
  EXPECT_LT(median("base", "domestic_units").ci_high, 1e6);
  // More HBM (a domestic breakthrough from month 1) makes 1 M clearly likelier.
  EXPECT_GT(ramp.mean - 1.96 * ramp.mean_se, base.mean + 1.96 * base.mean_se + 0.05);
}

// The vendor split (docs/model.md, "Domestic vendors") allocates the
// domestic units and changes none: the vendors' units add up to the total in
// every sample, so their means add up to its mean (up to rounding).
TEST_F(Calibration, VendorsShareTheDomesticTotal) {
  for (const char* scenario : {"base", "h200_open", "domestic_hbm_ramp"}) {
    double vendors = 0;
    for (const char* vendor : {"huawei", "cambricon", "moore_threads", "metax", "others"})
      vendors += summary(scenario, std::string("domestic_units_by_vendor[") + vendor + "]").mean;
    const double total = summary(scenario, "domestic_units").mean;
    EXPECT_NEAR(vendors, total, 1e-9 * total) << scenario;
    // Huawei leads: its mean training share is 70 %, inference 45 %.
    const double huawei = summary(scenario, "domestic_units_by_vendor[huawei]").mean;
    EXPECT_GT(huawei, 0.45 * total) << scenario;
    EXPECT_LT(huawei, 0.70 * total) << scenario;
  }
}

}  // namespace
}  // namespace riskcast
