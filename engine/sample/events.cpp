// Event stepping (events.hpp): each event's month in a block of samples,
// with the checks that stop a run (a probability outside [0, 1], a rate
// that cannot be drawn) recorded for the lowest sample.
#include "events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "riskcast/random.hpp"

namespace riskcast {

EventStepper::EventStepper(const Program& program, std::size_t block_size, const SamplingDesign* design)
    : p_(program), block_(block_size), design_(design) {
  auto place = [&](RandomSlot slot) { coordinates_.push_back(design ? design->coordinate(slot) : std::nullopt); };
  for (const RegimeStep& r : program.regimes) place(r.slot);
  for (const SwitchStep& s : program.switches) place(s.slot);
  for (const ArrivalsStep& a : program.arrivals) place(a.count_slot);
  for (const auto& a : program.arrivals) size_samplers_.emplace_back(a.size);
  for (const RegimeStep& r : program.regimes) regime_tables_.push_back(constant_moves(r));
  for (const InnovationStep& i : program.innovations) {
    // Formula arguments: the sampler is made at the first lane whose law is valid.
    innovation_samplers_.push_back(i.arguments.empty() ? std::optional<Sampler>(i.law) : std::nullopt);
    innovation_laws_.push_back(i.law);
    innovation_set_.emplace_back(i.law.args.size());
  }
  innovation_words_.resize(Sampler::kBufferedWords * block_);
  counts_.resize(block_);
  poisson_tables_.resize(program.arrivals.size());
  event_uniforms_.resize((program.regimes.size() + program.switches.size() + program.arrivals.size()) * kEventChunk *
                         block_);
}

// Every event draws one uniform a month: 32-bit draw m − 1 of its stream
// (sample, slot, substream 0), see fill_uniforms32. Drawn in bulk,
// kEventChunk months at a time.
void EventStepper::draw_uniforms(std::uint32_t first_month) {
  const std::uint32_t count = std::min(kEventChunk, p_.horizon - first_month + 1);
  std::size_t e = 0;
  auto fill = [&](RandomSlot slot, bool fixed) {
    double* uniforms = event_uniforms_.data() + e * kEventChunk * block_;
    if (!fixed) {
      fill_uniforms32(lanes_.seed, slot, 0, lanes_.address(slot), lanes_.n, first_month - 1, count, uniforms, block_);
      // A design replaces month 1's uniform; later months stay Monte Carlo.
      if (first_month == 1 && coordinates_[e]) design_->fill(*coordinates_[e], lanes_.first, lanes_.n, uniforms);
    }
    ++e;
  };
  for (const RegimeStep& r : p_.regimes) fill(r.slot, r.fixed_state.has_value());
  for (const SwitchStep& s : p_.switches) fill(s.slot, s.fixed_on_from.has_value());
  for (const ArrivalsStep& a : p_.arrivals) fill(a.count_slot, false);
}

std::optional<EventStepper::MoveTable> EventStepper::constant_moves(const RegimeStep& r) const {
  MoveTable table;
  for (std::size_t from = 0; from < r.moves.size(); ++from) {
    double cumulative = 0.0;
    bool valid = true;
    table.rows.emplace_back();
    for (std::size_t to = 0; to < r.moves.size(); ++to) {
      const Register reg = r.moves[from][to];
      if (reg == kNoRegister) continue;
      auto c = std::find_if(p_.constants.begin(), p_.constants.end(), [&](const auto& k) { return k.first == reg; });
      if (c == p_.constants.end()) return std::nullopt;
      valid &= c->second >= 0.0 && c->second <= 1.0;
      cumulative += c->second;
      table.rows.back().emplace_back(cumulative, static_cast<double>(to));
    }
    table.valid.push_back(valid && cumulative <= 1.0 + kProbabilitySumTolerance);
  }
  return table;
}

void EventStepper::move_regime(const RegimeStep& r, const std::optional<MoveTable>& table, std::uint32_t m,
                               const double* uniform) {
  double* state = lanes_[r.state];
  if (r.fixed_state) {
    std::fill_n(state, lanes_.n, static_cast<double>(*r.fixed_state));
    return;
  }
  if (table && m > 1) {
    for (std::size_t lane = 0; lane < lanes_.n; ++lane) {
      const auto from = static_cast<std::size_t>(state[lane]);
      const double u = uniform[lane];
      if (!table->valid[from]) [[unlikely]] {
        move_lane(r, m, lane, u, state);
        continue;
      }
      const auto& row = table->rows[from];
      for (const auto& [threshold, to] : row) {
        if (u < threshold) {
          state[lane] = to;
          break;
        }
      }
    }
    return;
  }
  const std::size_t states = r.initial.size();
  for (std::size_t lane = 0; lane < lanes_.n; ++lane) {
    const double u = uniform[lane];
    if (m == 1) {
      double cumulative = 0.0;
      std::size_t chosen = states - 1;
      for (std::size_t s = 0; s < states; ++s) {
        cumulative += r.initial[s];
        if (u < cumulative) {
          chosen = s;
          break;
        }
      }
      state[lane] = static_cast<double>(chosen);
      continue;
    }
    move_lane(r, m, lane, u, state);
  }
}

// One lane's move in month m > 1 from the probabilities in the registers,
// each checked where it is used.
void EventStepper::move_lane(const RegimeStep& r, std::uint32_t m, std::size_t lane, double u, double* state) {
  const std::uint64_t sample = lanes_.first + lane;
  const std::size_t states = r.initial.size();
  const std::size_t from = static_cast<std::size_t>(state[lane]);
  double cumulative = 0.0;
  std::size_t chosen = from;
  bool ok = true;
  for (std::size_t to = 0; to < states; ++to) {
    const Register reg = r.moves[from][to];
    if (reg == kNoRegister) continue;
    const double p = lanes_[reg][lane];
    ok &= errors_->check_probability(p, sample, r.move_pos[from][to], [&] {
      return fmt::format("transition probability {} → {} of `{}` in month {}", r.states[from], r.states[to], r.name, m);
    });
    const double before = cumulative;
    cumulative += p;
    if (chosen == from && u >= before && u < cumulative) chosen = to;
  }
  if (ok && cumulative > 1.0 + kProbabilitySumTolerance) {
    SourcePos pos;  // the row's first formula
    for (std::size_t to = 0; to < states && pos.line == 0; ++to) pos = r.move_pos[from][to];
    errors_->record(sample, pos,
                    fmt::format("transition probabilities of `{}` out of `{}` sum to {} in sample {}, month {}", r.name,
                                r.states[from], cumulative, sample, m));
  }
  state[lane] = static_cast<double>(chosen);
}

void EventStepper::move_switch(const SwitchStep& s, std::uint32_t m, const double* uniform) {
  double* state = lanes_[s.state];
  if (s.fixed_on_from) {
    std::fill_n(state, lanes_.n, m >= *s.fixed_on_from ? 1.0 : 0.0);
    return;
  }
  if (m == 1) {
    for (std::size_t lane = 0; lane < lanes_.n; ++lane) state[lane] = uniform[lane] < s.initial ? 1.0 : 0.0;
    return;
  }
  const double* on = lanes_[s.on_hazard];
  const double* off = lanes_[s.off_hazard];
  for (std::size_t lane = 0; lane < lanes_.n; ++lane) {
    // The hazard in effect is picked by pointer and the new state computed,
    // not branched on: whether a switch is on differs from lane to lane.
    const bool is_on = state[lane] != 0.0;
    const double hazard = (is_on ? off : on)[lane];
    if (!(hazard >= 0.0 && hazard <= 1.0)) [[unlikely]] {
      errors_->check_probability(hazard, lanes_.first + lane, is_on ? s.off_pos : s.on_pos, [&] {
        return fmt::format("hazard of `{}` turning {}", s.name, is_on ? "off" : "on");
      });
      continue;  // the state stays; the run stops with the error
    }
    // The state flips when the month's uniform falls below the hazard.
    state[lane] = is_on != (uniform[lane] < hazard) ? 1.0 : 0.0;
  }
}

// Two passes: the month's counts for every lane, then the sizes, whose
// streams (one per burst) start from words generated in bulk for all the
// block's bursts at once. Same words, same order of summation as drawing
// each burst from its own RandomStream.
void EventStepper::draw_arrivals(std::size_t index, const Sampler& size, std::uint32_t m, const double* uniform) {
  const ArrivalsStep& a = p_.arrivals[index];
  double* total = lanes_[a.total];
  const double* rate = lanes_[a.rate];
  // A rate that is the same in every lane (the usual case: a constant, or
  // a formula of month and fixed states) counts all lanes by table.
  const double lambda0 = rate[0];
  const bool one_rate =
      lambda0 >= 0.0 && lambda0 < 30.0 && std::all_of(rate, rate + lanes_.n, [&](double l) { return l == lambda0; });
  if (one_rate) {
    std::optional<PoissonTable>& table = poisson_tables_[index];
    if (!table || table->lambda() != lambda0) table.emplace(lambda0);
    table->count_all(uniform, lanes_.n, counts_.data());
  } else {
    count_bursts_lane_by_lane(a, m, rate, uniform);
  }
  list_bursts(m, lanes_.address(a.size_slot));
  burst_words_.resize(2 * burst_samples_.size());
  fill_first_words(lanes_.seed, a.size_slot, burst_samples_.data(), burst_substreams_.data(), burst_samples_.size(),
                   burst_words_.data());
  const std::size_t bursts = burst_samples_.size();
  burst_sizes_.resize(bursts + 1);  // one spare: a lane without bursts reads it and discards it
  burst_sizes_[bursts] = 0.0;
  for (std::size_t b = 0; b < bursts; ++b) {
    BufferedStream stream(burst_words_.data() + 2 * b, 1, 2, lanes_.seed, burst_samples_[b], a.size_slot,
                          burst_substreams_[b]);
    burst_sizes_[b] = size(stream);
  }
  // Each lane's total sums its sizes in burst order from 0.0, as drawing
  // them one by one would.
  std::size_t j = 0;
  for (std::size_t lane = 0; lane < lanes_.n; ++lane) {
    const std::uint32_t count = counts_[lane];
    // A lane without bursts reads the spare 0.0. The index is arithmetic
    // (unsigned wrap-around cancels), because compilers turn a ?: here into
    // a branch that mispredicts on every other lane.
    const std::size_t has_burst = count != 0;
    double sum = 0.0 + burst_sizes_[bursts + has_burst * (j - bursts)];
    for (std::uint32_t k = 1; k < count; ++k) sum += burst_sizes_[j + k];
    total[lane] = sum;
    j += count;
  }
}

// The address (sample, substream) of every burst of the block, lane by
// lane, burst by burst. Most lanes have 0 or 1 bursts: each lane writes
// its first slot unconditionally and advances by its count, so the loop
// has no data-dependent branch but for the rare second burst.
void EventStepper::list_bursts(std::uint32_t m, std::uint64_t first_address) {
  std::size_t total = 0;
  for (std::size_t lane = 0; lane < lanes_.n; ++lane) total += counts_[lane];
  burst_samples_.resize(total + 1);
  burst_substreams_.resize(total + 1);
  std::uint64_t* samples = burst_samples_.data();
  std::uint32_t* substreams = burst_substreams_.data();
  std::size_t j = 0;
  for (std::size_t lane = 0; lane < lanes_.n; ++lane) {
    const std::uint32_t count = counts_[lane];
    samples[j] = first_address + lane;
    substreams[j] = substream_of(m, 0);
    for (std::uint32_t k = 1; k < count; ++k) {
      samples[j + k] = first_address + lane;
      substreams[j + k] = substream_of(m, k);
    }
    j += count;
  }
  burst_samples_.resize(total);
  burst_substreams_.resize(total);
}

// Rates that differ between lanes, or are invalid or large: each lane's
// count on its own, with the checks that stop the run.
void EventStepper::count_bursts_lane_by_lane(const ArrivalsStep& a, std::uint32_t m, const double* rate,
                                             const double* uniform) {
  double cached_lambda = -1.0, cached_exp = 0.0;
  for (std::size_t lane = 0; lane < lanes_.n; ++lane) {
    const std::uint64_t sample = lanes_.first + lane;
    const double lambda = rate[lane];
    counts_[lane] = 0;
    if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
      errors_->record(sample, a.rate_pos,
                      fmt::format("arrival rate of `{}` evaluated to {} in sample {}, month {}; it must be >= 0",
                                  a.name, value_for_message(lambda), sample, m));
      continue;
    }
    if (lambda > kMaxPoissonMean) {
      errors_->record(
          sample, a.rate_pos,
          fmt::format("arrival rate of `{}` evaluated to {} in sample {}, month {}; Poisson counts can be drawn "
                      "for rates up to {:g} (and at most {} bursts in one month are supported)",
                      a.name, lambda, sample, m, kMaxPoissonMean, kMaxBurstsPerMonth - 1));
      continue;
    }
    if (lambda != cached_lambda) {  // rates are often the same in every lane
      cached_lambda = lambda;
      cached_exp = lambda < 30.0 ? std::exp(-lambda) : 0.0;
    }
    // Small rates invert the month's uniform; large ones use Boost's PTRS
    // on a stream of their own.
    std::uint64_t count;
    if (lambda < 30.0) {
      count = poisson_by_inversion(lambda, cached_exp, uniform[lane]);
    } else {
      RandomStream stream(lanes_.seed, lanes_.address(a.count_slot) + lane, a.count_slot, substream_of(m));
      count = draw_poisson(lambda, 0.0, stream);
    }
    if (count >= kMaxBurstsPerMonth) {
      errors_->record(sample, a.rate_pos,
                      fmt::format("`{}` drew {} bursts in one month (sample {}); at most {} are supported", a.name,
                                  count, sample, kMaxBurstsPerMonth - 1));
      continue;
    }
    counts_[lane] = static_cast<std::uint32_t>(count);
  }
}

// Month m's draw of every lane is the start of stream (sample, slot,
// substream_of(m)): a pure function of its address, one draw a month.
void EventStepper::step_innovation(std::size_t i, std::uint32_t m) {
  const InnovationStep& s = p_.innovations[i];
  if (s.arguments.empty())
    innovation_samplers_[i]->fill(lanes_.seed, s.slot, lanes_.address(s.slot), lanes_.n, lanes_[s.value],
                                  innovation_words_.data(), substream_of(m));
  else
    draw_innovation_lanes(s, innovation_laws_[i], innovation_samplers_[i], innovation_set_[i], m);
}

// Formula arguments: each lane's law is checked as a model's would be
// (validate_distribution), then drawn by the method and from the words
// Sampler::fill would use for it, so the same law gives the same draw
// whether its arguments are constants or formulas. A lane whose law is
// invalid stops the run.
void EventStepper::draw_innovation_lanes(const InnovationStep& s, Distribution& law, std::optional<Sampler>& sampler,
                                         std::vector<double>& set_for, std::uint32_t m) {
  const std::uint32_t substream = substream_of(m);
  std::uint64_t* words = innovation_words_.data();
  const std::uint64_t first_address = lanes_.address(s.slot);
  fill_words(lanes_.seed, s.slot, substream, first_address, lanes_.n, 0, Sampler::kBufferedWords, words, lanes_.n);
  double* value = lanes_[s.value];
  // The kinds given in other parameters are drawn as the law they solve to.
  const bool solved = given_in_other_parameters(law.kind);
  for (std::size_t lane = 0; lane < lanes_.n; ++lane) {
    for (std::size_t k = 0; k < s.arguments.size(); ++k) law.args[k] = lanes_[s.arguments[k]][lane];
    // Arguments the sampler is set for already (often: those of the lane
    // before) were checked: draw at once. Solving pert_p10_p50_p90 takes
    // milliseconds.
    if (!sampler || std::memcmp(set_for.data(), law.args.data(), law.args.size() * sizeof(double)) != 0) {
      std::optional<Distribution> prepared;
      const bool valid = solved ? (prepared = prepare_distribution(law, innovation_diagnostics_)).has_value()
                                : validate_distribution(law, innovation_diagnostics_);
      if (!valid) [[unlikely]] {
        const std::uint64_t sample = lanes_.first + lane;
        errors_->record_lazily(sample, law.pos, [&] {
          return fmt::format("the distribution of `{}` is {} in sample {}, month {}, and {}", s.name, law.to_string(),
                             sample, m, innovation_diagnostics_.items().back().message);
        });
        innovation_diagnostics_ = Diagnostics("");
        value[lane] = 0.0;  // the run stops with the error
        continue;
      }
      const Distribution& drawn = solved ? prepared->components.front() : law;
      if (sampler)
        sampler->set_arguments(drawn.args);
      else
        sampler.emplace(drawn);
      set_for = law.args;
    }
    BufferedStream stream(words + lane, lanes_.n, Sampler::kBufferedWords, lanes_.seed, first_address + lane, s.slot,
                          substream);
    value[lane] = (*sampler)(stream);
  }
}

}  // namespace riskcast
