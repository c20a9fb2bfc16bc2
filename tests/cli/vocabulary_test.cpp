// One vocabulary across commands: --out (-o) is the file written, --output a
// model output; and the command reaches the engine through the public API
// alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

const std::string kChina = source_path("configs/china-2026.yaml");

TEST(Vocabulary, RunOutputChoosesTheOutputsEvaluated) {
  const CommandResult r = run_riskcast({"run", kChina, "-n", "2000", "--format", "json", "--output",
                                        "nvidia_share_units", "--output", "nvidia_share_value"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(r.out);
  for (const auto& scenario : doc["scenarios"]) {
    std::vector<std::string> names;
    for (const auto& [name, summary] : scenario["outputs"].items()) names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{"nvidia_share_value", "nvidia_share_units"}));  // model order
  }
  // The same numbers as the full run's.
  const CommandResult all = run_riskcast({"run", kChina, "-n", "2000", "--format", "json"});
  ASSERT_EQ(all.exit_status, 0) << all.err;
  const nlohmann::ordered_json full = nlohmann::ordered_json::parse(all.out);
  EXPECT_EQ(full["scenarios"][1]["outputs"]["nvidia_share_units"],
            doc["scenarios"][1]["outputs"]["nvidia_share_units"]);
}

TEST(Vocabulary, RunOutputLimitsTheExportAndTheCharts) {
  TempDir dir;
  const CommandResult r =
      run_riskcast({"run", kChina, "-n", "1000", "--scenario", "base", "--output", "nvidia_share_units", "--export",
                    dir.path() + "/e.csv", "--plot", dir.path() + "/plots"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string header = read_text(dir.path() + "/e.csv").substr(0, 60);
  EXPECT_EQ(header.rfind("sample,scenario,nvidia_share_units,", 0), 0u) << header;
  std::set<std::string> charts;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path() + "/plots"))
    if (entry.is_regular_file()) charts.insert(fs::relative(entry.path(), dir.path() + "/plots").string());
  EXPECT_EQ(charts, (std::set<std::string>{"base/nvidia_share_units.svg", "tornado_nvidia_share_units.svg"}));
}

TEST(Vocabulary, AnUnknownOutputGetsAHintInEveryCommand) {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", kChina, "--output", "nvidia_share_valeu"},
        {"compare", kChina, "--output", "nvidia_share_valeu"},
        {"sensitivity", kChina, "--output", "nvidia_share_valeu"},
        {"report", kChina, "--out", dir.path() + "/r.html", "--output", "nvidia_share_valeu"}}) {
    const CommandResult r = run_riskcast(args);
    expect_one_line_usage_error(r, args[0]);
    EXPECT_NE(r.err.find("--output 'nvidia_share_valeu' is not an output of " + kChina +
                         " (did you mean `nvidia_share_value`? outputs: "),
              std::string::npos)
        << args[0] << ": " << r.err;
  }
  EXPECT_FALSE(fs::exists(dir.path() + "/r.html"));
}

TEST(Vocabulary, CompareAndDescribeWriteTheirOutFile) {
  TempDir dir;
  const CommandResult shown = run_riskcast({"compare", kChina, "-n", "2000", "--format", "csv"});
  ASSERT_EQ(shown.exit_status, 0) << shown.err;
  const CommandResult written = run_riskcast({"compare", kChina, "-n", "2000", "-o", dir.path() + "/c.csv"});
  ASSERT_EQ(written.exit_status, 0) << written.err;
  EXPECT_EQ(written.out, "");
  EXPECT_EQ(read_text(dir.path() + "/c.csv"), shown.out);  // the format from the extension

  const CommandResult md = run_riskcast({"describe", kChina, "--format", "markdown"});
  ASSERT_EQ(md.exit_status, 0) << md.err;
  ASSERT_EQ(run_riskcast({"describe", kChina, "--out", dir.path() + "/d.md"}).exit_status, 0);
  EXPECT_EQ(read_text(dir.path() + "/d.md"), md.out);
  expect_one_line_usage_error(run_riskcast({"describe", kChina, "--out", dir.path() + "/d.json"}), "describe json");
  EXPECT_FALSE(fs::exists(dir.path() + "/d.json"));
}

TEST(Vocabulary, ReportOutputHeadlinesThatOutput) {
  TempDir dir;
  const std::string page = dir.path() + "/r.html";
  const CommandResult r = run_riskcast(
      {"report", kChina, "-n", "2000", "--scenario", "base", "--output", "nvidia_share_units", "--out", page});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string html = read_text(page);
  EXPECT_NE(html.find("What drives nvidia_share_units in scenario base"), std::string::npos);
  EXPECT_EQ(html.find("What drives nvidia_share_value"), std::string::npos);
}

// engine/cli/ includes only the public headers (include/riskcast/). The build
// enforces it already (riskcast_cli does not see engine/internal/); this
// names the file and the header when someone adds the path back.
TEST(Vocabulary, TheCommandIncludesOnlyPublicHeaders) {
  // A line scan, not std::regex: GCC's -O2 sanitizer build warns
  // (maybe-uninitialized, an error under -Werror) inside <regex>.
  constexpr std::string_view kInclude = "#include \"riskcast/";
  std::size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(source_path("engine/cli"))) {
    std::istringstream text(read_text(entry.path()));
    for (std::string line; std::getline(text, line);) {
      const std::size_t at = line.find(kInclude);
      if (at == std::string::npos || line.find_first_not_of(" \t") != at) continue;
      const std::size_t start = at + kInclude.size() - std::string_view("riskcast/").size();
      const std::string header = line.substr(start, line.find('"', start) - start);
      ++checked;
      EXPECT_TRUE(fs::exists(source_path("include/" + header)))
          << entry.path().filename() << " includes " << header << ", which is not a public header";
    }
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace
}  // namespace riskcast::testing
