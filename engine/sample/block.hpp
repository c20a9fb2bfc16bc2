// What the parts of the sampler share while they evaluate one block of
// samples: the block's registers and lanes, and the first error found.
// The parts: the interpreter (interpreter.cpp) runs a program over a block,
// month by month; event stepping (events.cpp) moves regimes, switches,
// arrivals and innovations; the driver (runner.cpp) hands blocks to threads; columns.cpp
// holds the output storage.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "riskcast/program.hpp"

namespace riskcast {

// NaN and infinities as a reader spells them ("-nan" says nothing useful).
std::string value_for_message(double v);

// The lanes being evaluated: samples first … first + n − 1 in lanes 0 … n − 1
// of registers `stride` doubles apart.
struct BlockLanes {
  double* registers = nullptr;
  std::size_t stride = 0;
  std::size_t n = 0;
  std::uint64_t first = 0;
  std::uint64_t seed = 0;
  const AddressShift* shift = nullptr;  // RunSettings::shift

  // The sample address of lane 0's draws from `slot`: `first` unless the
  // slot is shifted. Sample numbers in messages stay first + lane.
  std::uint64_t address(RandomSlot slot) const { return shift ? first + shift->of(slot) : first; }

  double* operator[](Register r) const { return registers + static_cast<std::size_t>(r) * stride; }
};

struct FoundError {
  std::uint64_t sample;
  SourcePos pos;
  std::string message;
  std::optional<std::size_t> output;  // a non-finite output: its index, so its cause can be traced
};

// The error of the lowest sample seen, so that the message is the same for
// any thread count and block size.
struct FirstError {
  std::optional<FoundError> found;

  bool keeps(std::uint64_t sample) const { return !found || sample < found->sample; }
  void record(std::uint64_t sample, SourcePos pos, std::string message) {
    if (keeps(sample)) found = FoundError{sample, pos, std::move(message), std::nullopt};
  }
  // Formats the message only if it would be kept.
  template <typename Describe>
  void record_lazily(std::uint64_t sample, SourcePos pos, Describe&& describe) {
    if (keeps(sample)) found = FoundError{sample, pos, describe(), std::nullopt};
  }
  // Whether p is a probability; records the error if not. `describe` runs
  // only on failure: formatting in the hot loop would cost more than sampling.
  template <typename Describe>
  bool check_probability(double p, std::uint64_t sample, SourcePos pos, Describe&& describe) {
    if (p >= 0.0 && p <= 1.0) [[likely]]
      return true;
    record_lazily(sample, pos, [&] {
      return fmt::format("{} evaluated to {} in sample {}, outside [0, 1]", describe(), value_for_message(p), sample);
    });
    return false;
  }
};

}  // namespace riskcast
