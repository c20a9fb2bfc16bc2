// What every fuzz harness shares: the input as text, and the checks that turn
// a wrong answer (not only a crash) into a finding.
//
// A harness defines LLVMFuzzerTestOneInput. The exceptions an API documents
// for bad input (ModelError, RunError) are caught there; anything else that
// escapes (a std::logic_error such as ProgramError, std::bad_alloc, a
// PropertyViolation from the checks below) ends the process: libFuzzer
// reports it as a crash, the replay driver (replay.cpp) as a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "riskcast/diagnostics.hpp"
#include "support/diagnostic_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace riskcast::fuzz {

// A harness's own check failed: the engine answered, but wrongly.
class PropertyViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

inline void require(bool holds, const std::string& what) {
  if (!holds) throw PropertyViolation(what);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// An error must say what is wrong, and where: in the text it is about.
inline void require_positioned(const Diagnostics& diagnostics, std::string_view text) {
  require(!diagnostics.empty(), "an error without a diagnostic");
  const std::optional<std::string> fault = testing::diagnostic_fault(diagnostics, text);
  require(!fault, fault.value_or(""));
}

// What `load(text)` returns, or nullopt when it threw the ModelError an
// input error gives (whose diagnostics must then be in place).
template <typename Load>
auto loaded(std::string_view text, Load&& load) -> std::optional<decltype(load(text))> {
  try {
    return load(text);
  } catch (const ModelError& e) {
    require_positioned(e.diagnostics(), text);
    return std::nullopt;
  }
}

}  // namespace riskcast::fuzz
