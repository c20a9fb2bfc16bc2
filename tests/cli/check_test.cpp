// `riskcast check`: validation from the command line, as users and scripts see it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Whether `line` ends with "; FILE:LINE:COL", the source of an instruction.
bool ends_with_position(const std::string& line, const std::string& file) {
  const std::size_t at = line.rfind("; " + file + ":");
  if (at == std::string::npos) return false;
  std::size_t i = at + file.size() + 3;
  int colons = 0;
  for (; i < line.size(); ++i) {
    if (line[i] == ':')
      ++colons;
    else if (line[i] < '0' || line[i] > '9')
      return false;
  }
  return colons == 1 && line.back() != ':';
}

const std::string kReference = "bench/models/reference.yaml";

TEST(CheckCommand, ReferenceModelIsValidAndSummarised) {
  const std::string path = source_path(kReference);
  CommandResult r = run_riskcast({"check", path});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find(path + ": ok"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("model reference-r1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("horizon 12 months"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("19 parameters"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 events (1 regime, 2 switches, 2 arrivals)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("16 monthly formulas"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("9 outputs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 scenario"), std::string::npos) << r.out;
}

TEST(CheckCommand, SummaryCountsFollowTheModel) {
  TempDir dir;
  const std::string path = dir.write("small.yaml", R"(model: small
horizon: 6
parameters:
  p: 1
events:
  s:
    kind: switch
    on: 0.1
monthly:
  x: p + s
outputs:
  o: sum(x)
scenarios:
  on:
    events:
      s: {fix: on}
)");
  CommandResult r = run_riskcast({"check", path});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("model small, horizon 6 months"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 parameter, 1 event (0 regimes, 1 switch, 0 arrivals), 1 monthly formula, "
                       "1 output, 2 scenarios"),
            std::string::npos)
      << r.out;
}

TEST(CheckCommand, CountsInnovations) {
  TempDir dir;
  const std::string path = dir.write("walk.yaml", R"yaml(horizon: 12
events:
  a: {kind: innovation, dist: "normal(0, 1)"}
  b: {kind: innovation, dist: "uniform(-month, month)"}
monthly:
  x: prev(x, 0) + a + b
outputs:
  o: last(x)
)yaml");
  CommandResult r = run_riskcast({"check", path});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("2 events (0 regimes, 0 switches, 0 arrivals, 2 innovations)"), std::string::npos) << r.out;
}

// Correlations are counted in the summary (the model's pairs, and the
// scenarios that set their own); --nearest-correlations writes the
// corrected section of a model whose matrix is not positive definite, and
// the check still fails.
TEST(CheckCommand, CorrelationsAreCountedAndRepaired) {
  TempDir dir;
  const std::string head = "parameters:\n  a: normal(0, 1)\n  b: normal(0, 1)\n  c: normal(0, 1)\n";
  const std::string path =
      dir.write("c.yaml", head +
                              "correlations:\n  - [a, b, 0.5]\n  - [b, c, 0.2]\noutputs:\n  o: a + b + c\n"
                              "scenarios:\n  s:\n    correlations:\n      - [a, c, 0.1]\n");
  CommandResult r = run_riskcast({"check", path});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("1 output, 2 scenarios, 2 rank correlations (1 scenario with its own)\n"), std::string::npos)
      << r.out;
  const std::string bad =
      dir.write("bad.yaml", head +
                                "correlations:\n  - [a, b, 0.9]\n  - [b, c, 0.9]\n  - [a, c, -0.9]\n"
                                "outputs:\n  o: a + b + c\n");
  const std::string fixed = dir.path() + "/fixed.yaml";
  r = run_riskcast({"check", bad, "--nearest-correlations", fixed});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("wrote the nearest valid correlations to " + fixed), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:6:5: error: the rank correlations of a, b, c are not a valid correlation matrix"),
            std::string::npos)
      << r.err;
  const std::string yaml = read_text(fixed);
  const std::size_t at = yaml.find("\ncorrelations:\n  - parameters: [a, b, c]\n    matrix:\n      - [1, 0.48");
  ASSERT_NE(at, std::string::npos) << yaml;
  const std::string repaired = dir.write("repaired.yaml", head + yaml.substr(at + 1) + "outputs:\n  o: a + b + c\n");
  r = run_riskcast({"check", repaired});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  // A valid model: nothing written, and the check passes.
  const std::string none = dir.path() + "/none.yaml";
  r = run_riskcast({"check", path, "--nearest-correlations", none});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(none));
}

TEST(CheckCommand, BadModelPrintsEveryErrorCompilerStyleAndExitsTwo) {
  TempDir dir;
  const std::string path = dir.write("bad.yaml", R"(horizon: 12
paramters:
  p: 1
parameters:
  ban_scope: beta(0, 2)
  q: pert(1, 2, 3)
events:
  s:
    kind: switch
    on: 1.5
monthly:
  x: q + ban_scop
  y: sum(x)
outputs:
  o: x
)");
  CommandResult r = run_riskcast({"check", path});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  std::vector<std::string> lines = lines_of(r.err);
  ASSERT_GE(lines.size(), 3u) << r.err;
  for (const std::string& line : lines) EXPECT_TRUE(is_positioned_error(line, path)) << line;
  EXPECT_NE(r.err.find(path + ":2:1: error: unknown key `paramters` in model (did you mean `parameters`?)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":5:14: error: beta(alpha, beta) needs both shapes > 0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(path + ":10:9: error: hazard of turning on must be a probability in [0, 1]"), std::string::npos)
      << r.err;
  // Sorted by position.
  EXPECT_LT(r.err.find(":2:1:"), r.err.find(":5:14:"));
  EXPECT_LT(r.err.find(":5:14:"), r.err.find(":10:9:"));
}

TEST(CheckCommand, FormulaErrorsAfterTheFileLoads) {
  TempDir dir;
  const std::string path = dir.write("names.yaml", R"(parameters:
  ban_scope: 0.5
monthly:
  x: 1 - ban_scop
  a: b
  b: a
outputs:
  o: x
)");
  CommandResult r = run_riskcast({"check", path});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find(path + ":4:10: error: unknown name `ban_scop` (did you mean `ban_scope`?)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":8:6: error: monthly series `x` needs an aggregate"), std::string::npos) << r.err;
}

TEST(CheckCommand, CycleIsReportedWithItsPath) {
  TempDir dir;
  const std::string path = dir.write("cycle.yaml", "monthly:\n  a: b\n  b: a\noutputs:\n  o: sum(a)\n");
  CommandResult r = run_riskcast({"check", path});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find(path + ":2:3: error: monthly formulas form a cycle: a → b → a"), std::string::npos) << r.err;
}

TEST(CheckCommand, MissingFileExitsTwo) {
  TempDir dir;
  const std::string path = dir.path() + "/does-not-exist.yaml";
  CommandResult r = run_riskcast({"check", path});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find(path + ": error: cannot read the model file"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
}

TEST(CheckCommand, DirectoryExitsTwo) {
  TempDir dir;
  CommandResult r = run_riskcast({"check", dir.path()});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST(CheckCommand, MissingArgumentAndUnknownOptionExitTwo) {
  CommandResult none = run_riskcast({"check"});
  EXPECT_EQ(none.exit_status, 2);
  EXPECT_NE(none.err.find("check needs a model file"), std::string::npos) << none.err;
  CommandResult bad = run_riskcast({"check", "--no-such-option", source_path(kReference)});
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_EQ(lines_of(bad.err).size(), 1u) << bad.err;
}

TEST(CheckCommand, DumpProgramPrintsInstructionsWithPositions) {
  const std::string path = source_path(kReference);
  CommandResult r = run_riskcast({"check", "--dump-program", path});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  // Every formula instruction names where it came from: FILE:LINE:COL.
  std::size_t with_position = 0;
  for (const std::string& line : lines_of(r.out))
    if (ends_with_position(line, path)) ++with_position;
  EXPECT_GE(with_position, 16u) << r.out;  // at least one per monthly formula
  // The hazard `us_export == h200` of beijing_easing sits at line 103, column 20.
  EXPECT_NE(r.out.find(path + ":103:20"), std::string::npos) << r.out;
  // demand_T = demand_total * training_fraction / 12: the division at 124:46.
  EXPECT_NE(r.out.find(path + ":124:46"), std::string::npos) << r.out;
}

// --scenario names a scenario whether or not --dump-program prints it: a
// misspelt one must not pass as "ok".
TEST(CheckCommand, AnUnknownScenarioExitsTwoWithOrWithoutDumpProgram) {
  const std::string model = source_path(kReference);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"check", "--dump-program", "--scenario", "nope", model},
        std::vector<std::string>{"check", "--scenario", "nope", model},
        std::vector<std::string>{"check", "--strict", "--scenario", "nope", model}}) {
    const CommandResult r = run_riskcast(args);
    expect_one_line_usage_error(r, args[1]);
    EXPECT_NE(r.err.find("--scenario 'nope' is not a scenario of " + model + " (scenarios: base)"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
  }
  const CommandResult ok = run_riskcast({"check", "--scenario", "base", model});
  EXPECT_EQ(ok.exit_status, 0) << ok.err;
}

TEST(CheckCommand, HelpExitsZero) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"check", "--help"}, {"run", "--help"}}) {
    CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 0) << args.front() << ": " << r.err;
    EXPECT_NE(r.out.find("usage: riskcast"), std::string::npos) << r.out;
  }
  EXPECT_NE(run_riskcast({"check", "--help"}).out.find("--dump-program"), std::string::npos);
  EXPECT_NE(run_riskcast({"run", "--help"}).out.find("--samples"), std::string::npos);
}

TEST(CheckCommand, UnknownCommandSuggestsCheck) {
  CommandResult r = run_riskcast({"chek", source_path(kReference)});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("did you mean `check`?"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace riskcast::testing
