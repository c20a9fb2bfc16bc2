#include <gtest/gtest.h>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

TEST(RunCommand, JsonIsBitIdenticalForOneAndTwoThreads) {
  const std::string model = source_path("bench/models/reference.yaml");
  CommandResult one = run_riskcast({"run", model, "--samples", "20000", "--threads", "1", "--format", "json"});
  CommandResult two = run_riskcast({"run", model, "--samples", "20000", "--threads", "2", "--format", "json"});
  ASSERT_EQ(one.exit_status, 0) << one.err;
  ASSERT_EQ(two.exit_status, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out.find("\"schema\": \"riskcast.result/1\""), std::string::npos);
}

}  // namespace
}  // namespace riskcast::testing
