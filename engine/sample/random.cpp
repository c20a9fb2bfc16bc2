#include "riskcast/random.hpp"

namespace riskcast {

RandomSlot random_slot_for(std::string_view role, std::string_view name) {
  std::uint32_t hash = 2166136261u;
  auto mix = [&](unsigned char c) {
    hash ^= c;
    hash *= 16777619u;
  };
  for (char c : role) mix(static_cast<unsigned char>(c));
  mix(':');
  for (char c : name) mix(static_cast<unsigned char>(c));
  return hash;
}

}  // namespace riskcast
