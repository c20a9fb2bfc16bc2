#include "difftest/differential.hpp"

#include <fmt/format.h>
#include <bit>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "riskcast/model_loader.hpp"
#include "riskcast/sampler.hpp"
#include "support/reference_evaluator.hpp"

namespace riskcast::difftest {

using generator::GeneratedModel;
using generator::SeededChoices;
using generator::Transformation;

std::string_view to_string(Mismatch::Kind kind) {
  static constexpr std::string_view kNames[] = {"model rejected",
                                                "program rejected by the verifier",
                                                "different outputs",
                                                "value differs",
                                                "run-time error only in the engine",
                                                "run-time error only in the reference",
                                                "different run-time errors",
                                                "exception",
                                                "rewritten model's value differs",
                                                "rewritten model fails differently"};
  return kNames[static_cast<int>(kind)];
}

namespace {

std::string bits_of(double v) {
  return fmt::format("{} ({:a}, bits {:016x})", v, v, std::bit_cast<std::uint64_t>(v));
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

std::string error_text(SourcePos pos, std::string_view message) {
  return fmt::format("{}:{}: {}", pos.line, pos.column, message);
}

// The first sample and output (in that order) whose bits differ.
struct Difference {
  std::uint64_t sample;
  std::size_t output;
};
std::optional<Difference> first_difference(const std::vector<std::vector<double>>& a,
                                           const std::vector<std::vector<double>>& b, std::uint64_t samples) {
  for (std::uint64_t s = 0; s < samples; ++s)
    for (std::size_t o = 0; o < a.size(); ++o)
      if (!same_bits(a[o][s], b[o][s])) return Difference{s, o};
  return std::nullopt;
}

}  // namespace

std::string Mismatch::describe() const {
  std::string out = fmt::format("{}", to_string(kind));
  if (!scenario.empty()) out += fmt::format(" in scenario `{}`", scenario);
  switch (kind) {
    case Kind::Value:
      out += fmt::format(": output `{}`, sample {}\n  engine    = {}\n  reference = {}", output, sample,
                         bits_of(engine), bits_of(reference));
      break;
    case Kind::RewrittenValue:
      out += fmt::format(": output `{}`, sample {}\n  original  = {}\n  rewritten = {}", output, sample,
                         bits_of(engine), bits_of(reference));
      break;
    default:
      break;
  }
  if (!engine_error.empty() || !reference_error.empty()) {
    const bool rewritten = kind == Kind::RewrittenError;
    out += fmt::format("\n  {}: {}\n  {}: {}", rewritten ? "original " : "engine   ",
                       engine_error.empty() ? "(no error)" : engine_error, rewritten ? "rewritten" : "reference",
                       reference_error.empty() ? "(no error)" : reference_error);
  }
  if (!detail.empty()) out += "\n  " + detail;
  return out;
}

EngineSettings settings_for(std::uint64_t model_seed, std::uint32_t horizon) {
  SeededChoices c(model_seed ^ 0x5eed5e77195ull);
  EngineSettings s;
  s.seed = c.next() % 2 == 0 ? 1 + c.next() % 1000 : c.next();
  // Samples cost horizon · entries each: long horizons get fewer.
  const std::uint64_t most = std::max<std::uint64_t>(16, 7200 / std::max<std::uint32_t>(horizon, 1));
  s.samples = std::min<std::uint64_t>(16 + c.next() % 385, most);
  s.threads = 1 + static_cast<unsigned>(c.next() % 3);
  static constexpr std::size_t kBlocks[] = {1, 2, 3, 5, 8, 16, 32, 64, 256};
  s.block_size = kBlocks[c.next() % std::size(kBlocks)];
  const std::uint64_t where = c.next() % 20;
  if (where < 3)
    s.first_sample = (std::uint64_t{1} << 32) - s.samples / 2;  // a block straddles 2^32
  else if (where < 6)
    s.first_sample = c.next() % 1000000;
  return s;
}

ProgramVerifier program_verifier() {
  return [](const Program& program) -> std::optional<std::string> {
    try {
      verify_program(program);
    } catch (const ProgramError& e) {
      return e.what();
    }
    return std::nullopt;
  };
}

Comparison compare_engine_with_reference(std::string_view model_text, const EngineSettings& settings,
                                         const ProgramVerifier& verify) {
  Comparison result;
  auto mismatch = [&](Mismatch m) {
    result.mismatch = std::move(m);
    return result;
  };
  Model model;
  try {
    model = load_model_text(model_text, "generated.yaml");
  } catch (const ModelError& e) {
    Mismatch m;
    m.kind = Mismatch::Kind::ModelRejected;
    m.detail = e.diagnostics().format();
    return mismatch(std::move(m));
  }
  for (const Scenario& scenario : model.scenarios) {
    Mismatch m;
    m.scenario = scenario.name;
    try {
      const Model applied = apply_scenario(model, scenario);
      Program program;
      try {
        program = compile_program(applied);
      } catch (const ProgramError& e) {
        m.kind = Mismatch::Kind::ProgramRejected;
        m.detail = e.what();
        return mismatch(std::move(m));
      }
      if (verify) {
        if (std::optional<std::string> fault = verify(program)) {
          m.kind = Mismatch::Kind::ProgramRejected;
          m.detail = *fault + "\n" + program.disassemble("generated.yaml");
          return mismatch(std::move(m));
        }
      }
      RunSettings run;
      run.seed = settings.seed;
      run.samples = settings.samples;
      run.first_sample = settings.first_sample;
      run.threads = settings.threads;
      run.block_size = settings.block_size;
      ScenarioRun engine;
      engine.scenario = scenario.name;
      try {
        SampleColumns columns = sample_program(program, run);
        engine.names = std::move(columns.names);
        engine.values = std::move(columns.values);
      } catch (const RunError& e) {
        engine.error = error_text(e.pos(), e.what());
      }
      const std::optional<reference::IndexLayer> layer = reference::read_index_layer(model_text, scenario.name);
      const reference::ReferenceResult expected =
          reference::evaluate_reference(applied, {.seed = settings.seed,
                                                  .first_sample = settings.first_sample,
                                                  .samples = settings.samples,
                                                  .indexes = layer ? &*layer : nullptr});
      const std::optional<std::string> expected_error =
          expected.error ? std::optional(error_text(expected.error->pos, expected.error->message)) : std::nullopt;
      m.engine_error = engine.error.value_or("");
      m.reference_error = expected_error.value_or("");
      if (engine.error || expected_error) {
        if (!engine.error) m.kind = Mismatch::Kind::ErrorOnlyInReference;
        if (!expected_error) m.kind = Mismatch::Kind::ErrorOnlyInEngine;
        if (engine.error && expected_error && *engine.error != *expected_error) m.kind = Mismatch::Kind::DifferentError;
        if (!engine.error || !expected_error || *engine.error != *expected_error) return mismatch(std::move(m));
      } else if (engine.names != expected.names) {
        m.kind = Mismatch::Kind::OutputNames;
        m.detail =
            fmt::format("engine: {}; reference: {}", fmt::join(engine.names, ", "), fmt::join(expected.names, ", "));
        return mismatch(std::move(m));
      } else if (auto d = first_difference(engine.values, expected.values, settings.samples)) {
        m.kind = Mismatch::Kind::Value;
        m.output = engine.names[d->output];
        m.sample = settings.first_sample + d->sample;
        m.engine = engine.values[d->output][d->sample];
        m.reference = expected.values[d->output][d->sample];
        return mismatch(std::move(m));
      } else if (program.unoptimised) {
        // The twin that traces run-time errors must give the same bits: it
        // is the naive reference of folding and shared subexpressions.
        const SampleColumns plain = sample_program(*program.unoptimised, run);
        if (auto t = first_difference(engine.values, plain.values, settings.samples)) {
          m.kind = Mismatch::Kind::Value;
          m.output = engine.names[t->output];
          m.sample = settings.first_sample + t->sample;
          m.engine = engine.values[t->output][t->sample];
          m.reference = plain.values[t->output][t->sample];
          m.detail = "the unoptimised program (CompileOptions::optimise false) differs from the optimised one";
          return mismatch(std::move(m));
        }
      }
      result.engine.push_back(std::move(engine));
    } catch (const std::exception& e) {
      m.kind = Mismatch::Kind::Exception;
      m.detail = e.what();
      return mismatch(std::move(m));
    }
  }
  return result;
}

std::optional<Mismatch> compare_rewritten(const std::vector<ScenarioRun>& original,
                                          const std::vector<ScenarioRun>& rewritten) {
  std::map<std::string, const ScenarioRun*> by_name;
  for (const ScenarioRun& r : rewritten) by_name[r.scenario] = &r;
  for (const ScenarioRun& a : original) {
    Mismatch m;
    m.scenario = a.scenario;
    auto found = by_name.find(a.scenario);
    if (found == by_name.end()) {
      m.kind = Mismatch::Kind::RewrittenError;
      m.detail = "the rewritten model has no such scenario";
      return m;
    }
    const ScenarioRun& b = *found->second;
    if (a.error || b.error) {
      if (a.error && b.error) continue;
      m.kind = Mismatch::Kind::RewrittenError;
      m.engine_error = a.error.value_or("");
      m.reference_error = b.error.value_or("");
      return m;
    }
    for (std::size_t o = 0; o < a.names.size(); ++o) {
      auto at = std::find(b.names.begin(), b.names.end(), a.names[o]);
      if (at == b.names.end()) {
        m.kind = Mismatch::Kind::RewrittenValue;
        m.output = a.names[o];
        m.detail = "the rewritten model has no such output";
        return m;
      }
      const std::vector<double>& x = a.values[o];
      const std::vector<double>& y = b.values[static_cast<std::size_t>(at - b.names.begin())];
      for (std::size_t s = 0; s < x.size(); ++s) {
        if (same_bits(x[s], y[s])) continue;
        m.kind = Mismatch::Kind::RewrittenValue;
        m.output = a.names[o];
        m.sample = s;
        m.engine = x[s];
        m.reference = y[s];
        m.detail = fmt::format("(sample {} of the run)", s);
        return m;
      }
    }
  }
  return std::nullopt;
}

ModelCheck check_generated_model(std::uint64_t seed, const generator::GeneratorOptions& options,
                                 const ProgramVerifier& verify) {
  ModelCheck check;
  check.seed = seed;
  SeededChoices choices(seed);
  check.model = generator::generate(choices, options);
  check.settings = settings_for(seed, check.model.horizon);
  Comparison original = compare_engine_with_reference(check.model.text(), check.settings, verify);
  if (original.mismatch) {
    check.mismatch = std::move(original.mismatch);
    return check;
  }
  for (const ScenarioRun& r : original.engine) {
    if (r.error) {
      check.run_error = r.error;
      break;
    }
  }
  // One rewriting per model, in turn by seed; the next kind if this model
  // offers nothing to rewrite.
  for (int k = 0; k < generator::kTransformations && !check.rewritten; ++k) {
    check.transformation =
        static_cast<Transformation>((seed + static_cast<std::uint64_t>(k)) % generator::kTransformations);
    SeededChoices rewrite_choices(seed * 0x9e3779b97f4a7c15ull + 1);
    check.rewritten = generator::transform(check.model, check.transformation, rewrite_choices);
  }
  if (!check.rewritten) return check;
  Comparison rewritten = compare_engine_with_reference(check.rewritten->text(), check.settings, verify);
  check.mismatch_in_rewritten = true;
  if (rewritten.mismatch) {
    check.mismatch = std::move(rewritten.mismatch);
  } else {
    check.mismatch = compare_rewritten(original.engine, rewritten.engine);
  }
  if (!check.mismatch) check.mismatch_in_rewritten = false;
  return check;
}

std::string ModelCheck::failing_text() const {
  return mismatch_in_rewritten && rewritten ? rewritten->text() : model.text();
}

std::string ModelCheck::report() const {
  std::string out = fmt::format("difftest seed {}: {}\n", seed, mismatch ? mismatch->describe() : "no mismatch");
  out += fmt::format("engine settings: seed {}, {} samples from sample {}, {} threads, block size {}\n", settings.seed,
                     settings.samples, settings.first_sample, settings.threads, settings.block_size);
  if (model.planned_error != generator::PlannedError::None)
    out += fmt::format("planned run-time error: {}\n", generator::to_string(model.planned_error));
  if (run_error) out += fmt::format("engine and reference both stopped with: {}\n", *run_error);
  if (mismatch_in_rewritten)
    out += fmt::format("found on the model rewritten by: {}\n", generator::to_string(transformation));
  if (mismatch)
    out += fmt::format("reproduce: build/bin/riskcast_difftest --seed {} (add --shrink for a smaller model)\n", seed);
  out += "--- model ---\n" + model.text();
  if (mismatch_in_rewritten) out += "--- rewritten model ---\n" + rewritten->text();
  return out;
}

std::string write_reproduction(const ModelCheck& check, const std::string& directory) {
  std::filesystem::create_directories(directory);
  const std::string path = fmt::format("{}/seed-{}.yaml", directory, check.seed);
  std::ofstream out(path);
  std::istringstream report(check.report().substr(0, check.report().find("--- model ---")));
  for (std::string line; std::getline(report, line);) out << "# " << line << "\n";
  out << check.failing_text();
  return path;
}

GeneratedModel shrink(const GeneratedModel& model, const EngineSettings& settings, Mismatch::Kind kind,
                      const ProgramVerifier& verify) {
  GeneratedModel best = model;
  for (bool progress = true; progress;) {
    progress = false;
    for (GeneratedModel& candidate : generator::shrink_candidates(best)) {
      const Comparison c = compare_engine_with_reference(candidate.text(), settings, verify);
      if (c.mismatch && c.mismatch->kind == kind) {
        best = std::move(candidate);
        progress = true;
        break;
      }
    }
  }
  return best;
}

}  // namespace riskcast::difftest
