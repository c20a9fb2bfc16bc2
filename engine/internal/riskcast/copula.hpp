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

// A matrix is accepted when the smallest eigenvalue of its Pearson form is
// above this: below it the Cholesky factor's pivots lose most of their
// digits (a coefficient written to 4 decimals moves eigenvalues by ~1e-4).
inline constexpr double kMinCorrelationEigenvalue = 1e-9;

// Parameters tied by non-zero correlations, directly or through others: one
// connected component of the pairs, sampled together.
struct CopulaGroup {
  std::vector<std::size_t> parameters;  // indices into Model::parameters, in the model's order
  std::vector<double> rank;             // n × n Spearman matrix, row-major (1 on the diagonal)
  std::vector<double> pearson;          // n × n, ρ = 2·sin(π·ρ_S/6)
  std::vector<double> cholesky;         // n × n lower-triangular L, L·Lᵀ = pearson; empty if not positive definite
  double smallest_eigenvalue = 0.0;     // of `pearson`
  SourcePos pos;                        // the first pair's position
};

// The groups of `model`'s correlations (pairs naming constant or unknown
// parameters are skipped: the loader has reported them), each factored.
std::vector<CopulaGroup> copula_groups(const Model& model);

// The correlation matrix nearest to the symmetric `matrix` (n × n,
// row-major) in the Frobenius norm, with every eigenvalue at least
// `min_eigenvalue`: Higham's alternating projections with Dykstra's
// correction (Higham 2002, "Computing the nearest correlation matrix — a
// problem from finance", IMA J. Numer. Anal. 22:329–343, algorithm 3.3).
std::vector<double> nearest_correlation(const std::vector<double>& matrix, std::size_t n, double min_eigenvalue);

// Reports each group of `model` whose Pearson matrix is not positive
// definite: its position, the smallest eigenvalue, and the nearest valid
// rank matrix (written to 4 decimals, checked to be accepted as written),
// in the YAML form of `correlations:` for the user to paste. `context` names
// the scenario ("" for the model as written).
void check_correlations(const Model& model, std::string_view context, Diagnostics& diagnostics);

}  // namespace riskcast
