// Arrivals at the edge of what can be drawn: a month holds at most
// kMaxBurstsPerMonth − 1 = 8191 bursts (the substream addressing of their
// sizes), counts beyond it stop the run with the real count (PTRS counts
// were saturated at 2^32 − 1), and rates beyond kMaxPoissonMean with the
// rate.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>

#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast {
namespace {

SampleColumns run_model(const std::string& yaml, std::uint64_t samples) {
  const Model model = load_model_text(yaml, "arrivals.yaml");
  const Program program = compile_program(apply_scenario(model, *model.find_scenario("base")));
  RunSettings settings;
  settings.samples = samples;
  settings.seed = 99;
  settings.threads = 2;
  return sample_program(program, settings);
}

// The error a run stops with.
std::optional<RunError> run_error(const std::string& yaml) {
  try {
    run_model(yaml, 64);
  } catch (const RunError& e) {
    return e;
  }
  ADD_FAILURE() << "the run did not stop:\n" << yaml;
  return std::nullopt;
}

// The rate comes from a parameter, so it is a formula to the loader (no
// check-time refusal) and one value in every lane to the runner.
std::string model_with_rate(const std::string& rate, const std::string& size = "1") {
  return "horizon: 1\nparameters:\n  r: " + rate +
         "\nevents:\n  a:\n    kind: arrivals\n    rate: r\n    size: " + size + "\noutputs:\n  o: sum(a)\n";
}

TEST(ArrivalsLimits, CountsBeyondTwoToThe32AreReportedAsDrawn) {
  const std::optional<RunError> e = run_error(model_with_rate("1e10"));
  ASSERT_TRUE(e);
  const std::string message = e->what();
  EXPECT_EQ(e->pos(), (SourcePos{7, 11}));
  EXPECT_EQ(message.find("4294967295"), std::string::npos) << message;
  const std::string lead = "`a` drew ";
  ASSERT_EQ(message.rfind(lead, 0), 0u) << message;
  const double count = std::stod(message.substr(lead.size()));
  // Sample 0's count, a Poisson(1e10) draw: within 10 sd (10^6) of 1e10.
  EXPECT_NEAR(count, 1e10, 1e6) << message;
  EXPECT_NE(message.find(" bursts in one month (sample 0); at most 8191 are supported"), std::string::npos) << message;
}

TEST(ArrivalsLimits, RatesBeyondWhatCanBeDrawnNameTheRateAndTheLimit) {
  const std::optional<RunError> e = run_error(model_with_rate("1e18"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pos(), (SourcePos{7, 11}));
  EXPECT_STREQ(e->what(),
               "arrival rate of `a` evaluated to 1e+18 in sample 0, month 1; Poisson counts can be drawn for rates up "
               "to 1e+10 (and at most 8191 bursts in one month are supported)");
}

TEST(ArrivalsLimits, JustPastTheMonthlyLimit) {
  const std::optional<RunError> e = run_error(model_with_rate("9000"));
  ASSERT_TRUE(e);
  const std::string message = e->what();
  const double count = std::stod(message.substr(std::string("`a` drew ").size()));
  // Poisson(9000) is ≥ 8192 with probability 1 − 1e-17; within 10 sd (949) of 9000.
  EXPECT_GE(count, 8192.0) << message;
  EXPECT_NEAR(count, 9000.0, 949.0) << message;
}

// The largest constant rate accepted draws its counts through PTRS, and
// sizes of 1 make each month's total the count itself.
TEST(ArrivalsLimits, LargestConstantRateRuns) {
  const SampleColumns c = run_model(
      "horizon: 1\nevents:\n  a:\n    kind: arrivals\n    rate: 7500\n    size: 1\noutputs:\n  o: sum(a)\n", 200);
  double sum = 0.0;
  for (double v : c.values[0]) {
    ASSERT_EQ(v, std::floor(v));
    ASSERT_LT(v, 8192.0);
    sum += v;
  }
  // Mean count within 4 standard errors √(7500 / 200) = 6.1 of 7500.
  EXPECT_NEAR(sum / 200.0, 7500.0, 4.0 * std::sqrt(7500.0 / 200.0));
}

}  // namespace
}  // namespace riskcast
