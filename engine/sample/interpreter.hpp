// The block interpreter: a compiled program run over a block of samples,
// one instruction at a time over every lane, month by month, with the
// events stepped in between (events.hpp). It also traces one sample alone
// to name the cause of a non-finite output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "block.hpp"
#include "events.hpp"
#include "riskcast/design.hpp"
#include "riskcast/draw.hpp"
#include "riskcast/program.hpp"
#include "riskcast/quantile_function.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast {

// One worker's evaluator: registers for settings.block_size lanes, reused
// from block to block.
class BlockInterpreter {
 public:
  BlockInterpreter(const Program& program, const RunSettings& settings);

  // Evaluates samples [first, first + n) and writes output o of sample s to
  // columns[o][s − column_origin] (settings.first_sample, or the first
  // sample of a chunk the columns hold).
  void run_block(std::uint64_t first, std::size_t n, std::span<double* const> columns) {
    run_block(first, n, columns, settings_.first_sample);
  }
  void run_block(std::uint64_t first, std::size_t n, std::span<double* const> columns, std::uint64_t column_origin);

  // The error of the lowest sample this worker has evaluated, if any.
  FirstError error;

  // Re-evaluates sample `found.sample` alone (the worker's settings must
  // have block size 1 and start at that sample),
  // following where each non-finite value came from, and returns `found`
  // (a non-finite output of that sample) with its cause named: the draw or
  // the operation that first gave a non-finite value from finite ones, with
  // its position, operands and month.
  FoundError explain(const FoundError& found);

 private:
  // Tracing one sample (explain): for each register holding a non-finite
  // value, the index of the cause it came from in causes_, or −1.
  struct Cause {
    SourcePos pos;
    std::string what;
  };
  int add_cause(SourcePos pos, std::string what);
  template <typename Describe>
  void trace_value(Register r, Register from, SourcePos pos, Describe&& describe);
  void trace_code(const Code& code);

  double* R(Register r) { return regs_.data() + static_cast<std::size_t>(r) * block_; }
  void check_indicator(const OutputColumn& output, const double* v, std::uint64_t first);
  void accumulate(const Accumulator& a, std::uint32_t m);
  void copy_prev(Register from, Register to);
  void execute(const Code& code);
  // The members of copula `copula` for samples first … first + n_ − 1, into
  // their registers.
  void draw_copula(std::size_t copula, const BlockLanes& lanes);

  const Program& p_;
  const RunSettings& settings_;
  std::size_t block_;
  std::vector<double> regs_;
  std::vector<Sampler> parameter_samplers_;
  // Under a sampling design: per parameter, its coordinate and quantile
  // function (a design gives one uniform, which the quantile inverts);
  // per copula member, its normal's coordinate.
  std::vector<std::optional<DesignCoordinate>> parameter_coordinates_;
  std::vector<std::optional<QuantileFunction>> parameter_quantiles_;
  std::vector<std::vector<std::optional<DesignCoordinate>>> normal_coordinates_;
  std::optional<QuantileFunction> normal_quantile_;
  std::vector<std::uint64_t> scratch_;  // random words for Sampler::fill
  Sampler standard_normal_;             // the copulas' independent normals
  std::vector<double> normals_;         // per copula member, one block of normals
  // Per copula, its members' quantile functions, prepared once.
  std::vector<std::vector<QuantileFunction>> copula_marginals_;
  EventStepper events_;
  std::size_t n_ = 0;
  std::uint32_t month_ = 0;  // the month being evaluated; 0 before month 1 and for outputs
  bool tracing_ = false;
  std::vector<int> origin_;
  std::vector<Cause> causes_;
};

}  // namespace riskcast
