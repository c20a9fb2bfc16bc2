// Differential testing of the compiled engine against the reference
// evaluator (tests/support/reference_evaluator.hpp) on generated models
// (tests/support/model_generator.hpp), plus metamorphic checks: rewritings
// of a model that must not change a bit of any output. docs/testing.md
// explains the method, the settings and how to reproduce a failure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/program.hpp"
#include "support/model_generator.hpp"

namespace riskcast::difftest {

// How a model is sampled in a comparison.
struct EngineSettings {
  std::uint64_t seed = 1;
  std::uint64_t first_sample = 0;  // global index of the first sample (split runs; may pass 2^32)
  std::uint64_t samples = 200;
  unsigned threads = 1;
  std::size_t block_size = 256;
};

// The settings of a generated model's check, derived from its seed (so the
// seed alone reproduces a failure): 16 … 400 samples (fewer for long
// horizons), 1 … 3 threads, blocks of 1 … 256 samples, a first sample now
// and then just below 2^32 so a block straddles it.
EngineSettings settings_for(std::uint64_t model_seed, std::uint32_t horizon);

// A check of a compiled program before it runs (for example that every
// register is written before it is read): a description of the first fault,
// or nullopt.
using ProgramVerifier = std::function<std::optional<std::string>(const Program&)>;

// The verifier every check runs: the engine's own (verify_program, which
// compile_program also runs; a ProgramError from either is a mismatch).
ProgramVerifier program_verifier();

struct Mismatch {
  enum class Kind : std::uint8_t {
    ModelRejected,         // the text does not load (a generator fault, or a loader fault)
    ProgramRejected,       // compile_program or the ProgramVerifier found a fault in the program
    OutputNames,           // engine and reference list different outputs
    Value,                 // an output differs in at least one bit
    ErrorOnlyInEngine,     // the engine stopped with a run-time error, the reference did not
    ErrorOnlyInReference,  // the reference stopped with a run-time error, the engine did not
    DifferentError,        // both stopped, with different messages or positions
    Exception,             // something other than a run-time error was thrown
    RewrittenValue,        // a rewritten model's output differs from the original's
    RewrittenError,        // one of the original and the rewritten model failed, or they failed differently
  };
  Kind kind = Kind::Value;
  std::string scenario;
  std::string output;
  std::uint64_t sample = 0;
  double engine = 0.0, reference = 0.0;       // Value: the two values (RewrittenValue: original, rewritten)
  std::string engine_error, reference_error;  // "LINE:COL: message" of each side's run-time error, if any
  std::string detail;
  std::string describe() const;
};
std::string_view to_string(Mismatch::Kind kind);

// One scenario as the engine ran it.
struct ScenarioRun {
  std::string scenario;
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;  // [output][sample]
  std::optional<std::string> error;         // "LINE:COL: message"
};

struct Comparison {
  std::optional<Mismatch> mismatch;
  std::vector<ScenarioRun> engine;  // every scenario the engine ran, for the metamorphic checks
};

// Loads `model_text`, and for every scenario compiles and samples it with
// the engine and evaluates it with the reference: every output of every
// sample must agree bit for bit, or both must stop with the same run-time
// error (message and position). Stops at the first mismatch.
Comparison compare_engine_with_reference(std::string_view model_text, const EngineSettings& settings,
                                         const ProgramVerifier& verify = {});

// The engine's results for two texts of the same model: scenario by scenario
// and output by name, bit for bit; if one fails, both must. (Which error a
// sample meets first may change when entries are reordered, so only failing
// or not is compared.)
std::optional<Mismatch> compare_rewritten(const std::vector<ScenarioRun>& original,
                                          const std::vector<ScenarioRun>& rewritten);

// Everything checked for one generated model: the model against the
// reference, then one rewriting (chosen by the seed) against the reference
// and against the original.
struct ModelCheck {
  std::uint64_t seed = 0;
  generator::GeneratedModel model;
  EngineSettings settings;
  generator::Transformation transformation = generator::Transformation::CommuteOperands;
  std::optional<generator::GeneratedModel> rewritten;  // nullopt when the model offered nothing to rewrite
  std::optional<Mismatch> mismatch;
  bool mismatch_in_rewritten = false;    // the mismatch was found on the rewritten text
  std::optional<std::string> run_error;  // the run-time error engine and reference agreed on, if any

  // The seed, settings, mismatch and model text(s), for a failure message.
  std::string report() const;
  // The text the mismatch was found on.
  std::string failing_text() const;
};

ModelCheck check_generated_model(std::uint64_t seed, const generator::GeneratorOptions& options = {},
                                 const ProgramVerifier& verify = {});

// Writes the failing text to DIRECTORY/seed-SEED.yaml, the report as YAML
// comments on top; returns the path.
std::string write_reproduction(const ModelCheck& check, const std::string& directory);

// A smaller model on which the engine still disagrees with the reference in
// the same way (same Mismatch::Kind): greedily drops entries, replaces
// sub-formulas by an operand or a number and shortens the horizon while the
// mismatch persists.
generator::GeneratedModel shrink(const generator::GeneratedModel& model, const EngineSettings& settings,
                                 Mismatch::Kind kind, const ProgramVerifier& verify = {});

}  // namespace riskcast::difftest
