// Ranks simulated by threads of one process (the RankGroup of ranks.hpp
// without MPI), so that the engine's split runs are tested in every build,
// the sanitizer build included.
#pragma once

#include <exception>
#include <functional>
#include <vector>

#include "riskcast/ranks.hpp"

namespace riskcast::testing {

// Runs work(rank) on `ranks` threads at once, each inside a RankScope of
// one shared group, and returns what each threw (null where nothing).
std::vector<std::exception_ptr> on_thread_ranks(int ranks, const std::function<void(int rank)>& work);

}  // namespace riskcast::testing
