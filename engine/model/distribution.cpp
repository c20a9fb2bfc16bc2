#include "riskcast/distribution.hpp"

#include <fmt/format.h>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <limits>

namespace riskcast {

const std::vector<DistributionSignature>& distribution_signatures() {
  static const std::vector<DistributionSignature> signatures = {
      {"constant", DistributionKind::Constant, 1, "value"},
      {"uniform", DistributionKind::Uniform, 2, "a, b"},
      {"triangular", DistributionKind::Triangular, 3, "min, mode, max"},
      {"pert", DistributionKind::Pert, 3, "min, mode, max"},
      {"normal", DistributionKind::Normal, 2, "mean, sd"},
      {"truncated_normal", DistributionKind::TruncatedNormal, 4, "mean, sd, lo, hi"},
      {"lognormal", DistributionKind::Lognormal, 2, "mu, sigma"},
      {"lognormal_ci90", DistributionKind::LognormalCi90, 2, "lo, hi"},
      {"beta", DistributionKind::Beta, 2, "alpha, beta"},
      {"gamma", DistributionKind::Gamma, 2, "shape, scale"},
      {"bernoulli", DistributionKind::Bernoulli, 1, "p"},
      {"discrete", DistributionKind::Discrete, 2, "[values], [weights]"},
      {"poisson", DistributionKind::Poisson, 1, "lambda"},
  };
  return signatures;
}

Distribution Distribution::constant(double value, SourcePos pos) {
  Distribution d;
  d.kind = DistributionKind::Constant;
  d.args = {value};
  d.pos = pos;
  return d;
}

double Distribution::log_mu() const {
  if (kind == DistributionKind::LognormalCi90) return 0.5 * (std::log(args[0]) + std::log(args[1]));
  return args[0];
}

double Distribution::log_sigma() const {
  if (kind == DistributionKind::LognormalCi90) return (std::log(args[1]) - std::log(args[0])) / (2.0 * kZ95);
  return args[1];
}

double Distribution::pert_alpha() const {
  const ScaledRange r(*this);
  return 1.0 + 4.0 * (r.mode - r.min) / (r.max - r.min);
}
double Distribution::pert_beta() const {
  const ScaledRange r(*this);
  return 1.0 + 4.0 * (r.max - r.mode) / (r.max - r.min);
}

double gamma_draw_bound(double shape) {
  return shape + 39.0 * std::sqrt(shape) + 1460.0;
}

ScaledRange::ScaledRange(const Distribution& d) {
  const bool uniform = d.kind == DistributionKind::Uniform;
  lo = d.args[0];
  hi = uniform ? d.args[1] : d.args[2];
  const double written_mode = uniform ? lo : d.args[1];
  const double width = hi - lo;
  int e = 0;  // 2^e ≤ width < 2^(e + 1)
  if (!std::isfinite(width))
    e = std::ilogb(hi / 2 - lo / 2) + 1;
  else if (width < 0x1p-480 || width > 0x1p480)
    e = std::ilogb(width);
  exponent = -e;
  min = std::ldexp(lo, exponent);
  mode = std::ldexp(written_mode, exponent);
  max = std::ldexp(hi, exponent);
  mode_cdf = (mode - min) / (max - min);
}

namespace {
// Boost.Math's normal with an overflow returned as ±inf rather than thrown:
// the inversion can meet probability 0 or 1 itself at the far end of an
// interval (F(hi) rounded to 1), where ±inf clamps to the bound.
using NormalPolicy =
    boost::math::policies::policy<boost::math::policies::overflow_error<boost::math::policies::ignore_error>>;
using Normal = boost::math::normal_distribution<double, NormalPolicy>;
}  // namespace

TruncatedNormalInverse::TruncatedNormalInverse(const Distribution& d)
    : mu_(d.args[0]), sigma_(d.args[1]), lo_(d.args[2]), hi_(d.args[3]), upper_(lo_ > mu_) {
  const Normal n(mu_, sigma_);
  if (upper_) {
    small_ = boost::math::cdf(boost::math::complement(n, hi_));
    large_ = boost::math::cdf(boost::math::complement(n, lo_));
  } else {
    small_ = boost::math::cdf(n, lo_);
    large_ = boost::math::cdf(n, hi_);
  }
}

double TruncatedNormalInverse::operator()(double u) const {
  const Normal n(mu_, sigma_);
  if (!upper_) return std::clamp(boost::math::quantile(n, small_ + (large_ - small_) * u), lo_, hi_);
  return std::clamp(boost::math::quantile(boost::math::complement(n, large_ - (large_ - small_) * u)), lo_, hi_);
}

double TruncatedNormalInverse::mean() const {
  const double mass = large_ - small_;
  if (mass < 0.01 * large_) {
    // A narrow interval (relative to the tail beyond it): the closed form
    // below would divide by a mass known to few digits, while the inverse
    // is nearly linear in u, which 30-point Gauss–Legendre integrates to
    // rounding.
    const double m =
        boost::math::quadrature::gauss<double, 30>::integrate([&](double u) { return (*this)(u); }, 0.0, 1.0);
    return std::clamp(m, lo_, hi_);
  }
  // E[Y | a < Y < b] = (φ(a) − φ(b)) / P(a < Y < b) for Y ~ N(0, 1).
  const boost::math::normal_distribution<double> n;
  const double a = (lo_ - mu_) / sigma_, b = (hi_ - mu_) / sigma_;
  const double z =
      upper_ ? boost::math::cdf(boost::math::complement(n, a)) - boost::math::cdf(boost::math::complement(n, b))
             : boost::math::cdf(n, b) - boost::math::cdf(n, a);
  return std::clamp(mu_ + sigma_ * (boost::math::pdf(n, a) - boost::math::pdf(n, b)) / z, lo_, hi_);
}

double Distribution::quantile(double q) const {
  namespace bm = boost::math;
  switch (kind) {
    case DistributionKind::Constant:
      return args[0];
    case DistributionKind::Uniform:
      return uniform_inverse(ScaledRange(*this), q);
    case DistributionKind::Triangular:
      return triangular_inverse(ScaledRange(*this), q);
    case DistributionKind::Pert: {
      const ScaledRange r(*this);
      return r.unscale(r.min +
                       (r.max - r.min) * bm::quantile(bm::beta_distribution<double>(pert_alpha(), pert_beta()), q));
    }
    case DistributionKind::Normal:
      return bm::quantile(bm::normal_distribution<double>(args[0], args[1]), q);
    case DistributionKind::TruncatedNormal:
      return TruncatedNormalInverse(*this)(q);
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return bm::quantile(bm::lognormal_distribution<double>(log_mu(), log_sigma()), q);
    case DistributionKind::Beta:
      return bm::quantile(bm::beta_distribution<double>(args[0], args[1]), q);
    case DistributionKind::Gamma:
      return bm::quantile(bm::gamma_distribution<double>(args[0], args[1]), q);
    case DistributionKind::Bernoulli:
      return q <= 1.0 - args[0] ? 0.0 : 1.0;
    case DistributionKind::Discrete: {
      // Values in the order written; the quantile walks the sorted values.
      std::vector<std::pair<double, double>> sorted;
      for (std::size_t i = 0; i < values.size(); ++i) sorted.emplace_back(values[i], weights[i]);
      std::sort(sorted.begin(), sorted.end());
      double cumulative = 0.0;
      for (auto [v, w] : sorted) {
        cumulative += w;
        if (q <= cumulative + 1e-12) return v;
      }
      return sorted.back().first;
    }
    case DistributionKind::Poisson:
      if (args[0] == 0.0) return 0.0;
      return bm::quantile(
          bm::poisson_distribution<
              double, bm::policies::policy<bm::policies::discrete_quantile<bm::policies::integer_round_up>>>(args[0]),
          q);
  }
  return 0.0;
}

double Distribution::mean() const {
  switch (kind) {
    case DistributionKind::Constant:
      return args[0];
    case DistributionKind::Uniform: {
      const ScaledRange r(*this);
      return r.unscale(0.5 * (r.min + r.max));
    }
    case DistributionKind::Triangular: {
      const ScaledRange r(*this);
      return r.unscale((r.min + r.mode + r.max) / 3.0);
    }
    case DistributionKind::Pert: {
      const ScaledRange r(*this);
      return r.unscale((r.min + 4.0 * r.mode + r.max) / 6.0);
    }
    case DistributionKind::Normal:
      return args[0];
    case DistributionKind::TruncatedNormal:
      return TruncatedNormalInverse(*this).mean();
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return std::exp(log_mu() + 0.5 * log_sigma() * log_sigma());
    case DistributionKind::Beta:
      return args[0] / (args[0] + args[1]);
    case DistributionKind::Gamma:
      return args[0] * args[1];
    case DistributionKind::Bernoulli:
      return args[0];
    case DistributionKind::Discrete: {
      double m = 0.0;
      for (std::size_t i = 0; i < values.size(); ++i) m += values[i] * weights[i];
      return m;
    }
    case DistributionKind::Poisson:
      return args[0];
  }
  return 0.0;
}

std::string Distribution::to_string() const {
  std::string_view name = "constant";
  for (const auto& s : distribution_signatures())
    if (s.kind == kind) name = s.name;
  if (kind == DistributionKind::Discrete) {
    return fmt::format("discrete([{}], [{}])", fmt::join(values, ", "), fmt::join(weights, ", "));
  }
  if (kind == DistributionKind::Constant) return fmt::format("{}", args[0]);
  return fmt::format("{}({})", name, fmt::join(args, ", "));
}

namespace {

constexpr double kLargest = std::numeric_limits<double>::max();

// mean + sd·z stays within the double range for |z| ≤ kNormalDrawBound:
// normal's draws, and the arithmetic of truncated_normal's inversion.
bool normal_draws_fit(double mean, double sd) {
  return std::fabs(mean) + kNormalDrawBound * sd <= kLargest;
}
std::string normal_limit_message(std::string_view call, std::string_view what, double mean, double sd) {
  return fmt::format("{} needs |mean| + 38·sd <= 1.8e308 (the largest double), so that {}; got mean = {}, sd = {}",
                     call, what, mean, sd);
}
bool lognormal_draws_fit(double mu, double sigma) {
  return mu + kNormalDrawBound * sigma <= kLogLargestDouble;
}
bool shape_supported(double shape) {
  return shape >= kMinShape && shape <= kMaxShape;
}

}  // namespace

bool validate_distribution(const Distribution& d, Diagnostics& diagnostics) {
  const std::size_t before = diagnostics.size();
  auto require = [&](bool ok, std::string message) {
    if (!ok) diagnostics.error(d.pos, std::move(message));
  };
  for (double a : d.args) {
    if (!std::isfinite(a)) {
      diagnostics.error(d.pos, "distribution arguments must be finite numbers");
      return false;
    }
  }
  const auto& a = d.args;
  switch (d.kind) {
    case DistributionKind::Constant:
      break;
    case DistributionKind::Uniform:
      require(a[0] < a[1], fmt::format("uniform(a, b) needs a < b, got a = {}, b = {}", a[0], a[1]));
      break;
    case DistributionKind::Triangular:
    case DistributionKind::Pert: {
      std::string_view name = d.kind == DistributionKind::Pert ? "pert" : "triangular";
      require(a[0] <= a[1] && a[1] <= a[2] && a[0] < a[2],
              fmt::format("{}(min, mode, max) needs min <= mode <= max and min < max, got {}, {}, {}", name, a[0], a[1],
                          a[2]));
      break;
    }
    case DistributionKind::Normal:
      if (a[1] <= 0) {
        require(false, fmt::format("normal(mean, sd) needs sd > 0, got sd = {}", a[1]));
        break;
      }
      require(normal_draws_fit(a[0], a[1]), normal_limit_message("normal(mean, sd)", "no draw overflows", a[0], a[1]));
      break;
    case DistributionKind::TruncatedNormal: {
      require(a[1] > 0, fmt::format("truncated_normal needs sd > 0, got sd = {}", a[1]));
      require(a[2] < a[3], fmt::format("truncated_normal needs lo < hi, got lo = {}, hi = {}", a[2], a[3]));
      if (!(a[1] > 0 && a[2] < a[3])) break;
      if (!normal_draws_fit(a[0], a[1])) {
        require(false, normal_limit_message("truncated_normal(mean, sd, lo, hi)",
                                            "mean + sd·z stays finite in its inversion", a[0], a[1]));
        break;
      }
      // How many sd the bound nearer the mean lies from it, where the whole
      // interval is on one side.
      const double reach = a[2] > a[0] ? (a[2] - a[0]) / a[1] : a[3] < a[0] ? (a[0] - a[3]) / a[1] : 0.0;
      require(reach <= kTruncationReach,
              fmt::format("truncated_normal(mean, sd, lo, hi) needs [lo, hi] to come within 36·sd of the mean (its "
                          "probability underflows farther out); got {} {} mean {} {}·sd",
                          a[2] > a[0] ? "lo" : "hi", std::isfinite(reach) ? "=" : "beyond", a[2] > a[0] ? "+" : "-",
                          std::isfinite(reach) ? fmt::format("{:.4g}", reach) : std::string("1.8e308")));
      require(a[3] - a[2] >= kMinTruncationWidth * a[1],
              fmt::format("truncated_normal(mean, sd, lo, hi) needs hi - lo >= 1e-9·sd to be drawn accurately; got "
                          "hi - lo = {}, sd = {}",
                          a[3] - a[2], a[1]));
      break;
    }
    case DistributionKind::Lognormal:
      if (a[1] <= 0) {
        require(false, fmt::format("lognormal(mu, sigma) needs sigma > 0, got sigma = {}", a[1]));
        break;
      }
      require(lognormal_draws_fit(a[0], a[1]),
              fmt::format("lognormal(mu, sigma) needs mu + 38·sigma <= 709.78 (ln of the largest double), so that no "
                          "draw overflows; got mu = {}, sigma = {}",
                          a[0], a[1]));
      break;
    case DistributionKind::LognormalCi90:
      if (!(0 < a[0] && a[0] < a[1])) {
        require(false, fmt::format("lognormal_ci90(lo, hi) needs 0 < lo < hi, got lo = {}, hi = {}", a[0], a[1]));
        break;
      }
      // ln(hi) − ln(lo) carries an error up to about 2.3e-13 (two ulps of
      // ln near ±745); a ratio of at least 1 + 1e-9 keeps sigma positive and
      // within 0.03 % of exact (so draws within 1e-13 of exact).
      if (!(a[1] >= a[0] * (1.0 + 1e-9))) {
        require(false,
                fmt::format("lognormal_ci90(lo, hi) needs hi >= lo·(1 + 1e-9), got lo = {}, hi = {}", a[0], a[1]));
        break;
      }
      require(lognormal_draws_fit(d.log_mu(), d.log_sigma()),
              fmt::format("lognormal_ci90({}, {}) is lognormal(mu = {:.6g}, sigma = {:.6g}), which needs mu + 38·sigma "
                          "<= 709.78 (ln of the largest double) so that no draw overflows",
                          a[0], a[1], d.log_mu(), d.log_sigma()));
      break;
    case DistributionKind::Beta:
      if (!(a[0] > 0 && a[1] > 0)) {
        require(false, fmt::format("beta(alpha, beta) needs both shapes > 0, got {}, {}", a[0], a[1]));
        break;
      }
      require(shape_supported(a[0]) && shape_supported(a[1]),
              fmt::format("beta(alpha, beta) supports shapes from 1e-300 to 1e10, got {}, {}", a[0], a[1]));
      break;
    case DistributionKind::Gamma:
      if (!(a[0] > 0 && a[1] > 0)) {
        require(false, fmt::format("gamma(shape, scale) needs shape > 0 and scale > 0, got {}, {}", a[0], a[1]));
        break;
      }
      if (!shape_supported(a[0])) {
        require(false, fmt::format("gamma(shape, scale) supports shapes from 1e-300 to 1e10, got {}", a[0]));
        break;
      }
      require(a[1] * gamma_draw_bound(a[0]) <= kLargest,
              fmt::format("gamma(shape, scale) with shape {} needs scale <= {:.4g}, so that no draw overflows "
                          "(scale·(shape + 39·√shape + 1460) <= 1.8e308, the largest double); got scale = {}",
                          a[0], kLargest / gamma_draw_bound(a[0]), a[1]));
      break;
    case DistributionKind::Bernoulli:
      require(a[0] >= 0 && a[0] <= 1, fmt::format("bernoulli(p) needs a probability in [0, 1], got {}", a[0]));
      break;
    case DistributionKind::Poisson:
      require(a[0] >= 0, fmt::format("poisson(lambda) needs lambda >= 0, got {}", a[0]));
      require(a[0] <= kMaxPoissonMean, fmt::format("poisson(lambda) supports lambda <= 1e10, got {}", a[0]));
      break;
    case DistributionKind::Discrete:
      require(!d.values.empty(), "discrete needs at least one value");
      require(d.values.size() == d.weights.size(),
              fmt::format("discrete has {} values but {} weights", d.values.size(), d.weights.size()));
      for (double w : d.weights) {
        if (!(w >= 0) || !std::isfinite(w)) {
          require(false, fmt::format("discrete weights must be finite and >= 0, got {}", w));
          break;
        }
      }
      for (double v : d.values) {
        if (!std::isfinite(v)) {
          require(false, "discrete values must be finite numbers");
          break;
        }
      }
      break;
  }
  return diagnostics.size() == before;
}

}  // namespace riskcast
