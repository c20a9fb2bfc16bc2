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

namespace {

// The limits every sampling call checks before it starts.
void check_settings(const Program& program, const RunSettings& settings) {
  if (settings.block_size == 0 || settings.block_size > kMaxBlockSize)
    throw std::invalid_argument(fmt::format("block size must be 1 … {}", kMaxBlockSize));
  check_sample_range(settings.first_sample, settings.samples);
  if (settings.shift) {
    if (settings.shift->by > kMaxSamples) throw std::invalid_argument("an address shift beyond the sample indices");
    check_sample_range(settings.first_sample + settings.shift->by, settings.samples);
  }
  if (program.horizon > kMaxHorizon)
    throw std::invalid_argument(
        fmt::format("horizon {} months is beyond the {} the random streams keep apart", program.horizon, kMaxHorizon));
}

// Throws the RunError of the lowest sample among `errors` (one per worker),
// its cause traced, if there is one.
void throw_lowest_error(const Program& program, const RunSettings& settings,
                        std::span<const FirstError* const> errors) {
  std::optional<FoundError> first_error;
  for (const FirstError* e : errors)
    if (e->found && (!first_error || e->found->sample < first_error->sample)) first_error = e->found;
  if (!first_error) return;
  if (first_error->output) {
    RunSettings one = settings;
    one.block_size = 1;
    one.first_sample = first_error->sample;
    // Traced in the unoptimised twin: the same bits, but each operation at
    // its own position, none folded away or shared with another formula.
    first_error = BlockInterpreter(program.unoptimised ? *program.unoptimised : program, one).explain(*first_error);
  }
  throw RunError(first_error->pos, first_error->message, first_error->sample);
}

int thread_count(const RunSettings& settings) {
  return settings.threads == 0 ? tbb::this_task_arena::max_concurrency() : static_cast<int>(settings.threads);
}

// Every rank's own error (the lowest failing sample it met, or none) →
// the lowest of all ranks thrown on every rank, its message sent by the
// lowest rank that met it; returns on every rank when none failed.
void throw_lowest_on_ranks(RankGroup& group, const std::optional<RunError>& mine) {
  // [0]: the lowest failing sample anywhere; [1]: the lowest rank that met it.
  std::uint64_t lowest[2] = {mine ? mine->sample() : RunError::kNoSample, RunError::kNoSample};
  group.min(std::span(lowest, 1));
  if (lowest[0] == RunError::kNoSample) return;
  lowest[1] = mine && mine->sample() == lowest[0] ? static_cast<std::uint64_t>(group.rank()) : RunError::kNoSample;
  group.min(std::span(lowest + 1, 1));
  const int sender = static_cast<int>(lowest[1]);
  std::string text;  // "LINE COLUMN MESSAGE"
  if (group.rank() == sender) text = fmt::format("{} {} {}", mine->pos().line, mine->pos().column, mine->what());
  group.broadcast(text, sender);
  SourcePos pos;
  std::size_t used = 0, more = 0;
  pos.line = static_cast<std::uint32_t>(std::stoul(text, &used));
  pos.column = static_cast<std::uint32_t>(std::stoul(text.substr(used), &more));
  throw RunError(pos, text.substr(used + more + 1), lowest[0]);
}

// sample_program_into over a group of ranks: this rank's share sampled
// alone, then the error of the lowest failing sample of all ranks thrown
// on every rank, or every column gathered.
void sample_on_ranks(const Program& program, const RunSettings& settings, std::span<double* const> outputs) {
  RankGroup& group = *settings.ranks;
  const int ranks = group.size();
  const RankShare mine = rank_share(settings.samples, group.rank(), ranks);
  RunSettings part = settings;
  part.ranks = nullptr;
  part.first_sample = settings.first_sample + mine.first;
  part.samples = mine.end - mine.first;
  std::vector<double*> shifted;
  for (double* column : outputs) shifted.push_back(column + mine.first);
  std::optional<RunError> failed;
  if (part.samples > 0) try {
      sample_program_into(program, part, shifted);
    } catch (const RunError& e) {
      failed = e;
    }
  throw_lowest_on_ranks(group, failed);
  std::vector<std::size_t> bounds;
  for (int k = 0; k <= ranks; ++k)
    bounds.push_back(
        static_cast<std::size_t>(k == ranks ? settings.samples : rank_share(settings.samples, k, ranks).first));
  for (double* column : outputs) group.all_gather(std::span(column, settings.samples), bounds);
  // Progress counts the whole range, as one process would.
  if (settings.progress) settings.progress->fetch_add(settings.samples - part.samples, std::memory_order_relaxed);
}

}  // namespace

void sample_program_into(const Program& program, const RunSettings& settings, std::span<double* const> outputs) {
  if (outputs.size() != program.outputs.size())
    throw std::invalid_argument(
        fmt::format("{} output columns for {} outputs", outputs.size(), program.outputs.size()));
  check_settings(program, settings);
  if (settings.ranks && settings.ranks->size() > 1) return sample_on_ranks(program, settings, outputs);
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
  tbb::task_arena arena(thread_count(settings));
  arena.execute([&] { tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, blocks, 4), body); });
  if (settings.stop.stop_requested()) throw RunCancelled();
  std::vector<const FirstError*> errors;
  for (BlockInterpreter& w : workers) errors.push_back(&w.error);
  throw_lowest_error(program, settings, errors);
}

void sample_chunks(std::span<const Program* const> programs, const RunSettings& settings, std::size_t chunk_size,
                   std::size_t piece_size, const ChunkConsumer& consume, const ChunkConsumer& first,
                   const ChunkWindow& window) {
  if (chunk_size == 0 || piece_size == 0 || chunk_size % piece_size != 0)
    throw std::invalid_argument("chunks must be whole pieces of samples");
  for (const Program* p : programs) check_settings(*p, settings);
  const std::uint64_t chunks = (settings.samples + chunk_size - 1) / chunk_size;
  // One worker per thread: an interpreter per program and one piece's columns.
  struct Worker {
    std::vector<BlockInterpreter> interpreters;
    std::vector<std::vector<double>> storage;  // per program, outputs × piece_size
    std::vector<std::vector<double*>> columns;
    std::vector<std::vector<std::span<const double>>> views;
  };
  tbb::enumerable_thread_specific<Worker> workers([&] {
    Worker w;
    for (const Program* p : programs) {
      w.interpreters.emplace_back(*p, settings);
      w.storage.emplace_back(p->outputs.size() * piece_size);
      w.columns.emplace_back(p->outputs.size());
      w.views.emplace_back(p->outputs.size());
    }
    return w;
  });
  // Once a sample fails the run will stop with an error, so nothing is
  // consumed after it; sampling goes on to find the lowest failing sample.
  std::atomic<bool> failed{false};
  const std::uint64_t block = settings.block_size;
  // Samples [from, to) of the run (0-based), within one chunk.
  auto run_piece = [&](std::uint64_t from, std::uint64_t to, const ChunkConsumer& to_whom) {
    Worker& w = workers.local();
    const std::size_t n = static_cast<std::size_t>(to - from);
    const std::uint64_t start = settings.first_sample + from;
    for (std::size_t p = 0; p < programs.size(); ++p) {
      for (std::size_t o = 0; o < w.columns[p].size(); ++o) {
        w.columns[p][o] = w.storage[p].data() + o * piece_size;
        w.views[p][o] = {w.columns[p][o], n};
      }
      for (std::uint64_t at = 0; at < n; at += block) {
        const std::size_t m = static_cast<std::size_t>(std::min<std::uint64_t>(block, n - at));
        w.interpreters[p].run_block(start + at, m, w.columns[p], start);
      }
      if (w.interpreters[p].error.found) failed.store(true, std::memory_order_relaxed);
    }
    if (!failed.load(std::memory_order_relaxed)) to_whom(from / chunk_size, from % chunk_size, w.views);
    if (settings.progress) settings.progress->fetch_add(n, std::memory_order_relaxed);
  };
  auto run_chunk = [&](std::uint64_t c, std::uint64_t skip) {
    const std::uint64_t end = std::min<std::uint64_t>(settings.samples, (c + 1) * chunk_size);
    for (std::uint64_t from = c * chunk_size + skip; from < end; from += piece_size) {
      if (settings.stop.stop_requested()) return;
      run_piece(from, std::min(end, from + piece_size), consume);
    }
  };
  // Over ranks, chunk c is sampled by rank c mod R (chunk_owner); every
  // rank samples the pilot piece of chunk 0, so that all plan alike.
  RankGroup* const group = settings.ranks && settings.ranks->size() > 1 ? settings.ranks : nullptr;
  auto mine = [&](std::uint64_t c) { return !group || chunk_owner(c, *group) == group->rank(); };
  tbb::task_arena arena(thread_count(settings));
  arena.execute([&] {
    std::uint64_t skip = 0;
    if (first && chunks > 0) {
      skip = std::min<std::uint64_t>(piece_size, settings.samples);
      run_piece(0, skip, first);
    }
    const std::uint64_t width = window.chunks ? window.chunks : std::max<std::uint64_t>(chunks, 1);
    for (std::uint64_t begin = 0; begin < chunks; begin += width) {
      const std::uint64_t end = std::min(chunks, begin + width);
      tbb::parallel_for(tbb::blocked_range<std::uint64_t>(begin, end, 1),
                        [&](const tbb::blocked_range<std::uint64_t>& r) {
                          for (std::uint64_t c = r.begin(); c != r.end(); ++c)
                            if (mine(c)) run_chunk(c, c == 0 ? skip : 0);
                        });
      if (settings.stop.stop_requested()) break;
      // After a failure sampling goes on (a later window may hold an earlier
      // scenario's error, which is the one reported), handing nothing on;
      // over ranks, as soon as any rank has met one.
      std::uint64_t clean = failed.load() ? 0 : 1;
      if (group) {
        group->min(std::span(&clean, 1));
        if (settings.progress) {
          std::uint64_t others = 0;  // the window's samples other ranks took
          for (std::uint64_t c = begin; c < end; ++c)
            if (!mine(c)) others += std::min<std::uint64_t>(settings.samples, (c + 1) * chunk_size) - c * chunk_size;
          settings.progress->fetch_add(others, std::memory_order_relaxed);
        }
      }
      if (window.done && clean) window.done(begin, end);
    }
  });
  if (settings.stop.stop_requested()) throw RunCancelled();
  // The first program (scenario) with an error, as a run of one program
  // after another would meet it, and its lowest sample.
  for (std::size_t p = 0; p < programs.size(); ++p) {
    std::vector<const FirstError*> errors;
    for (Worker& w : workers) errors.push_back(&w.interpreters[p].error);
    if (!group) {
      throw_lowest_error(*programs[p], settings, errors);
      continue;
    }
    std::optional<RunError> met;
    try {
      throw_lowest_error(*programs[p], settings, errors);
    } catch (const RunError& e) {
      met = e;
    }
    throw_lowest_on_ranks(*group, met);
  }
}

int chunk_owner(std::uint64_t chunk, const RankGroup& group) {
  return static_cast<int>(chunk % static_cast<std::uint64_t>(group.size()));
}

}  // namespace riskcast
