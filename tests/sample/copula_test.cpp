// Correlated parameters through the Gaussian copula (docs/language.md,
// "Correlations"): the rank correlations asked for, marginals unchanged,
// bit-identical for any thread count, other parameters' draws untouched;
// the loader's errors and Higham's nearest matrix.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "riskcast/copula.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/sensitivity.hpp"
#include "riskcast/sensitivity_result.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {
namespace {

constexpr std::uint64_t kSeed = 20260514;

// The issue's case: PERT, lognormal, beta and uniform under a 4 × 4 matrix,
// and one parameter (e) outside it.
const char* const kModel = R"(parameters:
  a: pert(1, 3, 10)
  b: lognormal(0, 0.5)
  c: beta(2, 5)
  d: uniform(-1, 1)
  e: normal(0, 1)
correlations:
  parameters: [a, b, c, d]
  matrix:
    - [1, 0.6, -0.3, 0.2]
    - [0.6, 1, 0.1, 0.4]
    - [-0.3, 0.1, 1, -0.5]
    - [0.2, 0.4, -0.5, 1]
outputs:
  oa: a
  ob: b
  oc: c
  od: d
  oe: e
scenarios:
  looser:
    correlations:
      - [a, b, 0.2]
      - [c, d, 0]
)";
const double kRank[4][4] = {{1, 0.6, -0.3, 0.2}, {0.6, 1, 0.1, 0.4}, {-0.3, 0.1, 1, -0.5}, {0.2, 0.4, -0.5, 1}};

Model load(const std::string& text) {
  return load_model_text(text, "model.yaml");
}

SampleColumns run(const std::string& text, std::uint64_t samples, unsigned threads = 1, std::size_t block = 256,
                  const std::string& scenario = "base") {
  const Model model = load(text);
  RunSettings settings;
  settings.samples = samples;
  settings.seed = kSeed;
  settings.threads = threads;
  settings.block_size = block;
  return sample_program(compile_program(apply_scenario(model, *model.find_scenario(scenario))), settings);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const ModelError& e) {
    return e.diagnostics().format();
  }
  return "";
}

// The section an error suggests to paste: from `correlations:` to the end
// of its hint.
std::string suggested_section(const std::string& message) {
  const std::string marker = "to paste: ";
  const std::size_t at = message.find(marker);
  if (at == std::string::npos) return "";
  const std::size_t end = message.find('\n', at);
  // The hint closes with ')'.
  return message.substr(at + marker.size(), (end == std::string::npos ? message.size() : end) - 1 - at - marker.size());
}

// Each sample Spearman coefficient lies within 4 standard errors of the
// matrix's (the standard error is the half-width of spearman()'s 95 %
// interval over 1.96: a false alarm per coefficient has probability 6e-5),
// at a small and a large number of samples.
TEST(Copula, SpearmanCoefficientsMatchTheMatrix) {
  for (std::uint64_t n : {2'000u, 200'000u}) {
    const SampleColumns c = run(kModel, n);
    for (int i = 0; i < 4; ++i) {
      for (int j = i + 1; j < 4; ++j) {
        const RankCorrelation r = spearman(c.values[i], c.values[j]);
        const double se = (r.ci_high - r.ci_low) / (2 * 1.96);
        EXPECT_NEAR(r.rho, kRank[i][j], 4 * se) << "n " << n << ", " << c.names[i] << " and " << c.names[j];
      }
      // e is independent of them all.
      const RankCorrelation r = spearman(c.values[i], c.values[4]);
      EXPECT_NEAR(r.rho, 0.0, 4 * (r.ci_high - r.ci_low) / (2 * 1.96)) << "n " << n << ", " << c.names[i];
    }
  }
}

// Each marginal is its distribution: Kolmogorov–Smirnov against the exact
// CDF at α = 0.001, at a small and a large number of samples.
TEST(Copula, MarginalsAreUnchanged) {
  const Model model = load(kModel);
  for (std::uint64_t n : {2'000u, 200'000u}) {
    SampleColumns c = run(kModel, n);
    for (int i = 0; i < 5; ++i) {
      const Distribution& d = model.parameters[i].distribution;
      const double ks = ks_statistic(c.values[i], [&](double x) { return d.cdf(x); });
      EXPECT_LT(ks, ks_critical_value(n, 0.001)) << "n " << n << ", " << model.parameters[i].name;
    }
  }
}

TEST(Copula, BitIdenticalForAnyThreadCountAndBlockSize) {
  const SampleColumns one = run(kModel, 5'001, 1, 256);
  for (auto [threads, block] : {std::pair{4u, std::size_t{64}}, std::pair{3u, std::size_t{1000}}}) {
    const SampleColumns other = run(kModel, 5'001, threads, block);
    for (std::size_t o = 0; o < one.names.size(); ++o)
      EXPECT_TRUE(same_bits(one.values[o], other.values[o])) << one.names[o] << ", " << threads << " threads";
  }
}

// A parameter outside every correlation draws exactly what it drew before
// correlations were added.
TEST(Copula, OtherParametersKeepTheirDraws) {
  std::string plain = kModel;
  plain.erase(plain.find("correlations:"), plain.find("outputs:") - plain.find("correlations:"));
  plain.erase(plain.find("scenarios:"));
  const SampleColumns without = run(plain, 3'000);
  const SampleColumns with = run(kModel, 3'000);
  EXPECT_TRUE(same_bits(without.values[4], with.values[4]));
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(same_bits(without.values[i], with.values[i])) << with.names[i];
  // Scenario `looser`: a–b at 0.2, c–d removed; the rest of the matrix stays.
  const SampleColumns looser = run(kModel, 200'000, 1, 256, "looser");
  auto expect_rank = [&](int i, int j, double rho) {
    const RankCorrelation r = spearman(looser.values[i], looser.values[j]);
    EXPECT_NEAR(r.rho, rho, 4 * (r.ci_high - r.ci_low) / (2 * 1.96)) << looser.names[i] << " " << looser.names[j];
  };
  expect_rank(0, 1, 0.2);
  expect_rank(2, 3, 0.0);
  expect_rank(0, 2, -0.3);
  expect_rank(1, 3, 0.4);
}

// Each coefficient of the example is converted to the normals' Pearson ρ and
// back exactly (to rounding).
TEST(Copula, SpearmanPearsonConversion) {
  for (double s : {-0.99, -0.5, 0.0, 0.3, 0.9}) EXPECT_NEAR(spearman_from_pearson(pearson_from_spearman(s)), s, 1e-15);
  EXPECT_DOUBLE_EQ(pearson_from_spearman(1.0), 1.0);
  EXPECT_DOUBLE_EQ(pearson_from_spearman(0.5), 2 * std::sin(M_PI / 12));
}

// Higham (2002), section 4: the nearest correlation matrix to the
// tridiagonal (−1, 2, −1) matrix of order 4, to the 4 decimals printed there.
TEST(Copula, HighamNearestCorrelationMatrix) {
  const std::vector<double> a = {2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2};
  const std::vector<double> x = nearest_correlation(a, 4, 0.0);
  const std::vector<double> expected = {1,      -0.8084, 0.1916, 0.1068,  -0.8084, 1,      -0.6562, 0.1916,
                                        0.1916, -0.6562, 1,      -0.8084, 0.1068,  0.1916, -0.8084, 1};
  for (std::size_t i = 0; i < 16; ++i) EXPECT_NEAR(x[i], expected[i], 1e-4) << i;
}

TEST(Copula, LoaderErrorsArePositioned) {
  const std::string head = "parameters:\n  a: uniform(0, 1)\n  b: normal(0, 1)\n  k: 3\n";
  const std::string tail = "outputs:\n  o: a + b + k\n";
  EXPECT_NE(error_of(head + "correlations:\n  - [a, bb, 0.5]\n" + tail)
                .find("model.yaml:6:9: error: correlations: `bb` is not a parameter"),
            std::string::npos);
  EXPECT_NE(error_of(head + "correlations:\n  - [a, a, 0.5]\n" + tail)
                .find("6:9: error: correlations: `a` is correlated with itself"),
            std::string::npos);
  EXPECT_NE(error_of(head + "correlations:\n  - [a, b, 1.5]\n" + tail)
                .find("6:5: error: correlations: the rank correlation of `a` and `b` must lie strictly between -1 and "
                      "1, got 1.5"),
            std::string::npos);
  EXPECT_NE(error_of(head + "correlations:\n  - [a, b, 0.5]\n  - [b, a, 0.4]\n" + tail)
                .find("7:5: error: correlations: the pair `a`, `b` is given twice (first at line 6)"),
            std::string::npos);
  EXPECT_NE(error_of(head + "correlations:\n  - [a, k, 0.5]\n" + tail)
                .find("6:9: error: correlations: `k` is the constant 3, which cannot be correlated"),
            std::string::npos);
  EXPECT_NE(error_of(head + "correlations:\n  parameters: [a, b]\n  matrix: [[1, 0.5], [0.4, 1]]\n" + tail)
                .find("`matrix:` must be symmetric: row 2, column 1 is 0.4 but row 1, column 2 is 0.5"),
            std::string::npos);
  EXPECT_NE(error_of(head + "correlations:\n  parameters: [a, b]\n  matrix: [[1, 0.5], [0.5, 2]]\n" + tail)
                .find("the diagonal of `matrix:` must be 1, got 2"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "correlations:\n  - [a, b]\n" + tail).find("6:5: error: correlations: each entry is a pair"),
      std::string::npos);
  EXPECT_NE(
      error_of(head + "correlations:\n  - [a, b, 0.5]\nscenarios:\n  s:\n    correlations:\n      - [a, c, 0.1]\n" +
               tail)
          .find("correlations of scenario `s`: `c` is not a parameter"),
      std::string::npos);
}

// A matrix that is not positive definite: the error names the group, its
// position and smallest eigenvalue, and the nearest valid matrix it prints
// is accepted when pasted in.
TEST(Copula, NotPositiveDefiniteGetsTheNearestMatrix) {
  const std::string head = "parameters:\n  a: uniform(0, 1)\n  b: uniform(0, 1)\n  c: pert(0, 1, 3)\n";
  const std::string tail = "outputs:\n  o: a + b + c\n";
  const std::string message =
      error_of(head + "correlations:\n  - [a, b, 0.9]\n  - [b, c, 0.9]\n  - [a, c, -0.9]\n" + tail);
  EXPECT_NE(message.find("model.yaml:6:5: error: the rank correlations of a, b, c are not a valid correlation matrix"),
            std::string::npos)
      << message;
  // The rank matrix's own eigenvalues are 1.9, 1.9 and -0.8.
  EXPECT_NE(message.find("not positive semidefinite (its smallest eigenvalue is -0.8)"), std::string::npos) << message;
  const std::string pasted = suggested_section(message);
  const Model fixed = load(head + pasted + "\n" + tail);
  ASSERT_EQ(fixed.correlations.size(), 3u);
  const std::vector<CopulaGroup> groups = copula_groups(fixed);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_FALSE(groups[0].cholesky.empty());
  // The same, found in a scenario only.
  const std::string in_scenario =
      error_of(head +
               "correlations:\n  - [a, b, 0.9]\n  - [b, c, 0.9]\nscenarios:\n  s:\n    correlations:\n"
               "      - [a, c, -0.9]\n" +
               tail);
  EXPECT_NE(in_scenario.find("not a valid correlation matrix"), std::string::npos) << in_scenario;
  EXPECT_NE(in_scenario.find("in scenario `s`"), std::string::npos) << in_scenario;
}

// A scenario that fixes a correlated parameter changes only that parameter:
// the others keep their draws bit for bit (common random numbers, the trial's
// F7), and so their correlations with each other.
TEST(Copula, ScenarioFixingAParameterKeepsTheOthersDraws) {
  const std::string text = std::string(kModel) + "  fixed:\n    parameters:\n      a: 2\n";
  const Model model = load(text);
  const Model fixed = apply_scenario(model, *model.find_scenario("fixed"));
  ASSERT_EQ(copula_groups(fixed).size(), 1u);
  EXPECT_EQ(copula_groups(fixed)[0].parameters.size(), 4u);  // a stays in the group, its normal feeds the others
  const SampleColumns base = run(text, 3'000), c = run(text, 3'000, 1, 256, "fixed");
  for (double v : c.values[0]) ASSERT_EQ(v, 2.0);
  for (int i = 1; i < 5; ++i) EXPECT_TRUE(same_bits(base.values[i], c.values[i])) << c.names[i];
}

// A scenario that frees a parameter of all its pairs (ρ = 0) keeps it drawn
// through its own normal: the first member by name keeps its draws exactly.
TEST(Copula, ScenarioFreeingTheFirstMemberKeepsItsDraws) {
  const std::string text =
      std::string(kModel) + "  free_a:\n    correlations:\n      - [a, b, 0]\n      - [a, c, 0]\n      - [a, d, 0]\n";
  const SampleColumns base = run(text, 3'000), freed = run(text, 3'000, 1, 256, "free_a");
  EXPECT_TRUE(same_bits(base.values[0], freed.values[0]));
  EXPECT_TRUE(same_bits(base.values[4], freed.values[4]));  // e, outside every correlation
  for (int i = 1; i < 4; ++i) EXPECT_FALSE(same_bits(base.values[i], freed.values[i])) << freed.names[i];
  const SampleColumns many = run(text, 200'000, 1, 256, "free_a");
  const RankCorrelation r = spearman(many.values[0], many.values[1]);
  // 0 within 4 standard errors (the interval's half-width / 1.96).
  EXPECT_NEAR(r.rho, 0.0, 4 * (r.ci_high - r.ci_low) / (2 * 1.96));
}

}  // namespace
}  // namespace riskcast

namespace riskcast {
namespace {

// Sensitivity lists the parameters as written, each with the rank
// correlation the copula gave it with the output: never the copula's normals.
TEST(Copula, SensitivityReportsTheUsersParameters) {
  SensitivityRequest request;
  request.settings.samples = 20'000;
  request.settings.seed = kSeed;
  request.output = "oa";
  request.scenario_deltas = false;
  const SensitivityResult result = analyze_sensitivity(load(kModel), request);
  std::vector<std::string> names;
  for (const Driver& d : result.tornado) {
    names.push_back(d.name);
    EXPECT_EQ(d.kind, "parameter");
    // oa is a itself: its driver b has ρ(a, b) = 0.6 (4 standard errors).
    if (d.name == "b") {
      EXPECT_NEAR(d.rho, 0.6, 4 * (d.ci_high - d.ci_low) / (2 * 1.96));
    }
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

// The caveat of docs/analysis.md: b, with no effect on the output but
// correlated with the driver a, ranks above c, which has one; the result
// names the correlated inputs, and the table prints the note.
TEST(Copula, SensitivityNotesThatCorrelatedInputsShareTheirRho) {
  SensitivityRequest request;
  request.settings.samples = 20'000;
  request.settings.seed = kSeed;
  request.scenario_deltas = false;
  const SensitivityResult result = analyze_sensitivity(
      load("parameters:\n  a: normal(0, 1)\n  b: normal(0, 1)\n  c: normal(0, 1)\ncorrelations:\n  - [a, b, 0.8]\n"
           "outputs:\n  s: a + 0 * b + 0.5 * c\n"),
      request);
  EXPECT_EQ(result.correlated, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(result.tornado.size(), 3u);
  EXPECT_EQ(result.tornado[0].name, "a");
  EXPECT_EQ(result.tornado[1].name, "b");
  EXPECT_EQ(result.tornado[2].name, "c");
  const std::string table = format_sensitivity(result, Format::Table);
  EXPECT_NE(table.find("Correlated inputs (a, b): each one's ρ includes what it shares with those it is correlated "
                       "with, so one with no effect of its own can rank above an independent input that has one"),
            std::string::npos)
      << table;
  EXPECT_NE(format_sensitivity(analyze_sensitivity(load(kModel), request), Format::Table)
                .find("Correlated inputs (a, b, c, d): "),
            std::string::npos);
  // Without correlations, no note.
  EXPECT_EQ(format_sensitivity(analyze_sensitivity(load("parameters:\n  a: normal(0, 1)\noutputs:\n  s: a\n"), request),
                               Format::Table)
                .find("Correlated inputs"),
            std::string::npos);
}

}  // namespace
}  // namespace riskcast

namespace riskcast {
namespace {

const std::string kThree = "parameters:\n  a: normal(0, 1)\n  b: normal(0, 1)\n  c: normal(0, 1)\n";

// A rank matrix that is a valid correlation matrix but whose Pearson image
// is not (the trial's sp.yaml) is told apart from one that is no
// correlation matrix at all, with both smallest eigenvalues.
TEST(Copula, UnreachableByTheCopulaIsToldFromInvalid) {
  const std::string message = error_of(kThree +
                                       "correlations:\n  parameters: [a, b, c]\n  matrix:\n    - [1, 0.56, -0.03]\n"
                                       "    - [0.56, 1, -0.83]\n    - [-0.03, -0.83, 1]\noutputs:\n  o: a + b + c\n");
  EXPECT_NE(message.find("the rank correlations of a, b, c cannot be reached by a Gaussian copula: its Pearson "
                         "matrix 2·sin(π·ρ_S/6) is not positive definite (smallest eigenvalue -0.0069038; the copula "
                         "needs more than 1e-9 for a Cholesky factor safe from rounding), although the rank matrix "
                         "itself is a valid correlation matrix (smallest eigenvalue 0.0124986)"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("not a valid correlation matrix"), std::string::npos) << message;
  const Model fixed = load(kThree + suggested_section(message) + "\noutputs:\n  o: a + b + c\n");
  EXPECT_FALSE(copula_groups(fixed).at(0).cholesky.empty());
}

// A positive eigenvalue below the 1e-9 margin is "too close to singular",
// not "not positive definite"; the suggestion moves the coefficient no
// further than the printed decimals need (0.9999, not the 0.9989 a floor of
// 1e-3 gave).
TEST(Copula, NearlySingularIsNamedAndSuggestedMinimally) {
  const std::string message = error_of(kThree + "correlations:\n  - [a, b, 0.9999999999]\noutputs:\n  o: a + b + c\n");
  EXPECT_NE(message.find("cannot be reached by a Gaussian copula: its Pearson matrix 2·sin(π·ρ_S/6) is too close to "
                         "singular (smallest eigenvalue 9.06901e-11; the copula needs more than 1e-9"),
            std::string::npos)
      << message;
  const std::string section = suggested_section(message);
  EXPECT_EQ(section, "correlations: {parameters: [a, b], matrix: [[1, 0.9999], [0.9999, 1]]}") << message;
  const Model fixed = load(kThree + section + "\noutputs:\n  o: a + b + c\n");
  EXPECT_FALSE(copula_groups(fixed).at(0).cholesky.empty());
}

// The suggestion is the whole section: pasting it keeps the pairs of the
// other groups (the trial's twogroups.yaml lost d–e).
TEST(Copula, SuggestedSectionKeepsTheOtherGroups) {
  const std::string head = kThree + "  d: normal(0, 1)\n  e: normal(0, 1)\n";
  const std::string tail = "outputs:\n  o: a + b + c + d + e\n";
  const std::string message =
      error_of(head + "correlations:\n  - [d, e, 0.5]\n  - [a, b, 0.9]\n  - [b, c, 0.9]\n  - [a, c, -0.9]\n" + tail);
  const std::string section = suggested_section(message);
  EXPECT_EQ(section.rfind("correlations: [[d, e, 0.5], {parameters: [a, b, c], matrix: [[1, 0.", 0), 0u) << message;
  const Model fixed = load(head + section + "\n" + tail);
  ASSERT_EQ(fixed.correlations.size(), 4u);
  EXPECT_EQ(fixed.correlations[0].first, "d");
  EXPECT_EQ(fixed.correlations[0].rho, 0.5);
  const std::vector<CopulaGroup> groups = copula_groups(fixed);
  ASSERT_EQ(groups.size(), 2u);
  for (const CopulaGroup& g : groups) EXPECT_FALSE(g.cholesky.empty());
  // Two failing groups: both repaired by the one section, given once.
  const std::string two = error_of(head +
                                   "correlations:\n  - [a, b, 0.9]\n  - [b, c, 0.9]\n  - [a, c, -0.9]\n"
                                   "  - [d, e, 0.99999999999]\n" +
                                   tail);
  EXPECT_NE(two.find("the section suggested at line 8, column 5 replaces this group too"), std::string::npos) << two;
  EXPECT_NE(two.find("{parameters: [d, e], matrix: [[1, 0.9999], [0.9999, 1]]}"), std::string::npos) << two;
}

// A scenario's matrix is reported at the scenario's own pair (the trial's
// sb_nonpd.yaml pointed at the model's section), once, and its suggestion
// is the scenario's section; a group that fails in the model is not
// reported again for every scenario.
TEST(Copula, ScenarioErrorsPointAtTheScenariosPair) {
  const std::string text = kThree +
                           "correlations:\n  - [a, b, 0.6]\n  - [b, c, 0.6]\noutputs:\n  o: a + b + c\n"
                           "scenarios:\n  x:\n    correlations:\n      - [a, c, -0.9]\n";
  const std::string message = error_of(text);
  EXPECT_EQ(message.rfind("model.yaml:13:9: error: the rank correlations of a, b, c in scenario `x` are not a valid "
                          "correlation matrix",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("as the scenario's whole section to paste"), std::string::npos) << message;
  const std::string fixed_text =
      text.substr(0, text.rfind("    correlations:")) + "    " + suggested_section(message) + "\n";
  const Model fixed = load(fixed_text);
  EXPECT_FALSE(copula_groups(apply_scenario(fixed, *fixed.find_scenario("x"))).at(0).cholesky.empty());
  // Failing in the model: one error for the model and one for y, whose own
  // pair is in the group; none for z, which only fixes a parameter.
  const std::string model_wide = error_of(kThree +
                                          "correlations:\n  - [a, b, 0.9]\n  - [b, c, 0.9]\n  - [a, c, -0.9]\n"
                                          "outputs:\n  o: a + b + c\nscenarios:\n  y:\n    correlations:\n"
                                          "      - [a, b, 0.85]\n  z:\n    parameters:\n      a: 1\n");
  EXPECT_EQ(std::count(model_wide.begin(), model_wide.end(), '\n'), 2) << model_wide;
}

// A group of many parameters: the message names a few and stays short, and
// the corrected section comes from nearest_correlations (check
// --nearest-correlations), which pasted in gives a valid model.
TEST(Copula, LargeGroupsGetABoundedMessageAndTheSectionInAFile) {
  std::string params = "parameters:\n", sum = "0";
  for (int i = 0; i < 30; ++i) {
    params += "  p" + std::to_string(i) + ": uniform(0, 1)\n";
    sum += " + p" + std::to_string(i);
  }
  std::string pairs = "correlations:\n";
  for (int i = 0; i < 30; ++i)
    for (int j = i + 1; j < 30; ++j) pairs += "  - [p" + std::to_string(i) + ", p" + std::to_string(j) + ", -0.5]\n";
  const std::string text = params + pairs + "outputs:\n  o: " + sum + "\n";
  const std::string message = error_of(text);
  EXPECT_LT(message.size(), 600u) << message;
  EXPECT_NE(message.find("the rank correlations of p0, p1, p2, p3, p4, p5, p6, … (30 parameters)"), std::string::npos)
      << message;
  EXPECT_NE(message.find("is too long for a message: `riskcast check model.yaml --nearest-correlations FILE.yaml` "
                         "writes the model's corrected section to FILE.yaml"),
            std::string::npos)
      << message;
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "riskcast_copula_large.yaml";
  std::ofstream(file) << text;
  const std::string yaml = nearest_correlations(file.string());
  std::filesystem::remove(file);
  const std::size_t section = yaml.find("\ncorrelations:\n");
  ASSERT_NE(section, std::string::npos) << yaml;
  const Model fixed = load(params + yaml.substr(section + 1) + "outputs:\n  o: " + sum + "\n");
  const std::vector<CopulaGroup> groups = copula_groups(fixed);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].parameters.size(), 30u);
  EXPECT_FALSE(groups[0].cholesky.empty());
  // A valid model has nothing to correct.
  const std::filesystem::path valid = std::filesystem::temp_directory_path() / "riskcast_copula_valid.yaml";
  std::ofstream(valid) << kModel;
  EXPECT_EQ(nearest_correlations(valid.string()), "");
  std::filesystem::remove(valid);
}

// Pairs and matrices mix in one list; a pair given by both is an error; a
// mapping of another shape says which forms there are.
TEST(Copula, PairsAndMatricesMixInOneList) {
  const std::string tail = "outputs:\n  o: a + b + c\n";
  const Model model = load(
      kThree + "correlations:\n  - [a, b, 0.3]\n  - {parameters: [b, c], matrix: [[1, -0.4], [-0.4, 1]]}\n" + tail);
  ASSERT_EQ(model.correlations.size(), 2u);
  EXPECT_EQ(model.correlations[1].first, "b");
  EXPECT_EQ(model.correlations[1].rho, -0.4);
  EXPECT_NE(
      error_of(kThree + "correlations:\n  - [a, b, 0.3]\n  - {parameters: [a, b], matrix: [[1, 0], [0, 1]]}\n" + tail)
          .find("the pair `a`, `b` is given twice (first at line 6)"),
      std::string::npos);
  const std::string mapping = error_of(kThree + "correlations:\n  a: {b: 0.5}\n" + tail);
  EXPECT_EQ(mapping,
            "model.yaml:6:3: error: correlations must be a list of pairs (`- [a, b, 0.5]`), a matrix (`parameters: [a, "
            "b]` and `matrix:`), or a list mixing pairs and matrices (`- {parameters: [a, b], matrix: [[1, 0.5], "
            "[0.5, 1]]}`) (a pair is written `- [a, b, 0.5]`, one per line)\n");
  EXPECT_NE(error_of(kThree + "correlations:\n  - [a, b]\n" + tail)
                .find("6:5: error: correlations: each entry is a pair `[parameter, parameter, rank correlation]` or a "
                      "matrix"),
            std::string::npos);
}

// A distribution constant in effect has no ranks: refused at its name like
// a constant, in pairs and matrices; a scenario fixing a correlated
// parameter to one keeps it in its group (its value is the constant).
TEST(Copula, DistributionsConstantInEffectCannotBeCorrelated) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"3", "the constant 3"},
      {"binomial(10, 0)", "binomial(10, 0), always 0"},
      {"binomial(0, 0.5)", "binomial(0, 0.5), always 0"},
      {"binomial(4, 1)", "binomial(4, 1), always 4"},
      {"poisson(0)", "poisson(0), always 0"},
      {"bernoulli(0)", "bernoulli(0), always 0"},
      {"bernoulli(1)", "bernoulli(1), always 1"},
      {"\"discrete([7], [1])\"", "discrete([7], [1]), always 7"},
      {"\"discrete([7, 8], [1, 0])\"", "discrete([7, 8], [1, 0]), always 7"},
      {"\"mixture([3, 3], [1, 1])\"", "mixture([3, 3], [1, 1]), always 3"},
      {"\"mixture([3, binomial(5, 0), normal(0, 1)], [1, 0, 0])\"",
       "mixture([3, binomial(5, 0), normal(0, 1)], [1, 0, 0]), always 3"},
  };
  for (const auto& [dist, what] : cases) {
    SCOPED_TRACE(dist);
    const std::string head = "parameters:\n  a: normal(0, 1)\n  k: " + dist + "\n";
    EXPECT_NE(error_of(head + "correlations:\n  - [a, k, 0.5]\noutputs:\n  o: a + k\n")
                  .find("model.yaml:5:9: error: correlations: `k` is " + what + ", which cannot be correlated"),
              std::string::npos);
    EXPECT_NE(
        error_of(head + "correlations:\n  parameters: [a, k]\n  matrix: [[1, 0.5], [0.5, 1]]\noutputs:\n  o: a + k\n")
            .find("model.yaml:5:19: error: correlations: `k` is " + what),
        std::string::npos);
  }
  // Varying laws with ties are accepted.
  for (const char* dist : {"bernoulli(0.5)", "binomial(1, 0.01)", "poisson(0.001)", "\"discrete([7, 8], [1, 1])\""})
    load(std::string("parameters:\n  a: normal(0, 1)\n  k: ") + dist +
         "\ncorrelations:\n  - [a, k, 0.5]\noutputs:\n  o: a + k\n");
  const Model model = load(kThree +
                           "correlations:\n  - [a, b, 0.5]\n  - [b, c, 0.5]\noutputs:\n  o: a + b + c\n"
                           "scenarios:\n  fixed:\n    parameters:\n      b: binomial(3, 0)\n");
  const Model fixed = apply_scenario(model, *model.find_scenario("fixed"));
  EXPECT_EQ(fixed.correlations.size(), 2u);
  ASSERT_EQ(copula_groups(fixed).size(), 1u);
  EXPECT_FALSE(copula_groups(fixed)[0].cholesky.empty());
}

// A name that is not a parameter, or cannot be correlated, is one error in a
// matrix, not one per pair it is in (the trial's F1).
TEST(Copula, AMatrixReportsEachBadNameOnce) {
  const std::string text =
      "parameters:\n  a: normal(0, 1)\n  k: 3\ncorrelations:\n  parameters: [a, x, k, y]\n"
      "  matrix: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]\noutputs:\n  o: a + k\n";
  const std::string message = error_of(text);
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = message.find(what); at != std::string::npos; at = message.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("`x` is not a parameter"), 1u) << message;
  EXPECT_EQ(count("`y` is not a parameter"), 1u) << message;
  EXPECT_EQ(count("`k` is the constant 3"), 1u) << message;
}

// The members of a group are factored in name order: listing the
// parameters in another order draws the same values.
TEST(Copula, DrawsDoNotDependOnTheOrderOfParameters) {
  std::string reordered = kModel;
  const std::string lines = "  a: pert(1, 3, 10)\n  b: lognormal(0, 0.5)\n  c: beta(2, 5)\n  d: uniform(-1, 1)\n";
  reordered.replace(reordered.find(lines), lines.size(),
                    "  d: uniform(-1, 1)\n  b: lognormal(0, 0.5)\n  c: beta(2, 5)\n  a: pert(1, 3, 10)\n");
  const SampleColumns one = run(kModel, 3'000), other = run(reordered, 3'000);
  ASSERT_EQ(one.names, other.names);  // outputs oa … oe
  for (std::size_t o = 0; o < one.names.size(); ++o)
    EXPECT_TRUE(same_bits(one.values[o], other.values[o])) << one.names[o];
}

// Ties shrink the rank correlation the copula reaches (docs/language.md's
// table). For a normal against bernoulli(0.5), the population value is
// √192·asin(r/√2)/(4π) with r = 2·sin(π·ρ_S/6): the correlation of Φ(Z₁)
// with the mid-ranks 1/4 and 3/4, from the orthant probability of
// (Z₁ − W, Z₂). At ρ_S = 0.9 it is 0.7687; the sample coefficient lies
// within 4 standard errors of it at 2,000 and 200,000 samples.
TEST(Copula, TiesShrinkTheRankCorrelationAsPredicted) {
  const double r = pearson_from_spearman(0.9);
  const double population = std::sqrt(192.0) * std::asin(r / std::sqrt(2.0)) / (4 * M_PI);
  EXPECT_NEAR(population, 0.7687, 5e-5);
  const std::string text =
      "parameters:\n  a: normal(0, 1)\n  b: bernoulli(0.5)\ncorrelations:\n  - [a, b, 0.9]\noutputs:\n  oa: a\n  ob: "
      "b\n";
  for (std::uint64_t n : {2'000u, 200'000u}) {
    const SampleColumns c = run(text, n);
    const RankCorrelation rho = spearman(c.values[0], c.values[1]);
    EXPECT_NEAR(rho.rho, population, 4 * (rho.ci_high - rho.ci_low) / (2 * 1.96)) << n;
  }
}

}  // namespace
}  // namespace riskcast
