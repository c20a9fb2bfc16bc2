#include "riskcast/ranks.hpp"

#include <stdexcept>

namespace riskcast {

namespace {
// Per thread: a simulated rank is a thread of its own (tests), and an
// engine call reads its group on the thread that made it.
thread_local RankGroup* current_group = nullptr;
}  // namespace

RankGroup* active_ranks() {
  return current_group;
}

bool writes_files() {
  return current_group == nullptr || current_group->rank() == 0;
}

RankScope::RankScope(RankGroup* group) : previous_(current_group) {
  current_group = group;
}

RankScope::~RankScope() {
  current_group = previous_;
}

RankShare rank_share(std::uint64_t n, int rank, int ranks) {
  if (ranks < 1 || rank < 0 || rank >= ranks) throw std::invalid_argument("rank_share: a rank outside the group");
  // 128-bit products: n reaches 2^40 and ranks 2^31.
  const auto at = [&](int k) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(n) * static_cast<unsigned>(k) /
                                      static_cast<unsigned>(ranks));
  };
  return {at(rank), at(rank + 1)};
}

}  // namespace riskcast
