// A run that does not keep its samples (docs/scale.md): every chosen
// scenario sampled chunk by chunk, pass after pass, the summaries assembled
// from counts, chunk sums and selected values by the code summarize() uses,
// so the result equals run_model's bit for bit.
#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <memory>

#include "riskcast/program.hpp"
#include "riskcast/run.hpp"
#include "riskcast/streaming.hpp"

namespace riskcast {

namespace {

// Samples sampled together per chunk and handed on (a divisor of kMomentChunk).
constexpr std::size_t kPiece = 4096;

// One output of one scenario, summarised in passes.
struct StreamedColumn {
  std::size_t scenario = 0, output = 0;
  bool indicator = false;  // a probability output
  MomentTotals totals;
  std::vector<MomentChunk> first;   // per chunk of the window, pass 1
  std::vector<SquareChunk> second;  // per chunk of the window, pass 2
  SecondMomentPass squares;
  SquareChunk square_totals;
  std::unique_ptr<StreamedSelection> selection;
  std::unique_ptr<std::atomic<std::uint64_t>[]> above;  // per threshold
  std::atomic<std::uint64_t> ones{0}, gained{0}, lost{0};
  std::size_t thresholds = 0;  // entries of `above`
};

// A chunk's sums as words whose bits are all 0 for a chunk not sampled
// (each field's default), so that a sum over the ranks, one of which
// sampled the chunk, gives that rank's chunk bit for bit.
std::vector<std::uint64_t> words_of(const MomentChunk& c) {
  return {c.count,
          std::bit_cast<std::uint64_t>(c.lo),
          std::bit_cast<std::uint64_t>(c.hi),
          c.finite ? 0u : 1u,
          std::bit_cast<std::uint64_t>(c.shifted),
          std::bit_cast<std::uint64_t>(c.plain)};
}
void from_words(MomentChunk& c, const std::uint64_t* w) {
  c = {w[0],      std::bit_cast<double>(w[1]), std::bit_cast<double>(w[2]),
       w[3] == 0, std::bit_cast<double>(w[4]), std::bit_cast<double>(w[5])};
}
std::vector<std::uint64_t> words_of(const SquareChunk& c) {
  return {std::bit_cast<std::uint64_t>(c.sum), std::bit_cast<std::uint64_t>(c.squares)};
}
void from_words(SquareChunk& c, const std::uint64_t* w) {
  c = {std::bit_cast<double>(w[0]), std::bit_cast<double>(w[1])};
}

// Every column's chunk sums of chunks [begin, end) (held at chunk % width)
// from the ranks that sampled them, on every rank.
template <typename Chunk>
void merge_chunks(RankGroup& group, const std::vector<std::unique_ptr<StreamedColumn>>& columns, std::uint64_t begin,
                  std::uint64_t end, std::uint64_t width, std::vector<Chunk> StreamedColumn::*held) {
  std::vector<std::uint64_t> words;
  for (const auto& c : columns)
    for (std::uint64_t chunk = begin; chunk < end; ++chunk) {
      const std::vector<std::uint64_t> w = words_of(((*c).*held)[chunk % width]);
      words.insert(words.end(), w.begin(), w.end());
    }
  group.sum(words);
  const std::size_t per = words_of(Chunk{}).size();
  const std::uint64_t* at = words.data();
  for (const auto& c : columns)
    for (std::uint64_t chunk = begin; chunk < end; ++chunk, at += per) from_words(((*c).*held)[chunk % width], at);
}

// Every column's counts of the first pass (exceedances, ones, gained and
// lost pairs, the selection's buckets) summed over the ranks.
void merge_counts(RankGroup& group, const std::vector<std::unique_ptr<StreamedColumn>>& columns) {
  std::vector<std::uint64_t> counts;
  for (const auto& c : columns) {
    for (std::size_t j = 0; j < c->thresholds; ++j) counts.push_back(c->above[j].load());
    counts.insert(counts.end(), {c->ones.load(), c->gained.load(), c->lost.load()});
  }
  group.sum(counts);
  const std::uint64_t* at = counts.data();
  for (const auto& c : columns) {
    for (std::size_t j = 0; j < c->thresholds; ++j) c->above[j].store(*at++);
    c->ones.store(*at++);
    c->gained.store(*at++);
    c->lost.store(*at++);
    c->selection->merge_over(group);
  }
}

}  // namespace

std::string why_not_streamed(const RunRequest& request) {
  if (!request.columns.empty()) return "it keeps per-sample columns (export)";
  if (request.visit_column) return "its charts read every sample";
  if (request.settings.design) return "a Latin hypercube or quasi-Monte Carlo design needs its replicates in memory";
  return {};
}

namespace {

// The memory a streamed run needs besides the values it keeps to select
// from, in bytes; `program` is the model's, compiled once by the caller.
std::uint64_t streamed_working_set(const Model& model, const Program& program, const RunRequest& request,
                                   const SelectionBudget& budget) {
  const std::size_t scenarios = request.scenarios.empty() ? model.scenarios.size() : request.scenarios.size();
  const std::uint64_t columns = scenarios * program.outputs.size();
  const unsigned threads = estimated_threads(request.settings);
  const std::uint64_t chunks = std::min(std::max<std::uint64_t>(budget.window_chunks, 1),
                                        (request.settings.samples + kMomentChunk - 1) / kMomentChunk);
  // Per thread: each scenario's registers and its piece of outputs, and a
  // tally of every column's buckets (count and smallest and largest key).
  const std::uint64_t per_thread = scenarios * (program.register_count * request.settings.block_size * sizeof(double) +
                                                program.outputs.size() * kPiece * sizeof(double)) +
                                   columns * budget.coarse_buckets * 3 * sizeof(std::uint64_t);
  // Per column: a window's chunk sums of both passes and the merged tally.
  const std::uint64_t per_column =
      chunks * (sizeof(MomentChunk) + sizeof(SquareChunk)) + budget.coarse_buckets * 3 * sizeof(std::uint64_t);
  return threads * per_thread + columns * per_column + (32u << 20);  // code, model, allocator slack
}

}  // namespace

SelectionBudget streaming_budget(const Model& model, const RunRequest& request, std::uint64_t limit) {
  SelectionBudget budget;
  // As many first-pass buckets as keep a column's second pass to about
  // 2^16 values on smooth data (each wanted rank's bucket holds about
  // n / buckets), no more: each thread counts every column's buckets.
  const std::uint64_t ranks = plan_percentiles(request.settings.samples, request.percentiles).ranks.size();
  const std::uint64_t wanted = request.settings.samples / (1u << 16) * std::max<std::uint64_t>(ranks, 1);
  budget.coarse_buckets = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(std::bit_ceil(std::max<std::uint64_t>(wanted, 1)), 256, budget.coarse_buckets));
  // Coarser still where the tallies would crowd the limit; the values kept
  // get what is left (a vector may hold twice what it keeps while it
  // grows: half of it).
  const Program program = compile_program(model);
  while (budget.coarse_buckets > 256 && streamed_working_set(model, program, request, budget) > limit / 2)
    budget.coarse_buckets /= 2;
  const std::uint64_t fixed = streamed_working_set(model, program, request, budget);
  const std::uint64_t least = fixed + (8u << 20);
  if (limit < least)
    throw ResourceError(
        fmt::format("even sampling twice without keeping the samples needs about {}, beyond the "
                    "limit of {}",
                    format_bytes(least), format_bytes(limit)));
  budget.gathered_values = (limit - fixed) / (2 * sizeof(double));
  return budget;
}

RunResult run_model_streamed(const Model& model, const RunRequest& request, const SelectionBudget& budget,
                             const PassCallback& on_pass) {
  if (const std::string why = why_not_streamed(request); !why.empty())
    throw std::invalid_argument(fmt::format("this run cannot be streamed: {}", why));
  const std::vector<const Scenario*> chosen = chosen_scenarios(model, request.scenarios);
  const RunSettings& settings = request.settings;
  const std::uint64_t n = settings.samples;
  const std::uint64_t chunks = (n + kMomentChunk - 1) / kMomentChunk;
  // The per-chunk sums of one window are held at once, whatever the sample count.
  const std::uint64_t width = std::max<std::uint64_t>(budget.window_chunks, 1);
  const std::uint64_t held = std::min(chunks, width);

  std::vector<Model> applied;
  std::vector<Program> programs;
  for (const Scenario* s : chosen) {
    applied.push_back(apply_scenario(model, *s));
    programs.push_back(compile_program(applied.back()));
  }
  std::vector<const Program*> program_of;
  for (const Program& p : programs) program_of.push_back(&p);

  const std::vector<std::vector<double>> thresholds = thresholds_by_output(model, request);
  // Over ranks each samples its chunks (sample_chunks); what they counted
  // and summed is merged after each window and pass, below.
  RankGroup* const group = settings.ranks && settings.ranks->size() > 1 ? settings.ranks : nullptr;

  const PercentilePlan plan = plan_percentiles(n, request.percentiles);
  // The minimum and maximum come from the first pass's extent.
  std::vector<std::uint64_t> inner(plan.ranks.begin(), plan.ranks.end());
  std::erase_if(inner, [&](std::uint64_t r) { return r == 0 || r == n - 1; });

  std::vector<std::unique_ptr<StreamedColumn>> columns;
  for (std::size_t i = 0; i < chosen.size(); ++i)
    for (std::size_t o = 0; o < model.outputs.size(); ++o) {
      auto c = std::make_unique<StreamedColumn>();
      c->scenario = i;
      c->output = o;
      c->indicator = programs[i].outputs[o].metadata.kind == OutputKind::Probability;
      c->first.resize(held);
      c->second.resize(held);
      c->selection = std::make_unique<StreamedSelection>(n, inner);
      c->above = std::make_unique<std::atomic<std::uint64_t>[]>(thresholds[o].size());
      c->thresholds = thresholds[o].size();
      columns.push_back(std::move(c));
    }

  using Tallies = std::vector<StreamedSelection::Tally>;
  auto fresh_tallies = [&] {
    Tallies t;
    for (const auto& c : columns) t.push_back(c->selection->tally());
    return t;
  };
  auto absorb_all = [&](tbb::enumerable_thread_specific<Tallies>& tallies) {
    for (Tallies& t : tallies)
      for (std::size_t k = 0; k < columns.size(); ++k) columns[k]->selection->absorb(t[k]);
  };
  auto finish_selections = [&] {
    std::uint64_t left = budget.gathered_values;
    for (const auto& c : columns)
      if (c->selection->pending()) left -= std::min(left, c->selection->finish_pass(budget, left));
  };

  // Pass 1: the extents, first sums and counts; the buckets are planned
  // from chunk 0, sampled first on its own.
  unsigned pass = 1;
  if (on_pass) on_pass(pass);
  tbb::enumerable_thread_specific<Tallies> tallies(fresh_tallies);
  using Pieces = std::vector<std::vector<std::span<const double>>>;
  auto first_pass = [&](std::uint64_t chunk, std::uint64_t, const Pieces& values) {
    Tallies& tally = tallies.local();
    for (std::size_t k = 0; k < columns.size(); ++k) {
      StreamedColumn& c = *columns[k];
      const std::span<const double> v = values[c.scenario][c.output];
      first_moment_pass(c.first[chunk % width], v, c.totals.origin);
      c.selection->observe(tally[k], v);
      const std::vector<double>& t = thresholds[c.output];
      for (std::size_t j = 0; j < t.size(); ++j) c.above[j].fetch_add(count_above(v, t[j]), std::memory_order_relaxed);
      if (!c.indicator) continue;
      c.ones.fetch_add(static_cast<std::uint64_t>(std::count(v.begin(), v.end(), 1.0)), std::memory_order_relaxed);
      if (c.scenario == 0) continue;
      // Paired with the first scenario's sample by sample (run_model's pair_with_first).
      const std::span<const double> before = values[0][c.output];
      const DiscordantPairs pairs = discordant_pairs(before, v);
      c.gained.fetch_add(pairs.gained, std::memory_order_relaxed);
      c.lost.fetch_add(pairs.lost, std::memory_order_relaxed);
    }
  };
  auto plan_then_count = [&](std::uint64_t chunk, std::uint64_t offset, const Pieces& values) {
    for (const auto& c : columns) {
      const std::span<const double> v = values[c->scenario][c->output];
      c->totals.origin = v.front();
      c->selection->plan_first_pass(v, budget);
    }
    // Every rank plans from the pilot; the one whose chunk it is counts it.
    if (!group || chunk_owner(0, *group) == group->rank()) first_pass(chunk, offset, values);
  };
  // Each window's chunk sums are folded in chunk order: the order
  // moments_of adds them in.
  const ChunkWindow fold_first{width, [&](std::uint64_t begin, std::uint64_t end) {
                                 if (group) merge_chunks(*group, columns, begin, end, width, &StreamedColumn::first);
                                 for (const auto& c : columns)
                                   for (std::uint64_t chunk = begin; chunk < end; ++chunk) {
                                     add_chunk(c->totals, c->first[chunk % width]);
                                     c->first[chunk % width] = {};
                                   }
                               }};
  sample_chunks(program_of, settings, kMomentChunk, kPiece, first_pass, plan_then_count, fold_first);
  absorb_all(tallies);
  if (group) merge_counts(*group, columns);
  for (const auto& c : columns) {
    c->first = {};
    c->squares = second_moment_pass_of(c->totals);
  }
  finish_selections();

  // Later passes: the squares (pass 2) and the selections until each is done.
  auto pending = [&] {
    return std::any_of(columns.begin(), columns.end(),
                       [&](const auto& c) { return c->selection->pending() || (pass == 1 && c->squares.needed); });
  };
  while (pending()) {
    const bool squares = pass == 1;
    ++pass;
    if (on_pass) on_pass(pass);
    tbb::enumerable_thread_specific<Tallies> later(fresh_tallies);
    sample_chunks(
        program_of, settings, kMomentChunk, kPiece,
        [&](std::uint64_t chunk, std::uint64_t, const Pieces& values) {
          Tallies& tally = later.local();
          for (std::size_t k = 0; k < columns.size(); ++k) {
            StreamedColumn& c = *columns[k];
            const std::span<const double> v = values[c.scenario][c.output];
            if (squares && c.squares.needed) second_moment_pass(c.second[chunk % width], v, c.squares);
            c.selection->observe(tally[k], v);
          }
        },
        {}, ChunkWindow{width, [&](std::uint64_t begin, std::uint64_t end) {
                          if (!squares) return;
                          if (group) merge_chunks(*group, columns, begin, end, width, &StreamedColumn::second);
                          for (const auto& c : columns)
                            for (std::uint64_t chunk = begin; chunk < end; ++chunk) {
                              SquareChunk& one = c->second[chunk % width];
                              c->square_totals.sum += one.sum;
                              c->square_totals.squares += one.squares;
                              one = {};
                            }
                        }});
    absorb_all(later);
    if (group)
      for (const auto& c : columns) c->selection->merge_over(*group);
    finish_selections();
  }

  RunResult result;
  result.model = model.name;
  result.title = model.title;
  result.samples = n;
  result.seed = settings.seed;
  result.first_sample = settings.first_sample;
  result.percentiles = request.percentiles;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    ScenarioResult sr;
    sr.name = chosen[i]->name;
    sr.description = chosen[i]->description;
    sr.outputs.resize(model.outputs.size());
    result.scenarios.push_back(std::move(sr));
  }
  for (const auto& column : columns) {
    StreamedColumn& c = *column;
    OutputResult& out = result.scenarios[c.scenario].outputs[c.output];
    out.name = programs[c.scenario].outputs[c.output].name;
    out.metadata = programs[c.scenario].outputs[c.output].metadata;
    OutputSummary& s = out.summary;
    s.n = n;
    for (std::size_t j = 0; j < thresholds[c.output].size(); ++j)
      s.exceedances.push_back(exceedance_of(thresholds[c.output][j], c.above[j].load(), n));
    fill_moments(s, moments_from(c.totals, c.squares, c.square_totals));
    std::vector<double> at;
    for (std::uint64_t r : plan.ranks)
      at.push_back(r == 0 ? c.totals.lo : r == n - 1 ? c.totals.hi : c.selection->value_at(r));
    fill_percentiles(s, plan, request.percentiles, at);
    if (c.indicator) {
      s.probability = estimate_proportion(c.ones.load(), n);
      if (c.scenario > 0) out.difference = paired_proportion_difference(c.gained.load(), c.lost.load(), n);
    }
  }
  return result;
}

}  // namespace riskcast
