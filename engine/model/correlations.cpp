// `correlations:`: rank correlations between parameters, as a list of pairs
// (`- [a, b, 0.6]`) or as a matrix (`parameters: [a, b, c]`, `matrix:`), or
// a list mixing both (a matrix entry is `{parameters: …, matrix: …}`).
#include <fmt/format.h>

#include <cmath>

#include "model_reader.hpp"
#include "riskcast/copula.hpp"

namespace riskcast::model_reading {

static const std::vector<std::string> kCorrelationMatrixKeys = {"parameters", "matrix"};

// One coefficient between `a` and `b`, checked and ordered as the model lists
// the parameters; `pairs` holds those read so far.
void ModelReader::correlation_pair(const std::string& a, SourcePos a_pos, const std::string& b, SourcePos b_pos,
                                   double rho, SourcePos pos, const CorrelationContext& ctx,
                                   std::vector<ParameterCorrelation>& pairs) {
  const Model& model = ctx.model;
  std::vector<std::string> names;
  for (const Parameter& p : model.parameters) names.push_back(p.name);
  auto index_of = [&](const std::string& name, SourcePos at) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < model.parameters.size(); ++i)
      if (model.parameters[i].name == name) return i;
    if (broken_names_.count(name)) return std::nullopt;
    std::string hint = hint_for(name, names);
    if (const IndexedName* indexed = indexed_entry(name)) {
      const std::vector<std::uint32_t> first(indexed->over.size(), 0);
      hint = fmt::format("`{}` is over an index: correlate its elements, named in quotes, e.g. \"{}\"", name,
                         model.element_entry_name(name, indexed->over, first));
    }
    d_.error(at, fmt::format("correlations{}: `{}` is not a parameter", ctx.where, quote_for_message(name)),
             std::move(hint));
    return std::nullopt;
  };
  const std::optional<std::size_t> i = index_of(a, a_pos), j = index_of(b, b_pos);
  if (!i || !j) return;
  if (*i == *j) {
    d_.error(b_pos, fmt::format("correlations{}: `{}` is correlated with itself", ctx.where, a));
    return;
  }
  if (!(std::abs(rho) < 1.0)) {
    d_.error(pos,
             fmt::format("correlations{}: the rank correlation of `{}` and `{}` must lie strictly between -1 and 1, "
                         "got {}",
                         ctx.where, a, b, rho),
             std::abs(rho) == 1.0 ? "a rank correlation of ±1 makes one parameter a function of the other: write "
                                    "that as a monthly formula of one parameter"
                                  : "");
    return;
  }
  for (std::size_t k : {*i, *j}) {
    const Parameter* p = &model.parameters[k];
    for (const Parameter& q : ctx.overrides)
      if (q.name == p->name) p = &q;
    if (p->distribution.is_degenerate()) {
      d_.error(k == *i ? a_pos : b_pos,
               fmt::format("correlations{}: {}", ctx.where, uncorrelatable_message(p->name, p->distribution)));
      return;
    }
  }
  ParameterCorrelation c{*i < *j ? a : b, *i < *j ? b : a, rho, pos};
  for (const ParameterCorrelation& d : pairs) {
    if (d.first == c.first && d.second == c.second) {
      d_.error(pos, fmt::format("correlations{}: the pair `{}`, `{}` is given twice (first at line {})", ctx.where,
                                c.first, c.second, d.pos.line));
      return;
    }
  }
  pairs.push_back(std::move(c));
}

std::vector<ParameterCorrelation> ModelReader::correlations(const YAML::Node& node, const CorrelationContext& ctx) {
  std::vector<ParameterCorrelation> pairs;
  const std::string forms =
      "a list of pairs (`- [a, b, 0.5]`), a matrix (`parameters: [a, b]` and `matrix:`), or a list mixing pairs and "
      "matrices (`- {parameters: [a, b], matrix: [[1, 0.5], [0.5, 1]]}`)";
  if (node.IsNull()) return pairs;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (item.IsMap()) {
        correlation_matrix(item, ctx, pairs);
        continue;
      }
      if (!item.IsSequence() || item.size() != 3 || !item[0].IsScalar() || !item[1].IsScalar()) {
        d_.error(position(item),
                 fmt::format("correlations{}: each entry is a pair `[parameter, parameter, rank correlation]` or a "
                             "matrix `{{parameters: [a, b], matrix: [[1, 0.5], [0.5, 1]]}}`",
                             ctx.where));
        continue;
      }
      std::optional<double> rho = number(item[2], "a rank correlation");
      if (!rho) continue;
      correlation_pair(item[0].Scalar(), text_position(item[0]), item[1].Scalar(), text_position(item[1]), *rho,
                       position(item), ctx, pairs);
    }
  } else if (node.IsMap() && !node["parameters"] && !node["matrix"]) {
    // `a: {b: 0.5}` and the like: neither form, whatever the keys.
    d_.error(position(node), fmt::format("correlations{} must be {}", ctx.where, forms),
             "a pair is written `- [a, b, 0.5]`, one per line");
  } else if (node.IsMap()) {
    correlation_matrix(node, ctx, pairs);
  } else {
    d_.error(position(node), fmt::format("correlations{} must be {}", ctx.where, forms));
  }
  // A 0 in the model leaves the pair independent: nothing to sample. In a
  // scenario it removes the model's coefficient, so it stays.
  if (!ctx.scenario) std::erase_if(pairs, [](const ParameterCorrelation& c) { return c.rho == 0.0; });
  return pairs;
}

void ModelReader::correlation_matrix(const YAML::Node& node, const CorrelationContext& ctx,
                                     std::vector<ParameterCorrelation>& pairs) {
  auto keys = mapping(node, kCorrelationMatrixKeys, "correlations");
  auto names_it = keys.find("parameters"), matrix_it = keys.find("matrix");
  if (names_it == keys.end() || matrix_it == keys.end()) {
    d_.error(position(node), fmt::format("a correlation matrix needs `parameters:` and `matrix:`"));
    return;
  }
  const YAML::Node& names = names_it->second.value;
  const YAML::Node& matrix = matrix_it->second.value;
  if (!names.IsSequence() || names.size() < 2) {
    d_.error(position(names, names_it->second.key), "`parameters:` of a correlation matrix lists two or more names");
    return;
  }
  for (const YAML::Node& n : names) {
    if (!n.IsScalar()) {
      d_.error(position(n), "`parameters:` of a correlation matrix lists names");
      return;
    }
  }
  const std::size_t n = names.size();
  if (!matrix.IsSequence() || matrix.size() != n) {
    d_.error(position(matrix, matrix_it->second.key),
             fmt::format("`matrix:` must have {} rows, one per parameter listed", n));
    return;
  }
  std::vector<std::vector<double>> m(n, std::vector<double>(n, 0.0));
  std::vector<std::vector<SourcePos>> at(n, std::vector<SourcePos>(n));
  const std::size_t errors = d_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const YAML::Node& row = matrix[i];
    if (!row.IsSequence() || row.size() != n) {
      d_.error(position(row), fmt::format("row {} of `matrix:` must have {} numbers", i + 1, n));
      continue;
    }
    for (std::size_t j = 0; j < n; ++j) {
      at[i][j] = text_position(row[j]);
      if (std::optional<double> v = number(row[j], "a rank correlation")) m[i][j] = *v;
    }
  }
  if (d_.size() != errors) return;
  for (std::size_t i = 0; i < n; ++i) {
    if (m[i][i] != 1.0) d_.error(at[i][i], fmt::format("the diagonal of `matrix:` must be 1, got {}", m[i][i]));
    for (std::size_t j = 0; j < i; ++j)
      if (m[i][j] != m[j][i])
        d_.error(at[i][j], fmt::format("`matrix:` must be symmetric: row {}, column {} is {} but row {}, column {} "
                                       "is {}",
                                       i + 1, j + 1, m[i][j], j + 1, i + 1, m[j][i]));
  }
  if (d_.size() != errors) return;
  // Zeros too: a pair given twice (here and in another entry) is an error
  // whatever its values; correlations() drops the model's zeros.
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      correlation_pair(names[i].Scalar(), text_position(names[i]), names[j].Scalar(), text_position(names[j]), m[i][j],
                       at[i][j], ctx, pairs);
}

}  // namespace riskcast::model_reading
