// The Boost.Math policies the distributions are evaluated with
// (distribution.cpp, quantile_function.cpp).
#pragma once

#include <boost/math/policies/policy.hpp>

namespace riskcast::math_policies {

namespace policies = boost::math::policies;

// An overflow returned as ±inf rather than thrown: the normal's inversion
// can meet probability 0 or 1 itself at the far end of an interval (F(hi)
// rounded to 1), where ±inf clamps to the bound; the CDFs of gamma, beta and
// the discrete laws compute Γ(shape) on the way to a probability that
// underflows to 0 (gamma(1e5, 1) at 1e-300).
using IgnoreOverflow = policies::policy<policies::overflow_error<policies::ignore_error>>;

// The discrete quantiles (poisson, binomial): the smallest count k with
// F(k) ≥ q.
using RoundUp = policies::policy<policies::discrete_quantile<policies::integer_round_up>>;

// Evaluation in double precision throughout. Boost.Math's default
// (promote_double<true>) evaluates a double function in long double, which
// on x86-64 is the x87 unit: the inverse incomplete beta and gamma, and so
// the beta, PERT, gamma and Student t quantiles, run about 10 times faster
// in double, a few ulps less accurate (quantile_function.hpp says where it
// is used and how it is checked).
using DoublePrecision =
    policies::policy<policies::promote_double<false>, policies::overflow_error<policies::ignore_error>>;

}  // namespace riskcast::math_policies
