// Hostile input: whatever the bytes, loading ends in a ModelError with a
// position (or a file-level error), never a crash, a hang or a stack overflow.
#include <gtest/gtest.h>

#include <pthread.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>

#include "model/model_test_support.hpp"
#include "riskcast/expr.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"
#include "support/diagnostic_checks.hpp"

namespace riskcast::testing {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Loads `text`, which must fail; returns the first diagnostic in file order.
Diagnostic first_error(const std::string& text) {
  Diagnostics d = load_errors(text);
  EXPECT_FALSE(d.empty());
  if (d.empty()) return {};
  Diagnostic first = d.items().front();
  for (const Diagnostic& item : d.items())
    if (item.pos < first.pos) first = item;
  return first;
}

// Loads `text` and checks the error has a real position and mentions `fragment`.
Diagnostic expect_positioned_error(const std::string& text, std::string_view fragment) {
  const auto start = std::chrono::steady_clock::now();
  Diagnostic d = first_error(text);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0) << "checking took too long";
  EXPECT_GE(d.pos.line, 1u) << d.message;
  EXPECT_GE(d.pos.column, 1u) << d.message;
  EXPECT_NE(d.message.find(fragment), std::string::npos) << d.message;
  return d;
}

// A fixed pseudo-random byte string (xorshift), the same on every run.
std::string random_bytes(std::size_t n, std::uint64_t seed) {
  std::string out(n, '\0');
  std::uint64_t x = seed;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x >> 56);
  }
  return out;
}

TEST(HostileModel, EmptyFile) {
  Diagnostic d = expect_positioned_error("", "empty");
  EXPECT_EQ(d.pos, (SourcePos{1, 1}));
}

TEST(HostileModel, OnlyBlanksAndComments) {
  expect_positioned_error("# a model\n\n   # nothing here\n\t\n", "empty");
  expect_positioned_error("---\n# only a document marker\n", "empty");
}

TEST(HostileModel, NotAMapping) {
  expect_positioned_error("just some text\n", "a model is a mapping of sections");
  expect_positioned_error("- a\n- b\n", "a model is a mapping of sections");
  expect_positioned_error("42\n", "a model is a mapping of sections");
}

TEST(HostileModel, BinaryGarbageWithNul) {
  std::string text = random_bytes(4096, 0x9e3779b97f4a7c15ULL);
  text[100] = '\0';
  Diagnostic d = first_error(text);
  EXPECT_GE(d.pos.line, 1u);
  EXPECT_GE(d.pos.column, 1u);
}

TEST(HostileModel, NulByteInOtherwiseValidText) {
  Diagnostic d = expect_positioned_error(std::string("outputs:\n  o: 1\0\n", 17), "NUL byte");
  EXPECT_EQ(d.pos, (SourcePos{2, 7}));
}

TEST(HostileModel, ManyRandomInputsNeverCrash) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    std::string text = random_bytes(64 + seed * 7, seed * 0x2545f4914f6cdd1dULL);
    try {
      load_model_text(text, "garbage.yaml");
    } catch (const ModelError& e) {
      EXPECT_FALSE(e.diagnostics().empty());
    }
  }
}

TEST(HostileModel, RandomPrintableYamlishInputsNeverCrash) {
  const std::string alphabet = "ab:- \n[]{},\"'#&*!|>?%@`0123456789.e+()^<=";
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    std::string bytes = random_bytes(200, seed * 0x9e3779b97f4a7c15ULL);
    std::string text;
    for (char c : bytes) text += alphabet[static_cast<unsigned char>(c) % alphabet.size()];
    try {
      load_model_text(text, "fuzz.yaml");
    } catch (const ModelError& e) {
      EXPECT_FALSE(e.diagnostics().empty());
    }
  }
}

TEST(HostileModel, InvalidUtf8) {
  struct Case {
    std::string bytes;
    SourcePos pos;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"outputs:\n  o: 1 # caf\xe9\n", {2, 13}},  // Latin-1, not UTF-8
           {"\xff\xfe"
            "outputs: 1\n",
            {1, 1}},                                            // a UTF-16 byte-order mark
           {"outputs:\n  o: \xc0\xaf\n", {2, 6}},               // overlong encoding
           {"title: \xed\xa0\x80\noutputs: {o: 1}\n", {1, 8}},  // a UTF-16 surrogate
           {"title: \xf4\x90\x80\x80\n", {1, 8}},               // beyond U+10FFFF
           {"title: caf\xc3", {1, 11}},                         // truncated at the end
       }) {
    Diagnostic d = expect_positioned_error(c.bytes, "invalid UTF-8");
    EXPECT_EQ(d.pos, c.pos) << d.message;
  }
}

TEST(HostileModel, ValidUtf8IsFine) {
  load_ok("title: Marché ≈ 76 % — ok 🙂\noutputs:\n  o: 1 # ünïcödé\n");
}

TEST(HostileModel, HundredThousandNestedParenthesesInAFormula) {
  const std::string formula = repeat("(", 100000) + "1" + repeat(")", 100000);
  Diagnostic d = expect_positioned_error("outputs:\n  o: " + formula + "\n", "nested too deeply");
  EXPECT_EQ(d.pos.line, 2u);
}

TEST(HostileModel, HundredThousandTermsInAFormula) {
  const std::string formula = std::string("1") + repeat(" + 1", 100000);
  const Diagnostic d = expect_positioned_error("outputs:\n  o: " + formula + "\n",
                                               "formula is too long: more than 2000 operations one after another");
  // At the operator that is one too many: "1" then " + 1" per term.
  EXPECT_EQ(d.pos, (SourcePos{2, static_cast<std::uint32_t>(6 + 4 * kMaxExpressionHeight + 2)}));
}

// Runs `work` on a thread whose stack is `bytes` of memory painted with a
// pattern, and returns how many bytes of it the work touched, its thread
// descriptor and TLS (which glibc places at the top) included.
std::size_t stack_used(std::size_t bytes, const std::function<void()>& work) {
  constexpr unsigned char kPaint = 0xa5;
  void* memory = std::aligned_alloc(4096, bytes);
  std::memset(memory, kPaint, bytes);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, memory, bytes);
  pthread_t thread;
  auto trampoline = [](void* f) -> void* {
    (*static_cast<const std::function<void()>*>(f))();
    return nullptr;
  };
  EXPECT_EQ(pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&work)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  const auto* low = static_cast<const unsigned char*>(memory);
  std::size_t untouched = 0;
  while (untouched < bytes && low[untouched] == kPaint) ++untouched;
  std::free(memory);
  return bytes - untouched;
}

// The highest tree a formula may have (a chain of kMaxExpressionHeight
// operators; nesting stops at kMaxExpressionDepth, far lower) goes through
// every pass — loading, warnings, describe, disassembly, a run, a
// sensitivity analysis, a redefinition — within a stated budget, below a TBB
// worker's 4 MiB stack (docs/language.md, "Formulas"): measured, in the
// release build and under the address sanitizer, whose frames are larger.
TEST(HostileModel, HighestTreeFitsInTheStack) {
  std::string chain = "p";
  for (int i = 0; i < kMaxExpressionHeight; ++i) chain += " + p";
  const std::string text = "parameters:\n  p: uniform(1, 1.0001)\noutputs:\n  o: " + chain + "\n";
  std::string disassembly, described;
  const std::size_t used = stack_used(std::size_t{64} << 20, [&] {
    const LoadedModel model = LoadedModel::from_text(text, "chain.yaml");
    RunOptions options;
    options.samples = 64;
    options.threads = 1;
    model.run(options);
    SensitivityOptions sensitivity;
    sensitivity.samples = 64;
    sensitivity.threads = 1;
    model.sensitivity(sensitivity);
    described = model.describe("base", Format::Table);
    disassembly = model.disassemble("base");
    model.with_parameters({{"p", "2"}}).run(options);
  });
  EXPECT_FALSE(disassembly.empty());
  // Measured: 0.3 MiB in the release build, 2 MiB under the sanitizer.
#if defined(__SANITIZE_ADDRESS__)
  constexpr std::size_t kBudget = std::size_t{3} << 20;
#else
  constexpr std::size_t kBudget = std::size_t{1} << 19;
#endif
  EXPECT_LT(used, kBudget) << used << " bytes of stack";
  RecordProperty("stack_bytes", std::to_string(used));
  std::cout << "the highest tree took " << used << " bytes of stack\n";
  // One operator more is refused.
  expect_positioned_error("parameters:\n  p: uniform(1, 1.0001)\noutputs:\n  o: " + chain + " + p\n",
                          "formula is too long");
}

TEST(HostileModel, HundredThousandArgumentsInAFormula) {
  const std::string formula = "max(1" + repeat(", 1", 100000) + ")";
  expect_positioned_error("outputs:\n  o: " + formula + "\n", "max() takes 2 to 64 arguments");
}

TEST(HostileModel, HundredThousandDeepFlowNesting) {
  const std::string text = "outputs: " + repeat("[", 100000) + repeat("]", 100000) + "\n";
  Diagnostic d = expect_positioned_error(text, "nested too deeply");
  EXPECT_EQ(d.pos.line, 1u);
  expect_positioned_error("a: " + repeat("{a: ", 100000) + "1" + repeat("}", 100000), "nested too deeply");
}

TEST(HostileModel, DeepNestingHiddenBehindAQuote) {
  // A quote inside a plain scalar opens no string; the brackets after it count.
  const std::string text = "title: it's\noutputs: " + repeat("[", 100000) + repeat("]", 100000) + "\n# '\n";
  expect_positioned_error(text, "nested too deeply");
}

TEST(HostileModel, DeepBlockNesting) {
  expect_positioned_error(repeat("- ", 100000) + "1\n", "nested too deeply");
  std::string indented;
  for (int i = 0; i < 3000; ++i) indented += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  first_error(indented);  // an error of some kind; above all, no crash
}

TEST(HostileModel, MegabyteIdentifier) {
  const std::string name(1 << 20, 'a');
  Diagnostic d = expect_positioned_error("outputs:\n  o: " + name + " + 1\n", "unknown name");
  EXPECT_EQ(d.pos, (SourcePos{2, 6}));
  EXPECT_LT(d.message.size(), 200u) << "the name is shortened in the message";
  // YAML limits implicit keys to 1024 characters.
  expect_positioned_error("parameters:\n  " + name + ": 1\noutputs:\n  o: 1\n", "malformed YAML");
  // As an explicit key it is a valid name; defined twice, a duplicate.
  expect_positioned_error("parameters:\n  ? " + name + "\n  : 1\n  ? " + name + "\n  : 2\noutputs:\n  o: 1\n",
                          "duplicate name");
  expect_positioned_error("outputs:\n  o: " + std::string(1 << 20, '9') + "e99999\n", "out of range");
}

TEST(HostileModel, MegabyteStringValue) {
  const std::string text = "title: \"" + std::string(1 << 20, 'x') + "\"\noutputs:\n  o: 1\n";
  Model m = load_ok(text);
  EXPECT_EQ(m.title.size(), static_cast<std::size_t>(1 << 20));
}

TEST(HostileModel, SelfReferentialAliases) {
  first_error("parameters: &a {p: *a}\noutputs:\n  o: 1\n");
  first_error("outputs: &o\n  x: *o\n");
}

TEST(HostileModel, ManyErrorsStayFast) {
  std::string text = "monthly:\n";
  for (int i = 0; i < 50000; ++i) text += "  x" + std::to_string(i) + ": y" + std::to_string(i) + "\n";
  text += "outputs:\n  o: 1\n";
  expect_positioned_error(text, "unknown name");
}

TEST(HostileModel, ControlCharactersInAFormula) {
  expect_positioned_error("outputs:\n  o: \"1 +\\x01 2\"\n", "unexpected byte 0x01");
}

// A quoted formula continued on an unindented line: YAML folds the line
// break into a space that has no byte of its own in the file.
TEST(HostileModel, FoldedLineBreakInAQuotedFormula) {
  EXPECT_EQ(first_error("outputs:\n  o: \"1 +\n*\"\n").pos, (SourcePos{3, 1}));
  EXPECT_EQ(first_error("outputs:\n  o: '1 +\n*'\n").pos, (SourcePos{3, 1}));
  EXPECT_EQ(first_error("outputs:\n  o: \"1 +\n\n*\"\n").pos, (SourcePos{4, 1}));
}

// Every error of a scalar YAML reshaped (folded, unterminated, escaped) lies
// in the file, even where the exact byte cannot be found (found by fuzzing).
TEST(HostileModel, ErrorsInReshapedScalarsLieInTheFile) {
  for (const char* text : {
           "horizon: \"\n",
           "monthly: {p: \"\n\"}",
           "outputs:\n  o: \"\n\n\"\n",
           "outputs:\n  o: \"\\x41\n+\"\n",
           "outputs:\n  o: 'a\nb c'\n",
           "outputs:\n  o: \"1 +\\\n\"\n",
           "outputs:\n  o: >\n    1 +\n\n    *\n",
           "outputs:\n  o: !x \"\n\"\n",
       }) {
    const Diagnostics d = load_errors(text);
    EXPECT_FALSE(d.empty()) << text;
    EXPECT_EQ(diagnostic_fault(d, text), std::nullopt) << "model:\n" << text;
  }
}

// yaml-cpp marks an error at the end of the input one column past it, and
// names the end by the byte 0x04 (found by fuzzing).
TEST(HostileModel, YamlErrorAtTheEndOfTheFile) {
  for (const std::string text : {"\"\\", "outputs:\n  o: \"\\"}) {
    const Diagnostics d = load_errors(text);
    ASSERT_EQ(d.size(), 1u) << d.format();
    EXPECT_EQ(d.items()[0].message, "malformed YAML: unknown escape character: end of file");
    EXPECT_EQ(diagnostic_fault(d, text), std::nullopt) << text;
  }
  EXPECT_EQ(first_error("\"\\").pos, (SourcePos{1, 3}));
  EXPECT_EQ(first_error("outputs:\n  o: \"\\").pos, (SourcePos{2, 8}));
}

TEST(HostileModel, ControlCharacterInAYamlErrorIsSpeltOut) {
  const Diagnostics d = load_errors("title: \"\\\x01\"\n");
  ASSERT_EQ(d.size(), 1u) << d.format();
  EXPECT_EQ(d.items()[0].message, "malformed YAML: unknown escape character: \\x01");
}

TEST(HostileModel, ControlCharacterInAFileNameIsSpeltOut) {
  Diagnostics d("dir\nname\x01.yaml");
  d.error({1, 2}, "something");
  d.error({}, "something else");
  EXPECT_EQ(d.format(),
            "dir\\x0aname\\x01.yaml: error: something else\ndir\\x0aname\\x01.yaml:1:2: error: something\n");
}

// --- the same through the command line ------------------------------------------

// Every line of stderr must be FILE:LINE:COL: error: MESSAGE.
void expect_positioned_cli_errors(const CommandResult& r, const std::string& path) {
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  ASSERT_FALSE(r.err.empty());
  std::size_t start = 0;
  while (start < r.err.size()) {
    std::size_t end = r.err.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "stderr must end with a newline";
    const std::string line = r.err.substr(start, end - start);
    EXPECT_TRUE(is_positioned_error(line, path)) << line.substr(0, 300);
    start = end + 1;
  }
}

TEST(HostileModelCli, CheckReportsPositionsAndExitsTwo) {
  TempDir dir;
  struct Case {
    std::string name;
    std::string text;
  };
  std::string garbage = random_bytes(2048, 42);
  garbage[7] = '\0';
  for (const Case& c : std::vector<Case>{
           {"empty.yaml", ""},
           {"comments.yaml", "# nothing\n# at all\n"},
           {"garbage.bin", garbage},
           {"parens.yaml", "outputs:\n  o: " + repeat("(", 100000) + "1" + repeat(")", 100000) + "\n"},
           {"flow.yaml", "outputs: " + repeat("[", 100000) + repeat("]", 100000) + "\n"},
           {"ident.yaml", "outputs:\n  o: " + std::string(1 << 20, 'z') + "\n"},
           {"latin1.yaml", "title: caf\xe9\noutputs:\n  o: 1\n"},
           {"block.yaml", repeat("- ", 100000) + "1\n"},
       }) {
    SCOPED_TRACE(c.name);
    const std::string path = dir.write(c.name, c.text);
    CommandResult r = run_riskcast({"check", path});
    expect_positioned_cli_errors(r, path);
  }
}

}  // namespace
}  // namespace riskcast::testing
