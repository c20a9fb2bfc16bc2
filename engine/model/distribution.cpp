#include "riskcast/distribution.hpp"

#include <fmt/format.h>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <cmath>

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
  return 1.0 + 4.0 * (args[1] - args[0]) / (args[2] - args[0]);
}
double Distribution::pert_beta() const {
  return 1.0 + 4.0 * (args[2] - args[1]) / (args[2] - args[0]);
}

double Distribution::quantile(double q) const {
  namespace bm = boost::math;
  switch (kind) {
    case DistributionKind::Constant:
      return args[0];
    case DistributionKind::Uniform:
      return args[0] + q * (args[1] - args[0]);
    case DistributionKind::Triangular:
      return bm::quantile(bm::triangular_distribution<double>(args[0], args[1], args[2]), q);
    case DistributionKind::Pert:
      return args[0] + (args[2] - args[0]) * bm::quantile(bm::beta_distribution<double>(pert_alpha(), pert_beta()), q);
    case DistributionKind::Normal:
      return bm::quantile(bm::normal_distribution<double>(args[0], args[1]), q);
    case DistributionKind::TruncatedNormal: {
      bm::normal_distribution<double> n(args[0], args[1]);
      double lo = bm::cdf(n, args[2]), hi = bm::cdf(n, args[3]);
      return std::clamp(bm::quantile(n, lo + q * (hi - lo)), args[2], args[3]);
    }
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
    case DistributionKind::Uniform:
      return 0.5 * (args[0] + args[1]);
    case DistributionKind::Triangular:
      return (args[0] + args[1] + args[2]) / 3.0;
    case DistributionKind::Pert:
      return (args[0] + 4.0 * args[1] + args[2]) / 6.0;
    case DistributionKind::Normal:
      return args[0];
    case DistributionKind::TruncatedNormal: {
      boost::math::normal_distribution<double> n;
      double a = (args[2] - args[0]) / args[1], b = (args[3] - args[0]) / args[1];
      double z = boost::math::cdf(n, b) - boost::math::cdf(n, a);
      return args[0] + args[1] * (boost::math::pdf(n, a) - boost::math::pdf(n, b)) / z;
    }
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
      require(a[1] > 0, fmt::format("normal(mean, sd) needs sd > 0, got sd = {}", a[1]));
      break;
    case DistributionKind::TruncatedNormal:
      require(a[1] > 0, fmt::format("truncated_normal needs sd > 0, got sd = {}", a[1]));
      require(a[2] < a[3], fmt::format("truncated_normal needs lo < hi, got lo = {}, hi = {}", a[2], a[3]));
      if (a[1] > 0 && a[2] < a[3]) {
        // Bounds far in one tail leave no probability mass to sample from.
        boost::math::normal_distribution<double> n(a[0], a[1]);
        require(boost::math::cdf(n, a[3]) - boost::math::cdf(n, a[2]) > 1e-12,
                "truncated_normal bounds [lo, hi] hold no probability mass");
      }
      break;
    case DistributionKind::Lognormal:
      require(a[1] > 0, fmt::format("lognormal(mu, sigma) needs sigma > 0, got sigma = {}", a[1]));
      break;
    case DistributionKind::LognormalCi90:
      require(0 < a[0] && a[0] < a[1],
              fmt::format("lognormal_ci90(lo, hi) needs 0 < lo < hi, got lo = {}, hi = {}", a[0], a[1]));
      break;
    case DistributionKind::Beta:
      require(a[0] > 0 && a[1] > 0, fmt::format("beta(alpha, beta) needs both shapes > 0, got {}, {}", a[0], a[1]));
      break;
    case DistributionKind::Gamma:
      require(a[0] > 0 && a[1] > 0,
              fmt::format("gamma(shape, scale) needs shape > 0 and scale > 0, got {}, {}", a[0], a[1]));
      break;
    case DistributionKind::Bernoulli:
      require(a[0] >= 0 && a[0] <= 1, fmt::format("bernoulli(p) needs a probability in [0, 1], got {}", a[0]));
      break;
    case DistributionKind::Poisson:
      require(a[0] >= 0, fmt::format("poisson(lambda) needs lambda >= 0, got {}", a[0]));
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
