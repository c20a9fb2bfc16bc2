// Innovations (docs/language.md "innovation"): a fresh draw every month,
// addressed by (sample, slot, month), read by monthly formulas, prev and
// aggregates in month m and by hazards in month m + 1; random walks, AR(1)
// and geometric Brownian motion built from them have their exact moments.
//
// Each statistical test uses a fixed seed and a tolerance derived from the
// Monte Carlo error, stated where it is used, at a small and a large n.
#include <gtest/gtest.h>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/uniform.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "riskcast/draw.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/random.hpp"
#include "riskcast/sampler.hpp"
#include "riskcast/statistics.hpp"
#include "support/cli_runner.hpp"
#include "support/doc_examples.hpp"

namespace riskcast {
namespace {

constexpr std::uint64_t kSeed = 31415;
// Small and large n of every statistical test.
constexpr std::uint64_t kSmall = 2'000, kLarge = 200'000;
// Every check below allows 4.5 standard errors: a normal deviate exceeds
// that with probability 6.8e-6, so a correct engine fails none of them (and
// with the fixed seed the outcome is the same on every run).
constexpr double kStandardErrors = 4.5;

Program compile_text(const std::string& yaml, const std::string& scenario = "base") {
  const Model model = load_model_text(yaml, "innovation.yaml");
  return compile_program(apply_scenario(model, *model.find_scenario(scenario)));
}

SampleColumns run(const std::string& yaml, std::uint64_t samples, const std::string& scenario = "base",
                  unsigned threads = 2, std::size_t block = 256, std::uint64_t first = 0) {
  RunSettings settings;
  settings.samples = samples;
  settings.seed = kSeed;
  settings.threads = threads;
  settings.block_size = block;
  settings.first_sample = first;
  return sample_program(compile_text(yaml, scenario), settings);
}

const std::vector<double>& column(const SampleColumns& c, const std::string& name) {
  for (std::size_t i = 0; i < c.names.size(); ++i)
    if (c.names[i] == name) return c.values[i];
  throw std::out_of_range("no output " + name);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// The sample variance, with n − 1 (moments_of's sd squared).
double variance_of(const std::vector<double>& x) {
  const double sd = moments_of(x).sd;
  return sd * sd;
}

// The sample mean lies within 4.5 standard errors √(σ²/n) of the exact mean.
void expect_mean(const std::vector<double>& x, double mean, double variance, const std::string& what) {
  const double se = std::sqrt(variance / static_cast<double>(x.size()));
  EXPECT_NEAR(mean_of(x), mean, kStandardErrors * se) << what << ", n = " << x.size();
}

// The sample variance s² lies within 4.5 standard errors of σ². For n draws
// of a law with excess kurtosis κ, Var(s²) = σ⁴·(2/(n − 1) + κ/n) (Cramér,
// Mathematical Methods of Statistics, 27.4).
void expect_variance(const std::vector<double>& x, double variance, double excess_kurtosis, const std::string& what) {
  const double n = static_cast<double>(x.size());
  const double se = variance * std::sqrt(2.0 / (n - 1.0) + excess_kurtosis / n);
  EXPECT_NEAR(variance_of(x), variance, kStandardErrors * se) << what << ", n = " << x.size();
}

// Twelve months of steps, each walk the sum of its innovations:
//  a: normal with a sd that grows by the month (formula arguments);
//  b: uniform on [−m, m] in month m (formula arguments, not normal);
//  c, c2: normal(0, 2), two innovations of the same law (constant arguments);
//  d: exponential (constant arguments, skewed);
//  e: gamma (constant arguments, drawn by Marsaglia and Tsang from several words).
const char* const kWalks = R"yaml(horizon: 12
events:
  a: {kind: innovation, dist: "normal(0, 0.5 + 0.1 * month)"}
  b: {kind: innovation, dist: "uniform(-month, month)"}
  c: {kind: innovation, dist: "normal(0, 2)"}
  c2: {kind: innovation, dist: "normal(0, 2)"}
  d: {kind: innovation, dist: exponential(0.5)}
  e: {kind: innovation, dist: "gamma(2, 1.5)"}
monthly:
  walk_a: prev(walk_a, 0) + a
  walk_b: prev(walk_b, 10) + b
  walk_c: prev(walk_c, 0) + c
  walk_d: prev(walk_d, 0) + d
  walk_e: prev(walk_e, 0) + e
outputs:
  end_a: last(walk_a)
  end_b: last(walk_b)
  end_c: last(walk_c)
  end_cc: last(walk_c) + sum(c2)
  end_d: last(walk_d)
  end_e: last(walk_e)
  a_month_7: sum(a, 7, 7)
  b_month_5: sum(b, 5, 5)
  d_month_12: last(d)
)yaml";

TEST(Innovation, RandomWalkVarianceIsTheSumOfItsStepVariances) {
  // Exact moments of each walk's end, a sum of 12 independent steps:
  // variances add, and fourth cumulants add (normal 0; uniform on [−a, a]
  // −2a⁴/15; exponential(λ) 6/λ⁴; gamma(k, θ) 6kθ⁴), which gives the
  // excess kurtosis κ4 / σ⁴ of the end.
  double var_a = 0, var_b = 0, k4_b = 0;
  for (int m = 1; m <= 12; ++m) {
    var_a += std::pow(0.5 + 0.1 * m, 2);
    var_b += m * m / 3.0;
    k4_b += -2.0 * std::pow(m, 4) / 15.0;
  }
  const double var_c = 12 * 4.0, var_d = 12 * 4.0, var_e = 12 * 2 * 1.5 * 1.5;
  const double kurt_d = 12 * 6 * std::pow(2.0, 4) / (var_d * var_d);
  const double kurt_e = 12 * 6 * 2 * std::pow(1.5, 4) / (var_e * var_e);
  for (std::uint64_t n : {kSmall, kLarge}) {
    const SampleColumns c = run(kWalks, n);
    expect_mean(column(c, "end_a"), 0.0, var_a, "normal steps, sd by month");
    expect_variance(column(c, "end_a"), var_a, 0.0, "normal steps, sd by month");
    expect_mean(column(c, "end_b"), 10.0, var_b, "uniform steps");
    expect_variance(column(c, "end_b"), var_b, k4_b / (var_b * var_b), "uniform steps");
    expect_variance(column(c, "end_c"), var_c, 0.0, "normal(0, 2) steps");
    // Two innovations of one law are independent: their variances add.
    expect_variance(column(c, "end_cc"), 2 * var_c, 0.0, "two innovations of one law");
    expect_mean(column(c, "end_d"), 12 * 2.0, var_d, "exponential steps");
    expect_variance(column(c, "end_d"), var_d, kurt_d, "exponential steps");
    expect_mean(column(c, "end_e"), 12 * 3.0, var_e, "gamma steps");
    expect_variance(column(c, "end_e"), var_e, kurt_e, "gamma steps");
  }
}

TEST(Innovation, EachMonthsDrawFollowsThatMonthsLaw) {
  // KS distance below its 0.1 % critical value.
  for (std::uint64_t n : {kSmall, kLarge}) {
    const SampleColumns c = run(kWalks, n);
    std::vector<double> a7 = column(c, "a_month_7"), b5 = column(c, "b_month_5"), d12 = column(c, "d_month_12");
    const boost::math::normal_distribution<double> normal(0.0, 1.2);
    const boost::math::uniform_distribution<double> uniform(-5.0, 5.0);
    EXPECT_LT(ks_statistic(a7, [&](double x) { return boost::math::cdf(normal, x); }), ks_critical_value(n, 0.001));
    EXPECT_LT(ks_statistic(b5, [&](double x) { return boost::math::cdf(uniform, x); }), ks_critical_value(n, 0.001));
    EXPECT_LT(ks_statistic(d12, [](double x) { return x <= 0 ? 0.0 : -std::expm1(-0.5 * x); }),
              ks_critical_value(n, 0.001));
  }
}

TEST(Innovation, Ar1ApproachesItsStationaryVariance) {
  // x_t = φ·x_(t−1) + ε_t, x_0 = 0, ε ~ N(0, σ²): x_T is normal with
  // variance σ²(1 − φ^(2T))/(1 − φ²), which after 60 months at φ = 0.8 is
  // the stationary σ²/(1 − φ²) to 2.4e-12 relative; corr(x_T, x_(T−1)) = φ·sd(x_(T−1))/sd(x_T),
  // estimated with standard error (1 − ρ²)/√n (Fisher).
  const char* const model = R"yaml(horizon: 60
parameters:
  phi: 0.8
events:
  eps: {kind: innovation, dist: "normal(0, 1.5)"}
monthly:
  x: phi * prev(x, 0) + eps
outputs:
  x_end: last(x)
  x_before: sum(x, 59, 59)
)yaml";
  const double phi = 0.8, sigma2 = 2.25;
  const double var_end = sigma2 * (1 - std::pow(phi, 120)) / (1 - phi * phi);
  const double var_before = sigma2 * (1 - std::pow(phi, 118)) / (1 - phi * phi);
  EXPECT_NEAR(var_end / (sigma2 / (1 - phi * phi)), 1.0, 1e-11);
  for (std::uint64_t n : {kSmall, kLarge}) {
    const SampleColumns c = run(model, n);
    const std::vector<double>&end = column(c, "x_end"), &before = column(c, "x_before");
    expect_variance(end, var_end, 0.0, "AR(1)");
    expect_mean(end, 0.0, var_end, "AR(1)");
    double covariance = 0;
    const double m0 = mean_of(end), m1 = mean_of(before);
    for (std::size_t i = 0; i < end.size(); ++i) covariance += (end[i] - m0) * (before[i] - m1);
    covariance /= static_cast<double>(n - 1);
    const double rho = phi * std::sqrt(var_before / var_end);
    const double r = covariance / std::sqrt(variance_of(end) * variance_of(before));
    EXPECT_NEAR(r, rho, kStandardErrors * (1 - rho * rho) / std::sqrt(static_cast<double>(n))) << "n = " << n;
  }
}

TEST(Innovation, GeometricBrownianMotionMeanIsS0ExpMuT) {
  // ln S_t = ln S_(t−1) + μ − σ²/2 + ε_t, ε ~ N(0, σ²): S_T is lognormal with
  // E[S_T] = S0·e^(μT) and Var(S_T) = S0²·e^(2μT)·(e^(σ²T) − 1).
  const char* const model = R"yaml(horizon: 12
parameters:
  p0: 100
  mu: 0.01
  sigma: 0.05
events:
  shock: {kind: innovation, dist: "normal(0, 0.05)"}
monthly:
  log_price: prev(log_price, log(p0)) + mu - sigma^2/2 + shock
outputs:
  price: exp(last(log_price))
)yaml";
  const double s0 = 100, mu = 0.01, sigma = 0.05, t = 12;
  const double mean = s0 * std::exp(mu * t);
  const double variance = s0 * s0 * std::exp(2 * mu * t) * std::expm1(sigma * sigma * t);
  for (std::uint64_t n : {kSmall, kLarge}) expect_mean(column(run(model, n), "price"), mean, variance, "GBM");
}

const char* const kRegimeNoise = R"yaml(horizon: 12
events:
  us_export:
    kind: regime
    states: [open, ban]
    initial: {open: 0.7, ban: 0.3}
    transitions: {open: {ban: 0.1}, ban: {open: 0.2}}
  shock: {kind: innovation, dist: "normal(0, us_export == ban ? 0.05 : 0.02)"}
outputs:
  total: sum(shock)
  ban_months: sum(us_export == ban)
  month_1: sum(shock, 1, 1)
  month_7: sum(shock, 7, 7)
scenarios:
  open_all_year: {events: {us_export: {fix: open}}}
  ban_all_year: {events: {us_export: {fix: ban}}}
)yaml";

TEST(Innovation, FormulaArgumentsReadTheMonthsRegime) {
  for (std::uint64_t n : {kSmall, kLarge}) {
    // Fixed regimes: 12 months at sd 0.02 or 0.05.
    const SampleColumns open = run(kRegimeNoise, n, "open_all_year");
    const SampleColumns ban = run(kRegimeNoise, n, "ban_all_year");
    expect_variance(column(open, "total"), 12 * 0.02 * 0.02, 0.0, "open all year");
    expect_variance(column(ban, "total"), 12 * 0.05 * 0.05, 0.0, "ban all year");
    // The same normal variate z in both (common random numbers), scaled by
    // the month's sd: a ban month's shock is 2.5 times the open month's.
    for (const char* month : {"month_1", "month_7"}) {
      const std::vector<double>&o = column(open, month), &b = column(ban, month);
      for (std::size_t i = 0; i < o.size(); ++i)
        ASSERT_NEAR(b[i], 2.5 * o[i], 4e-16 * std::fabs(b[i])) << month << ", sample " << i;
    }
    // The regime moving: given its path, the total is normal with variance
    // 0.02²·(open months) + 0.05²·(ban months), so total² minus that has
    // mean 0; within 4.5 standard errors of its sample sd / √n.
    const SampleColumns base = run(kRegimeNoise, n);
    const std::vector<double>&total = column(base, "total"), &bans = column(base, "ban_months");
    std::vector<double> residual(total.size());
    for (std::size_t i = 0; i < total.size(); ++i)
      residual[i] = total[i] * total[i] - (0.02 * 0.02 * (12 - bans[i]) + 0.05 * 0.05 * bans[i]);
    expect_mean(residual, 0.0, variance_of(residual), "regime-dependent sd");
  }
}

TEST(Innovation, MonthlyFormulasPrevAndAggregatesReadTheMonthsDraw) {
  // Every sample: prev(shock) is last month's draw; a hazard reads last
  // month's draw; an argument reads this month's arrivals; mean and last
  // are the aggregates of the same series.
  const char* const model = R"yaml(horizon: 24
events:
  arr: {kind: arrivals, rate: 2, size: 1}
  shock: {kind: innovation, dist: "normal(arr, 0.001)"}
  up:
    kind: switch
    initial: 0
    on: "shock > arr ? 1 : 0"
    off: "shock > arr ? 0 : 1"
monthly:
  last_month: prev(shock, -1)
  follows: "month == 1 or up == (prev(shock, 0) > prev(arr, 0))"
  same_as_before: prev(current, -1) == last_month
  current: shock
  gap: abs(shock - arr)
outputs:
  months_following: sum(follows)
  prev_matches: sum(same_as_before)
  largest_gap: max(gap)
  mean_is_sum_over_horizon: mean(shock) * 24 - sum(shock)
  last_is_last: last(shock) - sum(shock, 24, 24)
)yaml";
  const SampleColumns c = run(model, kSmall);
  for (std::size_t i = 0; i < kSmall; ++i) {
    ASSERT_EQ(column(c, "months_following")[i], 24.0) << "sample " << i;
    ASSERT_EQ(column(c, "prev_matches")[i], 24.0) << "sample " << i;
    // normal(arr, 0.001) lies within 10 sd of arr but with probability 1.5e-23.
    ASSERT_LT(column(c, "largest_gap")[i], 0.01) << "sample " << i;
    ASSERT_NEAR(column(c, "mean_is_sum_over_horizon")[i], 0.0, 1e-12) << "sample " << i;
    ASSERT_EQ(column(c, "last_is_last")[i], 0.0) << "sample " << i;
  }
}

// Month m's draw is the start of stream (seed, sample, `event:NAME`,
// substream m), drawn as a parameter of the month's law would be from it,
// whether the arguments are constants or formulas.
TEST(Innovation, DrawsAreAddressedBySampleSlotAndMonth) {
  const char* const model = R"yaml(horizon: 3
events:
  fixed_law: {kind: innovation, dist: "normal(1, 2)"}
  by_month: {kind: innovation, dist: "normal(1, 2 * month)"}
outputs:
  f1: sum(fixed_law, 1, 1)
  f3: sum(fixed_law, 3, 3)
  b1: sum(by_month, 1, 1)
  b3: sum(by_month, 3, 3)
)yaml";
  const std::uint64_t first = 5000, n = 300;
  const SampleColumns c = run(model, n, "base", 2, 64, first);
  Distribution law;
  law.kind = DistributionKind::Normal;
  law.args = {1, 2};
  const Sampler sampler(law);
  for (std::uint64_t i = 0; i < n; ++i) {
    for (std::uint32_t m : {1u, 3u}) {
      RandomStream constant_stream(kSeed, first + i, random_slot_for("event", "fixed_law"), substream_of(m));
      ASSERT_EQ(column(c, m == 1 ? "f1" : "f3")[i], sampler(constant_stream)) << "sample " << first + i;
      Distribution month_law = law;
      month_law.args[1] = 2.0 * m;
      RandomStream formula_stream(kSeed, first + i, random_slot_for("event", "by_month"), substream_of(m));
      ASSERT_EQ(column(c, m == 1 ? "b1" : "b3")[i], Sampler(month_law)(formula_stream)) << "sample " << first + i;
    }
  }
}

// The same law gives the same draws whether its arguments are constants or
// formulas (here the first argument plus 0 · month), kind by kind: both
// are drawn as a parameter of that law.
TEST(Innovation, FormulaArgumentsDrawWhatTheSameConstantsDraw) {
  const std::vector<std::pair<std::string, std::string>> laws = {
      {"uniform", "-1, 2"},
      {"triangular", "0, 1, 3"},
      {"pert", "0, 1, 4"},
      {"normal", "1, 2"},
      {"truncated_normal", "0, 1, -1, 2"},
      {"lognormal", "0, 0.5"},
      {"lognormal_ci90", "1, 10"},
      {"beta", "2, 3"},
      {"beta", "0.5, 0.7"},
      {"gamma", "0.5, 2"},
      {"gamma", "3, 1"},
      {"bernoulli", "0.3"},
      {"poisson", "4"},
      {"poisson", "40"},
      {"lognormal_mean_sd", "2, 1"},
      {"normal_percentiles", "0.1, 1, 0.9, 3"},
      {"lognormal_percentiles", "0.5, 30, 0.95, 120"},
      {"pert_p10_p50_p90", "14, 18, 26"},
      {"student_t", "4, 0, 1"},
      {"weibull", "1.5, 2"},
      {"exponential", "0.5"},
      {"binomial", "10, 0.3"},
      {"binomial", "1000, 0.4"},
      {"constant", "3"},
  };
  for (const auto& [name, args] : laws) {
    const std::string first = args.substr(0, args.find(','));
    const std::string formula_args = "(" + first + " + 0 * month)" + args.substr(first.size());
    const std::string model = "horizon: 5\nevents:\n  x: {kind: innovation, dist: \"" + name + "(" + args +
                              ")\"}\noutputs:\n  m1: sum(x, 1, 1)\n  m5: sum(x, 5, 5)\nscenarios:\n"
                              "  formulas: {events: {x: {dist: \"" +
                              name + "(" + formula_args + ")\"}}}\n";
    const SampleColumns constant = run(model, 2000, "base", 2, 64), formula = run(model, 2000, "formulas", 2, 64);
    for (std::size_t o = 0; o < constant.values.size(); ++o)
      EXPECT_TRUE(same_bits(constant.values[o], formula.values[o]))
          << name << "(" << args << "), " << constant.names[o];
  }
}

const char* const kMixedModel = R"yaml(horizon: 14
parameters:
  vol: uniform(0.5, 2)
events:
  r:
    kind: regime
    states: [calm, storm]
    initial: {calm: 0.8, storm: 0.2}
    transitions: {calm: {storm: 0.1}, storm: {calm: 0.3}}
  arr: {kind: arrivals, rate: "r == storm ? 3 : 0.5", size: "lognormal(0, 1)"}
  noise: {kind: innovation, dist: "normal(0, vol * (r == storm ? 3 : 1))"}
  jump: {kind: innovation, dist: "poisson(arr + 0.5)"}
  flat: {kind: innovation, dist: "student_t(4, 0, 0.1)"}
  pct: {kind: innovation, dist: "lognormal_mean_sd(1 + month / 10, vol)"}
  s: {kind: switch, on: "noise > 1 ? 0.5 : 0.01", off: 0.2}
monthly:
  level: prev(level, 0) + noise + jump + flat + pct + s
outputs:
  final: last(level)
  worst: min(level)
  noise_total: sum(noise)
)yaml";

TEST(Innovation, BitIdenticalForThreadsBlocksAndSplits) {
  const std::uint64_t n = 3001;  // not a multiple of any block size below: the last block is ragged
  const SampleColumns baseline = run(kMixedModel, n, "base", 1, 256);
  for (unsigned threads : {2u, 7u}) {
    const SampleColumns c = run(kMixedModel, n, "base", threads, 256);
    for (std::size_t o = 0; o < c.values.size(); ++o)
      EXPECT_TRUE(same_bits(baseline.values[o], c.values[o])) << "threads " << threads << ", " << c.names[o];
  }
  for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
    const SampleColumns c = run(kMixedModel, n, "base", 2, block);
    for (std::size_t o = 0; o < c.values.size(); ++o)
      EXPECT_TRUE(same_bits(baseline.values[o], c.values[o])) << "block " << block << ", " << c.names[o];
  }
  const std::uint64_t k = 1234;
  const SampleColumns low = run(kMixedModel, k, "base", 1, 7), high = run(kMixedModel, n - k, "base", 2, 64, k);
  for (std::size_t o = 0; o < baseline.values.size(); ++o) {
    std::vector<double> joined = low.values[o];
    joined.insert(joined.end(), high.values[o].begin(), high.values[o].end());
    EXPECT_TRUE(same_bits(baseline.values[o], joined)) << "split, " << baseline.names[o];
  }
}

std::string insert_after(std::string yaml, const std::string& header, const std::string& text) {
  const std::size_t at = yaml.find("\n" + header + "\n");
  EXPECT_NE(at, std::string::npos) << header;
  return yaml.insert(at + header.size() + 2, text);
}

TEST(Innovation, AddingOneChangesNoOtherDraws) {
  const std::string original = testing::read_text(testing::source_path("bench/models/reference.yaml"));
  std::string extended = insert_after(original, "events:",
                                      "  aaa_shock: {kind: innovation, dist: \"normal(0, month / 10)\"}\n"
                                      "  aab_shock: {kind: innovation, dist: \"gamma(2, 1)\"}\n");
  extended = insert_after(extended, "monthly:", "  aaa_walk: prev(aaa_walk, 0) + aaa_shock + aab_shock\n");
  extended = insert_after(extended, "outputs:", "  aaa_output: last(aaa_walk)\n");
  const SampleColumns before = run(original, 3001), after = run(extended, 3001);
  ASSERT_EQ(after.names.size(), before.names.size() + 1);
  for (std::size_t o = 0; o < before.names.size(); ++o)
    EXPECT_TRUE(same_bits(before.values[o], column(after, before.names[o]))) << before.names[o];
}

TEST(Innovation, ArgumentsOutsideTheDomainStopTheRunAtTheLowestSample) {
  // Month 1 gives sd = −2 in every sample: sample 0 is named.
  try {
    run("horizon: 4\nevents:\n  shock: {kind: innovation, dist: \"normal(0, month - 3)\"}\noutputs:\n  o: sum(shock)\n",
        100, "base", 2, 7);
    ADD_FAILURE() << "the run did not stop";
  } catch (const RunError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the distribution of `shock` is normal(0, -2) in sample 0, month 1, and normal(mean, sd) needs sd > 0, "
              "got sd = -2");
    EXPECT_EQ(e.pos(), (SourcePos{3, 36}));
  }
  // A parameter below 0.2 makes the law invalid in some samples: the lowest
  // is named whatever the threads and blocks.
  const std::string model =
      "horizon: 3\nparameters:\n  u: uniform(0, 1)\nevents:\n"
      "  shock: {kind: innovation, dist: \"bernoulli(month == 2 ? 1.25 - u : 0.5)\"}\noutputs:\n  o: sum(shock)\n";
  std::string first_message;
  for (auto [threads, block] :
       {std::pair{1u, std::size_t{256}}, std::pair{2u, std::size_t{7}}, std::pair{7u, std::size_t{1}}}) {
    try {
      run(model, 500, "base", threads, block);
      ADD_FAILURE() << "the run did not stop";
    } catch (const RunError& e) {
      if (first_message.empty()) first_message = e.what();
      EXPECT_EQ(e.what(), first_message);
      EXPECT_NE(first_message.find("month 2, and bernoulli(p) needs a probability in [0, 1]"), std::string::npos)
          << first_message;
    }
  }
}

// The examples of docs/language.md "innovation" load and run as written.
TEST(Innovation, LanguageGuideExamplesRun) {
  EXPECT_GE(testing::run_language_examples("### innovation"), 2);
}

}  // namespace
}  // namespace riskcast
