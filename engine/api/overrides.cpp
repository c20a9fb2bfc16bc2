// LoadedModel::with_parameters: parameters redefined from outside the file.
#include <fmt/format.h>

#include <algorithm>

#include "riskcast/copula.hpp"
#include "riskcast/index_names.hpp"
#include "riskcast/model.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/riskcast.hpp"
#include "riskcast/warnings.hpp"

namespace riskcast {

namespace {

inline constexpr const char* kOverridesFile = "<overrides>";

// The first correlation pair that names parameter `name` as the model's
// definition of it (the model's pairs, then each scenario's unless the
// scenario redefines the parameter), or null.
const ParameterCorrelation* tie_of(const Model& model, const std::string& name) {
  auto names = [&](const ParameterCorrelation& c) { return c.first == name || c.second == name; };
  for (const ParameterCorrelation& c : model.correlations)
    if (names(c)) return &c;
  for (const Scenario& s : model.scenarios) {
    if (std::any_of(s.parameters.begin(), s.parameters.end(), [&](const Parameter& p) { return p.name == name; }))
      continue;
    for (const ParameterCorrelation& c : s.correlations)
      if (names(c)) return &c;
  }
  return nullptr;
}

// " of scenario `s`" when `tie` is a scenario's pair, "" when the model's.
std::string where_tied(const Model& model, const ParameterCorrelation& tie) {
  for (const Scenario& s : model.scenarios)
    for (const ParameterCorrelation& c : s.correlations)
      if (&c == &tie) return fmt::format(" of scenario `{}`", s.name);
  return "";
}

}  // namespace

LoadedModel LoadedModel::with_parameters(const std::vector<ParameterOverride>& overrides) const {
  // The overrides read as a small file of their own, "NAME: DEFINITION" on
  // line i for the i-th, so each error has a line and column to point at.
  Diagnostics diagnostics(kOverridesFile);
  Model model = *model_;
  std::vector<std::string> names;
  for (const Parameter& p : model.parameters) names.push_back(p.name);
  // Each redefined parameter's distribution positioned in "<overrides>",
  // for the warnings about it.
  std::vector<bool> redefined(model.parameters.size(), false);
  std::vector<Parameter> as_written(model.parameters.size());
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const ParameterOverride& o = overrides[i];
    const auto line = static_cast<std::uint32_t>(i + 1);
    auto it = std::find_if(model.parameters.begin(), model.parameters.end(),
                           [&](const Parameter& p) { return p.name == o.name; });
    if (it == model.parameters.end()) {
      const std::string kind = model.kind_of_name(o.name);
      if (!kind.empty())
        diagnostics.error(
            {line, 1}, fmt::format("`{}` is {}, not a parameter of {}", quote_for_message(o.name), kind, model.file));
      else if (const std::string hint = over_index_hint(model, o.name); !hint.empty())
        diagnostics.error({line, 1},
                          fmt::format("`{}` is a parameter over an index of {}: redefine its elements one by one",
                                      quote_for_message(o.name), model.file),
                          hint);
      else
        diagnostics.error({line, 1},
                          fmt::format("`{}` is not a parameter of {}", quote_for_message(o.name), model.file),
                          did_you_mean(o.name, names));
      continue;
    }
    const SourcePos start{line, static_cast<std::uint32_t>(std::min<std::size_t>(o.name.size() + 3, UINT32_MAX))};
    // The caller may not have written the text (Python turns a float into
    // "nan" or "inf"): an error that does not quote it says what it read.
    Diagnostics parsing(kOverridesFile);
    std::optional<Distribution> distribution = parse_distribution(o.definition, start, parsing);
    const std::string definition = quote_for_message(o.definition);
    for (const Diagnostic& d : parsing.items())
      diagnostics.error(
          d.pos,
          definition.empty() || d.message.find(definition) == std::string::npos
              ? fmt::format("{}; the override reads `{}: {}`", d.message, quote_for_message(o.name), definition)
              : d.message,
          d.hint);
    if (!distribution) continue;
    // As in the file: a parameter in a correlation must vary (the model's
    // pairs, and a scenario's where the scenario keeps this definition).
    if (distribution->is_degenerate()) {
      const ParameterCorrelation* tie = tie_of(model, o.name);
      if (tie) {
        diagnostics.error(
            start, fmt::format("{}: the correlations{} at {} line {} tie it to `{}`",
                               uncorrelatable_message(o.name, *distribution), where_tied(model, *tie), model.file,
                               tie->pos.line, tie->first == o.name ? tie->second : tie->first));
        continue;
      }
    }
    const auto index = static_cast<std::size_t>(it - model.parameters.begin());
    redefined[index] = true;
    as_written[index] = *it;
    as_written[index].distribution = *distribution;
    // In the model, the new definition stands where the old one was (what
    // disassembly and run errors point at).
    distribution->pos = it->pos;
    it->distribution = std::move(*distribution);
  }
  if (!diagnostics.empty()) throw ModelError(std::move(diagnostics));
  Diagnostics warnings(model.file);
  warn_about_model(model, warnings, redefined);
  Diagnostics override_warnings(kOverridesFile);
  for (std::size_t i = 0; i < as_written.size(); ++i)
    if (redefined[i]) warn_about_distribution(as_written[i], override_warnings);
  for (Diagnostic w : override_warnings.warnings()) {
    w.file = kOverridesFile;
    warnings.warning(std::move(w));
  }
  return LoadedModel(std::make_shared<const Model>(std::move(model)), warnings.warnings());
}

}  // namespace riskcast
