#include "riskcast/draw.hpp"

#include "simd.hpp"

#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/weibull.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>

namespace riskcast {

std::uint32_t poisson_by_inversion(double lambda, double exp_minus_lambda, double u) {
  if (lambda <= 0.0) return 0;
  double p = exp_minus_lambda;
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

PoissonTable::PoissonTable(double lambda) : lambda_(lambda) {
  if (!(lambda > 0.0)) return;  // count 0 for every u
  // The walk of poisson_by_inversion, recorded: F_k for each k it would compare with.
  double p = std::exp(-lambda);
  double cumulative = p;
  cumulative_.push_back(cumulative);
  for (std::uint32_t k = 1;; ++k) {
    p *= lambda / k;
    if (k > lambda && p < 1e-17) break;
    cumulative += p;
    cumulative_.push_back(cumulative);
  }
}

std::uint32_t PoissonTable::count(double u) const {
  std::uint32_t k = 0;
  for (double f : cumulative_) k += u > f;
  return k;
}

namespace {
// Outer loop over the CDF terms, inner over lanes: the inner loop is a
// compare and an add per lane, vectorised in each clone, exact in all.
RISKCAST_SIMD_CLONES
void count_lanes(const double* cumulative, std::size_t terms, const double* u, std::size_t n, std::uint32_t* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = 0;
  for (std::size_t j = 0; j < terms; ++j) {
    const double f = cumulative[j];
    for (std::size_t i = 0; i < n; ++i) out[i] += u[i] > f ? 1u : 0u;
  }
}
}  // namespace

void PoissonTable::count_all(const double* u, std::size_t n, std::uint32_t* out) const {
  count_lanes(cumulative_.data(), cumulative_.size(), u, n, out);
}

namespace {

template <typename Stream>
std::uint64_t poisson_count(double lambda, double exp_minus_lambda, Stream& stream) {
  if (lambda <= 0.0) return 0;
  if (lambda < 30.0) return poisson_by_inversion(lambda, exp_minus_lambda, stream.uniform());
  return static_cast<std::uint64_t>(boost::random::poisson_distribution<std::int64_t, double>(lambda)(stream));
}

}  // namespace

GammaShape::GammaShape(double shape) {
  boosted_ = shape < 1.0;
  const double a = boosted_ ? shape + 1.0 : shape;
  d_ = a - 1.0 / 3.0;
  c_ = 1.0 / std::sqrt(9.0 * d_);
  inverse_shape_ = 1.0 / shape;
}

namespace {
// Marsaglia & Tsang's squeeze–rejection for shape d + 1/3 ≥ 1: returns d·v.
template <typename Stream>
double marsaglia_tsang(double d, double c, Stream& stream) {
  boost::random::normal_distribution<double> normal;
  while (true) {
    double x, v;
    do {
      x = normal(stream);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = stream.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2 || std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}
}  // namespace

template <typename Stream>
double GammaShape::operator()(Stream& stream) const {
  double result = marsaglia_tsang(d_, c_, stream);
  if (boosted_) result *= std::pow(stream.uniform(), inverse_shape_);
  return result;
}

template <typename Stream>
double GammaShape::log_draw(Stream& stream) const {
  double result = std::log(marsaglia_tsang(d_, c_, stream));
  if (boosted_) result += std::log(stream.uniform()) * inverse_shape_;
  return result;
}

namespace {
// X / (X + Y) for X ~ gamma(a), Y ~ gamma(b). With a shape below 1 the
// draws can underflow to 0 together (0 / 0); in logs, 1 / (1 + e^(ly − lx))
// stays exact where the plain ratio would fail.
template <typename Stream>
double beta_from_gammas(const GammaShape& a, const GammaShape& b, bool small_shape, Stream& stream) {
  if (!small_shape) {
    const double x = a(stream), y = b(stream);
    return x / (x + y);
  }
  const double lx = a.log_draw(stream), ly = b.log_draw(stream);
  return 1.0 / (1.0 + std::exp(ly - lx));
}
}  // namespace

namespace {
const Distribution& law_drawn(const Distribution& d) {
  return given_in_other_parameters(d.kind) ? d.components.front() : d;
}
}  // namespace

Sampler::Sampler(const Distribution& law) : distribution_(law_drawn(law)) {
  prepare();
}

void Sampler::set_arguments(const std::vector<double>& args) {
  std::copy(args.begin(), args.end(), distribution_.args.begin());
  prepare();
}

void Sampler::prepare() {
  const Distribution& d = distribution_;
  const auto& args = d.args;
  switch (d.kind) {
    case DistributionKind::Uniform:
    case DistributionKind::Triangular:
      range_ = ScaledRange(d);
      break;
    case DistributionKind::TruncatedNormal:
      truncated_ = TruncatedNormalInverse(d);
      break;
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      a_ = d.log_mu();
      b_ = d.log_sigma();
      break;
    case DistributionKind::Pert:
      range_ = ScaledRange(d);
      gamma_a_ = GammaShape(d.pert_alpha());
      gamma_b_ = GammaShape(d.pert_beta());
      break;
    case DistributionKind::Beta:
      gamma_a_ = GammaShape(args[0]);
      gamma_b_ = GammaShape(args[1]);
      break;
    case DistributionKind::Gamma:
      gamma_a_ = GammaShape(args[0]);
      break;
    case DistributionKind::Poisson:
      a_ = args[0] < 30.0 ? std::exp(-args[0]) : 0.0;
      break;
    case DistributionKind::Discrete:
    case DistributionKind::Mixture: {
      double total = 0.0;
      cumulative_.clear();
      components_.clear();
      for (double w : d.weights) cumulative_.push_back(total += w);
      for (const Distribution& c : d.components) components_.emplace_back(c);
      break;
    }
    case DistributionKind::StudentT:
      a_ = 0.5 * args[0];
      gamma_a_ = GammaShape(a_);
      break;
    case DistributionKind::Binomial:
      binomial_ =
          boost::random::binomial_distribution<std::int64_t, double>(static_cast<std::int64_t>(args[0]), args[1]);
      break;
    default:
      break;
  }
}

bool Sampler::single_uniform() const {
  switch (distribution_.kind) {
    case DistributionKind::Uniform:
    case DistributionKind::Triangular:
    case DistributionKind::TruncatedNormal:
    case DistributionKind::Bernoulli:
    case DistributionKind::Discrete:
    case DistributionKind::Exponential:
    case DistributionKind::Weibull:
    case DistributionKind::Cumulative:
      return true;
    case DistributionKind::Poisson:
      return distribution_.args[0] < 30.0;
    default:
      return false;
  }
}

double Sampler::from_uniform(double u) const {
  const auto& args = distribution_.args;
  switch (distribution_.kind) {
    case DistributionKind::Uniform:
      return uniform_inverse(range_, u);
    case DistributionKind::Triangular:
      return triangular_inverse(range_, u);
    case DistributionKind::TruncatedNormal:
      return truncated_(u);
    case DistributionKind::Bernoulli:
      return u < args[0] ? 1.0 : 0.0;
    case DistributionKind::Discrete:
      for (std::size_t i = 0; i + 1 < cumulative_.size(); ++i)
        if (u < cumulative_[i]) return distribution_.values[i];
      return distribution_.values.back();
    case DistributionKind::Poisson:
      return poisson_by_inversion(args[0], a_, u);
    case DistributionKind::Exponential:
      return boost::math::quantile(boost::math::exponential_distribution<double>(args[0]), u);
    case DistributionKind::Weibull:
      return boost::math::quantile(boost::math::weibull_distribution<double>(args[0], args[1]), u);
    case DistributionKind::Cumulative:
      return cumulative_inverse(distribution_, u);
    default:
      return 0.0;
  }
}

template <typename Stream>
double Sampler::draw(Stream& stream) const {
  const auto& args = distribution_.args;
  if (single_uniform()) return from_uniform(stream.uniform());
  switch (distribution_.kind) {
    case DistributionKind::Constant:
      return args[0];
    case DistributionKind::Pert:
      return range_.unscale(range_.min +
                            (range_.max - range_.min) * beta_from_gammas(gamma_a_, gamma_b_, false, stream));
    case DistributionKind::Normal:
      return boost::random::normal_distribution<double>(args[0], args[1])(stream);
    case DistributionKind::Lognormal:
    case DistributionKind::LognormalCi90:
      return std::exp(boost::random::normal_distribution<double>(a_, b_)(stream));
    case DistributionKind::Beta:
      return beta_from_gammas(gamma_a_, gamma_b_, args[0] < 1.0 || args[1] < 1.0, stream);
    case DistributionKind::Gamma:
      return args[1] * gamma_a_(stream);
    case DistributionKind::Poisson:
      return static_cast<double>(poisson_count(args[0], a_, stream));
    case DistributionKind::StudentT: {
      const double z = boost::random::normal_distribution<double>()(stream);
      const double g = gamma_a_(stream);
      return args[1] + args[2] * (z * std::sqrt(a_ / g));
    }
    case DistributionKind::Binomial:
      return static_cast<double>(binomial_(stream));
    case DistributionKind::Mixture: {
      // The first component with positive weight whose running sum exceeds
      // u; the last with positive weight if rounding leaves the sum below u.
      const double u = stream.uniform();
      std::size_t chosen = 0;
      for (std::size_t i = 0; i < components_.size(); ++i) {
        if (!(distribution_.weights[i] > 0.0)) continue;
        chosen = i;
        if (u < cumulative_[i]) break;
      }
      return components_[chosen].draw(stream);
    }
    default:
      return 0.0;
  }
}

template double Sampler::draw<RandomStream>(RandomStream&) const;
template double Sampler::draw<BufferedStream>(BufferedStream&) const;

void Sampler::fill(std::uint64_t seed, RandomSlot slot, std::uint64_t first_sample, std::size_t n, double* out,
                   std::uint64_t* scratch, std::uint32_t substream) const {
  if (distribution_.kind == DistributionKind::Constant) {
    std::fill_n(out, n, distribution_.args[0]);
    return;
  }
  if (single_uniform()) {
    fill_uniforms(seed, slot, substream, first_sample, n, 0, 1, out, n);
    for (std::size_t i = 0; i < n; ++i) out[i] = from_uniform(out[i]);
    return;
  }
  fill_words(seed, slot, substream, first_sample, n, 0, kBufferedWords, scratch, n);
  for (std::size_t i = 0; i < n; ++i) {
    BufferedStream stream(scratch + i, n, kBufferedWords, seed, first_sample + i, slot, substream);
    out[i] = draw(stream);
  }
}

std::uint64_t draw_poisson(double lambda, RandomStream& stream) {
  return poisson_count(lambda, lambda < 30.0 ? std::exp(-lambda) : 0.0, stream);
}

std::uint64_t draw_poisson(double lambda, double exp_minus_lambda, RandomStream& stream) {
  return poisson_count(lambda, exp_minus_lambda, stream);
}

}  // namespace riskcast
