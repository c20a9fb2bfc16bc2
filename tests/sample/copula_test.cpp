// Correlated parameters through the Gaussian copula (docs/language.md,
// "Correlations"): the rank correlations asked for, marginals unchanged,
// bit-identical for any thread count, other parameters' draws untouched;
// the loader's errors and Higham's nearest matrix.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "riskcast/copula.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
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
// correlations were added; one removed by a scenario (ρ = 0) draws from its
// own stream again.
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
  EXPECT_NE(error_of(head + "correlations:\n  - [a, b]\n" + tail).find("6:5: error: correlations: each pair is"),
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
  EXPECT_NE(message.find("smallest eigenvalue is -0.81"), std::string::npos) << message;
  const std::string marker = "the nearest valid matrix (Higham 2002): ";
  const std::size_t at = message.find(marker);
  ASSERT_NE(at, std::string::npos) << message;
  const std::string pasted = message.substr(at + marker.size(), message.rfind(')') - at - marker.size());
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

// A scenario that fixes a correlated parameter leaves the others correlated.
TEST(Copula, ScenarioFixingAParameterDropsItsPairs) {
  const std::string text = std::string(kModel) + "  fixed:\n    parameters:\n      a: 2\n";
  const Model model = load(text);
  const Model fixed = apply_scenario(model, *model.find_scenario("fixed"));
  for (const ParameterCorrelation& c : fixed.correlations) EXPECT_TRUE(c.first != "a" && c.second != "a");
  const SampleColumns c = run(text, 3'000, 1, 256, "fixed");
  for (double v : c.values[0]) ASSERT_EQ(v, 2.0);
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

}  // namespace
}  // namespace riskcast
