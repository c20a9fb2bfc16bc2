// Warnings: each one on a model that triggers it, at its exact place and
// with its exact text; none on models that are right; none on the shipped
// models.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/model_test_support.hpp"
#include "riskcast/statistics.hpp"
#include "riskcast/warnings.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

// The warnings of a model that must load, formatted as the CLI prints them.
std::string warnings_of(const std::string& text) {
  Diagnostics warnings("m.yaml");
  try {
    load_model_text(text, "m.yaml", &warnings);
  } catch (const ModelError& e) {
    ADD_FAILURE() << "model did not load:\n" << e.diagnostics().format();
  }
  return warnings.format_warnings();
}

TEST(Warnings, AnEntryNeverReadIsNamedAtItsPlace) {
  EXPECT_EQ(warnings_of(R"y(parameters:
  used: 1
  spare: uniform(0, 1)
events:
  quiet: {kind: switch, on: 0.1}
monthly:
  counter: prev(counter, 0) + used
outputs:
  o: used
)y"),
            "m.yaml:3:3: warning: parameter `spare` is never read (no formula, hazard, rate or output reads it: use "
            "it, or remove it)\n"
            "m.yaml:5:3: warning: event `quiet` is never read (no formula, hazard, rate or output reads it: use it, "
            "or remove it)\n"
            "m.yaml:7:3: warning: monthly formula `counter` is never read (no other formula or output reads it (prev "
            "of itself does not count): use it, or remove it)\n");
}

// Every way of reading an entry counts: a formula, an output, an aggregate's
// argument, a hazard, a rate, prev's target and initial value, a regime
// comparison, a scenario's override.
TEST(Warnings, EveryKindOfReadCounts) {
  EXPECT_EQ(warnings_of(R"y(parameters:
  a: 1
  b: 2
  c: 3
  d: 4
  e: 5
  f: 6
events:
  r: {kind: regime, states: [x, y], initial: {x: 1}, transitions: {x: {y: "a / 10"}}}
  s: {kind: switch, on: "r == y ? 0.5 : 0"}
  arr: {kind: arrivals, rate: "s + b", size: 1}
monthly:
  m1: prev(m2, c) + arr
  m2: m1 + d
outputs:
  o: sum(m2 * e)
scenarios:
  z: {events: {s: {on: "f / 100"}}}
)y"),
            "");
}

TEST(Warnings, AShareParameterThatCanLeaveZeroToOne) {
  EXPECT_EQ(warnings_of(R"y(parameters:
  drift: {dist: "normal(0.02, 0.01)", unit: share}
  percent: {dist: "uniform(10, 20)", unit: share of imports}
  whole: {dist: 15, unit: "%"}
  fine: {dist: "beta(2, 5)", unit: share}
  also_fine: {dist: "truncated_normal(0.5, 0.2, 0, 1)", unit: fraction}
  negative: {dist: "uniform(-0.1, 0.5)", unit: share}
outputs:
  o: drift + percent + whole + fine + also_fine + negative
scenarios:
  high: {parameters: {fine: "uniform(0.5, 1.5)"}}
)y"),
            "m.yaml:2:18: warning: parameter `drift` is a share (unit `share`) but normal(0.02, 0.01) can be below 0 "
            "and above 1 (beta(alpha, beta), pert(min, mode, max) or truncated_normal(mean, sd, 0, 1) stay within "
            "[0, 1])\n"
            "m.yaml:3:20: warning: parameter `percent` is a share (unit `share of imports`) but uniform(10, 20) can be "
            "above 1 (a share is a fraction of 1: 20 % is 0.2)\n"
            "m.yaml:4:17: warning: parameter `whole` is a share (unit `%`) but 15 can be above 1 (a share is a "
            "fraction of 1: 15 % is 0.15)\n"
            "m.yaml:7:21: warning: parameter `negative` is a share (unit `share`) but uniform(-0.1, 0.5) can be below "
            "0 (keep the distribution within [0, 1], or give the parameter another unit)\n"
            "m.yaml:11:30: warning: parameter `fine` is a share (unit `share`) but uniform(0.5, 1.5) can be above 1 "
            "(keep the distribution within [0, 1], or give the parameter another unit)\n");
}

TEST(Warnings, ALognormalWhoseMuLooksLikeAValueInNaturalUnits) {
  EXPECT_EQ(warnings_of(R"y(parameters:
  revenue: lognormal(77, 0.1)
  fine: lognormal(20, 1)
events:
  burst: {kind: arrivals, rate: 1, size: "lognormal(25, 0.5)"}
outputs:
  o: revenue + fine + sum(burst)
)y"),
            "m.yaml:2:12: warning: lognormal(mu, sigma) takes mu on the log scale: mu = 77 gives a median of e^77 = "
            "2.76e+33 (for a median of 77 write lognormal(log(77), sigma); for a 90 % range, lognormal_ci90(lo, hi))\n"
            "m.yaml:5:43: warning: lognormal(mu, sigma) takes mu on the log scale: mu = 25 gives a median of e^25 = "
            "72B (for a median of 25 write lognormal(log(25), sigma); for a 90 % range, lognormal_ci90(lo, hi))\n");
}

// A law without a finite variance: the mean and sd of outputs depending on
// it never settle. Not for df > 2, nor a mixture whose weight on the
// student_t is 0.
TEST(Warnings, ALawWithoutAFiniteVariance) {
  EXPECT_EQ(warnings_of(R"y(parameters:
  cauchy: student_t(1, 0, 1)
  t2: student_t(2, 0, 1)
  t3: student_t(2.5, 0, 1)
  mixed: "mixture([normal(0, 1), student_t(1.5, 0, 1)], [0.9, 0.1])"
  unused: "mixture([normal(0, 1), student_t(1, 0, 1)], [1, 0])"
events:
  burst: {kind: arrivals, rate: 1, size: "student_t(1, 5, 1)"}
outputs:
  o: cauchy + t2 + t3 + mixed + unused + sum(burst)
)y"),
            "m.yaml:2:11: warning: parameter `cauchy` is student_t(1, 0, 1), which has no mean (student_t with df <= "
            "1): the mean and sd of every output that depends on it, and their intervals, are meaningless; "
            "percentiles are fine (read its outputs' percentiles (P5, P50, P95); for heavy tails with a finite "
            "variance take df > 2)\n"
            "m.yaml:3:7: warning: parameter `t2` is student_t(2, 0, 1), which has an infinite variance (student_t "
            "with df <= 2): the sd of every output that depends on it, and the interval of its mean, are "
            "meaningless, and its mean settles slowly; percentiles are fine (read its outputs' percentiles (P5, P50, "
            "P95); for heavy tails with a finite variance take df > 2)\n"
            "m.yaml:5:11: warning: parameter `mixed` is mixture([normal(0, 1), student_t(1.5, 0, 1)], [0.9, 0.1]), "
            "which has an infinite variance (student_t with df <= 2): the sd of every output that depends on it, and "
            "the interval of its mean, are meaningless, and its mean settles slowly; percentiles are fine (read its "
            "outputs' percentiles (P5, P50, P95); for heavy tails with a finite variance take df > 2)\n"
            "m.yaml:8:43: warning: the burst size of `burst` is student_t(1, 5, 1), which has no mean (student_t "
            "with df <= 1): the mean and sd of every output that depends on it, and their intervals, are "
            "meaningless; percentiles are fine (read its outputs' percentiles (P5, P50, P95); for heavy tails with "
            "a finite variance take df > 2)\n");
}

TEST(Warnings, AShareOutputThatLeftZeroToOneInARun) {
  const Model model = load_ok(
      "parameters:\n  p: uniform(0, 1)\noutputs:\n  s: {formula: p * 1.3, unit: share}\n"
      "  t: {formula: p, unit: share}\n");
  RunResult result;
  for (const char* name : {"base", "high"}) {
    ScenarioResult s;
    s.name = name;
    std::vector<double> over = {0.1, 1.3}, within = {0.0, 1.0 + 1e-12};
    s.outputs.push_back({"s", {"share", "", "", OutputKind::Value}, summarize(over), {}});
    s.outputs.push_back({"t", {"share", "", "", OutputKind::Value}, summarize(within), {}});
    result.scenarios.push_back(s);
  }
  // A scenario within [0, 1]: not named, and its values not in the range
  // the warning gives (a trial saw another scenario's minimum there).
  ScenarioResult low;
  low.name = "low";
  std::vector<double> small = {0.0001, 0.5}, within = {0.0, 1.0};
  low.outputs.push_back({"s", {"share", "", "", OutputKind::Value}, summarize(small), {}});
  low.outputs.push_back({"t", {"share", "", "", OutputKind::Value}, summarize(within), {}});
  result.scenarios.push_back(low);
  Diagnostics warnings("m.yaml");
  warn_about_results(model, result, warnings);
  EXPECT_EQ(warnings.format_warnings(),
            "m.yaml:4:3: warning: output `s` is a share (unit `share`) but its values run from 10.0% to 130.0% "
            "(scenarios base, high) (a share is a fraction of a whole, within [0, 1]: check the formula, or give the "
            "output another unit)\n");
}

// End to end: the warnings go to stderr as FILE:LINE:COL: warning: …, the
// exit status stays 0, and check --strict makes them errors (exit 2).
TEST(Warnings, CommandsPrintThemAndStrictCheckRefuses) {
  TempDir dir;
  const std::string model = dir.write(
      "m.yaml", "parameters:\n  p: uniform(0, 1)\n  spare: 1\noutputs:\n  s: {formula: p * 2, unit: share}\n");
  const std::string unread =
      model +
      ":3:3: warning: parameter `spare` is never read (no formula, hazard, rate or output reads it: use it, "
      "or remove it)\n";
  CommandResult r = run_riskcast({"check", model});
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.err, unread);
  EXPECT_NE(r.out.find(": ok"), std::string::npos);
  r = run_riskcast({"check", model, "--strict"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err, model +
                       ":3:3: error: parameter `spare` is never read (no formula, hazard, rate or output reads "
                       "it: use it, or remove it)\n");
  EXPECT_EQ(r.out, "");
  r = run_riskcast({"run", model, "--samples", "1000"});
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.err.rfind(unread, 0), 0u) << r.err;
  EXPECT_NE(r.err.find(model + ":5:3: warning: output `s` is a share (unit `share`) but its values run from "),
            std::string::npos)
      << r.err;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"describe", model}, {"compare", model, "--samples", "1000"}, {"sensitivity", model, "--samples", "1000"}}) {
    r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 0) << args[0] << r.err;
    EXPECT_EQ(r.err.rfind(unread, 0), 0u) << args[0] << ": " << r.err;
  }
}

// No warning fires on the shipped models, at load or after a run.
TEST(Warnings, NoneOnTheShippedModels) {
  for (const char* path : {"configs/china-2026.yaml", "bench/models/reference.yaml"}) {
    CommandResult r = run_riskcast({"check", source_path(path), "--strict"});
    EXPECT_EQ(r.exit_status, 0) << path << "\n" << r.err;
    EXPECT_EQ(r.err, "") << path;
    r = run_riskcast({"run", source_path(path), "--samples", "20000", "--format", "csv"});
    EXPECT_EQ(r.exit_status, 0) << path << "\n" << r.err;
    EXPECT_EQ(r.err, "") << path;
  }
  const CommandResult batch = run_riskcast({"batch", source_path("configs/batches/china-2026.yaml"), "--dry-run"});
  EXPECT_EQ(batch.exit_status, 0) << batch.err;
  EXPECT_EQ(batch.err.find("warning"), std::string::npos) << batch.err;
}

}  // namespace
}  // namespace riskcast::testing
