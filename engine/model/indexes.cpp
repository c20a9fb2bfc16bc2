// Indexes (docs/language.md, "Indexes"): the `indexes:` section.
#include <fmt/format.h>

#include "model_reader.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast::model_reading {

void ModelReader::indexes(const YAML::Node& node, Model& model) {
  for (auto& [name, entry] : named_entries(node, "indexes", {})) {
    Index index;
    index.name = name;
    index.pos = position(entry.key);
    const YAML::Node& list = entry.value;
    if (!list.IsSequence() || list.size() == 0) {
      d_.error(position(list, entry.key),
               fmt::format("index `{}` must be a non-empty list of element names, e.g. `[{}_a, {}_b]`, not {}", name,
                           name, name, list.IsSequence() ? "an empty list" : yaml_kind_name(list)));
      continue;
    }
    if (list.size() > kMaxIndexElements) {
      d_.error(position(list), fmt::format("index `{}` has {}; at most {} are allowed", name,
                                           counted(list.size(), "element"), kMaxIndexElements));
      continue;
    }
    const std::size_t errors_before = d_.size();
    for (const YAML::Node& element : list) {
      if (!element.IsScalar() || !is_identifier(element.Scalar())) {
        d_.error(position(element, list),
                 fmt::format("`{}` is not a valid element name of index `{}` (letters, digits and _, not starting "
                             "with a digit)",
                             element.IsScalar() ? quote_for_message(element.Scalar()) : "?", name));
        continue;
      }
      if (std::optional<std::uint32_t> first = index.find(element.Scalar())) {
        d_.error(position(element), fmt::format("duplicate element `{}` in index `{}`", element.Scalar(), name),
                 fmt::format("first listed at line {}, column {}", index.element_positions[*first].line,
                             index.element_positions[*first].column));
        continue;
      }
      index.elements.push_back(element.Scalar());
      index.element_positions.push_back(position(element));
    }
    if (d_.size() == errors_before) model.indexes.push_back(std::move(index));
  }
}

}  // namespace riskcast::model_reading
