// The yardstick: reference model R1 written by hand as a straightforward
// C++ loop, with the same Philox generator, hand-written distributions and
// a full sort for percentiles. The engine is measured against it.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "handwritten_reference.hpp"
#include "riskcast/random.hpp"

namespace riskcast::bench {
namespace {

constexpr double kZ95 = 1.6448536269514722;
constexpr int kOutputs = 9;

struct Rng {
  RandomStream stream;
  double u() { return stream.uniform(); }
  double normal() {  // Box–Muller, one value per call
    const double r = std::sqrt(-2.0 * std::log(u()));
    return r * std::cos(6.283185307179586 * u());
  }
  double gamma(double a) {  // Marsaglia–Tsang, a >= 1
    const double d = a - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double w = u();
      if (w < 1.0 - 0.0331 * x * x * x * x || std::log(w) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }
  double beta(double a, double b) {
    const double x = gamma(a), y = gamma(b);
    return x / (x + y);
  }
  double uniform(double a, double b) { return a + (b - a) * u(); }
  double triangular(double a, double c, double b) {
    const double w = u(), f = (c - a) / (b - a);
    return w < f ? a + std::sqrt(w * (b - a) * (c - a)) : b - std::sqrt((1 - w) * (b - a) * (b - c));
  }
  double pert(double a, double c, double b) {
    return a + (b - a) * beta(1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a));
  }
  double lognormal_ci90(double lo, double hi) {
    const double mu = 0.5 * (std::log(lo) + std::log(hi)), sigma = (std::log(hi) - std::log(lo)) / (2 * kZ95);
    return std::exp(mu + sigma * normal());
  }
  int poisson(double lambda) {
    const double w = u();
    double p = std::exp(-lambda), cdf = p;
    int k = 0;
    while (w > cdf && k < 100) {
      ++k;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }
};

void simulate(std::uint64_t seed, std::uint64_t s, std::array<double, kOutputs>& out) {
  Rng r{RandomStream(seed, s, 1, 0)};
  const double demand_total = r.pert(1.3e6, 1.7e6, 2.5e6);
  const double training_fraction = r.beta(3, 5);
  const double nv_pref_training = r.beta(9, 1.5);
  const double nv_pref_inference = r.beta(3, 4);
  const double h200_cap = r.lognormal_ci90(1.5e5, 7.0e5);
  const double h20_cap = r.uniform(1.0e5, 4.0e5);
  const double cxmt = r.triangular(2.0e6, 2.5e6, 3.0e6);
  const double stockpile = r.uniform(3.0e5, 1.2e6);
  const double stacks_per_accel = r.uniform(5, 8);
  const double wafers = r.triangular(3.5e4, 4.5e4, 5.0e4);
  const double ai_fraction = r.beta(2, 6);
  const double good_dies = r.triangular(15, 25, 40);
  const double dies_per_accel = r.uniform(1.3, 2.0);
  const double ban_scope = r.beta(8, 2);
  const double eased_factor = r.uniform(0.3, 0.7);
  const double ramp_boost = r.uniform(0.2, 0.6);
  const double asp_h200 = r.uniform(2.5e4, 3.5e4), asp_h20 = r.uniform(1.0e4, 1.4e4);
  const double asp_domestic = r.uniform(1.2e4, 2.2e4);

  Rng events{RandomStream(seed, s, 2, 0)};
  int regime;  // 0 h20, 1 h200, 2 ban
  const double u0 = events.u();
  regime = u0 < 0.25 ? 0 : u0 < 0.95 ? 1 : 2;
  bool easing = false, breakthrough = false;
  double inventory = stockpile;
  double nv_value = 0, dom_value = 0, nv_units = 0, dom_units = 0;
  double q_nv[4] = {0, 0, 0, 0}, q_dom[4] = {0, 0, 0, 0};
  const double demand_T = demand_total * training_fraction / 12, demand_I = demand_total * (1 - training_fraction) / 12;
  const double logic_cap = wafers * ai_fraction * good_dies / dies_per_accel;
  for (int m = 1; m <= 12; ++m) {
    if (m > 1) {
      const int previous = regime;
      const double u = events.u();
      static constexpr double kMoves[3][3] = {{0, 0.08, 0.02}, {0.02, 0, 0.015}, {0.04, 0.02, 0}};
      double cumulative = 0;
      for (int to = 0; to < 3; ++to) {
        if (to == previous) continue;
        cumulative += kMoves[previous][to];
        if (u < cumulative) {
          regime = to;
          break;
        }
      }
      const double ue = events.u(), ub = events.u();
      if (!easing && ue < (previous == 1 ? 0.06 : 0.01)) easing = true;
      if (!breakthrough && ub < 0.03) breakthrough = true;
    }
    double smuggled = 0, gray = 0;
    for (int k = events.poisson(0.25); k > 0; --k) smuggled += events.lognormal_ci90(2.0e4, 1.5e5);
    for (int k = events.poisson(0.5); k > 0; --k) gray += events.lognormal_ci90(1.0e3, 2.0e4);
    const double nv_cap = regime == 1 ? h200_cap / 12 : regime == 0 ? h20_cap / 12 : 0;
    const double asp_nv = regime == 1 ? asp_h200 : asp_h20;
    const double scope = easing ? ban_scope * eased_factor : ban_scope;
    const double nv_want = (demand_T * nv_pref_training + demand_I * nv_pref_inference) * (1 - scope);
    const double nv_legal = std::min(nv_cap, nv_want);
    const double hbm = inventory + cxmt / 12 * (1 + ramp_boost * (breakthrough ? 1 : 0)) + smuggled;
    const double dom_cap = std::min(logic_cap, hbm / stacks_per_accel);
    const double dom_sold = std::min(dom_cap, std::max(demand_T + demand_I - nv_legal - gray, 0.0));
    inventory = hbm - dom_sold * stacks_per_accel;
    const double v_nv = nv_legal * asp_nv + gray * asp_h200, v_dom = dom_sold * asp_domestic;
    nv_value += v_nv;
    dom_value += v_dom;
    nv_units += nv_legal + gray;
    dom_units += dom_sold;
    q_nv[(m - 1) / 3] += v_nv;
    q_dom[(m - 1) / 3] += v_dom;
  }
  auto share = [](double a, double b) { return a + b == 0 ? 0.0 : a / (a + b); };
  out = {share(nv_value, dom_value),
         share(nv_units, dom_units),
         dom_units,
         nv_units,
         1 - (nv_units + dom_units) / demand_total,
         share(q_nv[0], q_dom[0]),
         share(q_nv[1], q_dom[1]),
         share(q_nv[2], q_dom[2]),
         share(q_nv[3], q_dom[3])};
}

}  // namespace

double run_handwritten_reference(std::uint64_t samples, std::uint64_t seed, int threads) {
  std::vector<std::vector<double>> columns(kOutputs, std::vector<double>(samples));
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, samples, 1024), [&](const auto& range) {
      std::array<double, kOutputs> out;
      for (std::uint64_t s = range.begin(); s != range.end(); ++s) {
        simulate(seed, s, out);
        for (int o = 0; o < kOutputs; ++o) columns[o][s] = out[o];
      }
    });
    tbb::parallel_for(0, kOutputs, [&](int o) { std::sort(columns[o].begin(), columns[o].end()); });
  });
  double checksum = 0;  // the medians, so nothing is optimised away
  for (const auto& c : columns) checksum += c[samples / 2];
  return checksum;
}

}  // namespace riskcast::bench
