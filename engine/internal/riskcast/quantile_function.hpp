// Distribution::quantile made ready for many probabilities of one law: the
// correlated parameters' draws (copula.hpp) invert a marginal once per
// sample, so what Distribution::quantile would work out on every call (shape
// constants, a sorted table, a CDF table) is worked out once here.
#pragma once

#include <cstddef>
#include <memory>

#include "riskcast/distribution.hpp"

namespace riskcast {

// A prepared quantile function x(q), q ∈ (0, 1). Methods, by kind:
//   constant, uniform, triangular, normal, truncated_normal, lognormal (and
//     the kinds given in other parameters that stand for a normal or a
//     lognormal), bernoulli, weibull, exponential, cumulative:
//     Distribution::quantile's own arithmetic, constants computed once.
//     The same bits.
//   discrete: Distribution::quantile's sorted values and running sums
//     (SortedDiscrete), built once. The same bits.
//   poisson, binomial: the CDF at every count from 0 to the quantile of
//     1 − 2⁻⁵³ (the largest probability below 1), at most kMaxCountTable
//     counts, evaluated once; per q the first count whose CDF reaches q,
//     by bisection. The same counts (Distribution::quantile is that count
//     too). Longer supports: Distribution::quantile.
//   beta, pert (pert_p10_p50_p90), gamma, student_t: Boost.Math's quantile
//     evaluated in double precision (math_policies::DoublePrecision, about
//     10 times faster than the long double of Distribution::quantile),
//     accepted where the same law's CDF, also in double precision, crosses q
//     within kQuantileCheckUlps ulps of the result on either side, and only
//     where double precision was measured to stay within a few ulps
//     (tests/sample/quantile_function_test.cpp): q in [kDoublePrecisionTail,
//     1 − kDoublePrecisionTail], beta shapes up to kDoublePrecisionMaxBetaShape,
//     gamma shapes up to kDoublePrecisionMaxGammaShape, student_t with df
//     other than 1, 2 and 4
//     (which Boost evaluates in closed form, as fast in long double) and q
//     more than kStudentMedianBand from 1/2 (where t nears 0 and double
//     precision keeps only its absolute accuracy). Elsewhere
//     Distribution::quantile. Results differ from Distribution::quantile in
//     the last bits.
//   mixture: the same generalised inverse as Distribution::quantile, the
//     smallest double x with F(x) ≥ q, bracketed by the components' prepared
//     quantiles and found by Illinois (regula falsi) steps over the doubles,
//     bisection where they stall: about 10 CDF evaluations instead of up to
//     64. The same bits.
// Exact (no approximation beyond floating point) and finite for every
// distribution validate_distribution accepts, as Distribution::quantile.
class QuantileFunction {
 public:
  explicit QuantileFunction(const Distribution& distribution);
  QuantileFunction(QuantileFunction&&) noexcept;
  QuantileFunction& operator=(QuantileFunction&&) noexcept;
  ~QuantileFunction();

  double operator()(double q) const;
  // out[i] = x(q[i]) for i < n; out may be q.
  void quantiles(const double* q, std::size_t n, double* out) const;

  // The method chosen for one law (quantile_function.cpp).
  struct Method;

 private:
  std::unique_ptr<const Method> method_;
};

// The longest support tabulated for poisson and binomial (32 KiB of CDF).
inline constexpr std::size_t kMaxCountTable = 4096;
// The double-precision quantile's result must lie within this many ulps of
// where the law's double-precision CDF crosses q.
inline constexpr int kQuantileCheckUlps = 16;
// Where double precision is used for beta, pert, gamma and student_t
// (measured: tests/sample/quantile_function_test.cpp).
inline constexpr double kDoublePrecisionTail = 0x1p-10;
inline constexpr double kDoublePrecisionMaxBetaShape = 100;
inline constexpr double kDoublePrecisionMaxGammaShape = 1e4;
inline constexpr double kStudentMedianBand = 1.0 / 16;

}  // namespace riskcast
