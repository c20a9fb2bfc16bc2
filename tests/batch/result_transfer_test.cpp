// A result sent between ranks (engine/internal/riskcast/result_transfer.hpp)
// comes back whole: decoded, it formats to the same bytes in every format
// and encodes to the same bytes again; bytes cut short or too long are
// refused, not read as another result.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "riskcast/format.hpp"
#include "riskcast/result_transfer.hpp"
#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"

namespace riskcast {
namespace {

using testing::source_path;

// Results that between them set every field: percentiles asked for and
// exceedances, probability outputs and their paired differences, a Latin
// hypercube's replicates, precision targets, kept columns, one sample
// (sd undefined: NaN), open percentile intervals.
std::vector<RunResult> varied_results() {
  std::vector<RunResult> results;
  const LoadedModel reference = LoadedModel::from_file(source_path("bench/models/reference.yaml"));
  RunOptions options;
  options.samples = 2'000;
  options.seed = 17;
  options.percentiles = {0.001, 0.975};
  options.exceedances = {{reference.outputs().front().name, 0.5}};
  options.columns = {reference.outputs().front().name};
  results.push_back(reference.run(options));

  const LoadedModel flagship = LoadedModel::from_file(source_path("configs/china-2026.yaml"));
  RunOptions lhs;
  lhs.samples = 1'000;
  lhs.method = SamplingMethod::lhs;
  lhs.replicates = 4;
  results.push_back(flagship.run(lhs));

  RunOptions precise;
  precise.samples = 40'000;
  precise.precision = {parse_precision_target(reference.outputs().front().name + ":mean:5%")};
  results.push_back(reference.run(precise));

  RunOptions one;
  one.samples = 1;
  results.push_back(flagship.run(one));
  return results;
}

TEST(ResultTransfer, ADecodedResultFormatsToTheSameBytes) {
  for (const RunResult& result : varied_results()) {
    const std::string bytes = encode_result(result);
    const RunResult back = decode_result(bytes);
    EXPECT_EQ(encode_result(back), bytes) << result.model;
    for (Format format : {Format::Table, Format::Csv, Format::Json, Format::Markdown})
      EXPECT_EQ(format_result(back, format), format_result(result, format)) << result.model;
    ASSERT_EQ(back.scenarios.size(), result.scenarios.size());
    for (std::size_t s = 0; s < result.scenarios.size(); ++s) {
      ASSERT_EQ(back.scenarios[s].columns.size(), result.scenarios[s].columns.size());
      for (std::size_t c = 0; c < result.scenarios[s].columns.size(); ++c)
        EXPECT_EQ(back.scenarios[s].columns[c].values, result.scenarios[s].columns[c].values);
    }
  }
}

TEST(ResultTransfer, TheVariedResultsSetTheFieldsTheyAreMeantTo) {
  // So that the round trip above is not passing on empty fields.
  const std::vector<RunResult> results = varied_results();
  const OutputSummary& first = results[0].scenarios[0].outputs[0].summary;
  EXPECT_FALSE(first.exceedances.empty());
  EXPECT_FALSE(results[0].scenarios[0].columns.empty());
  EXPECT_EQ(results[1].replicates, 4u);
  bool difference = false, probability = false;
  for (const ScenarioResult& s : results[1].scenarios)
    for (const OutputResult& o : s.outputs) {
      difference = difference || o.difference.has_value();
      probability = probability || o.summary.probability.has_value();
    }
  EXPECT_TRUE(difference);
  EXPECT_TRUE(probability);
  EXPECT_TRUE(results[2].precision.has_value());
  EXPECT_TRUE(std::isnan(results[3].scenarios[0].outputs[0].summary.sd));
}

TEST(ResultTransfer, BytesCutShortOrTooLongAreRefused) {
  const std::string bytes = encode_result(varied_results()[0]);
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, bytes.size() / 3,
                          bytes.size() / 2, bytes.size() - 1})
    EXPECT_THROW(decode_result(std::string_view(bytes).substr(0, cut)), std::runtime_error) << cut;
  EXPECT_THROW(decode_result(bytes + '\0'), std::runtime_error);
}

}  // namespace
}  // namespace riskcast
