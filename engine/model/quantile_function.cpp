#include "riskcast/quantile_function.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "riskcast/math_policies.hpp"

namespace riskcast {

struct QuantileFunction::Method {
  virtual ~Method() = default;
  virtual double at(double q) const = 0;
  virtual void at_all(const double* q, std::size_t n, double* out) const = 0;
};

namespace {

namespace bm = boost::math;
using math_policies::DoublePrecision;
using Method = QuantileFunction::Method;

// An inverse as a Method: a block's loop calls it directly, one virtual
// call per block.
template <typename Inverse>
class Prepared final : public Method {
 public:
  explicit Prepared(Inverse inverse) : inverse_(std::move(inverse)) {}
  double at(double q) const override { return inverse_(q); }
  void at_all(const double* q, std::size_t n, double* out) const override {
    for (std::size_t i = 0; i < n; ++i) out[i] = inverse_(q[i]);
  }

 private:
  Inverse inverse_;
};

template <typename Inverse>
std::unique_ptr<const Method> prepared(Inverse inverse) {
  return std::make_unique<const Prepared<Inverse>>(std::move(inverse));
}

// Boost.Math's quantile of `law` (a DoublePrecision law on [lo, hi]) at q,
// if the law's CDF crosses q within kQuantileCheckUlps ulps of it:
// F(x − k ulps) < q ≤ F(x + k ulps), through the complement 1 − F above
// q = 1/2, where 1 − q is exact and F itself has only absolute precision.
// The check catches the regions where the double-precision inversion fails
// outright (its Halley iteration giving up, a closed form cancelling).
template <typename Law>
std::optional<double> checked_quantile(const Law& law, double lo, double hi, double q) {
  try {
    const double x = bm::quantile(law, q);
    if (!std::isfinite(x)) return std::nullopt;
    const double below = from_ordered_bits(ordered_bits(x) - kQuantileCheckUlps);
    const double above = from_ordered_bits(ordered_bits(x) + kQuantileCheckUlps);
    bool crosses;
    if (q <= 0.5) {
      crosses = (below < lo || bm::cdf(law, below) < q) && (above > hi || bm::cdf(law, above) >= q);
    } else {
      const double tail = 1.0 - q;
      crosses = (below < lo || bm::cdf(bm::complement(law, below)) > tail) &&
                (above > hi || bm::cdf(bm::complement(law, above)) <= tail);
    }
    if (crosses) return x;
  } catch (const bm::evaluation_error&) {
    // Boost's iteration gave up: Distribution::quantile decides.
  }
  return std::nullopt;
}

// beta, pert, gamma, student_t: the double-precision quantile of the
// standard law, in the user's units by `to_units` (the same arithmetic as
// Distribution::quantile), where it is measured accurate and checked;
// Distribution::quantile elsewhere.
template <typename Law, typename ToUnits>
struct DoublePrecisionInverse {
  Law law;
  double lo, hi;       // the support of `law`
  double median_band;  // q within this of 1/2 goes to Distribution::quantile
  ToUnits to_units;
  Distribution reference;

  double operator()(double q) const {
    if (q >= kDoublePrecisionTail && q <= 1.0 - kDoublePrecisionTail && std::fabs(q - 0.5) >= median_band)
      if (const std::optional<double> x = checked_quantile(law, lo, hi, q)) return to_units(*x);
    return reference.quantile(q);
  }
};

template <typename Law, typename ToUnits>
std::unique_ptr<const Method> double_precision(Law law, double lo, double hi, double median_band, ToUnits to_units,
                                               const Distribution& reference) {
  return prepared(DoublePrecisionInverse<Law, ToUnits>{law, lo, hi, median_band, to_units, reference});
}

constexpr double kInfinity = std::numeric_limits<double>::infinity();
const auto identity = [](double x) { return x; };

// poisson, binomial: F(k) for k = 0 … top, F = Distribution::cdf, the
// quantile of 1 − 2⁻⁵³ (so F(top) reaches every q < 1); the quantile is the
// first count whose CDF reaches q, as Distribution::quantile's.
class CountTable {
 public:
  static std::optional<CountTable> make(const Distribution& d) {
    const double top = d.quantile(1.0 - 0x1p-53);
    if (!(top < static_cast<double>(kMaxCountTable))) return std::nullopt;
    CountTable table;
    for (double k = 0; k <= top; ++k) table.cdf_.push_back(d.cdf(k));
    // A bisection needs F non-decreasing as evaluated (the walk of
    // Distribution::quantile finds the same count then).
    if (!std::is_sorted(table.cdf_.begin(), table.cdf_.end())) return std::nullopt;
    return table;
  }

  double operator()(double q) const {
    return static_cast<double>(std::lower_bound(cdf_.begin(), cdf_.end(), q) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;  // F(0) … F(top)
};

// mixture: as Distribution::quantile, lo and hi the smallest and largest
// component quantiles at q (F(lo) < q ≤ F(hi): at lo every component's CDF
// is below q, at hi none is), then the smallest double in (lo, hi] whose
// CDF reaches q, found in three stages that keep the bisection's invariant
// (F(a) < q, and F(b) ≥ q or b = hi), so that for a non-decreasing CDF the
// result is the same double:
//   1. regula falsi with the Illinois rule (the end kept twice running has
//      its value halved), until two successive points agree to 2⁻⁴⁰
//      relative, at most 12 steps: it converges superlinearly on a smooth
//      CDF, but from one side, so the other end stays far;
//   2. from the last point, which is now one end, steps of 2, 32, 512, …
//      doubles towards the other end until q is bracketed;
//   3. bisection over the doubles left.
// About 12 CDF evaluations on a smooth CDF where the bisection alone takes
// up to 64 (tests: the same results; bench/quantile_bench.cpp: the time).
class MixtureInverse {
 public:
  explicit MixtureInverse(const Distribution& mixture) : mixture_(mixture) {
    for (std::size_t i = 0; i < mixture.components.size(); ++i)
      if (mixture.weights[i] > 0.0) components_.emplace_back(mixture.components[i]);
  }

  double operator()(double q) const {
    double lo = kInfinity, hi = -kInfinity;
    for (const QuantileFunction& c : components_) {
      const double x = c(q);
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    const auto excess = [&](std::int64_t x) { return mixture_.cdf(from_ordered_bits(x)) - q; };  // ≥ 0: F reaches q
    // Doubles from one point to a later one (up to 2⁶⁴ − 1, beyond int64).
    const auto doubles = [](std::int64_t from, std::int64_t to) {
      return static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
    };
    std::int64_t a = ordered_bits(lo), b = ordered_bits(hi);
    double fa = excess(a);
    if (fa >= 0.0) return lo;
    double fb = excess(b);
    std::int64_t last = b;
    int kept = 0;  // +1: b was kept by the last step, −1: a was
    double previous = std::numeric_limits<double>::quiet_NaN();
    for (int step = 0; step < 12 && doubles(a, b) > 1 && fa < 0.0 && fb > 0.0; ++step) {
      const double xa = from_ordered_bits(a), xb = from_ordered_bits(b);
      const double x = xb - fb * ((xb - xa) / (fb - fa));
      if (!std::isfinite(x)) break;
      last = std::clamp(ordered_bits(x), a + 1, b - 1);
      const double f = excess(last);
      if (f >= 0.0) {
        b = last;
        fb = f;
        if (kept < 0) fa /= 2;
        kept = -1;
      } else {
        a = last;
        fa = f;
        if (kept > 0) fb /= 2;
        kept = 1;
      }
      const double now = from_ordered_bits(last);
      if (std::fabs(now - previous) <= 0x1p-40 * std::fabs(now)) break;
      previous = now;
    }
    for (int shift = 1; shift < 64 && doubles(a, b) > 1; shift += 4) {
      const std::uint64_t reach = std::uint64_t{1} << shift;
      if (last == b && doubles(a, last) > reach) {
        last = static_cast<std::int64_t>(static_cast<std::uint64_t>(last) - reach);
        if (excess(last) < 0.0) {
          a = last;
          break;
        }
        b = last;
      } else if (last == a && doubles(last, b) > reach) {
        last = static_cast<std::int64_t>(static_cast<std::uint64_t>(last) + reach);
        if (excess(last) >= 0.0) {
          b = last;
          break;
        }
        a = last;
      } else {
        break;
      }
    }
    return smallest_double_reaching([&](double x) { return mixture_.cdf(x); }, from_ordered_bits(a),
                                    from_ordered_bits(b), q);
  }

 private:
  Distribution mixture_;
  std::vector<QuantileFunction> components_;  // those with weight > 0
};

std::unique_ptr<const Method> method_for(const Distribution& d) {
  const std::vector<double>& a = d.args;
  switch (d.kind) {
    case DistributionKind::Uniform:
      return prepared([r = ScaledRange(d)](double q) { return uniform_inverse(r, q); });
    case DistributionKind::Triangular:
      return prepared([r = ScaledRange(d)](double q) { return triangular_inverse(r, q); });
    case DistributionKind::TruncatedNormal:
      return prepared(TruncatedNormalInverse(d));
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return prepared([law = bm::lognormal_distribution<double>(d.log_mu(), d.log_sigma())](double q) {
        return bm::quantile(law, q);
      });
    case DistributionKind::LognormalMeanSd:
    case DistributionKind::NormalPercentiles:
    case DistributionKind::LognormalPercentiles:
    case DistributionKind::PertP10P50P90:
      return method_for(d.components.front());
    case DistributionKind::Discrete:
      return prepared([table = SortedDiscrete(d)](double q) { return table.quantile(q); });
    case DistributionKind::Pert: {
      const ScaledRange r(d);
      const bm::beta_distribution<double, DoublePrecision> law(d.pert_alpha(), d.pert_beta());
      return double_precision(
          law, 0.0, 1.0, 0.0, [r](double x) { return r.unscale(r.min + (r.max - r.min) * x); }, d);
    }
    case DistributionKind::Beta:
      if (a[0] > kDoublePrecisionMaxBetaShape || a[1] > kDoublePrecisionMaxBetaShape) break;
      return double_precision(bm::beta_distribution<double, DoublePrecision>(a[0], a[1]), 0.0, 1.0, 0.0, identity, d);
    case DistributionKind::Gamma:
      if (a[0] > kDoublePrecisionMaxGammaShape) break;
      return double_precision(bm::gamma_distribution<double, DoublePrecision>(a[0], a[1]), 0.0, kInfinity, 0.0,
                              identity, d);
    case DistributionKind::StudentT: {
      if (a[0] == 1.0 || a[0] == 2.0 || a[0] == 4.0) break;
      const double loc = a[1], scale = a[2];
      return double_precision(
          bm::students_t_distribution<double, DoublePrecision>(a[0]), -kInfinity, kInfinity, kStudentMedianBand,
          [loc, scale](double t) { return loc + scale * t; }, d);
    }
    case DistributionKind::Poisson:
    case DistributionKind::Binomial:
      // poisson(0), binomial(n, 0) and binomial(n, 1) are constants.
      if (d.support().first == d.support().second) break;
      if (std::optional<CountTable> table = CountTable::make(d)) return prepared(std::move(*table));
      break;
    case DistributionKind::Mixture:
      return prepared(MixtureInverse(d));
    case DistributionKind::Constant:
    case DistributionKind::Normal:
    case DistributionKind::Bernoulli:
    case DistributionKind::Weibull:
    case DistributionKind::Exponential:
    case DistributionKind::Cumulative:
      break;
  }
  // Distribution::quantile itself: nothing to compute once beyond the
  // arguments, or a law the methods above leave to it.
  return prepared([law = d](double q) { return law.quantile(q); });
}

}  // namespace

QuantileFunction::QuantileFunction(const Distribution& distribution) : method_(method_for(distribution)) {}
QuantileFunction::QuantileFunction(QuantileFunction&&) noexcept = default;
QuantileFunction& QuantileFunction::operator=(QuantileFunction&&) noexcept = default;
QuantileFunction::~QuantileFunction() = default;

double QuantileFunction::operator()(double q) const {
  return method_->at(q);
}

void QuantileFunction::quantiles(const double* q, std::size_t n, double* out) const {
  method_->at_all(q, n, out);
}

}  // namespace riskcast
