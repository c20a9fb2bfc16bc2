// The sampler's driver: blocks of samples handed to TBB threads, each
// evaluated by its thread's interpreter (interpreter.hpp), with progress,
// cancellation between blocks, and the lowest sample's error reported.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>
#include <algorithm>
#include <optional>

#include "interpreter.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast {

void check_sample_range(std::uint64_t first_sample, std::uint64_t samples) {
  // The random-stream layout gives sample indices 40 bits: beyond them two
  // samples would share their random numbers.
  if (samples > kMaxSamples || first_sample > kMaxSamples - samples)
    throw std::invalid_argument(
        fmt::format("samples {} … {} are beyond the last sample index the random streams "
                    "keep apart ({}); use first_sample + samples ≤ {}",
                    first_sample, first_sample + samples - 1, kMaxSamples - 1, kMaxSamples));
}

void sample_program_into(const Program& program, const RunSettings& settings, std::span<double* const> outputs) {
  if (settings.block_size == 0 || settings.block_size > kMaxBlockSize)
    throw std::invalid_argument(fmt::format("block size must be 1 … {}", kMaxBlockSize));
  if (outputs.size() != program.outputs.size())
    throw std::invalid_argument(
        fmt::format("{} output columns for {} outputs", outputs.size(), program.outputs.size()));
  check_sample_range(settings.first_sample, settings.samples);
  if (settings.shift) {
    if (settings.shift->by > kMaxSamples) throw std::invalid_argument("an address shift beyond the sample indices");
    check_sample_range(settings.first_sample + settings.shift->by, settings.samples);
  }
  if (program.horizon > kMaxHorizon)
    throw std::invalid_argument(
        fmt::format("horizon {} months is beyond the {} the random streams keep apart", program.horizon, kMaxHorizon));
  const std::uint64_t block = settings.block_size;
  const std::uint64_t blocks = (settings.samples + block - 1) / block;
  tbb::enumerable_thread_specific<BlockInterpreter> workers(program, settings);
  auto body = [&](const tbb::blocked_range<std::uint64_t>& range) {
    BlockInterpreter& worker = workers.local();
    for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
      if (settings.stop.stop_requested()) return;
      const std::uint64_t first = settings.first_sample + b * block;
      const std::size_t n = static_cast<std::size_t>(std::min(block, settings.samples - b * block));
      worker.run_block(first, n, outputs);
      if (settings.progress) settings.progress->fetch_add(n, std::memory_order_relaxed);
    }
  };
  const int threads =
      settings.threads == 0 ? tbb::this_task_arena::max_concurrency() : static_cast<int>(settings.threads);
  tbb::task_arena arena(threads);
  arena.execute([&] { tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, blocks, 4), body); });
  if (settings.stop.stop_requested()) throw RunCancelled();

  std::optional<FoundError> first_error;
  for (BlockInterpreter& w : workers)
    if (w.error.found && (!first_error || w.error.found->sample < first_error->sample)) first_error = w.error.found;
  if (!first_error) return;
  if (first_error->output) {
    RunSettings one = settings;
    one.block_size = 1;
    one.first_sample = first_error->sample;
    // Traced in the unoptimised twin: the same bits, but each operation at
    // its own position, none folded away or shared with another formula.
    first_error = BlockInterpreter(program.unoptimised ? *program.unoptimised : program, one).explain(*first_error);
  }
  throw RunError(first_error->pos, first_error->message);
}

}  // namespace riskcast
