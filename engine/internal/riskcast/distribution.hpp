// Probability distributions a parameter or an arrival size can follow.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/diagnostics.hpp"

namespace riskcast {

enum class DistributionKind : std::uint8_t {
  Constant,         // constant(value)
  Uniform,          // uniform(a, b)
  Triangular,       // triangular(min, mode, max)
  Pert,             // pert(min, mode, max): min + (max - min) * Beta(α, β)
  Normal,           // normal(mean, sd)
  TruncatedNormal,  // truncated_normal(mean, sd, lo, hi)
  Lognormal,        // lognormal(mu, sigma): exp(N(mu, sigma²))
  LognormalCi90,    // lognormal_ci90(lo, hi): lo, hi are the 5th and 95th percentiles
  Beta,             // beta(alpha, beta)
  Gamma,            // gamma(shape, scale)
  Bernoulli,        // bernoulli(p): 1 with probability p, else 0
  Discrete,         // discrete([values], [weights])
  Poisson,          // poisson(lambda)
};

struct Distribution {
  DistributionKind kind = DistributionKind::Constant;
  std::vector<double> args;     // as written, in the order above
  std::vector<double> values;   // Discrete only
  std::vector<double> weights;  // Discrete only, normalised to sum to 1
  SourcePos pos;

  static Distribution constant(double value, SourcePos pos = {});

  // Normal parameters of the underlying normal for the lognormal forms.
  double log_mu() const;
  double log_sigma() const;
  // Beta shape parameters for Pert.
  double pert_alpha() const;
  double pert_beta() const;

  // Exact quantile (inverse CDF) at probability q in (0, 1); used for the
  // assumptions table and by the statistical tests. Finite for every
  // distribution validate_distribution accepts.
  double quantile(double q) const;
  // Exact mean: finite for every accepted distribution except a lognormal
  // whose mean exceeds the largest double (+inf, its correct rounding).
  double mean() const;
  // "pert(1.3e+06, 1.7e+06, 2.5e+06)" — readable, round-trips through the parser.
  std::string to_string() const;
};

// z such that P(N(0,1) ≤ z) = 0.95: a 90 % interval is mu ± z·sigma.
inline constexpr double kZ95 = 1.6448536269514722;

// Limits of the arguments validate_distribution accepts (docs/language.md,
// "Distributions"). Within them every draw is a finite double, and quantile()
// and mean() are finite and never stop with a Boost.Math error.
//
// A standard normal draw exceeds 38 in absolute value with probability
// 2·Q(38) = 5.8e-316 (Boost.Random's ziggurat is exact in its tails), so
// normal(mean, sd) needs |mean| + 38·sd within the double range, and
// lognormal(mu, sigma) needs mu + 38·sigma ≤ ln(largest double).
inline constexpr double kNormalDrawBound = 38.0;
inline constexpr double kLogLargestDouble = 709.782712893384;  // ln(1.7976931348623157e308)
// beta and gamma shapes. Below 1e-300, 1/shape (the exponent of the draws'
// u^(1/shape)) nears overflow and Γ(shape) (in Boost.Math's quantile)
// overflows; above 1e10, Boost.Math's inverse incomplete gamma no longer
// converges (it gives up after 10^6 series terms from about 1e11).
inline constexpr double kMinShape = 1e-300;
inline constexpr double kMaxShape = 1e10;
// poisson(lambda): Boost.Math's Poisson quantile no longer converges from
// about 2e10, and Boost.Random's PTRS evaluates each count's log-probability
// with an error of about lambda·1.1e-16 (1.1e-6 at 1e10). Arrival rates
// (formulas) beyond it stop the run.
inline constexpr double kMaxPoissonMean = 1e10;
// gamma(shape, 1) exceeds shape + 39·√shape + 1460 with probability below
// e^-727 < 1e-315 (Chernoff: P(G ≥ k + t) ≤ exp(−t² / (2(k + t))), and
// t = 39·√k + 1460 makes t² ≥ 1454·(k + t)). gamma(shape, scale) needs
// scale times this within the double range.
double gamma_draw_bound(double shape);
// truncated_normal(mean, sd, lo, hi): [lo, hi] must reach within 36·sd of
// the mean (its tail probabilities, which the inversion works with, stay
// normal doubles: Q(36) = 4.2e-284), and hi − lo ≥ 1e-9·sd (the inverted
// probability then takes at least 3·10^6 distinct values across [lo, hi]).
inline constexpr double kTruncationReach = 36.0;
inline constexpr double kMinTruncationWidth = 1e-9;

// The bounds of uniform, triangular and pert (mode = min for uniform), times
// 2^exponent. The exponent is 0 when max − min lies in [2^-480, 2^480];
// otherwise it brings max − min into [1, 2), so that max − min (which
// overflows for uniform(-1e308, 1e308)), its square (triangular) and
// 4·(mode − min) (pert) neither overflow nor sink into subnormal numbers.
// Multiplying by a power of two is exact, so with exponent 0 every formula
// gives the bits it gives on the unscaled arguments.
struct ScaledRange {
  ScaledRange() = default;
  explicit ScaledRange(const Distribution& distribution);

  double min = 0, mode = 0, max = 1;  // scaled
  double mode_cdf = 0;                // (mode − min) / (max − min): the triangular CDF at the mode
  int exponent = 0;
  double lo = 0, hi = 1;  // min and max as written

  // A result x of arithmetic on the scaled bounds, back in the distribution's
  // units: x · 2^−exponent, kept inside [lo, hi] against rounding at the ends.
  double unscale(double x) const { return exponent == 0 ? x : std::clamp(std::ldexp(x, -exponent), lo, hi); }
};

// Inverse CDFs at u ∈ (0, 1). The sampler draws x(u) of a uniform u and
// Distribution::quantile(q) evaluates x(q), so the two agree by construction.
inline double uniform_inverse(const ScaledRange& r, double u) {
  return r.unscale(r.min + (r.max - r.min) * u);
}
// F(x) = (x − min)² / ((max − min)(mode − min)) up to the mode, then
// 1 − (max − x)² / ((max − min)(max − mode)).
inline double triangular_inverse(const ScaledRange& r, double u) {
  if (u < r.mode_cdf) return r.unscale(r.min + std::sqrt(u * (r.max - r.min) * (r.mode - r.min)));
  return r.unscale(r.max - std::sqrt((1.0 - u) * (r.max - r.min) * (r.max - r.mode)));
}

// truncated_normal(mean, sd, lo, hi) by inversion of the normal CDF F:
// x(u) = F⁻¹(F(lo) + u·(F(hi) − F(lo))). An interval above the mean is
// inverted through the upper tail Q = 1 − F instead,
// x(u) = Q⁻¹(Q(lo) − u·(Q(lo) − Q(hi))), because F near 1 keeps only
// absolute precision (F(mean + 8.3·sd) rounds to 1) while either tail keeps
// relative precision down to 1e-308.
class TruncatedNormalInverse {
 public:
  TruncatedNormalInverse() = default;
  explicit TruncatedNormalInverse(const Distribution& distribution);
  double operator()(double u) const;
  double mean() const;

 private:
  double mu_ = 0, sigma_ = 1, lo_ = 0, hi_ = 0;
  // The tail probabilities at the bounds, small ≤ large: F(lo), F(hi), or
  // for an interval above the mean Q(hi), Q(lo). Their difference is the
  // interval's probability.
  double small_ = 0, large_ = 0;
  bool upper_ = false;
};

struct DistributionSignature {
  std::string_view name;
  DistributionKind kind;
  std::size_t arity;  // number of arguments
  std::string_view argument_names;
};

// Every distribution name the language knows, for parsing and hints.
const std::vector<DistributionSignature>& distribution_signatures();

// Checks the arguments (a < b, sd > 0, …) and the limits above; adds an
// error at `pos`, naming the limit, if invalid.
bool validate_distribution(const Distribution& distribution, Diagnostics& diagnostics);

}  // namespace riskcast
