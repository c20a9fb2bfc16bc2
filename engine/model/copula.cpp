// The Gaussian copula's matrices: grouping, conversion, factoring, checking.
#include "riskcast/copula.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>

namespace riskcast {
namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Matrix to_matrix(const std::vector<double>& m, std::size_t n) {
  return Eigen::Map<const Matrix>(m.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
}
std::vector<double> to_vector(const Matrix& m) {
  return {m.data(), m.data() + m.size()};
}

double smallest_eigenvalue(const Matrix& m) {
  Eigen::SelfAdjointEigenSolver<Matrix> solver(m, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().minCoeff();
}

// The rank matrix as it will be printed: 4 decimals.
double rounded(double v) {
  return std::round(v * 1e4) / 1e4;
}

}  // namespace

double pearson_from_spearman(double spearman) {
  return 2.0 * std::sin(std::numbers::pi * spearman / 6.0);
}
double spearman_from_pearson(double pearson) {
  return 6.0 / std::numbers::pi * std::asin(pearson / 2.0);
}

double copula_probability(double x) {
  const double u = 0.5 * std::erfc(-x / std::numbers::sqrt2);
  return std::clamp(u, std::numeric_limits<double>::denorm_min(), 1.0 - 0x1.0p-53);
}

std::vector<CopulaGroup> copula_groups(const Model& model) {
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < model.parameters.size(); ++i) index.emplace(model.parameters[i].name, i);
  // Union–find over the parameters tied by a pair.
  std::vector<std::size_t> root(model.parameters.size());
  for (std::size_t i = 0; i < root.size(); ++i) root[i] = i;
  auto find = [&](std::size_t i) {
    while (root[i] != i) i = root[i] = root[root[i]];
    return i;
  };
  struct Pair {
    std::size_t a, b;
    const ParameterCorrelation* c;
  };
  std::vector<Pair> pairs;
  for (const ParameterCorrelation& c : model.correlations) {
    auto a = index.find(c.first), b = index.find(c.second);
    if (a == index.end() || b == index.end() || a->second == b->second || c.rho == 0.0) continue;
    if (model.parameters[a->second].distribution.kind == DistributionKind::Constant ||
        model.parameters[b->second].distribution.kind == DistributionKind::Constant)
      continue;
    pairs.push_back({a->second, b->second, &c});
    root[find(a->second)] = find(b->second);
  }
  std::vector<CopulaGroup> groups;
  std::map<std::size_t, std::size_t> group_of_root;
  std::vector<bool> tied(model.parameters.size(), false);
  for (const Pair& p : pairs) tied[p.a] = tied[p.b] = true;
  for (std::size_t i = 0; i < model.parameters.size(); ++i) {
    if (!tied[i]) continue;
    auto [it, fresh] = group_of_root.emplace(find(i), groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].parameters.push_back(i);
  }
  for (CopulaGroup& g : groups) {
    const std::size_t n = g.parameters.size();
    g.rank.assign(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) g.rank[i * n + i] = 1.0;
  }
  for (const Pair& p : pairs) {
    CopulaGroup& g = groups[group_of_root.at(find(p.a))];
    const std::size_t n = g.parameters.size();
    const auto at = [&](std::size_t param) {
      return static_cast<std::size_t>(std::find(g.parameters.begin(), g.parameters.end(), param) -
                                      g.parameters.begin());
    };
    const std::size_t i = at(p.a), j = at(p.b);
    g.rank[i * n + j] = g.rank[j * n + i] = p.c->rho;
    if (g.pos == SourcePos{}) g.pos = p.c->pos;
  }
  for (CopulaGroup& g : groups) {
    const std::size_t n = g.parameters.size();
    g.pearson = g.rank;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (i != j) g.pearson[i * n + j] = pearson_from_spearman(g.rank[i * n + j]);
    const Matrix r = to_matrix(g.pearson, n);
    g.smallest_eigenvalue = smallest_eigenvalue(r);
    if (g.smallest_eigenvalue > kMinCorrelationEigenvalue) {
      Eigen::LLT<Matrix> llt(r);
      if (llt.info() == Eigen::Success) g.cholesky = to_vector(Matrix(llt.matrixL()));
    }
  }
  return groups;
}

std::vector<double> nearest_correlation(const std::vector<double>& matrix, std::size_t n, double min_eigenvalue) {
  const Matrix a = to_matrix(matrix, n);
  Matrix y = a, correction = Matrix::Zero(a.rows(), a.cols());
  // Converges linearly; 1e-12 in the Frobenius norm is far below the 4
  // printed decimals.
  for (int iteration = 0; iteration < 10000; ++iteration) {
    const Matrix r = y - correction;
    Eigen::SelfAdjointEigenSolver<Matrix> solver(r);
    const Eigen::VectorXd clipped = solver.eigenvalues().cwiseMax(min_eigenvalue);
    const Matrix x = solver.eigenvectors() * clipped.asDiagonal() * solver.eigenvectors().transpose();
    correction = x - r;
    Matrix next = x;
    next.diagonal().setOnes();
    const double change = (next - y).norm();
    y = next;
    if (change < 1e-12 * std::max(1.0, y.norm())) break;
  }
  // The unit diagonal may have pulled an eigenvalue slightly below the floor;
  // callers check what they print.
  return to_vector(y);
}

void check_correlations(const Model& model, std::string_view context, Diagnostics& diagnostics) {
  for (const CopulaGroup& g : copula_groups(model)) {
    if (!g.cholesky.empty()) continue;
    const std::size_t n = g.parameters.size();
    // The nearest valid Pearson matrix, back to rank coefficients and
    // rounded as printed; the floor rises until the printed matrix passes.
    std::vector<double> rank;
    for (double floor = 1e-3; floor < 1.0; floor *= 2) {
      const std::vector<double> pearson = nearest_correlation(g.pearson, n, floor);
      rank = pearson;
      std::vector<double> back(n * n, 1.0);
      for (std::size_t i = 0; i < n * n; ++i) {
        if (i / n == i % n) continue;
        rank[i] = rounded(spearman_from_pearson(pearson[i]));
        back[i] = pearson_from_spearman(rank[i]);
      }
      if (smallest_eigenvalue(to_matrix(back, n)) > kMinCorrelationEigenvalue) break;
    }
    std::string names, rows;
    for (std::size_t i = 0; i < n; ++i) {
      names += (i ? ", " : "") + model.parameters[g.parameters[i]].name;
      std::string row;
      for (std::size_t j = 0; j < n; ++j) row += fmt::format("{}{}", j ? ", " : "", rank[i * n + j]);
      rows += fmt::format("{}[{}]", i ? ", " : "", row);
    }
    // One line (a message never breaks lines), in YAML's flow form, to paste.
    diagnostics.error(
        g.pos,
        fmt::format("the rank correlations of {}{} are not a valid correlation matrix: the Gaussian "
                    "copula's matrix (ρ = 2·sin(π·ρ_S/6)) is not positive definite, its smallest "
                    "eigenvalue is {:.6g}",
                    names, context.empty() ? "" : fmt::format(" in scenario `{}`", context), g.smallest_eigenvalue),
        fmt::format("the nearest valid matrix (Higham 2002): correlations: {{parameters: [{}], "
                    "matrix: [{}]}}",
                    names, rows));
  }
}

}  // namespace riskcast
