// Model text → load_model_text → every scenario compiled, listed and sampled
// (model_checks.hpp). A model that fails to load must say where.
#include <cstdint>

#include "harness.hpp"
#include "model_checks.hpp"
#include "riskcast/model_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskcast;
  const auto model =
      fuzz::loaded(fuzz::as_text(data, size), [](std::string_view text) { return load_model_text(text, "fuzz.yaml"); });
  if (model) fuzz::sample_every_scenario(*model);
  return 0;
}
