// Awkward magnitudes end to end: a model whose outputs are trillions and a
// mistyped lognormal (e^77 ≈ 2.75e33), through every command that shows
// numbers to people.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli_runner.hpp"
#include "support/display_number.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

const char* kAwkward = R"yaml(model: awkward
parameters:
  revenue: {dist: "uniform(1.4e12, 1.6e12)", unit: USD}
  mistyped: {dist: "lognormal(77, 0.1)", unit: USD}
  rare: {dist: "uniform(1e-9, 2e-9)", unit: share}
outputs:
  total: {formula: revenue, unit: USD}
  wild: {formula: mistyped, unit: USD}
  tiny: {formula: rare, unit: share}
)yaml";

void expect_readable(const std::string& text, const std::string& where) {
  EXPECT_FALSE(has_misleading_number(text)) << where << ":\n" << text;
  EXPECT_NE(text.find("1.5T"), std::string::npos) << where << ":\n" << text;
  EXPECT_NE(text.find("e+33"), std::string::npos) << where << ":\n" << text;
}

TEST(NumberDisplay, EveryCommandShowsTrillionsAndBeyondReadably) {
  TempDir dir;
  const std::string model = dir.write("awkward.yaml", kAwkward);
  for (const char* format : {"table", "markdown"}) {
    const CommandResult r = run_riskcast({"run", model, "--samples", "2000", "--format", format});
    ASSERT_EQ(r.exit_status, 0) << r.err;
    expect_readable(r.out, format);
    EXPECT_NE(r.out.find("e-07%"), std::string::npos) << r.out;  // the rare share is not "0.00%"
  }
  const CommandResult described = run_riskcast({"describe", model});
  ASSERT_EQ(described.exit_status, 0) << described.err;
  expect_readable(described.out, "describe");
  const std::string plots = dir.path() + "/plots";
  const CommandResult plotted = run_riskcast({"run", model, "--samples", "2000", "--plot", plots});
  ASSERT_EQ(plotted.exit_status, 0) << plotted.err;
  std::string svgs;
  for (const auto& entry : fs::recursive_directory_iterator(plots))
    if (entry.path().extension() == ".svg") svgs += read_text(entry.path());
  ASSERT_FALSE(svgs.empty());
  expect_readable(svgs, "charts");
  const std::string html = dir.path() + "/report.html";
  const CommandResult reported = run_riskcast({"report", model, "--samples", "2000", "--out", html});
  ASSERT_EQ(reported.exit_status, 0) << reported.err;
  expect_readable(read_text(html), "report");
}

}  // namespace
}  // namespace riskcast::testing
