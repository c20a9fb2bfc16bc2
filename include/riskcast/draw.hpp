// Drawing from a distribution with a random stream.
#pragma once

#include <cstdint>
#include <vector>

#include "riskcast/distribution.hpp"
#include "riskcast/random.hpp"

namespace riskcast {

// A distribution made ready for repeated draws: shape-dependent constants
// are computed once. Methods, by kind:
//   uniform, triangular, bernoulli, discrete: inversion of one uniform;
//   normal, lognormal: Boost.Random's ziggurat normal;
//   truncated_normal: inversion of the normal CDF on [Φ(lo), Φ(hi)];
//   beta, pert: Boost.Random's beta (two gammas); gamma: Boost.Random;
//   poisson: inversion of one uniform for λ < 30, Boost.Random above.
class Sampler {
 public:
  explicit Sampler(const Distribution& distribution);
  double operator()(RandomStream& stream) const;
  const Distribution& distribution() const { return distribution_; }

 private:
  Distribution distribution_;
  double a_ = 0, b_ = 0, c_ = 0, d_ = 0;  // kind-specific constants
  std::vector<double> cumulative_;       // Discrete
};

// A Poisson count by inversion (λ < 30) or Boost.Random's PTRS (λ ≥ 30).
std::uint32_t draw_poisson(double lambda, RandomStream& stream);

}  // namespace riskcast
