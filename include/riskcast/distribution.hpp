// Probability distributions a parameter or an arrival size can follow.
#pragma once

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
  // assumptions table and by the statistical tests.
  double quantile(double q) const;
  // Exact mean.
  double mean() const;
  // "pert(1.3e+06, 1.7e+06, 2.5e+06)" — readable, round-trips through the parser.
  std::string to_string() const;
};

// z such that P(N(0,1) ≤ z) = 0.95: a 90 % interval is mu ± z·sigma.
inline constexpr double kZ95 = 1.6448536269514722;

struct DistributionSignature {
  std::string_view name;
  DistributionKind kind;
  std::size_t arity;  // number of arguments
  std::string_view argument_names;
};

// Every distribution name the language knows, for parsing and hints.
const std::vector<DistributionSignature>& distribution_signatures();

// Checks the arguments (a < b, sd > 0, …); adds an error at `pos` if invalid.
bool validate_distribution(const Distribution& distribution, Diagnostics& diagnostics);

}  // namespace riskcast
