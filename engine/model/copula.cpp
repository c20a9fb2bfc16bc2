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

std::string uncorrelatable_message(std::string_view name, const Distribution& d) {
  const std::string what = d.kind == DistributionKind::Constant
                               ? fmt::format("the constant {}", d.args[0])
                               : fmt::format("{}, always {}", d.to_string(), d.support().first);
  return fmt::format("`{}` is {}, which cannot be correlated", quote_for_message(name), what);
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
    // A 0 reaches here only from a scenario (the model's own are dropped
    // when read): it ties the pair into one group with coefficient 0.
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
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
    std::sort(g.parameters.begin(), g.parameters.end(),
              [&](std::size_t a, std::size_t b) { return model.parameters[a].name < model.parameters[b].name; });
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

std::vector<double> nearest_rank_matrix(const CopulaGroup& g) {
  const std::size_t n = g.parameters.size();
  std::vector<double> rank;
  for (double floor = kSuggestedEigenvalueFloor; floor < 1.0; floor *= 2) {
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
  return rank;
}

namespace {

// One entry of a `correlations:` list: a pair, or a group as a matrix.
struct SectionEntry {
  std::string pair;  // "[a, b, 0.5]" (flow form in both renderings)
  std::vector<std::string> names;
  std::vector<double> matrix;  // names² rank coefficients, when names is not empty
};

std::string flow_row(const std::vector<double>& m, std::size_t n, std::size_t i) {
  std::string row;
  for (std::size_t j = 0; j < n; ++j) row += fmt::format("{}{}", j ? ", " : "", m[i * n + j]);
  return "[" + row + "]";
}

// `correlations: …` on one line (a message never breaks lines), in YAML's
// flow form: a lone matrix as a mapping, anything else as a list.
std::string flow_section(const std::vector<SectionEntry>& entries) {
  std::vector<std::string> items;
  for (const SectionEntry& e : entries) {
    if (e.names.empty()) {
      items.push_back(e.pair);
      continue;
    }
    std::vector<std::string> rows;
    for (std::size_t i = 0; i < e.names.size(); ++i) rows.push_back(flow_row(e.matrix, e.names.size(), i));
    items.push_back(fmt::format("{{parameters: [{}], matrix: [{}]}}", fmt::join(e.names, ", "), fmt::join(rows, ", ")));
  }
  if (entries.size() == 1 && !entries.front().names.empty()) return "correlations: " + items.front();
  return fmt::format("correlations: [{}]", fmt::join(items, ", "));
}

// The same section in block form, indented by `indent` spaces.
std::string block_section(const std::vector<SectionEntry>& entries, std::size_t indent) {
  const std::string pad(indent, ' ');
  std::string out = pad + "correlations:\n";
  for (const SectionEntry& e : entries) {
    if (e.names.empty()) {
      out += fmt::format("{}  - {}\n", pad, e.pair);
      continue;
    }
    out += fmt::format("{}  - parameters: [{}]\n{}    matrix:\n", pad, fmt::join(e.names, ", "), pad);
    for (std::size_t i = 0; i < e.names.size(); ++i)
      out += fmt::format("{}      - {}\n", pad, flow_row(e.matrix, e.names.size(), i));
  }
  return out;
}

std::string pair_text(const ParameterCorrelation& c) {
  return fmt::format("[{}, {}, {}]", c.first, c.second, c.rho);
}

// A group's members as the model lists them (the copula orders them by
// name): positions into g.parameters.
std::vector<std::size_t> model_order(const CopulaGroup& g) {
  std::vector<std::size_t> order(g.parameters.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(),
            [&](std::size_t x, std::size_t y) { return g.parameters[x] < g.parameters[y]; });
  return order;
}

// The names of a group for a message: the first few, then how many more.
std::string group_names(const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 8;
  if (names.size() <= kShown) return fmt::format("{}", fmt::join(names, ", "));
  return fmt::format("{}, … ({} parameters)",
                     fmt::join(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(kShown - 1), ", "),
                     names.size());
}

// The groups of one `correlations:` section (the model's, or a scenario's)
// that are not sampled, and the section with each replaced by its nearest
// valid matrix.
struct SectionRepair {
  const Scenario* scenario = nullptr;
  std::vector<CopulaGroup> groups;  // the failing groups this section answers for
  std::vector<SourcePos> positions;
  std::vector<SectionEntry> entries;
};

SectionRepair repair_section(const Model& model, const Scenario* scenario) {
  SectionRepair repair;
  repair.scenario = scenario;
  const Model applied = scenario ? apply_scenario(model, *scenario) : model;
  std::vector<bool> in_failing(applied.parameters.size(), false);
  for (CopulaGroup& g : copula_groups(applied)) {
    if (!g.cholesky.empty()) continue;
    auto member = [&](const std::string& name) {
      return std::any_of(g.parameters.begin(), g.parameters.end(),
                         [&](std::size_t i) { return applied.parameters[i].name == name; });
    };
    SourcePos pos = g.pos;
    if (scenario) {
      // A group none of the scenario's pairs touches is a principal
      // submatrix of the model's, reported without the scenario.
      auto own = std::find_if(scenario->correlations.begin(), scenario->correlations.end(),
                              [&](const ParameterCorrelation& c) { return member(c.first) && member(c.second); });
      if (own == scenario->correlations.end()) continue;
      pos = own->pos;
    }
    for (std::size_t i : g.parameters) in_failing[i] = true;
    repair.positions.push_back(pos);
    repair.groups.push_back(std::move(g));
  }
  if (repair.groups.empty()) return repair;
  auto failing = [&](const std::string& name) {
    for (std::size_t i = 0; i < applied.parameters.size(); ++i)
      if (applied.parameters[i].name == name) return bool(in_failing[i]);
    return false;
  };
  const std::vector<ParameterCorrelation>& written = scenario ? scenario->correlations : model.correlations;
  for (const ParameterCorrelation& c : written)
    if (!failing(c.first) || !failing(c.second)) repair.entries.push_back({pair_text(c), {}, {}});
  for (const CopulaGroup& g : repair.groups) {
    const std::vector<std::size_t> order = model_order(g);
    const std::vector<double> rank = nearest_rank_matrix(g);
    const std::size_t n = order.size();
    SectionEntry e;
    for (std::size_t k : order) e.names.push_back(applied.parameters[g.parameters[k]].name);
    for (std::size_t i : order)
      for (std::size_t j : order) e.matrix.push_back(rank[i * n + j]);
    repair.entries.push_back(std::move(e));
  }
  return repair;
}

static_assert(kMinCorrelationEigenvalue == 1e-9, "the message below states it");

void report_section(const Model& model, const SectionRepair& repair, const std::string& file,
                    Diagnostics& diagnostics) {
  const Model applied = repair.scenario ? apply_scenario(model, *repair.scenario) : model;
  const std::string in = repair.scenario ? fmt::format(" in scenario `{}`", repair.scenario->name) : "";
  const std::string section = flow_section(repair.entries);
  const std::string whose = repair.scenario ? "the scenario's" : "the model's";
  for (std::size_t k = 0; k < repair.groups.size(); ++k) {
    const CopulaGroup& g = repair.groups[k];
    const std::size_t n = g.parameters.size();
    std::vector<std::string> names;
    for (std::size_t m : model_order(g)) names.push_back(applied.parameters[g.parameters[m]].name);
    const double rank_eigenvalue = smallest_eigenvalue(to_matrix(g.rank, n));
    std::string message;
    // Rounding leaves a singular matrix's smallest eigenvalue at ±n·1e-16.
    if (rank_eigenvalue < -1e-12 * static_cast<double>(n)) {
      message = fmt::format(
          "the rank correlations of {}{} are not a valid correlation matrix: it is not positive semidefinite (its "
          "smallest eigenvalue is {:.6g}), so no joint distribution has them",
          group_names(names), in, rank_eigenvalue);
    } else {
      message = fmt::format(
          "the rank correlations of {}{} cannot be reached by a Gaussian copula: its Pearson matrix "
          "2·sin(π·ρ_S/6) {} (smallest eigenvalue {:.6g}; the copula needs more than 1e-9 for a Cholesky factor "
          "safe from rounding), although the rank matrix itself is a valid correlation matrix (smallest eigenvalue "
          "{:.6g})",
          group_names(names), in, g.smallest_eigenvalue > 0 ? "is too close to singular" : "is not positive definite",
          g.smallest_eigenvalue, std::max(rank_eigenvalue, 0.0));
    }
    std::string hint;
    if (k > 0) {
      hint = fmt::format("the section suggested at line {}, column {} replaces this group too",
                         repair.positions[0].line, repair.positions[0].column);
    } else if (section.size() <= kMaxSuggestionChars) {
      hint = fmt::format("the nearest valid matrix (Higham 2002), as {} whole section to paste: {}", whose, section);
    } else {
      hint = fmt::format(
          "the nearest valid matrix (Higham 2002) is too long for a message: `riskcast check {} "
          "--nearest-correlations FILE.yaml` writes {} corrected section to FILE.yaml",
          file, whose);
    }
    diagnostics.error(repair.positions[k], std::move(message), std::move(hint));
  }
}

}  // namespace

void check_correlations(const Model& model, const Scenario* scenario, Diagnostics& diagnostics) {
  report_section(model, repair_section(model, scenario), diagnostics.file(), diagnostics);
}

std::string nearest_correlations_yaml(const Model& model) {
  std::string out;
  const SectionRepair top = repair_section(model, nullptr);
  if (!top.groups.empty()) out += block_section(top.entries, 0);
  std::string scenarios;
  for (const Scenario& s : model.scenarios) {
    if (s.correlations.empty()) continue;
    const SectionRepair r = repair_section(model, &s);
    if (!r.groups.empty()) scenarios += fmt::format("  {}:\n{}", s.name, block_section(r.entries, 4));
  }
  if (!scenarios.empty()) out += "scenarios:\n" + scenarios;
  if (out.empty()) return out;
  return fmt::format(
             "# {}: each `correlations:` section below replaces the one of the same place, its groups that are not\n"
             "# positive definite by their nearest valid rank matrix (Higham 2002; docs/language.md, "
             "\"Correlations\").\n",
             model.file) +
         out;
}

}  // namespace riskcast
