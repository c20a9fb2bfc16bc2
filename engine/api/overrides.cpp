// LoadedModel::with_parameters: parameters redefined from outside the file.
#include <fmt/format.h>

#include <algorithm>

#include "riskcast/model.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/warnings.hpp"

namespace riskcast {

LoadedModel LoadedModel::with_parameters(const std::vector<ParameterOverride>& overrides) const {
  // The overrides read as a small file of their own, "NAME: DEFINITION" on
  // line i for the i-th, so each error has a line and column to point at.
  Diagnostics diagnostics("<overrides>");
  Model model = *model_;
  std::vector<std::string> names;
  for (const Parameter& p : model.parameters) names.push_back(p.name);
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const ParameterOverride& o = overrides[i];
    const auto line = static_cast<std::uint32_t>(i + 1);
    auto it = std::find_if(model.parameters.begin(), model.parameters.end(),
                           [&](const Parameter& p) { return p.name == o.name; });
    if (it == model.parameters.end()) {
      diagnostics.error({line, 1}, fmt::format("`{}` is not a parameter of {}", quote_for_message(o.name), model.file),
                        did_you_mean(o.name, names));
      continue;
    }
    const SourcePos start{line, static_cast<std::uint32_t>(std::min<std::size_t>(o.name.size() + 3, UINT32_MAX))};
    std::optional<Distribution> distribution = parse_distribution(o.definition, start, diagnostics);
    if (!distribution) continue;
    // Warnings about the new definition point at the parameter in the model file.
    distribution->pos = it->pos;
    it->distribution = std::move(*distribution);
  }
  if (!diagnostics.empty()) throw ModelError(std::move(diagnostics));
  Diagnostics warnings(model.file);
  warn_about_model(model, warnings);
  return LoadedModel(std::make_shared<const Model>(std::move(model)), warnings.warnings());
}

}  // namespace riskcast
