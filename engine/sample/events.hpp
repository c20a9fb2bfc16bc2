// Event stepping: regimes, switches, arrivals and innovations of one block of samples,
// moved month by month from each event's monthly uniform (docs/architecture.md,
// "Randomness": how an event uses its month's uniform).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "block.hpp"
#include "riskcast/design.hpp"
#include "riskcast/draw.hpp"
#include "riskcast/program.hpp"

namespace riskcast {

class EventStepper {
 public:
  // `design` (may be null: Monte Carlo) supplies the month-1 uniforms of
  // the events it places.
  EventStepper(const Program& program, std::size_t block_size, const SamplingDesign* design = nullptr);

  // The lanes the next steps work on and where their errors go.
  void begin_block(const BlockLanes& lanes, FirstError& errors) {
    lanes_ = lanes;
    errors_ = &errors;
  }
  // Month m starts: every kEventChunk months, the next chunk of uniforms.
  void begin_month(std::uint32_t m) {
    if ((m - 1) % kEventChunk == 0) draw_uniforms(m);
  }
  // Moves regime, switch or arrivals event i of the program in month m,
  // writing its state (its total for arrivals) to its register.
  void step_regime(std::size_t i, std::uint32_t m) { move_regime(p_.regimes[i], regime_tables_[i], m, uniforms(i, m)); }
  void step_switch(std::size_t i, std::uint32_t m) {
    move_switch(p_.switches[i], m, uniforms(p_.regimes.size() + i, m));
  }
  void step_arrivals(std::size_t i, std::uint32_t m) {
    draw_arrivals(i, size_samplers_[i], m, uniforms(p_.regimes.size() + p_.switches.size() + i, m));
  }
  // Draws innovation i's month-m value into its register; formula arguments
  // must have been computed (Program::innovation_code).
  void step_innovation(std::size_t i, std::uint32_t m);

 private:
  // Months of event uniforms drawn per bulk refill.
  static constexpr std::uint32_t kEventChunk = 16;

  // A regime whose transition probabilities are all constants moves by table
  // lookup: per state, the cumulative thresholds and their target states, in
  // state order as in the general path. A constant is not necessarily checked
  // at load time (a constant parameter, or one a scenario sets, is folded by
  // the compiler), so each row is checked here as the general path would, and
  // a lane in a row that fails takes the general path, which reports it in
  // the sample and month it is used.
  struct MoveTable {
    std::vector<std::vector<std::pair<double, double>>> rows;  // [from] → (cumulative, to)
    std::vector<char> valid;                                   // [from]
  };
  std::optional<MoveTable> constant_moves(const RegimeStep& r) const;

  void draw_uniforms(std::uint32_t first_month);
  const double* uniforms(std::size_t event, std::uint32_t month) const {
    return event_uniforms_.data() + (event * kEventChunk + (month - 1) % kEventChunk) * block_;
  }
  void move_regime(const RegimeStep& r, const std::optional<MoveTable>& table, std::uint32_t m, const double* uniform);
  void move_lane(const RegimeStep& r, std::uint32_t m, std::size_t lane, double u, double* state);
  void move_switch(const SwitchStep& s, std::uint32_t m, const double* uniform);
  void draw_arrivals(std::size_t index, const Sampler& size, std::uint32_t m, const double* uniform);
  void list_bursts(std::uint32_t m, std::uint64_t first_address);  // lane 0's address of the size stream
  void count_bursts_lane_by_lane(const ArrivalsStep& a, std::uint32_t m, const double* rate, const double* uniform);
  void draw_innovation_lanes(const InnovationStep& s, Distribution& law, std::optional<Sampler>& sampler,
                             std::vector<double>& set_for, std::uint32_t m);

  const Program& p_;
  std::size_t block_;
  const SamplingDesign* design_;
  // Per event (regimes, switches, arrivals in that order): its design coordinate.
  std::vector<std::optional<DesignCoordinate>> coordinates_;
  BlockLanes lanes_;
  FirstError* errors_ = nullptr;
  std::vector<Sampler> size_samplers_;
  std::vector<double> event_uniforms_;  // [event][month in chunk][lane]
  std::vector<std::optional<MoveTable>> regime_tables_;
  std::vector<std::uint32_t> counts_;                        // arrivals: bursts per lane this month
  std::vector<std::optional<PoissonTable>> poisson_tables_;  // per arrivals process, for its last rate
  std::vector<std::uint64_t> burst_samples_, burst_words_;
  std::vector<double> burst_sizes_;
  std::vector<std::uint32_t> burst_substreams_;
  // Innovations: a sampler each (for formula arguments, set to each lane's
  // arguments in turn), and the law whose arguments each lane fills in.
  std::vector<std::optional<Sampler>> innovation_samplers_;
  std::vector<Distribution> innovation_laws_;
  std::vector<std::vector<double>> innovation_set_;  // the arguments each sampler is set for
  std::vector<std::uint64_t> innovation_words_;      // Sampler::kBufferedWords per lane
  Diagnostics innovation_diagnostics_{""};           // where validate_distribution says why a lane's law is invalid
};

}  // namespace riskcast
