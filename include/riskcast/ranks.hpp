// Processes that share one piece of work (MPI ranks, docs/scale.md): the
// few collective operations the engine needs to split a run's samples over
// them and still give every rank the bytes one process would compute.
//
// The engine is used SPMD: every rank makes the same calls with the same
// arguments in the same order, and each call that samples splits its
// sample range into one contiguous part per rank (rank k: samples
// ⌊n·k/R⌋ … ⌊n·(k+1)/R⌋ − 1), samples its own part and gathers the others',
// so every rank then summarises the same columns; files are written by
// rank 0 alone. Results depend only on (model, scenario, seed, samples,
// method), never on the number of ranks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace riskcast {

// The transport. Every operation is collective: each rank of the group
// calls it, in the same order, with spans of the same length; it returns
// once every rank has contributed. Implementations: the MPI driver
// (engine/mpi/, over MPI_COMM_WORLD) and, for tests, threads of one process.
class RankGroup {
 public:
  virtual ~RankGroup() = default;
  virtual int rank() const = 0;  // 0 … size() − 1
  virtual int size() const = 0;  // ≥ 1
  // How many ranks of the group share this rank's machine (its memory),
  // this one included: a run counts 1/that of the memory the machine has
  // available, so that 16 ranks on one machine do not each plan to use all
  // of it. Not collective; 1 … size().
  virtual int ranks_on_machine() const = 0;

  // Element-wise sum (modulo 2^64) and minimum over the ranks, in place on
  // every rank. A sum of bit patterns where all ranks but one give 0 hands
  // that rank's values (doubles too) to every rank exactly.
  virtual void sum(std::span<std::uint64_t> values) = 0;
  virtual void min(std::span<std::uint64_t> values) = 0;
  // values[bounds[k], bounds[k+1]) holds rank k's part on rank k when
  // called; on return every rank holds every part. bounds has size() + 1
  // entries, ascending, bounds.front() = 0 and bounds.back() = values.size().
  virtual void all_gather(std::span<double> values, std::span<const std::size_t> bounds) = 0;
  // Rank `root`'s text, on every rank (others' `text` is replaced).
  virtual void broadcast(std::string& text, int root) = 0;
};

// The group of the calling thread's engine calls, while a RankScope lives
// on that thread; null otherwise (one process, the default). A run reads it
// when its options are turned into settings, on the calling thread.
RankGroup* active_ranks();

// A group of one that keeps `parent`'s rank count on the machine: whole
// runs a rank makes alone (run_batch) still count only its share of the
// machine's memory. Its operations leave their arguments as they are.
class AloneOnMachine final : public RankGroup {
 public:
  explicit AloneOnMachine(const RankGroup& parent) : on_machine_(parent.ranks_on_machine()) {}
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int ranks_on_machine() const override { return on_machine_; }
  void sum(std::span<std::uint64_t>) override {}
  void min(std::span<std::uint64_t>) override {}
  void all_gather(std::span<double>, std::span<const std::size_t>) override {}
  void broadcast(std::string&, int) override {}

 private:
  int on_machine_;
};

// Whether this process writes files: false only on a rank other than 0 of
// the active group (StagedFiles then writes nothing, silently).
bool writes_files();

// Makes `group` the calling thread's group until the scope ends (the
// previous one is restored). Null: a scope of one process.
class RankScope {
 public:
  explicit RankScope(RankGroup* group);
  ~RankScope();
  RankScope(const RankScope&) = delete;
  RankScope& operator=(const RankScope&) = delete;

 private:
  RankGroup* previous_;
};

// Rank k's share of `n` items split over `ranks`: [first, end).
struct RankShare {
  std::uint64_t first = 0, end = 0;
};
RankShare rank_share(std::uint64_t n, int rank, int ranks);

}  // namespace riskcast
