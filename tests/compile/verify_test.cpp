// The program verifier accepts what the compiler produces for the shipped
// models and rejects each kind of broken program, built here by hand.
#include <gtest/gtest.h>

#include <string>

#include "model/model_test_support.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"

namespace riskcast {
namespace {

TEST(ProgramVerifier, AcceptsEveryScenarioOfTheShippedModels) {
  for (const char* path : {"configs/china-2026.yaml", "bench/models/reference.yaml"}) {
    const Model model = load_model_file(std::string(RISKCAST_SOURCE_DIR) + "/" + path);
    for (const Scenario& s : model.scenarios) {
      SCOPED_TRACE(std::string(path) + " scenario " + s.name);
      EXPECT_NO_THROW(verify_program(compile_program(apply_scenario(model, s))));
    }
  }
}

// A small valid program to break: parameter x, switch s, monthly m = x * s,
// output sum(m).
Program valid_program() {
  const Model model = testing::load_ok(R"m(parameters: {x: "uniform(0, 1)"}
events:
  s: {kind: switch, initial: 0.5, on: x / 10}
monthly:
  m: x * s + month
outputs: {o: sum(m), p: x * 2}
)m");
  Program p = compile_program(apply_scenario(model, model.scenarios[0]));
  verify_program(p);
  return p;
}

Register reg(const Program& p, const std::string& name) {
  for (Register r = 0; r < p.register_count; ++r)
    if (p.register_names[r] == name) return r;
  throw std::invalid_argument("no register " + name);
}

void expect_rejected(const Program& p, const std::string& fragment) {
  try {
    verify_program(p);
    ADD_FAILURE() << "accepted a broken program; wanted: " << fragment << "\n" << p.disassemble("m.yaml");
  } catch (const ProgramError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("internal error"), std::string::npos) << e.what();
  }
}

TEST(ProgramVerifier, RejectsAReadOfARegisterNothingWrote) {
  Program p = valid_program();
  ASSERT_FALSE(p.monthly_code.empty());
  const Register orphan = p.register_count++;
  p.register_names.emplace_back();
  p.monthly_code.back().a = orphan;
  expect_rejected(p, "nothing wrote before");
}

TEST(ProgramVerifier, RejectsTheRenamedHazardOfTheCseFault) {
  // The fault's shape: the hazard's register renamed to the formula's, so
  // the switch reads a register no instruction writes.
  const Model model = testing::load_ok(R"m(parameters: {p: "uniform(0.1, 0.2)", q: "uniform(0.5, 1)"}
events:
  s: {kind: switch, initial: 0, on: p * q}
monthly:
  m: p * q + 0 * s
outputs: {o: sum(s), n: sum(m)}
)m");
  Program p = compile_program(apply_scenario(model, model.scenarios[0]));
  const Register hazard = p.switches[0].on_hazard;
  for (Instruction& i : p.start_code)
    if (i.dst == hazard) i.dst = reg(p, "m");
  expect_rejected(p, "nothing wrote before");
}

TEST(ProgramVerifier, RejectsASecondWrite) {
  Program p = valid_program();
  Instruction twice = p.monthly_code.back();
  p.monthly_code.push_back(twice);
  expect_rejected(p, "already written");
}

TEST(ProgramVerifier, RejectsWritingARegisterTheRunnerFills) {
  for (const char* name : {"x", "s", "month"}) {
    SCOPED_TRACE(name);
    Program p = valid_program();
    p.monthly_code.back().dst = reg(p, name);
    expect_rejected(p, "already written");
  }
}

TEST(ProgramVerifier, RejectsAMonthlyValueReadOutsideItsMonth) {
  Program p = valid_program();
  // The output reads the monthly series directly instead of its aggregate.
  p.output_code.push_back({OpCode::Copy, p.register_count++, reg(p, "m"), kNoRegister, kNoRegister, {}});
  p.register_names.emplace_back();
  expect_rejected(p, "does not hold this month's value");
}

TEST(ProgramVerifier, RejectsAStepReadingAnEventStateInPlace) {
  Program p = valid_program();
  p.switches[0].on_hazard = p.switches[0].state;
  expect_rejected(p, "switch s's hazard to turn on");
}

// An innovation's arguments run after the arrivals: they may read the
// month's events but not a monthly value (computed later), another
// innovation (drawn side by side) or a rate reading one.
TEST(ProgramVerifier, InnovationArgumentsReadOnlyWhatIsDrawnBeforeThem) {
  const Model model = testing::load_ok(R"m(parameters: {x: "uniform(0, 1)"}
events:
  a: {kind: arrivals, rate: 1, size: 1}
  i: {kind: innovation, dist: "normal(a, 1 + x * month)"}
  j: {kind: innovation, dist: "normal(0, 1)"}
monthly:
  m: i + j
outputs: {o: sum(m)}
)m");
  const Program valid = compile_program(apply_scenario(model, model.scenarios[0]));
  ASSERT_EQ(valid.innovations.size(), 2u);
  ASSERT_FALSE(valid.innovation_code.empty());
  EXPECT_NO_THROW(verify_program(valid));
  Program p = valid;
  p.innovations[0].arguments[0] = reg(p, "m");
  expect_rejected(p, "innovation i's argument");
  p = valid;
  p.innovation_code.back().a = reg(p, "j");
  expect_rejected(p, "does not hold this month's value");
  p = valid;
  p.rate_code.push_back({OpCode::Copy, p.register_count++, reg(p, "i"), kNoRegister, kNoRegister, {}});
  p.register_names.emplace_back();
  expect_rejected(p, "does not hold this month's value");
}

TEST(ProgramVerifier, RejectsWrongOperandsAndRegisters) {
  Program p = valid_program();
  p.monthly_code.back().c = reg(p, "x");
  expect_rejected(p, "an operand too many");
  p = valid_program();
  p.monthly_code.back().b = kNoRegister;
  expect_rejected(p, "no register");
  p = valid_program();
  p.outputs[0].reg = p.register_count + 5;
  expect_rejected(p, "beyond the");
}

}  // namespace
}  // namespace riskcast
