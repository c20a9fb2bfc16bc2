// Split runs (`run --first-sample`) combined as docs/results.md, "Split
// runs", says: means weighted by n, exceedance counts added, percentiles
// from the samples themselves. The numbers quoted there are checked here.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "riskcast/statistics.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

const std::string kReference = source_path("bench/models/reference.yaml");

struct Part {
  nlohmann::json summary;  // of nvidia_share_value
  std::vector<double> samples;
};

Part run_part(const TempDir& dir, std::uint64_t first, std::uint64_t samples) {
  const std::string csv = dir.path() + "/part" + std::to_string(first) + ".csv";
  const CommandResult r = run_riskcast({"run", kReference, "--scenario", "base", "--output", "nvidia_share_value",
                                        "--exceed", "nvidia_share_value=0.2", "--format", "json", "--samples",
                                        std::to_string(samples), "--first-sample", std::to_string(first), "--export",
                                        csv, "--export-columns", "nvidia_share_value"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  Part part;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["first_sample"], first);
  part.summary = doc["scenarios"][0]["outputs"]["nvidia_share_value"];
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const std::string value = line.substr(line.rfind(',') + 1);
    double v = 0;
    std::from_chars(value.data(), value.data() + value.size(), v);
    part.samples.push_back(v);
  }
  return part;
}

TEST(SplitRuns, CombineAsTheResultsDocumentSays) {
  TempDir dir;
  const Part first = run_part(dir, 0, 600), second = run_part(dir, 600, 400), whole = run_part(dir, 0, 1000);
  const double n1 = 600, n2 = 400, n = 1000;
  // Means: weighted by n. The whole run sums its samples in its own order,
  // so the two agree to rounding (a few units in the last place).
  const double mean = (n1 * first.summary["mean"].get<double>() + n2 * second.summary["mean"].get<double>()) / n;
  EXPECT_NEAR(mean, whole.summary["mean"].get<double>(), 1e-14);
  // sd: within-part and between-part sums of squares.
  const double m1 = first.summary["mean"], m2 = second.summary["mean"];
  const double s1 = first.summary["sd"], s2 = second.summary["sd"];
  const double sd = std::sqrt(
      ((n1 - 1) * s1 * s1 + n1 * (m1 - mean) * (m1 - mean) + (n2 - 1) * s2 * s2 + n2 * (m2 - mean) * (m2 - mean)) /
      (n - 1));
  EXPECT_NEAR(sd, whole.summary["sd"].get<double>(), 1e-14);
  // Exceedances: k = p·n is a whole number; the counts add, and the
  // interval is that of the total count.
  const auto count = [](const Part& p) {
    const double k = p.summary["exceedances"][0]["probability"].get<double>() * p.summary["n"].get<double>();
    EXPECT_NEAR(k, std::round(k), 1e-9);
    return static_cast<std::uint64_t>(std::llround(k));
  };
  const std::uint64_t k = count(first) + count(second);
  EXPECT_EQ(k, count(whole));
  const auto [low, high] = proportion_interval(k, 1000);
  EXPECT_EQ(low, whole.summary["exceedances"][0]["ci_low"].get<double>());
  EXPECT_EQ(high, whole.summary["exceedances"][0]["ci_high"].get<double>());
  // Percentiles: from the exported samples joined, bit for bit the whole run's.
  std::vector<double> joined = first.samples;
  joined.insert(joined.end(), second.samples.begin(), second.samples.end());
  EXPECT_EQ(joined, whole.samples);
  std::sort(joined.begin(), joined.end());
  for (const auto& q : whole.summary["percentiles"])
    EXPECT_EQ(type7_percentile(joined, q["p"].get<double>()), q["value"].get<double>()) << q["p"];

  // The numbers docs/results.md quotes for this example.
  EXPECT_EQ(count(first), 514u);
  EXPECT_EQ(count(second), 341u);
  EXPECT_EQ(k, 855u);
  EXPECT_NEAR(first.summary["mean"].get<double>(), 0.37993346, 5e-9);
  EXPECT_NEAR(second.summary["mean"].get<double>(), 0.36868092, 5e-9);
  EXPECT_NEAR(mean, 0.37543245, 5e-9);
  EXPECT_NEAR(sd, 0.15371736, 5e-9);
  EXPECT_NEAR(low, 0.8316, 5e-5);
  EXPECT_NEAR(high, 0.8763, 5e-5);
}

}  // namespace
}  // namespace riskcast::testing
