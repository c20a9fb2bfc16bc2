// Loading batch text in tests: a file that must load, and the diagnostics
// of one that must not.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "riskcast/batch_runs.hpp"
#include "riskcast/diagnostics.hpp"

namespace riskcast::testing {

inline BatchFile load_ok(const std::string& text, const std::string& path = "dir/b.yaml") {
  try {
    return load_batch_text(text, path);
  } catch (const ModelError& e) {
    ADD_FAILURE() << "batch file did not load:\n" << e.diagnostics().format() << "text:\n" << text;
  }
  return {};
}

// Every diagnostic of a batch file that must fail, formatted as printed.
inline std::string errors_of(const std::string& text) {
  try {
    load_batch_text(text, "b.yaml");
  } catch (const ModelError& e) {
    return e.diagnostics().format();
  }
  ADD_FAILURE() << "batch file loaded, but should not have:\n" << text;
  return {};
}

}  // namespace riskcast::testing
