// Helpers shared by the model-language tests.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "riskcast/model_loader.hpp"

namespace riskcast::testing {

// A model's text for a failure message, shortened if huge.
inline std::string shown(const std::string& text) {
  return text.size() <= 2000 ? text : text.substr(0, 2000) + "\n… (" + std::to_string(text.size()) + " bytes)";
}

// Loads a model that must be valid.
inline Model load_ok(const std::string& text) {
  try {
    return load_model_text(text, "m.yaml");
  } catch (const ModelError& e) {
    ADD_FAILURE() << "model did not load:\n" << shown(e.diagnostics().format()) << "model:\n" << shown(text);
  }
  return {};
}

// The diagnostics of a model that must fail to load.
inline Diagnostics load_errors(const std::string& text) {
  try {
    load_model_text(text, "m.yaml");
  } catch (const ModelError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "model loaded, but should not have:\n" << shown(text);
  return Diagnostics("m.yaml");
}

// The first diagnostic (in file order) whose message or hint contains `fragment`.
inline std::optional<Diagnostic> find_diagnostic(const Diagnostics& d, std::string_view fragment) {
  std::optional<Diagnostic> found;
  for (const Diagnostic& item : d.items()) {
    if (item.message.find(fragment) == std::string::npos && item.hint.find(fragment) == std::string::npos) continue;
    if (!found || item.pos < found->pos) found = item;
  }
  return found;
}

// Asserts that loading `text` fails with an error containing `fragment`.
inline Diagnostic expect_error(const std::string& text, std::string_view fragment) {
  Diagnostics d = load_errors(text);
  std::optional<Diagnostic> found = find_diagnostic(d, fragment);
  EXPECT_TRUE(found.has_value()) << "no error mentions `" << fragment << "`; got:\n"
                                 << shown(d.format()) << "model:\n"
                                 << shown(text);
  return found.value_or(Diagnostic{});
}

}  // namespace riskcast::testing
