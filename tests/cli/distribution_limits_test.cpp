// Distributions at and beyond their limits, as users see them: `check`
// refuses what cannot be drawn with positioned errors and exit status 2,
// `describe` prints every accepted distribution without a library error,
// and `run` names an arrival count it cannot hold as drawn.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

TEST(DistributionLimitsCommand, CheckRefusesEachUndrawableDistributionAtItsPosition) {
  TempDir dir;
  const std::string path = dir.write("limits.yaml", R"yaml(horizon: 2
parameters:
  k: poisson(1e18)
  l: lognormal_ci90(1e-300, 1e300)
  n: normal(0, 1e308)
events:
  a: {kind: arrivals, rate: 8000, size: 1}
outputs:
  o: k + l + n + sum(a)
)yaml");
  const CommandResult r = run_riskcast({"check", path});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  std::istringstream lines(r.err);
  std::string line;
  int errors = 0;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(is_positioned_error(line, path)) << line;
    ++errors;
  }
  EXPECT_EQ(errors, 4) << r.err;
  EXPECT_NE(r.err.find(path + ":3:6: error: poisson(lambda) supports lambda <= 1e10, got 1e+18"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":4:6: error: lognormal_ci90(1e-300, 1e+300) is lognormal(mu = 0, sigma = 419.962)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":5:6: error: normal(mean, sd) needs |mean| + 38·sd <= 1.797e308"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":7:29: error: arrival rate must be at most 7500 bursts a month, got 8000"),
            std::string::npos)
      << r.err;
}

// Each of these stopped `describe` with a Boost.Math error or printed inf or
// NaN before its kind was fixed or limited.
TEST(DistributionLimitsCommand, DescribePrintsEveryAcceptedExtreme) {
  TempDir dir;
  const std::string path = dir.write("extremes.yaml", R"yaml(horizon: 1
parameters:
  k: poisson(1e10)
  u: uniform(-1e308, 1e308)
  t: triangular(0, 1e200, 1e300)
  p: pert(-1e308, 0, 1e308)
  tn: truncated_normal(0, 1, 20, 21)
  g: gamma(1e10, 1)
  gs: gamma(1e-300, 1e305)
  b: beta(1e-300, 1e-300)
events:
  a: {kind: arrivals, rate: 1, size: "pert(1e308, 1.5e308, 1.7e308)"
}
outputs:
  o: k + tn + g + gs + b
  unused: u * 0 + t * 0 + p * 0 + sum(a) * 0
)yaml");
  const CommandResult r = run_riskcast({"describe", path});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  for (const char* bad : {"Error", "error", "inf", "nan", "NaN"})
    EXPECT_EQ(r.out.find(bad), std::string::npos) << bad << " in\n" << r.out;
}

TEST(DistributionLimitsCommand, RunReportsTheArrivalCountItDrew) {
  TempDir dir;
  const std::string path = dir.write("count.yaml", R"yaml(horizon: 1
parameters:
  r: 1e10
events:
  a: {kind: arrivals, rate: r, size: 1}
outputs:
  o: sum(a)
)yaml");
  const std::string out = dir.path() + "/out.json";
  const CommandResult r = run_riskcast({"run", path, "--samples", "10", "--out", out});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_TRUE(is_positioned_error(r.err.substr(0, r.err.find('\n')), path)) << r.err;
  const std::string lead = ":5:29: error: `a` drew ";
  const std::size_t at = r.err.find(lead);
  ASSERT_NE(at, std::string::npos) << r.err;
  // A Poisson(1e10) count: within 10 sd (10^6) of 1e10.
  EXPECT_NEAR(std::stod(r.err.substr(at + lead.size())), 1e10, 1e6) << r.err;
  EXPECT_EQ(r.err.find("4294967295"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(out).good()) << "a failed run wrote " << out;
}

}  // namespace
}  // namespace riskcast::testing
