// The passes a streamed run makes (streaming.hpp) against the naive
// reference: every selected value against the sorted column, bit for bit,
// whatever the budget, the data or the order the chunks arrive in; the
// moments' chunk functions against moments_of and a long-double reference.
#include "riskcast/streaming.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "riskcast/statistics.hpp"

namespace riskcast {
namespace {

// Columns of the kinds that break bucketing: atoms at 0 and at the ends,
// 0/1 indicators, both zeros, heavy tails, a range from −1e300 to 1e300,
// subnormals, integers, one outlier far from a constant.
std::vector<std::pair<std::string, std::vector<double>>> awkward_columns(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  std::vector<std::pair<std::string, std::vector<double>>> columns;
  auto make = [&](const std::string& name, auto draw) {
    std::vector<double> v(n);
    for (double& x : v) x = draw();
    columns.emplace_back(name, std::move(v));
  };
  make("normal", [&] { return normal(rng); });
  make("lognormal_sigma3", [&] { return std::exp(3 * normal(rng)); });
  make("share_atom_at_0", [&] { return uniform(rng) < 0.3 ? 0.0 : uniform(rng); });
  make("indicator", [&] { return uniform(rng) < 0.07 ? 1.0 : 0.0; });
  make("signed_zeros", [&] {
    const double u = uniform(rng);
    return u < 0.25 ? -0.0 : u < 0.5 ? 0.0 : normal(rng);
  });
  make("huge_range", [&] { return std::ldexp(normal(rng), static_cast<int>(uniform(rng) * 1990) - 995); });
  make("subnormal", [&] { return uniform(rng) * 1e-310; });
  make("integers", [&] { return std::floor(uniform(rng) * 7); });
  make("constant_with_outlier", [&] { return uniform(rng) < 0.001 ? 1e12 : 42.0; });
  make("narrow", [&] { return 1e6 + 1e-9 * normal(rng); });
  return columns;
}

// Every rank a summary of P0.1, P1 … P99, P99.9 needs, less the minimum
// and maximum (as a streamed run asks).
std::vector<std::uint64_t> wanted_ranks(std::uint64_t n) {
  std::vector<double> p = with_standard_percentiles(std::vector<double>{0.001, 0.999});
  std::vector<std::uint64_t> ranks = plan_percentiles(n, p).ranks;
  std::erase_if(ranks, [&](std::uint64_t r) { return r == 0 || r == n - 1; });
  return ranks;
}

// Runs the selection's passes over `column` in chunks of `chunk`, the
// chunks split between two tallies (two threads) and visited in a shuffled
// order each pass. Returns the passes made.
std::uint64_t select_in_passes(StreamedSelection& s, const std::vector<double>& column, std::size_t chunk,
                               const SelectionBudget& budget, unsigned seed) {
  const std::span<const double> all(column);
  s.plan_first_pass(all.first(std::min(chunk, column.size())), budget);
  std::mt19937 rng(seed);
  while (s.pending()) {
    std::vector<std::size_t> starts;
    for (std::size_t at = 0; at < column.size(); at += chunk) starts.push_back(at);
    std::shuffle(starts.begin(), starts.end(), rng);
    StreamedSelection::Tally a = s.tally(), b = s.tally();
    for (std::size_t i = 0; i < starts.size(); ++i)
      s.observe(i % 2 ? a : b, all.subspan(starts[i], std::min(chunk, column.size() - starts[i])));
    s.absorb(a);
    s.absorb(b);
    s.finish_pass(budget, budget.gathered_values);
    if (s.passes() > 40) break;  // a runaway loop fails below, not forever
  }
  return s.passes();
}

void expect_exact(const std::vector<double>& column, const SelectionBudget& budget, std::size_t chunk,
                  const std::string& what) {
  std::vector<double> sorted = column;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<std::uint64_t> ranks = wanted_ranks(column.size());
  StreamedSelection s(column.size(), ranks);
  const std::uint64_t passes = select_in_passes(s, column, chunk, budget, 7);
  ASSERT_LE(passes, 40u) << what;
  for (std::uint64_t r : ranks) {
    // ±0 compare equal and either may sit at a rank: equal as numbers;
    // every other value bit for bit.
    const double got = s.value_at(r);
    if (sorted[r] == 0.0)
      EXPECT_EQ(got, 0.0) << what << " rank " << r;
    else
      EXPECT_EQ(std::bit_cast<std::uint64_t>(got), std::bit_cast<std::uint64_t>(sorted[r]))
          << what << " rank " << r << ": " << got << " vs " << sorted[r];
  }
}

TEST(StreamedSelection, OrderKeysKeepTheOrderOfDoubles) {
  const std::vector<double> ascending = {-std::numeric_limits<double>::infinity(),
                                         -std::numeric_limits<double>::max(),
                                         -1.0,
                                         -std::numeric_limits<double>::denorm_min(),
                                         -0.0,
                                         0.0,
                                         std::numeric_limits<double>::denorm_min(),
                                         std::numeric_limits<double>::min(),
                                         1.0,
                                         std::nextafter(1.0, 2.0),
                                         std::numeric_limits<double>::max(),
                                         std::numeric_limits<double>::infinity()};
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(from_order_key(order_key(ascending[i]))),
              std::bit_cast<std::uint64_t>(ascending[i]));
    if (i > 0) {
      EXPECT_LT(order_key(ascending[i - 1]), order_key(ascending[i])) << ascending[i];
    }
  }
}

// The default budget: exact for every kind of column, at sizes around the
// chunk size, and in two passes for continuous data.
TEST(StreamedSelection, ExactForAwkwardColumnsWithTheDefaultBudget) {
  for (std::size_t n : {1u, 2u, 3u, 17u, 1000u, 65536u, 200001u})
    for (const auto& [name, column] : awkward_columns(n, static_cast<unsigned>(n)))
      expect_exact(column, SelectionBudget{}, kMomentChunk, name + " n=" + std::to_string(n));
  StreamedSelection s(200001, wanted_ranks(200001));
  EXPECT_EQ(select_in_passes(s, awkward_columns(200001, 3).front().second, kMomentChunk, SelectionBudget{}, 1), 2u)
      << "a normal column: one counting pass, one keeping pass";
}

// Tiny budgets force refinement (buckets counted again, finer) and pilots
// that miss most of the data (chunks of 100): still exact, and an atom is
// resolved by its bucket's keys, not by refining it to one key.
TEST(StreamedSelection, ExactWhenTheBudgetForcesRefinement) {
  const std::vector<SelectionBudget> budgets = {{4, 2, 0}, {16, 4, 100}, {256, 16, 5000}, {1u << 16, 1u << 12, 1}};
  for (const SelectionBudget& budget : budgets)
    for (const auto& [name, column] : awkward_columns(20000, 11))
      expect_exact(column, budget, 100,
                   fmt::format("{} budget ({}, {}, {})", name, budget.coarse_buckets, budget.fine_buckets,
                               budget.gathered_values));
  for (const auto& [name, column] : awkward_columns(20000, 5)) {
    if (name != "indicator") continue;
    StreamedSelection s(column.size(), wanted_ranks(column.size()));
    EXPECT_EQ(select_in_passes(s, column, 100, {4, 2, 0}, 3), 1u) << name << ": its atoms are known after counting";
  }
}

// moments_of is the two chunk passes over the stored column.
TEST(MomentPasses, MomentsOfIsTheTwoChunkPasses) {
  for (const auto& [name, column] : awkward_columns(150000, 21)) {
    MomentTotals totals;
    totals.origin = column.front();
    const std::span<const double> all(column);
    // Each chunk in pieces of 1,000 values, as a streamed run hands them on.
    auto in_pieces = [&](std::size_t at, auto&& f) {
      const std::size_t end = std::min(column.size(), at + kMomentChunk);
      for (std::size_t from = at; from < end; from += 1000)
        f(all.subspan(from, std::min<std::size_t>(1000, end - from)));
    };
    for (std::size_t at = 0; at < column.size(); at += kMomentChunk) {
      MomentChunk c;
      in_pieces(at, [&](std::span<const double> piece) { first_moment_pass(c, piece, totals.origin); });
      add_chunk(totals, c);
    }
    const SecondMomentPass pass = second_moment_pass_of(totals);
    SquareChunk squares;
    for (std::size_t at = 0; pass.needed && at < column.size(); at += kMomentChunk) {
      SquareChunk c;
      in_pieces(at, [&](std::span<const double> piece) { second_moment_pass(c, piece, pass); });
      squares.sum += c.sum;
      squares.squares += c.squares;
    }
    const Moments streamed = moments_from(totals, pass, squares), stored = moments_of(column);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(streamed.mean), std::bit_cast<std::uint64_t>(stored.mean)) << name;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(streamed.sd), std::bit_cast<std::uint64_t>(stored.sd)) << name;
  }
}

// Against a long-double two-pass reference (the mean refined by a second
// pass: a one-pass long-double sum of 10^5 values near 1e6 is itself off by
// about 1e-11, 1% of the "narrow" column's sd; the squares corrected). Tolerances: summation
// rounding errors add up like a random walk, about √n·u of the
// deviations' size (u = 2^−53); 64·√n·u leaves room for unlucky runs
// while still failing a method that loses digits to cancellation (the
// naive Σx² − n·mean² is off by 100% on "narrow", where 1e6 ± 1e-9).
TEST(MomentPasses, AccurateAgainstALongDoubleReference) {
  for (const auto& [name, column] : awkward_columns(100000, 4)) {
    if (name == "huge_range" || name == "subnormal") continue;  // long double cannot hold their squares' sums
    const long double n = column.size();
    long double sum = 0;
    for (double x : column) sum += x;
    long double mean = sum / n, correction = 0;
    for (double x : column) correction += x - mean;
    mean += correction / n;
    // Even a long-double mean of "narrow" is off by up to 2^−44, which adds
    // (2^−44 / 1e-9)² ≈ 3e-9 to its squares about the mean: subtracted, as
    // the corrected two-pass formula does.
    long double squares = 0, deviations = 0;
    for (double x : column) {
      squares += (x - mean) * (x - mean);
      deviations += x - mean;
    }
    const double sd = static_cast<double>(std::sqrt((squares - deviations * deviations / n) / (n - 1)));
    const Moments m = moments_of(column);
    const double u = std::ldexp(1.0, -53), walk = 64 * std::sqrt(static_cast<double>(n)) * u;
    EXPECT_NEAR(m.mean, static_cast<double>(mean), u * std::fabs(static_cast<double>(mean)) + walk * sd) << name;
    EXPECT_NEAR(m.sd, sd, walk * sd) << name;
  }
}

// Magnitudes near the largest double: Σ (x − origin) overflows, the
// mid-range centre takes over, and the moments stay finite and right.
TEST(MomentPasses, SumsThatOverflowFallBackToTheMidRange) {
  std::vector<double> column;
  for (int i = 0; i < 1000; ++i) column.push_back(i % 2 ? 1.5e308 : -1.5e308);
  column.push_back(1.5e308);
  const Moments m = moments_of(column);
  EXPECT_TRUE(std::isfinite(m.mean));
  EXPECT_NEAR(m.mean / 1.5e308, 1.0 / 1001.0, 1e-12);
  EXPECT_NEAR(m.sd / 1.5e308, 1.0, 1e-3);
  EXPECT_TRUE(std::isnan(moments_of(std::vector<double>{1.0, INFINITY}).sd));
  EXPECT_EQ(moments_of(std::vector<double>{3.5, 3.5, 3.5}).sd, 0.0);
  EXPECT_EQ(moments_of(std::vector<double>{3.5, 3.5, 3.5}).mean, 3.5);
}

}  // namespace
}  // namespace riskcast
