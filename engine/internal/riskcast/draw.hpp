// Drawing from a distribution with a random stream.
#pragma once

#include <boost/random/binomial_distribution.hpp>
#include <cstdint>
#include <vector>

#include "riskcast/distribution.hpp"
#include "riskcast/random.hpp"

namespace riskcast {

// A distribution made ready for repeated draws: shape-dependent constants
// are computed once. Methods, by kind:
//   uniform, triangular, bernoulli, discrete: inversion of one uniform
//     (uniform and triangular through ScaledRange, exact for any finite
//     bounds);
//   normal, lognormal: Boost.Random's ziggurat normal;
//   truncated_normal: inversion of the normal CDF (TruncatedNormalInverse);
//   gamma: Marsaglia & Tsang (2000) squeeze–rejection on Boost's normal,
//          with the u^(1/shape) boost for shape < 1;
//   beta, pert: X / (X + Y) for X ~ gamma(α), Y ~ gamma(β);
//   poisson: inversion of one uniform for λ < 30, Boost.Random's PTRS above
//     (counts up to λ ≤ kMaxPoissonMean, beyond 2^32);
//   exponential, weibull, cumulative: inversion of one uniform (Boost.Math's
//     quantile; cumulative_inverse);
//   student_t: loc + scale·Z·√(df / (2G)) for Z ~ N(0, 1) (Boost.Random's
//     ziggurat) then G ~ gamma(df/2, 1) (as gamma), T = Z/√(χ²_df/df);
//   binomial: Boost.Random's (inversion for (n + 1)·min(p, 1 − p) < 11,
//     Hörmann's BTRD above);
//   mixture: one uniform picks the component (by its weight), whose draw
//     then continues the same stream;
//   lognormal_mean_sd, normal_percentiles, lognormal_percentiles,
//     pert_p10_p50_p90: the lognormal, normal or pert they stand for.
// All methods are exact (no approximation beyond floating point) for the
// arguments validate_distribution accepts.

// Constants of Marsaglia & Tsang's method for one gamma shape.
class GammaShape {
 public:
  explicit GammaShape(double shape = 1.0);
  template <typename Stream>
  double operator()(Stream& stream) const;  // a gamma(shape, 1) draw
  // The logarithm of a gamma(shape, 1) draw, from the same words as
  // operator(); finite even where the draw itself underflows to 0
  // (tiny shapes), which beta needs.
  template <typename Stream>
  double log_draw(Stream& stream) const;

 private:
  double d_, c_, inverse_shape_;
  bool boosted_;  // shape < 1: draw gamma(shape + 1) · u^(1/shape)
};

class Sampler {
 public:
  explicit Sampler(const Distribution& distribution);
  double operator()(RandomStream& stream) const { return draw(stream); }
  double operator()(BufferedStream& stream) const { return draw(stream); }
  const Distribution& distribution() const { return distribution_; }
  // The same law with other arguments, as many as it has (the standard
  // law's, for the kinds given in other parameters): what the draws need is
  // computed again without allocating, so one Sampler serves every lane of
  // an innovation whose arguments are formulas, and draws what a Sampler
  // made for those arguments would.
  void set_arguments(const std::vector<double>& args);

  // Draws for samples [first_sample, first_sample + n) of stream
  // (seed, sample, slot, substream) into out[0 … n): the same values as
  // calling operator() with one RandomStream per sample, computed in bulk.
  // `scratch` holds kBufferedWords · n words. Parameters use substream 0,
  // innovations the month.
  void fill(std::uint64_t seed, RandomSlot slot, std::uint64_t first_sample, std::size_t n, double* out,
            std::uint64_t* scratch, std::uint32_t substream = 0) const;
  static constexpr std::uint32_t kBufferedWords = 4;

 private:
  template <typename Stream>
  double draw(Stream& stream) const;
  void prepare();                       // the members below, from distribution_
  double from_uniform(double u) const;  // kinds drawn by inverting one uniform
  bool single_uniform() const;

  Distribution distribution_;         // the law drawn: for the kinds given in other parameters, its standard form
  double a_ = 0, b_ = 0;              // Lognormal: mu, sigma; Poisson: exp(−λ) in a_; StudentT: df/2 in a_
  ScaledRange range_;                 // Uniform, Triangular, Pert
  TruncatedNormalInverse truncated_;  // TruncatedNormal
  std::vector<double> cumulative_;    // Discrete, Mixture: the weights' running sums
  GammaShape gamma_a_, gamma_b_;      // Gamma, Beta, Pert, StudentT
  boost::random::binomial_distribution<std::int64_t, double> binomial_;  // Binomial
  std::vector<Sampler> components_;                                      // Mixture
};

// Poisson count by inversion of the uniform u (meant for λ < 30, where the
// walk up the CDF is short), given exp(−λ).
std::uint32_t poisson_by_inversion(double lambda, double exp_minus_lambda, double u);

// poisson_by_inversion for many uniforms at one rate, without its
// data-dependent loop: the CDF terms F_0 … F_{K−1} that the walk would
// compute, computed once with the same arithmetic (K where it would stop),
// then count(u) = #{j < K : u > F_j}, which equals the walk's result because
// the F_j never decrease. Counts many lanes with compares alone.
class PoissonTable {
 public:
  explicit PoissonTable(double lambda);
  double lambda() const { return lambda_; }
  std::uint32_t count(double u) const;
  // out[i] = count(u[i]) for i < n.
  void count_all(const double* u, std::size_t n, std::uint32_t* out) const;

 private:
  double lambda_;
  std::vector<double> cumulative_;
};

// A Poisson count by inversion (λ < 30) or Boost.Random's PTRS (λ ≥ 30),
// for 0 ≤ λ ≤ kMaxPoissonMean.
std::uint64_t draw_poisson(double lambda, RandomStream& stream);
// The same, with exp(−λ) already computed (callers drawing many counts at
// one rate skip the exponential).
std::uint64_t draw_poisson(double lambda, double exp_minus_lambda, RandomStream& stream);

}  // namespace riskcast
