// A non-finite output names its cause: the draw or the operation where the
// first non-finite value arose on the output's path (not one that a
// conditional discarded), with its position, operands and month; the same
// message for any thread count and block size.
#include <gtest/gtest.h>

#include <string>

#include "model/model_test_support.hpp"
#include "riskcast/program.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast {
namespace {

RunError run_error(const std::string& yaml, unsigned threads = 2, std::size_t block = 256) {
  const Model model = testing::load_ok(yaml);
  const Program program = compile_program(apply_scenario(model, model.scenarios[0]));
  RunSettings settings;
  settings.samples = 1000;
  settings.seed = 3;
  settings.threads = threads;
  settings.block_size = block;
  try {
    sample_program(program, settings);
  } catch (const RunError& e) {
    return e;
  }
  ADD_FAILURE() << "the run did not fail:\n" << yaml;
  return RunError({}, "");
}

void expect_cause(const std::string& yaml, SourcePos pos, const std::string& start, const std::string& end) {
  for (unsigned threads : {1u, 2u})
    for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{256}}) {
      const RunError e = run_error(yaml, threads, block);
      const std::string message = e.what();
      EXPECT_EQ(e.pos().line, pos.line) << message;
      EXPECT_EQ(e.pos().column, pos.column) << message;
      EXPECT_EQ(message.rfind(start, 0), 0u) << message;
      EXPECT_TRUE(message.ends_with(end)) << message;
    }
}

TEST(NonFiniteOutput, NamesTheOverflowingOperationNotADiscardedBranch) {
  // log(-c) is NaN in every sample but never chosen; a * 10 overflows, and
  // big − big turns the infinity into NaN: the overflow is the cause.
  expect_cause(R"m(parameters:
  a: uniform(1e307, 1e308)
  c: uniform(0, 1)
monthly:
  safe: "c > 2 ? log(-c) : c"
  big: a * 10
  m: big - big
outputs:
  total: sum(safe)
  o: sum(m)
)m",
               {6, 10}, "output `o` is NaN in sample 0: ", " * 10 is infinite");
}

TEST(NonFiniteOutput, NamesTheMonthOfAMonthlyOperation) {
  expect_cause(R"m(parameters:
  a: uniform(1, 2)
monthly:
  m: sqrt(a - month)
outputs:
  o: sum(m)
)m",
               {4, 6}, "output `o` is NaN in sample 0: sqrt(-", " is NaN in month 2");
  // prev carries the value, and its cause, into later months.
  expect_cause(R"m(parameters:
  a: uniform(1, 2)
monthly:
  m: prev(m, a) * 1e200
outputs:
  o: last(m)
)m",
               {4, 17}, "output `o` is infinite in sample 0: ", " * 1e+200 is infinite in month 2");
}

TEST(NonFiniteOutput, NamesAnOverflowingSum) {
  expect_cause(R"m(parameters:
  a: uniform(1e306, 1e307)
monthly:
  m: a * month
outputs:
  o: sum(m)
)m",
               {6, 6}, "output `o` is infinite in sample 0: the sum over months 1–12 overflowed to infinite in month ",
               "");
}

TEST(NonFiniteOutput, NamesArrivalsWhoseBurstsOverflow) {
  expect_cause(R"m(events:
  g: {kind: arrivals, rate: 5, size: "uniform(1e307, 1e308)"}
outputs:
  o: sum(g)
)m",
               {2, 39}, "output `o` is infinite in sample 0: ", "summed to infinite in month 1");
}

TEST(NonFiniteOutput, NamesTheDivision) {
  expect_cause(R"m(parameters:
  x: uniform(0, 1)
outputs:
  o: x / 0
)m",
               {4, 8}, "output `o` is infinite in sample 0: ", " / 0 is infinite");
}

}  // namespace
}  // namespace riskcast
