// Sampling a compiled program: blocks of samples on TBB threads, outputs
// collected as columns. Bit-identical for any thread count and block size.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "riskcast/program.hpp"
#include "riskcast/ranks.hpp"
#include "riskcast/riskcast.hpp"

namespace riskcast {

class SamplingDesign;  // design.hpp

struct RunSettings {
  std::uint64_t samples = 1'000'000;
  std::uint64_t seed = 1;
  unsigned threads = 0;                            // 0: all hardware threads
  std::size_t block_size = 256;                    // samples evaluated together per instruction
  std::uint64_t first_sample = 0;                  // global index of the first sample (for split runs)
  std::atomic<std::uint64_t>* progress = nullptr;  // samples done, if set
  std::stop_token stop;                            // checked between blocks: a stop request throws RunCancelled
  // Latin hypercube or quasi-Monte Carlo points for the design's coordinates
  // (design.hpp); null: Monte Carlo.
  std::shared_ptr<const SamplingDesign> design;
  // Draws of the shifted slots come from sample s + shift->by (random.hpp,
  // AddressShift); null: every slot draws from its own sample. Needs
  // first_sample + samples + shift->by ≤ kMaxSamples.
  std::shared_ptr<const AddressShift> shift;
  // The ranks that share this sampling (ranks.hpp): each samples its part
  // of the range and gathers the rest. Taken from the thread that makes the
  // settings (an engine call's own), so that a call on a TBB worker never
  // finds a different group; null: this process samples everything.
  RankGroup* ranks = active_ranks();
};

// One column of values per output, in the program's output order.
struct SampleColumns {
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;
};

// A model that cannot be evaluated for some sample (a probability formula
// outside [0, 1], an output that is not a finite number). Reports the
// lowest sample index at which it happens, so the message is the same for
// any thread count (and any number of ranks: sample() is that index).
class RunError : public std::runtime_error {
 public:
  RunError(SourcePos pos, std::string message, std::uint64_t sample = kNoSample)
      : std::runtime_error(message), pos_(pos), sample_(sample) {}
  SourcePos pos() const { return pos_; }
  std::uint64_t sample() const { return sample_; }
  static constexpr std::uint64_t kNoSample = ~std::uint64_t{0};

 private:
  SourcePos pos_;
  std::uint64_t sample_;
};

// Bytes of memory a run keeps per sample: the output columns.
std::size_t bytes_per_sample(const Program& program);

// Throws std::invalid_argument unless first_sample + samples ≤ kMaxSamples
// (sample indices are 40-bit in the random-stream layout).
void check_sample_range(std::uint64_t first_sample, std::uint64_t samples);

SampleColumns sample_program(const Program& program, const RunSettings& settings);

// Frees a column: unmaps a mapped one, delete[]s a small one.
struct ColumnRelease {
  void* mapping = nullptr;
  std::size_t mapped_bytes = 0;
  void operator()(double* values) const noexcept;
};

// An uninitialised column of doubles (no zeroing pass): the storage a run
// writes its outputs to. A column of 2 MiB or more is mapped on a huge-page
// boundary, marked for huge pages and populated in one call, because one
// page fault per 4 KiB page, taken while sampling, costs more than the
// sampling on virtual machines. The huge-page rounding adds at most 2 MiB
// of resident memory per column.
struct Column {
  std::unique_ptr<double[], ColumnRelease> data;
  std::size_t size = 0;
  std::span<double> span() { return {data.get(), size}; }
};
Column allocate_column(std::size_t n);

// The same as sample_program, writing output o of sample s to
// outputs[o][s − first_sample]; each column must hold settings.samples values.
// With settings.ranks, each rank samples its share (rank_share) and the
// columns are gathered, so every rank returns every value; a failing
// sample anywhere throws the same RunError (the lowest sample's) on every
// rank.
void sample_program_into(const Program& program, const RunSettings& settings, std::span<double* const> outputs);

// Samples several programs (a run's scenarios) over the same samples
// without keeping them: chunk c holds samples settings.first_sample +
// c·chunk_size … (the last chunk shorter), sampled piece by piece
// (piece_size divides chunk_size), and consume(c, offset, columns) is
// called for each piece with columns[p][o] the piece's values of program
// p's output o, `offset` its first sample's place in the chunk. The pieces
// of one chunk come in order, one at a time; different chunks concurrently.
// With `first`, the first piece of chunk 0 is sampled alone, before any
// other, and handed to `first` instead (a pass planned from its values).
// Once any sample has failed nothing more is handed on; after the chunks,
// the first program with an error throws its lowest sample's RunError (a
// run of one program after another meets the same). Cancellation and
// progress as sample_program_into.
//
// With window.chunks > 0 the chunks are sampled window by window (chunks
// [0, w), [w, 2w), …), and window.done(begin, end) is called on the calling
// thread after each, before the next starts: a consumer keeps per-chunk
// sums for one window only and folds them in chunk order there.
using ChunkConsumer = std::function<void(std::uint64_t chunk, std::uint64_t offset,
                                         const std::vector<std::vector<std::span<const double>>>& columns)>;
struct ChunkWindow {
  std::uint64_t chunks = 0;  // 0: every chunk in one window
  std::function<void(std::uint64_t begin, std::uint64_t end)> done;
};
//
// Over ranks (settings.ranks), each rank samples the chunks chunk_owner
// gives it and hands on only those; every rank samples the first piece and
// hands it to `first` (a consumer counts it only where chunk_owner(0) is
// the rank); window.done is called on every rank after each window (to
// merge the window's sums over the ranks there), and the lowest failing
// sample of all ranks is thrown on every rank.
void sample_chunks(std::span<const Program* const> programs, const RunSettings& settings, std::size_t chunk_size,
                   std::size_t piece_size, const ChunkConsumer& consume, const ChunkConsumer& first = {},
                   const ChunkWindow& window = {});
// The rank that samples `chunk` in sample_chunks: chunk mod size, so that
// every window's work is spread over the ranks.
int chunk_owner(std::uint64_t chunk, const RankGroup& group);

}  // namespace riskcast
