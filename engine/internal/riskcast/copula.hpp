// Rank correlations between parameters through a Gaussian copula
// (docs/language.md, "Correlations"): per sample, independent standard
// normals z (one per correlated parameter), x = L·z with L the Cholesky
// factor of the Pearson correlation matrix R, then each parameter is its
// marginal's quantile at Φ(x_i). Each marginal is exactly its distribution;
// the ranks carry the dependence. Pearson ρ of the normals and Spearman ρ_S
// of the parameters are related by ρ_S = (6/π)·asin(ρ/2) (Pearson 1907; for
// the Gaussian copula, Kruskal 1958), so R holds ρ = 2·sin(π·ρ_S/6).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/diagnostics.hpp"
#include "riskcast/model.hpp"

namespace riskcast {

double pearson_from_spearman(double spearman);
double spearman_from_pearson(double pearson);

// Φ(x), the standard normal CDF, kept strictly inside (0, 1) so that every
// marginal's quantile is finite: 0.5·erfc(−x/√2), which keeps full relative
// precision in the lower tail; the upper tail resolves 1 − Φ(x) to the
// spacing of doubles below 1 (1.1e-16, x ≈ 8.2), beyond which it is
// 1 − 2⁻⁵³.
double copula_probability(double x);

// A group is sampled when the smallest eigenvalue λ of its Pearson matrix R
// is above this. Rounding in the Cholesky factorisation perturbs R by about
// n·1.1e-16 per coefficient (Higham, "Accuracy and Stability of Numerical
// Algorithms", 2nd ed., theorem 10.3); a margin of 10⁷ over that keeps every
// pivot positive and the factor L·Lᵀ within 1e-15 of R, while nothing a
// person writes to a few decimals lands between 0 and 1e-9 by intent.
inline constexpr double kMinCorrelationEigenvalue = 1e-9;

// The nearest valid matrix that an error suggests keeps the Pearson
// matrix's eigenvalues at least this (raised, doubling, until the rank
// matrix written to 4 decimals passes kMinCorrelationEigenvalue): rounding
// to 4 decimals moves an eigenvalue by up to n·5e-5, so a smaller floor
// rarely survives printing, and a larger one moves coefficients visibly
// further than needed (1e-3 turned a rank correlation of 0.9999999999 into
// 0.9989; 1e-4 gives 0.9999).
inline constexpr double kSuggestedEigenvalueFloor = 1e-4;

// Parameters tied by non-zero correlations, directly or through others: one
// connected component of the pairs, sampled together.
struct CopulaGroup {
  // Indices into Model::parameters, ordered by name: the Cholesky factor,
  // hence the draws, do not depend on the order of `parameters:`.
  std::vector<std::size_t> parameters;
  std::vector<double> rank;          // n × n Spearman matrix, row-major (1 on the diagonal)
  std::vector<double> pearson;       // n × n, ρ = 2·sin(π·ρ_S/6)
  std::vector<double> cholesky;      // n × n lower-triangular L, L·Lᵀ = pearson; empty if not accepted
  double smallest_eigenvalue = 0.0;  // of `pearson`
  SourcePos pos;                     // the first pair's position
};

// The groups of `model`'s correlations (pairs naming an unknown parameter
// are skipped: the loader has reported them), each factored when its
// smallest eigenvalue exceeds kMinCorrelationEigenvalue. A member that a
// scenario fixed (constant in effect, Distribution::is_degenerate) stays in
// its group: its normal still feeds the others, its quantile is its value.
std::vector<CopulaGroup> copula_groups(const Model& model);

// Why parameter `name`, whose distribution is constant in effect
// (Distribution::is_degenerate), cannot be correlated: "`k` is the constant
// 3, which cannot be correlated", "`n` is binomial(10, 0), always 0, …".
std::string uncorrelatable_message(std::string_view name, const Distribution& distribution);

// The correlation matrix nearest to the symmetric `matrix` (n × n,
// row-major) in the Frobenius norm, with every eigenvalue at least
// `min_eigenvalue`: Higham's alternating projections with Dykstra's
// correction (Higham 2002, "Computing the nearest correlation matrix — a
// problem from finance", IMA J. Numer. Anal. 22:329–343, algorithm 3.3).
std::vector<double> nearest_correlation(const std::vector<double>& matrix, std::size_t n, double min_eigenvalue);

// The rank (Spearman) matrix nearest to `group`'s whose Pearson form is
// accepted as printed: nearest_correlation of the Pearson matrix with
// eigenvalues at least kSuggestedEigenvalueFloor (doubled until it passes),
// back to rank coefficients rounded to 4 decimals.
std::vector<double> nearest_rank_matrix(const CopulaGroup& group);

// A suggestion longer than this is not put in a message (a 100-parameter
// matrix is 80 kB): the hint says how to get it written to a file.
inline constexpr std::size_t kMaxSuggestionChars = 2000;

// Reports each group of `model` that is not sampled (its Pearson matrix's
// smallest eigenvalue at most kMinCorrelationEigenvalue): whether the rank
// matrix itself is no correlation matrix, or only the Gaussian copula
// cannot reach it; its smallest eigenvalues; and the whole `correlations:`
// section with each such group replaced by nearest_rank_matrix, in YAML's
// flow form to paste (up to kMaxSuggestionChars). With `scenario`, the
// model with its overrides, and only the groups that hold one of its pairs
// (the others are the model's, reported without it), positioned at that
// pair; the section suggested is the scenario's.
void check_correlations(const Model& model, const Scenario* scenario, Diagnostics& diagnostics);

// The same suggestions for a file: the model's and each scenario's
// `correlations:` section that has a group check_correlations reports, as
// YAML in block form; "" if there is none.
std::string nearest_correlations_yaml(const Model& model);

}  // namespace riskcast
