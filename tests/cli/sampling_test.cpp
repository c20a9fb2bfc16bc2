// `--method`, `--replicates` and `run --precision` end to end
// (docs/results.md, "Sampling methods" and "Precision-based stopping").
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "riskcast/sampling.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

const std::string kReference = source_path("bench/models/reference.yaml");

nlohmann::json run_json(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"run", kReference, "--scenario", "base", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult r = run_riskcast(args);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  return r.exit_status == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
}

TEST(SamplingMethods, ResultRecordsTheMethodAndReplicates) {
  const nlohmann::json mc = run_json({"--samples", "2000"});
  EXPECT_EQ(mc["method"], "mc");
  EXPECT_FALSE(mc.contains("replicates"));
  const nlohmann::json qmc = run_json({"--samples", "2048", "--method", "qmc"});
  EXPECT_EQ(qmc["method"], "qmc");
  EXPECT_EQ(qmc["replicates"], 16);
  const nlohmann::json lhs = run_json({"--samples", "2000", "--method", "lhs", "--replicates", "4"});
  EXPECT_EQ(lhs["method"], "lhs");
  EXPECT_EQ(lhs["replicates"], 4);
  const CommandResult table =
      run_riskcast({"run", kReference, "--scenario", "base", "--samples", "2048", "--method", "qmc"});
  EXPECT_NE(table.out.find("qmc (16 replicates, intervals from their spread)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("±: half-width of the 95 % interval from the spread of the 16 independent qmc replicates"),
            std::string::npos)
      << table.out;
  // compare names where its error comes from too.
  const CommandResult compare = run_riskcast({"compare", kReference, "--samples", "2048", "--method", "qmc"});
  EXPECT_EQ(compare.exit_status, 0) << compare.err;
  EXPECT_NE(compare.out.find("Error across the 16 qmc replicates (95 % CI half-width)"), std::string::npos)
      << compare.out;
}

TEST(SamplingMethods, BadCommandLinesAreRefused) {
  expect_one_line_usage_error(run_riskcast({"run", kReference, "--method", "sobol"}), "unknown method");
  expect_one_line_usage_error(run_riskcast({"run", kReference, "--replicates", "4"}), "replicates without a design");
  expect_one_line_usage_error(run_riskcast({"run", kReference, "--samples", "1000", "--method", "qmc"}),
                              "1000 samples in 16 replicates");
  expect_one_line_usage_error(
      run_riskcast({"run", kReference, "--samples", "1000", "--method", "lhs", "--first-sample", "500"}),
      "half a Latin hypercube");
  expect_one_line_usage_error(run_riskcast({"sensitivity", kReference, "--method", "lhs"}), "sensitivity");
  expect_one_line_usage_error(run_riskcast({"baseline", kReference, "--method", "qmc", "--out", "/dev/null"}),
                              "baseline");
  expect_one_line_usage_error(
      run_riskcast({"run", kReference, "--method", "lhs", "--precision", "nvidia_share_value:mean:0.01"}),
      "precision under lhs");
  for (const char* bad : {"nvidia_share_value:mean", "nvidia_share_value:median:0.1", "nvidia_share_value:p50:-1",
                          "nvidia_share_value:p50:0", "nvidia_share_value:p100:0.1", "nvidia_share_value:mean:x%",
                          "no_such_output:mean:0.1", ":mean:0.1"})
    expect_one_line_usage_error(run_riskcast({"run", kReference, "--precision", bad}), bad);
}

TEST(Precision, TargetsReadBack) {
  const PrecisionTarget mean = parse_precision_target("revenue:mean:1%");
  EXPECT_EQ(mean.output, "revenue");
  EXPECT_FALSE(mean.percentile);
  EXPECT_TRUE(mean.relative);
  EXPECT_DOUBLE_EQ(mean.halfwidth, 0.01);
  EXPECT_EQ(mean.to_string(), "revenue:mean:1%");
  const PrecisionTarget p = parse_precision_target("nvidia_share_value:p97.5:0.002");
  EXPECT_EQ(p.output, "nvidia_share_value");
  EXPECT_EQ(*p.percentile, 0.975);
  EXPECT_FALSE(p.relative);
  EXPECT_EQ(p.halfwidth, 0.002);
  EXPECT_EQ(p.to_string(), "nvidia_share_value:p97.5:0.002");
}

// The stopping point depends only on the samples: 1 and 2 threads stop at
// the same count, and the result is the fixed-size run of that count, bit
// for bit (the JSON text, less the precision record).
TEST(Precision, StopsAtTheSameCountForAnyThreadsAndEqualsTheFixedRun) {
  const std::vector<std::string> target = {"--samples",   "200000",
                                           "--precision", "nvidia_share_value:p50:0.004",
                                           "--precision", "nvidia_share_value:mean:1%"};
  std::vector<std::string> one = target, two = target;
  one.insert(one.end(), {"--threads", "1"});
  two.insert(two.end(), {"--threads", "2"});
  nlohmann::json a = run_json(one), b = run_json(two);
  ASSERT_TRUE(a.contains("precision"));
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_TRUE(a["precision"]["reached"]);
  const std::uint64_t n = a["samples"];
  EXPECT_EQ(a["precision"]["samples"], n);
  EXPECT_EQ(n % kPrecisionBlock, 0u);
  EXPECT_GT(n, kPrecisionBlock);  // the targets are not met by the first block
  EXPECT_LT(n, 200000u);
  for (const auto& t : a["precision"]["targets"]) {
    EXPECT_TRUE(t["met"]);
    EXPECT_LE(t["achieved"].get<double>(), t["required"].get<double>());
  }
  nlohmann::json fixed = run_json({"--samples", std::to_string(n), "--threads", "2"});
  a.erase("precision");
  EXPECT_EQ(a.dump(), fixed.dump());
  // One block fewer does not meet them: the run stopped at the first block that did.
  const nlohmann::json before = run_json({"--samples", std::to_string(n - kPrecisionBlock)});
  const nlohmann::json& out = before["scenarios"][0]["outputs"]["nvidia_share_value"];
  double p50_halfwidth = 0;
  for (const auto& q : out["percentiles"])
    if (q["p"] == 0.5) p50_halfwidth = (q["ci_high"].get<double>() - q["ci_low"].get<double>()) / 2;
  const double mean_halfwidth = (out["mean_ci_high"].get<double>() - out["mean_ci_low"].get<double>()) / 2;
  EXPECT_TRUE(p50_halfwidth > 0.004 || mean_halfwidth > 0.01 * std::abs(out["mean"].get<double>()));
}

TEST(Precision, SaysWhenTheMaximumIsReachedFirst) {
  const nlohmann::json r = run_json({"--samples", "15000", "--precision", "nvidia_share_value:p50:0.00001"});
  EXPECT_EQ(r["samples"], 15000);
  EXPECT_FALSE(r["precision"]["reached"]);
  EXPECT_FALSE(r["precision"]["targets"][0]["met"]);
  const CommandResult table = run_riskcast(
      {"run", kReference, "--scenario", "base", "--samples", "15000", "--precision", "nvidia_share_value:p50:0.00001"});
  EXPECT_EQ(table.exit_status, 0);
  EXPECT_NE(table.out.find("precision NOT reached by the maximum of 15,000 samples"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace riskcast::testing
