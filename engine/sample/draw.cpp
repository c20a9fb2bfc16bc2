#include "riskcast/draw.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/random/beta_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>

namespace riskcast {

Sampler::Sampler(const Distribution& d) : distribution_(d) {
  const auto& args = d.args;
  switch (d.kind) {
    case DistributionKind::Triangular:
      a_ = args[0];
      b_ = args[2];
      c_ = args[1];
      d_ = (c_ - a_) / (b_ - a_);  // CDF at the mode
      break;
    case DistributionKind::TruncatedNormal: {
      boost::math::normal_distribution<double> n(args[0], args[1]);
      a_ = boost::math::cdf(n, args[2]);
      b_ = boost::math::cdf(n, args[3]);
      break;
    }
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      a_ = d.log_mu();
      b_ = d.log_sigma();
      break;
    case DistributionKind::Pert:
      a_ = d.pert_alpha();
      b_ = d.pert_beta();
      break;
    case DistributionKind::Discrete: {
      double total = 0.0;
      for (double w : d.weights) cumulative_.push_back(total += w);
      break;
    }
    default: break;
  }
}

double Sampler::operator()(RandomStream& stream) const {
  const auto& args = distribution_.args;
  switch (distribution_.kind) {
    case DistributionKind::Constant: return args[0];
    case DistributionKind::Uniform: return args[0] + (args[1] - args[0]) * stream.uniform();
    case DistributionKind::Triangular: {
      const double u = stream.uniform();
      if (u < d_) return a_ + std::sqrt(u * (b_ - a_) * (c_ - a_));
      return b_ - std::sqrt((1.0 - u) * (b_ - a_) * (b_ - c_));
    }
    case DistributionKind::Pert:
      return args[0] + (args[2] - args[0]) * boost::random::beta_distribution<double>(a_, b_)(stream);
    case DistributionKind::Normal: return boost::random::normal_distribution<double>(args[0], args[1])(stream);
    case DistributionKind::TruncatedNormal: {
      boost::math::normal_distribution<double> n(args[0], args[1]);
      const double x = boost::math::quantile(n, a_ + (b_ - a_) * stream.uniform());
      return std::clamp(x, args[2], args[3]);
    }
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return std::exp(boost::random::normal_distribution<double>(a_, b_)(stream));
    case DistributionKind::Beta: return boost::random::beta_distribution<double>(args[0], args[1])(stream);
    case DistributionKind::Gamma: return boost::random::gamma_distribution<double>(args[0], args[1])(stream);
    case DistributionKind::Bernoulli: return stream.uniform() < args[0] ? 1.0 : 0.0;
    case DistributionKind::Discrete: {
      const double u = stream.uniform();
      for (std::size_t i = 0; i + 1 < cumulative_.size(); ++i)
        if (u < cumulative_[i]) return distribution_.values[i];
      return distribution_.values.back();
    }
    case DistributionKind::Poisson: return draw_poisson(args[0], stream);
  }
  return 0.0;
}

std::uint32_t draw_poisson(double lambda, RandomStream& stream) {
  if (lambda <= 0.0) return 0;
  if (lambda < 30.0) {
    // Inversion: walk the CDF from 0 until it passes u.
    const double u = stream.uniform();
    double p = std::exp(-lambda);
    double cumulative = p;
    std::uint32_t k = 0;
    while (u > cumulative) {
      ++k;
      p *= lambda / k;
      // Past the mode, once terms fall below double precision the CDF has
      // reached 1 as far as rounding allows; stop there.
      if (k > lambda && p < 1e-17) break;
      cumulative += p;
    }
    return k;
  }
  return static_cast<std::uint32_t>(
      std::min<long long>(boost::random::poisson_distribution<long long, double>(lambda)(stream), 0xffffffffLL));
}

}  // namespace riskcast
