// Bytes → the model generator's choices (ByteChoices) → a valid generated
// model → engine against the reference evaluator, bit for bit
// (tests/difftest/differential.hpp). The seeded differential test draws the
// generator's choices at random; here libFuzzer's coverage feedback steers
// them toward engine paths the random draws rarely reach. A mismatch, or a
// generated text that does not load, is a finding.
#include <cstdint>
#include <span>

#include "difftest/differential.hpp"
#include "harness.hpp"
#include "support/model_generator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskcast;
  generator::ByteChoices choices(std::span(data, size));
  const generator::GeneratedModel model = generator::generate(choices);
  const std::string text = model.text();
  // The engine settings (samples, threads, block size, first sample) come
  // from the input too, by its FNV-1a hash, so one input reproduces a finding.
  std::uint64_t hash = 0xcbf29ce484222325;
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 0x100000001b3;
  const difftest::EngineSettings settings = difftest::settings_for(hash, model.horizon);
  const difftest::Comparison comparison = difftest::compare_engine_with_reference(text, settings);
  if (comparison.mismatch) throw fuzz::PropertyViolation(comparison.mismatch->describe() + "\n--- model ---\n" + text);
  return 0;
}
