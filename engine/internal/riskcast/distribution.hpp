// Probability distributions a parameter or an arrival size can follow.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <optional>
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
  // Added for issue 14; each is defined, with its sources, in docs/language.md "Distributions".
  LognormalMeanSd,       // lognormal_mean_sd(mean, sd): the lognormal with this mean and sd (@RISK's RiskLognorm)
  NormalPercentiles,     // normal_percentiles(p_lo, x_lo, p_hi, x_hi): P(X ≤ x_lo) = p_lo, P(X ≤ x_hi) = p_hi
  LognormalPercentiles,  // lognormal_percentiles(p_lo, x_lo, p_hi, x_hi): likewise, for a lognormal
  PertP10P50P90,         // pert_p10_p50_p90(p10, p50, p90): the PERT with these 10th, 50th, 90th percentiles
  StudentT,              // student_t(df, loc, scale): loc + scale·T, T Student's t with df degrees of freedom
  Weibull,               // weibull(shape, scale): F(x) = 1 − exp(−(x/scale)^shape), x ≥ 0
  Exponential,           // exponential(rate): F(x) = 1 − exp(−rate·x), mean 1/rate
  Binomial,              // binomial(n, p): successes in n trials of probability p
  Mixture,               // mixture([distributions], [weights])
  Cumulative,            // cumulative([x], [p]): piecewise-linear CDF through (x_i, p_i), @RISK's RiskCumul
};

struct Distribution {
  DistributionKind kind = DistributionKind::Constant;
  std::vector<double> args;             // as written, in the order above
  std::vector<double> values;           // Discrete: the values; Cumulative: the points x, increasing
  std::vector<double> weights;          // Discrete, Mixture: normalised to sum to 1; Cumulative: F at each point
  std::vector<double> written_weights;  // Discrete, Mixture: the weights as written (to_string shows them)
  // Mixture: its components (none a mixture). The kinds given in other
  // parameters (LognormalMeanSd, NormalPercentiles, LognormalPercentiles,
  // PertP10P50P90): one, the same law as a Lognormal, Normal or Pert, solved
  // once by prepare_distribution; draws, quantiles and the CDF are that
  // law's.
  std::vector<Distribution> components;
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
  // distribution validate_distribution accepts. For discrete laws and
  // mixtures, the generalised inverse min{x : F(x) ≥ q}. Boost.Math's
  // quantile where it converges (for poisson and binomial, moved to the
  // count with F(k − 1) < q ≤ F(k) where its root finder ends a count off),
  // else min{x : F(x) ≥ q} by bisection over the doubles.
  double quantile(double q) const;
  // Exact CDF P(X ≤ x), for any x (±inf included).
  double cdf(double x) const;
  // Exact mean: finite for every accepted distribution except a lognormal
  // (or a mixture with one) whose mean exceeds the largest double (+inf, its
  // correct rounding), and student_t with df ≤ 1, which has none (NaN).
  double mean() const;
  // The smallest and largest value a draw can take (±inf where unbounded).
  std::pair<double, double> support() const;
  // Constant in effect: every draw takes the same value (a constant,
  // binomial(10, 0), poisson(0), bernoulli(1), discrete([7], [1]),
  // mixture([3, 3], [1, 1]), …): support() is one point.
  bool is_degenerate() const;
  // How many of the mean and the variance exist (are finite): 2 for every
  // law but student_t with df ≤ 2 (1: a mean, infinite variance, df in
  // (1, 2]; 0: no mean, df ≤ 1) and a mixture holding one (its least).
  int finite_moments() const;
  // The standard law a distribution given in other terms stands for
  // (lognormal_mean_sd, lognormal_ci90, normal_percentiles,
  // lognormal_percentiles → lognormal or normal; pert_p10_p50_p90 → pert),
  // as solved once; nullopt for the others.
  std::optional<Distribution> solved() const;
  // "pert(1300000, 1700000, 2500000)": the arguments as written (weights
  // too), in the shortest form that round-trips through the parser.
  std::string to_string() const;
  // The same with each number to `digits` significant digits, for tables.
  std::string to_string(int digits) const;
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
// binomial(n, p): n up to 1e10, for the same reasons (Boost.Random's BTRD
// evaluates log-probabilities of counts near n·p, Boost.Math's quantile
// inverts an incomplete beta).
inline constexpr double kMaxBinomialTrials = 1e10;
// The largest uniform a draw inverts is 1 − 2^-53 (RandomStream::uniform),
// so −ln(1 − u) ≤ 53·ln 2: exponential and weibull draws are at most
// (53·ln 2)/rate and scale·(53·ln 2)^(1/shape).
inline constexpr double kMaxExponentialDraw = 36.736800569677101;  // 53·ln 2
// weibull(shape, scale): shapes from 0.01, where Γ(1 + 1/shape) (the mean)
// is 9.3e157; the largest draw or the mean, whichever is larger, per unit
// of scale (finite for shape ≥ 0.01).
inline constexpr double kMinWeibullShape = 0.01;
double weibull_bound(double shape);
// student_t(df, loc, scale): df from 1 (below, the t law's tail beyond the
// largest double is too heavy) to 1e10 (the gamma shape df/2 of its draws
// within kMaxShape). |T| exceeds student_t_draw_bound(df) with probability
// 1e-300 (Boost.Math's t quantile; 3.2e299 at df = 1, 37.0 as df → ∞; the
// draw is exact, a normal over the root of an independent gamma), so
// |loc| + scale·bound must fit in a double.
inline constexpr double kMinStudentDf = 1.0;
inline constexpr double kMaxStudentDf = 1e10;
inline constexpr double kStudentTailProbability = 1e-300;
double student_t_draw_bound(double df);
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
  double cdf(double x) const;

 private:
  double mu_ = 0, sigma_ = 1, lo_ = 0, hi_ = 0;
  // The tail probabilities at the bounds, small ≤ large: F(lo), F(hi), or
  // for an interval above the mean Q(hi), Q(lo). Their difference is the
  // interval's probability.
  double small_ = 0, large_ = 0;
  bool upper_ = false;
};

// discrete([values], [weights]) as its quantile reads it: the values sorted,
// with the running sums of their weights. The quantile at q is the first
// value whose running sum reaches q − 1e-12 (the tolerance absorbs the
// rounding of weights that sum to 1 in exact arithmetic), or the last value.
struct SortedDiscrete {
  explicit SortedDiscrete(const Distribution& discrete);
  double quantile(double q) const;

  std::vector<double> values;  // increasing (a value written twice appears twice)
  std::vector<double> reach;   // running sum of the weights up to each value, plus 1e-12
};

// Doubles as integers in the order of their values (the sign folded, −0 and
// +0 both 0): neighbouring doubles are neighbouring integers, so a bisection
// over these integers runs over the doubles themselves.
std::int64_t ordered_bits(double x);
double from_ordered_bits(std::int64_t i);

// The smallest double x in [lo, hi] with cdf(x) ≥ q, given cdf(lo) < q and
// cdf(hi) ≥ q (or it returns hi), for a non-decreasing cdf: bisection over
// the doubles, at most 64 evaluations. Exact up to the rounding of cdf, for
// continuous and discrete laws alike: the generalised inverse
// min{x : F(x) ≥ q} among the doubles.
template <typename Cdf>
double smallest_double_reaching(const Cdf& cdf, double lo, double hi, double q) {
  std::int64_t a = ordered_bits(lo), b = ordered_bits(hi);
  // Invariant: F(a) < q, and F(b) ≥ q or b = hi.
  while (b > a + 1) {
    const std::int64_t m = std::midpoint(a, b);
    if (cdf(from_ordered_bits(m)) >= q)
      b = m;
    else
      a = m;
  }
  return from_ordered_bits(b);
}

// cumulative([x], [p]) at u ∈ (0, 1): on the segment with p_i < u ≤ p_(i+1),
// x_i + (x_(i+1) − x_i)·(u − p_i)/(p_(i+1) − p_i) — the generalised inverse
// of the piecewise-linear CDF (a flat segment is never chosen).
double cumulative_inverse(const Distribution& cumulative, double u);

struct DistributionSignature {
  std::string_view name;
  DistributionKind kind;
  std::size_t arity;  // number of arguments
  std::string_view argument_names;
};

// Every distribution name the language knows, for parsing and hints.
const std::vector<DistributionSignature>& distribution_signatures();
// The name a model writes for `kind`: "normal".
std::string_view distribution_name(DistributionKind kind);
// lognormal_mean_sd, normal_percentiles, lognormal_percentiles,
// pert_p10_p50_p90: laws given in other parameters than the standard ones,
// which prepare_distribution solves for (Distribution::components) and the
// draws use.
bool given_in_other_parameters(DistributionKind kind);

// Where each item of the list arguments of discrete, cumulative and mixture
// is written: `values` the first list's (values, points, components),
// `weights` the second's (weights, probabilities).
struct ItemPositions {
  std::vector<SourcePos> values, weights;
};

// Checks the arguments (a < b, sd > 0, …) and the limits above; adds an
// error at `pos` (or, given `items`, at the list item at fault), naming the
// limit, if invalid.
bool validate_distribution(const Distribution& distribution, Diagnostics& diagnostics,
                           const ItemPositions* items = nullptr);

// What argument `index` of a `kind` call must be whatever the other
// arguments are ("> 0" for normal's sd, "in [0, 1]" for a probability), if
// `value` is not; "" if it is (or the argument's limits depend on the
// others, as uniform's bounds do). A necessary condition of
// validate_distribution, one argument at a time: for a call whose other
// arguments are formulas (an innovation's), checked before any is known.
std::string argument_requirement(DistributionKind kind, std::size_t index, double value);

// validate_distribution, then what the draws need computed once: weights
// normalised to sum to 1 (discrete, mixture; written_weights keeps them as
// written) and the standard law of the kinds given in other parameters
// (`components`). Every distribution the sampler or quantile() sees has been
// through it.
std::optional<Distribution> prepare_distribution(Distribution distribution, Diagnostics& diagnostics,
                                                 const ItemPositions* items = nullptr);

// normal_percentiles, lognormal_percentiles: p_hi − p_lo must be at least
// this. Each probability, as a double, carries an error up to 1.1e-16
// (half the spacing of doubles below 1), so the fitted sd (∝ 1/(z_hi − z_lo))
// is then within 1.1e-10 relative of the one the decimals mean; closer
// percentiles leave the fit to rounding (0.5 and 0.5000000000000001 gave
// sd = 3.6e15).
inline constexpr double kMinPercentileGap = 1e-6;
// normal_percentiles, lognormal_percentiles and pert_p10_p50_p90 need their
// values apart by at least this relative to their magnitude (x_hi − x_lo ≥
// 1e-9·max(|x_lo|, |x_hi|)), for the same reason: each carries a rounding
// error of 1.1e-16 relative, which the fit divides by their difference.
inline constexpr double kMinRelativeGap = 1e-9;

// PERT's (min, mode, max) from its 10th, 50th and 90th percentiles: one
// equation in the mode's relative position t = (mode − min)/(max − min),
// solved by TOMS 748 (Boost.Math) to 2^-50 relative; then scale and shift.
// nullopt if no PERT has these percentiles (p50 must lie between 31.19 %
// and 68.81 % of the way from p10 to p90: pert_p50_ratio_range()).
struct PertBounds {
  double min, mode, max;
};
std::optional<PertBounds> pert_from_p10_p50_p90(double p10, double p50, double p90);
std::pair<double, double> pert_p50_ratio_range();

struct Expr;
// discrete, cumulative and mixture: the calls whose arguments are lists.
bool takes_lists(DistributionKind kind);
// Reads such a call (its name already matched to `signature`, the number of
// arguments checked): lists of numbers, or for a mixture a list of
// distributions, each read by `component`, and a list of weights. Errors at
// the position of the offending item.
std::optional<Distribution> distribution_from_lists(
    const Expr& call, const DistributionSignature& signature, Diagnostics& diagnostics,
    const std::function<std::optional<Distribution>(const Expr&)>& component);

}  // namespace riskcast
