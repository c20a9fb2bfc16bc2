// The reference evaluator on models whose results the language reference
// states, the model generator's contract (reproducible, valid, covering the
// language), and the differential and metamorphic checks of the engine on
// 2,000 generated models (docs/testing.md).
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "difftest/differential.hpp"
#include "riskcast/draw.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "riskcast/random.hpp"
#include "support/reference_evaluator.hpp"

namespace riskcast {
namespace {

using difftest::Mismatch;
using generator::GeneratorOptions;
using generator::SeededChoices;

reference::ReferenceResult reference_run(const std::string& text, std::uint64_t samples, std::uint64_t seed = 7,
                                         std::string_view scenario = "base") {
  const Model model = load_model_text(text, "m.yaml");
  const std::optional<reference::IndexLayer> layer = reference::read_index_layer(text, scenario);
  return reference::evaluate_reference(
      apply_scenario(model, *model.find_scenario(scenario)),
      {.seed = seed, .first_sample = 0, .samples = samples, .indexes = layer ? &*layer : nullptr});
}

const std::vector<double>& column(const reference::ReferenceResult& r, std::string_view name) {
  for (std::size_t i = 0; i < r.names.size(); ++i)
    if (r.names[i] == name) return r.values[i];
  throw std::invalid_argument(std::string(name));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// docs/language.md "Month by month": the example's stated results hold in every sample.
TEST(ReferenceEvaluator, MonthByMonthExampleOfTheLanguageReference) {
  const std::string text = R"(
horizon: 4
events:
  s1: {kind: switch, initial: 1, on: 0, off: 1}
  s2: {kind: switch, on: "s1 ? 1 : 0"}
  late: {kind: switch, on: "month == 3 ? 1 : 0"}
  burst: {kind: arrivals, rate: "s1 ? 1000 : 0", size: 1}
monthly:
  counter: prev(counter, 10) + 1
outputs:
  s2_months: sum(s2)
  late_months: sum(late)
  burst_m1: sum(burst, 1, 1)
  burst_m2: sum(burst, 2, 2)
  final: last(counter)
)";
  const reference::ReferenceResult r = reference_run(text, 50);
  ASSERT_FALSE(r.error) << r.error->message;
  for (std::size_t s = 0; s < 50; ++s) {
    EXPECT_EQ(column(r, "s2_months")[s], 3.0);
    EXPECT_EQ(column(r, "late_months")[s], 2.0);
    EXPECT_EQ(column(r, "burst_m2")[s], 0.0);
    EXPECT_EQ(column(r, "final")[s], 14.0);
    // Poisson(1000): within 8 standard deviations (~31.6) in every one of 50 samples.
    EXPECT_NEAR(column(r, "burst_m1")[s], 1000.0, 8 * 31.7);
  }
}

// docs/architecture.md "Randomness": month m's event uniform is 32-bit word
// m − 1 of stream (seed, sample, `event:NAME`, 0), low half first.
TEST(ReferenceEvaluator, EventUniformsAreTheDocumented32BitWords) {
  const std::string text = R"(
horizon: 6
events:
  s: {kind: switch, initial: 0.5, on: 0.5, off: 0.5}
outputs:
  m1: sum(s, 1, 1)
  m2: sum(s, 2, 2)
  m3: sum(s, 3, 3)
  m4: sum(s, 4, 4)
  m5: sum(s, 5, 5)
  m6: sum(s, 6, 6)
)";
  const std::uint64_t seed = 99;
  const reference::ReferenceResult r = reference_run(text, 40, seed);
  ASSERT_FALSE(r.error);
  for (std::uint64_t sample = 0; sample < 40; ++sample) {
    RandomStream stream(seed, sample, random_slot_for("event", "s"), 0);
    std::vector<std::uint32_t> words;
    for (int i = 0; i < 3; ++i) {
      const std::uint64_t w = stream();
      words.push_back(static_cast<std::uint32_t>(w));
      words.push_back(static_cast<std::uint32_t>(w >> 32));
    }
    bool on = false;
    for (int m = 1; m <= 6; ++m) {
      const double u = (words[m - 1] + 0.5) * 0x1.0p-32;
      on = m == 1 ? u < 0.5 : (on != (u < 0.5));
      EXPECT_EQ(r.values[m - 1][sample], on ? 1.0 : 0.0) << "sample " << sample << ", month " << m;
    }
  }
}

// The error reported is the lowest failing sample's, at the hazard's position.
TEST(ReferenceEvaluator, RunTimeErrorOfTheLowestSample) {
  const std::string text = R"(
horizon: 3
parameters:
  u: uniform(0, 1)
events:
  s: {kind: switch, on: "u * 3"}
outputs:
  n: sum(s)
)";
  std::uint64_t expected = 0;
  Sampler uniform(load_model_text(text, "m.yaml").parameters[0].distribution);
  for (;; ++expected) {
    RandomStream stream(7, expected, random_slot_for("parameter", "u"), 0);
    if (uniform(stream) * 3 > 1.0) break;
  }
  const reference::ReferenceResult r = reference_run(text, expected + 20);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->sample, expected);
  const Model model = load_model_text(text, "m.yaml");
  EXPECT_EQ(r.error->pos, std::get<Switch>(model.events[0].definition).on_hazard.pos);
  EXPECT_EQ(r.error->pos.line, 6u);
  EXPECT_NE(r.error->message.find("hazard of `s` turning on evaluated to"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find(fmt::format("in sample {}, outside [0, 1]", expected)), std::string::npos)
      << r.error->message;
}

// docs/language.md "Run-time checks": a non-finite output names the
// operation that first gave a non-finite value from finite operands, with its
// operands, position and month (none for a formula of parameters only). The
// two examples there, run with the default seed 1.
TEST(ReferenceEvaluator, NamesTheCauseOfANonFiniteOutputAsDocumented) {
  const reference::ReferenceResult rt4 = reference_run(R"(parameters:
  a: uniform(1, 2)
monthly:
  m: sqrt(a - month)
outputs:
  n: sum(m)
)",
                                                       1, 1);
  ASSERT_TRUE(rt4.error);
  EXPECT_EQ(rt4.error->message, "output `n` is NaN in sample 0: sqrt(-0.2198497807741422) is NaN in month 2");
  EXPECT_EQ(rt4.error->pos, (SourcePos{4, 6}));
  const reference::ReferenceResult rt5 = reference_run(R"(parameters:
  a: uniform(1e307, 1e308)
monthly:
  big: a * 10
  m: big - big
outputs:
  o: sum(m)
)",
                                                       1, 1);
  ASSERT_TRUE(rt5.error);
  EXPECT_EQ(rt5.error->message, "output `o` is NaN in sample 0: 8.021351973032722e+307 * 10 is infinite");
  EXPECT_EQ(rt5.error->pos, (SourcePos{4, 10}));
}

// The models the engine is verified on agree with the reference bit for bit.
TEST(ReferenceEvaluator, AgreesWithTheEngineOnTheShippedModels) {
  for (const char* file : {"/bench/models/reference.yaml", "/configs/china-2026.yaml"}) {
    const std::string text = read_file(std::string(RISKCAST_SOURCE_DIR) + file);
    const difftest::EngineSettings settings{
        .seed = 2026, .first_sample = 1000, .samples = 300, .threads = 2, .block_size = 64};
    const difftest::Comparison c = difftest::compare_engine_with_reference(text, settings);
    EXPECT_FALSE(c.mismatch) << file << ": " << c.mismatch->describe();
    EXPECT_FALSE(c.engine.empty());
  }
}

// docs/language.md "Reductions": pairwise in halves, (e1 + e2) + (e3 + e4),
// which here gives 0 where a left fold, ((e1 + e2) + e3) + e4, gives 1.
TEST(ReferenceEvaluator, ReducesInTheDocumentedOrder) {
  const std::string text = R"yaml(horizon: 2
indexes:
  i: [a, b, c, d]
  j: [x, y, z]
parameters:
  v:
    over: i
    dist: [1, 1e16, -1e16, 1]
  w:
    over: j
    dist: {x: 1e16, y: 1, z: 1}
outputs:
  four: sum(v over i)
  three: sum(w over j)
  average: mean(v over i)
  months: sum(sum(v over i))
)yaml";
  const reference::ReferenceResult r = reference_run(text, 2);
  ASSERT_FALSE(r.error);
  EXPECT_EQ(column(r, "four")[0], 0.0);
  EXPECT_EQ(column(r, "three")[0], 1e16);  // (1e16 + 1) + 1
  EXPECT_EQ(column(r, "average")[0], 0.0);
  EXPECT_EQ(column(r, "months")[1], 0.0);
  EXPECT_FALSE(difftest::compare_engine_with_reference(text, {.seed = 3, .samples = 4}).mismatch);
}

// docs/language.md "Scenarios over indexes": a partial mapping overrides the
// elements it names; the others keep the model's values. Broadcasting and
// picks by element, checked against stated numbers and the engine.
TEST(ReferenceEvaluator, ReadsIndexesFromTheModelText) {
  const std::string text = R"yaml(horizon: 3
indexes:
  i: [a, b, c]
  j: [x, y]
parameters:
  p:
    over: i
    dist: [1, 2, 3]
  q:
    over: [i, j]
    dist: {a: {x: 10, y: 20}, b: 30, c: [40, 50]}
monthly:
  m:
    over: [i, j]
    formula: p * q + month
outputs:
  o:
    over: i
    formula: sum(sum(m) over j)
  picked: "q[c, y] + p[b]"
  total: sum(sum(sum(m) over j) over i)
scenarios:
  more_b:
    parameters:
      p: {b: 200}
)yaml";
  const reference::ReferenceResult base = reference_run(text, 1);
  ASSERT_FALSE(base.error);
  EXPECT_EQ(base.names, (std::vector<std::string>{"o[a]", "o[b]", "o[c]", "picked", "total"}));
  EXPECT_EQ(column(base, "o[a]")[0], (11 + 12 + 13) + (21 + 22 + 23));  // m[a,x] and m[a,y] over months 1 … 3
  const reference::ReferenceResult more_b = reference_run(text, 1, 7, "more_b");
  EXPECT_EQ(column(more_b, "picked")[0], 50 + 200);
  EXPECT_EQ(column(base, "picked")[0], 50 + 2);
  // m[i,j] = p[i]·q[i,j] + month; its months' total over the three months,
  // summed over i in halves.
  const double a = 3 * (10 + 20) + 2 * 6.0, b = 3 * (200 * 30 + 200 * 30) + 2 * 6.0,
               c = 3 * (3 * 40 + 3 * 50) + 2 * 6.0;
  EXPECT_EQ(column(more_b, "total")[0], (a + b) + c);
  EXPECT_FALSE(difftest::compare_engine_with_reference(text, {.seed = 3, .samples = 4}).mismatch);
}

TEST(ModelGenerator, SameSeedSameText) {
  for (std::uint64_t seed : {0ull, 1ull, 42ull, 123456789ull}) {
    EXPECT_EQ(generator::generate_model(seed), generator::generate_model(seed));
  }
  EXPECT_NE(generator::generate_model(1), generator::generate_model(2));
}

// fuzz_generated reads 8 bytes a choice, little-endian; its seed inputs
// (scripts/fuzz-seeds.py) are the words SeededChoices draws, so each is the
// model of its seed. The seeds' 4096 bytes cover 512 choices; the check here
// gives 64 Ki words, more than any model takes.
TEST(ModelGenerator, SeededWordsAsBytesGiveTheSeededModel) {
  for (std::uint64_t seed : {0ull, 5ull, 63ull}) {
    SeededChoices words(seed);
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < 65536; ++i) {
      const std::uint64_t w = words.next();
      for (int k = 0; k < 8; ++k) bytes.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
    }
    generator::ByteChoices choices(bytes);
    EXPECT_EQ(generator::generate(choices).text(), generator::generate_model(seed)) << "seed " << seed;
  }
}

// Every generated model passes `check`, however its choices were made.
TEST(ModelGenerator, EveryModelLoads) {
  auto loads = [](const std::string& text, const std::string& what) {
    try {
      load_model_text(text, "generated.yaml");
    } catch (const ModelError& e) {
      ADD_FAILURE() << what << ":\n" << e.diagnostics().format() << text;
    }
  };
  for (std::uint64_t seed = 0; seed < 300; ++seed)
    loads(generator::generate_model(seed, {.error_rate = 0.5}), fmt::format("seed {}", seed));
  // A fuzzer's bytes: none at all, a few, and many.
  std::vector<std::uint8_t> bytes;
  for (int n : {0, 3, 64, 4096}) {
    bytes.resize(static_cast<std::size_t>(n));
    SeededChoices fill(static_cast<std::uint64_t>(n));
    for (auto& b : bytes) b = static_cast<std::uint8_t>(fill.next());
    generator::ByteChoices choices(bytes);
    loads(generator::generate(choices).text(), fmt::format("{} bytes", n));
  }
}

// Over 2,000 seeds the generator writes every operator, function,
// distribution, event kind, context of prev and aggregates, and override
// (1,000 sufficed before the ten distributions of issue 14 thinned out the
// rarest planned errors).
TEST(ModelGenerator, CoversTheLanguage) {
  std::set<std::string> seen;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    SeededChoices choices(seed);
    const generator::GeneratedModel m = generator::generate(choices);
    seen.insert(m.features.begin(), m.features.end());
  }
  const std::vector<std::string> required = {"op:+",
                                             "op:-",
                                             "op:*",
                                             "op:/",
                                             "op:^",
                                             "op:**",
                                             "op:==",
                                             "op:!=",
                                             "op:<",
                                             "op:<=",
                                             "op:>",
                                             "op:>=",
                                             "op:and",
                                             "op:or",
                                             "op:not",
                                             "op:?:",
                                             "op:unary minus",
                                             "op:unary plus",
                                             "function:min",
                                             "function:max",
                                             "function:min/max with many arguments",
                                             "function:clamp",
                                             "function:abs",
                                             "function:exp",
                                             "function:log",
                                             "function:sqrt",
                                             "function:pow",
                                             "function:ratio",
                                             "dist:constant",
                                             "dist:uniform",
                                             "dist:triangular",
                                             "dist:pert",
                                             "dist:normal",
                                             "dist:truncated_normal",
                                             "dist:lognormal",
                                             "dist:lognormal_ci90",
                                             "dist:beta",
                                             "dist:gamma",
                                             "dist:bernoulli",
                                             "dist:discrete",
                                             "dist:poisson",
                                             "dist:lognormal_mean_sd",
                                             "dist:normal_percentiles",
                                             "dist:lognormal_percentiles",
                                             "dist:pert_p10_p50_p90",
                                             "dist:student_t",
                                             "dist:weibull",
                                             "dist:exponential",
                                             "dist:binomial",
                                             "dist:mixture",
                                             "dist:cumulative",
                                             "event:regime",
                                             "event:switch",
                                             "event:arrivals",
                                             "event:innovation",
                                             "innovation:constant arguments",
                                             "innovation:formula arguments",
                                             "innovation:normal",
                                             "innovation:uniform",
                                             "innovation:bernoulli",
                                             "innovation:exponential",
                                             "innovation:poisson",
                                             "innovation:gamma",
                                             "innovation:lognormal_mean_sd",
                                             "innovation:student_t",
                                             "innovation:binomial",
                                             "prev:innovation",
                                             "override:innovation dist",
                                             "switch:off hazard",
                                             "transition:constant parameter",
                                             "state comparison",
                                             "state named like a parameter",
                                             "month",
                                             "constant:true/false",
                                             "prev:monthly",
                                             "prev:switch",
                                             "prev:arrivals",
                                             "stock: prev of itself",
                                             "aggregate:sum",
                                             "aggregate:sum ranged",
                                             "aggregate:mean",
                                             "aggregate:mean ranged",
                                             "aggregate:last",
                                             "aggregate:min",
                                             "aggregate:max",
                                             "repeated subformula",
                                             "repeated subformula, operands swapped",
                                             "formula repeating an earlier subformula",
                                             "formula of parameters only",
                                             "guard",
                                             "override:parameter",
                                             "override:parameter mapping",
                                             "override:regime fix",
                                             "override:regime initial",
                                             "override:regime transitions",
                                             "override:regime absorbing row",
                                             "override:switch fix on",
                                             "override:switch fix off",
                                             "override:switch fix true",
                                             "override:switch fix false",
                                             "override:switch on_from",
                                             "override:switch on",
                                             "override:switch off",
                                             "override:switch initial",
                                             "override:arrivals rate",
                                             "override:arrivals size",
                                             "scenario without overrides",
                                             "scenario base with overrides",
                                             "parameter mapping form",
                                             "monthly mapping form",
                                             "horizon as a formula",
                                             "cause:sum overflowed",
                                             "cause:power",
                                             "cause:burst total",
                                             "cause:sub-formula also in a monthly formula",
                                             "cause:constant sub-formula",
                                             "index",
                                             "index:over two",
                                             "index:over list",
                                             "index:one value",
                                             "index:inner one value",
                                             "index:list",
                                             "index:list of lists",
                                             "index:mapping",
                                             "index:nested mapping",
                                             "index:partial mapping",
                                             "index:broadcast",
                                             "index:same index",
                                             "index:pick",
                                             "index:prev",
                                             "index:reduction sum",
                                             "index:reduction mean",
                                             "index:reduction min",
                                             "index:reduction max",
                                             "index:reduce own index",
                                             "index:reduction inside aggregate",
                                             "index:aggregate inside reduction",
                                             "index:aggregate in output",
                                             "index:switch",
                                             "index:arrivals",
                                             "index:override parameter",
                                             "index:override parameter mapping",
                                             "index:override switch fix",
                                             "index:override switch on_from",
                                             "index:override switch on",
                                             "index:override arrivals rate"};
  for (const std::string& f : required) EXPECT_TRUE(seen.count(f)) << "no model covers " << f;
  for (int e = 1; e < generator::kPlannedErrorKinds; ++e) {
    const auto planned = static_cast<generator::PlannedError>(e);
    EXPECT_TRUE(seen.count("planned error:" + std::string(generator::to_string(planned))))
        << "no model plans " << generator::to_string(planned);
  }
}

// Each rewriting gives a model that loads, and changes its text.
TEST(ModelGenerator, RewritingsLoad) {
  for (int t = 0; t < generator::kTransformations; ++t) {
    const auto transformation = static_cast<generator::Transformation>(t);
    int rewritten = 0;
    for (std::uint64_t seed = 0; seed < 60; ++seed) {
      SeededChoices choices(seed), rewrite(seed + 1);
      const generator::GeneratedModel m = generator::generate(choices);
      const auto r = generator::transform(m, transformation, rewrite);
      if (!r) continue;
      ++rewritten;
      EXPECT_NE(r->text(), m.text()) << to_string(transformation) << ", seed " << seed;
      try {
        load_model_text(r->text(), "rewritten.yaml");
      } catch (const ModelError& e) {
        ADD_FAILURE() << to_string(transformation) << ", seed " << seed << ":\n"
                      << e.diagnostics().format() << r->text();
      }
    }
    EXPECT_GT(rewritten, 30) << to_string(transformation);
  }
}

// The comparison sees a difference of one bit (−0 against 0) and names it.
TEST(Comparison, RewrittenRunsDifferingInOneBit) {
  difftest::ScenarioRun a{"base", {"x", "y"}, {{1.0, 2.0}, {0.0, 0.0}}, std::nullopt};
  difftest::ScenarioRun b{"base", {"y", "x"}, {{0.0, -0.0}, {1.0, 2.0}}, std::nullopt};
  const std::optional<Mismatch> m = difftest::compare_rewritten({a}, {b});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Mismatch::Kind::RewrittenValue);
  EXPECT_EQ(m->output, "y");
  EXPECT_EQ(m->sample, 1u);
  b.values[0][1] = 0.0;
  EXPECT_FALSE(difftest::compare_rewritten({a}, {b}));
  b.error = "3:4: output `y` is NaN in sample 1";
  EXPECT_EQ(difftest::compare_rewritten({a}, {b})->kind, Mismatch::Kind::RewrittenError);
}

TEST(Comparison, RejectedModelAndRejectedProgram) {
  const difftest::EngineSettings settings;
  EXPECT_EQ(difftest::compare_engine_with_reference("outputs: {x: y}", settings).mismatch->kind,
            Mismatch::Kind::ModelRejected);
  const difftest::ProgramVerifier no_min = [](const Program& p) -> std::optional<std::string> {
    for (const Instruction& i : p.output_code)
      if (i.op == OpCode::Min) return "a min instruction";
    return std::nullopt;
  };
  const std::string text = "parameters: {a: \"uniform(0, 1)\"}\noutputs: {x: \"min(a, 2 * a)\"}\n";
  const difftest::Comparison c = difftest::compare_engine_with_reference(text, settings, no_min);
  ASSERT_TRUE(c.mismatch);
  EXPECT_EQ(c.mismatch->kind, Mismatch::Kind::ProgramRejected) << c.mismatch->describe();
  EXPECT_NE(c.mismatch->detail.find("a min instruction"), std::string::npos);
}

// Shrinking keeps the failure and drops what does not cause it: with a
// verifier that rejects any min instruction in an output, one output is left
// and no scenario.
TEST(Comparison, ShrinkKeepsTheFailure) {
  const difftest::ProgramVerifier no_min = [](const Program& p) -> std::optional<std::string> {
    for (const Instruction& i : p.output_code)
      if (i.op == OpCode::Min) return "a min instruction";
    return std::nullopt;
  };
  for (std::uint64_t seed = 0;; ++seed) {
    SeededChoices choices(seed);
    const generator::GeneratedModel model = generator::generate(choices);
    const difftest::EngineSettings settings = difftest::settings_for(seed, model.horizon);
    const difftest::Comparison c = difftest::compare_engine_with_reference(model.text(), settings, no_min);
    if (!c.mismatch || c.mismatch->kind != Mismatch::Kind::ProgramRejected) continue;
    const generator::GeneratedModel small = difftest::shrink(model, settings, c.mismatch->kind, no_min);
    const difftest::Comparison again = difftest::compare_engine_with_reference(small.text(), settings, no_min);
    ASSERT_TRUE(again.mismatch) << small.text();
    EXPECT_EQ(again.mismatch->kind, Mismatch::Kind::ProgramRejected);
    EXPECT_LT(small.text().size(), model.text().size());
    EXPECT_EQ(small.root.find("outputs")->entries.size(), 1u) << small.text();
    EXPECT_EQ(small.root.find("scenarios"), nullptr) << small.text();
    break;
  }
}

// The minimal models of the faults the differential test found
// (docs/testing.md "What it has found"), each compared as a generated one.
void expect_agreement(const std::string& text) {
  const difftest::EngineSettings settings{.seed = 3, .first_sample = 0, .samples = 64, .threads = 2, .block_size = 8};
  const difftest::Comparison c = difftest::compare_engine_with_reference(text, settings, difftest::program_verifier());
  EXPECT_FALSE(c.mismatch) << c.mismatch->describe() << "\n" << text;
}

// Innovations of every path: constant arguments (the parameters' bulk
// sampler), formula arguments (validated and inverted lane by lane), a
// solved kind, hazards reading last month's draw, arguments reading the
// month's arrivals; and one whose arguments leave the domain in some sample.
TEST(DifferentialFindings, InnovationsAgreeWithTheReference) {
  expect_agreement(R"yaml(horizon: 7
parameters:
  u: uniform(0, 1)
events:
  arr: {kind: arrivals, rate: 1.5, size: "gamma(2, 1)"}
  r: {kind: regime, states: [a, b], initial: {a: 0.5, b: 0.5}, transitions: {a: {b: "i1 > 0 ? 0.3 : 0.1"}}}
  i1: {kind: innovation, dist: "normal(0, 2)"}
  i2: {kind: innovation, dist: "gamma(1 + arr, r == b ? 2 : 0.5)"}
  i3: {kind: innovation, dist: "lognormal_mean_sd(1 + u, 0.5 * month)"}
  i4: {kind: innovation, dist: "pert(0, 1, 4)"}
monthly:
  walk: prev(walk, u) + i1 + i2 + i3 + i4
outputs:
  o: last(walk) + max(i2) + mean(i3)
)yaml");
  expect_agreement(R"yaml(horizon: 3
parameters:
  u: uniform(0, 1)
events:
  i: {kind: innovation, dist: "uniform(u, month == 2 ? 0.9 : 2)"}
outputs:
  o: sum(i)
)yaml");
}

TEST(DifferentialFindings, SubexpressionOfAnEarlierReaderIsNotRenamed) {
  expect_agreement(R"yaml(horizon: 1
parameters:
  Price3: "poisson(45)"
events:
  a0: {kind: arrivals, rate: "clamp(Price3, 1e6, 2.46)", size: "discrete([6.06, -5.46, -1.31, -6.93], [4.93, 0, 3.34, 1.89])"}
monthly:
  m4: "clamp(Price3, 1e6, 2.46)"
outputs:
  o0: "mean(a0)"
)yaml");
}

TEST(DifferentialFindings, MinKeepsItsOperandsInOrder) {
  expect_agreement(R"yaml(horizon: 1
parameters:
  k0: "discrete([0.367, -4.23], [0, 1])"
outputs:
  o2: "min(-0, 1, 0, 1 > k0)"
)yaml");
}

TEST(DifferentialFindings, ConstantParameterTransitionsAreChecked) {
  expect_agreement(R"yaml(parameters:
  k: 0.6
events:
  r: {kind: regime, states: [x, y, z], initial: {x: 1}, transitions: {x: {y: k, z: k}}}
outputs:
  in_y: sum(r == y)
)yaml");
  expect_agreement(R"yaml(parameters:
  k: -0.25
events:
  r: {kind: regime, states: [x, y], initial: {x: 1}, transitions: {x: {y: k}}}
outputs:
  in_y: sum(r == y)
)yaml");
}

TEST(DifferentialFindings, PrevOfAFormulaOfParametersOnly) {
  expect_agreement(R"yaml(horizon: 3
parameters:
  p: uniform(0, 1)
monthly:
  m2: "prev(m1, 1) + prev(m3, 0)"
  m1: "1"
  m3: "2 * p"
outputs:
  o1: sum(m2)
)yaml");
}

TEST(DifferentialFindings, CauseOfANonFiniteOutputIsOnItsPath) {
  expect_agreement(R"yaml(horizon: 1
parameters:
  u_err: "uniform(0, 1)"
monthly:
  m_err: "sqrt(u_err - (month / 10))"
outputs:
  o_err: "sum(sqrt(u_err - (month / 10)))"
)yaml");
}

TEST(DifferentialFindings, ConstantCauseOfANonFiniteOutputIsNamed) {
  expect_agreement(R"yaml(horizon: 1
outputs:
  o_err: "1e308 * 10"
)yaml");
  expect_agreement(R"yaml(horizon: 1
parameters:
  u: "uniform(0, 1)"
outputs:
  o_err: "u + 1e308 * 10"
)yaml");
}

// Models built to fail stop with the same error in engine and reference:
// every kind of planned error is met (the share per kind is in docs/testing.md).
TEST(DifferentialTest, PlannedErrorsStopTheRun) {
  std::map<generator::PlannedError, int> planned, stopped;
  const bool sanitized = std::getenv("RISKCAST_SANITIZED") != nullptr;
  for (std::uint64_t seed = 0; seed < (sanitized ? 70u : 280u); ++seed) {
    const difftest::ModelCheck check = difftest::check_generated_model(1'000'000 + seed, {.error_rate = 1.0});
    EXPECT_FALSE(check.mismatch) << check.report();
    ++planned[check.model.planned_error];
    stopped[check.model.planned_error] += check.run_error.has_value();
  }
  for (int e = 1; e < generator::kPlannedErrorKinds; ++e) {
    const auto kind = static_cast<generator::PlannedError>(e);
    EXPECT_GT(stopped[kind], 0) << generator::to_string(kind) << ": " << planned[kind] << " planned, none stopped";
  }
}

// 2,000 generated models (200 in the sanitizer build) in 20 chunks, so
// ctest spreads them over its jobs: every output of every sample of every
// scenario bit for bit, and one rewriting per model.
class DifferentialSeeds : public ::testing::TestWithParam<int> {};

TEST_P(DifferentialSeeds, EngineAgreesWithReference) {
  const bool sanitized = std::getenv("RISKCAST_SANITIZED") != nullptr;
  const std::uint64_t per_chunk = sanitized ? 10 : 100;
  const std::uint64_t first = static_cast<std::uint64_t>(GetParam()) * per_chunk;
  // Runs ask for up to 3 threads: let TBB start them on a 2-core machine too.
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, 4);
  for (std::uint64_t seed = first; seed < first + per_chunk; ++seed) {
    const difftest::ModelCheck check = difftest::check_generated_model(seed, {}, difftest::program_verifier());
    if (check.mismatch) {
      const std::string path = difftest::write_reproduction(check, "difftest-failures");
      ADD_FAILURE() << check.report() << "written to " << path;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Chunks, DifferentialSeeds, ::testing::Range(0, 20));

}  // namespace
}  // namespace riskcast
