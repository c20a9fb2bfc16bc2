// The MPI driver: a command run SPMD over MPI_COMM_WORLD (docs/scale.md).
// Only for builds that found MPI (RISKCAST_WITH_MPI); a client of the
// public API alone (ranks.hpp), as the command is.
#pragma once

#include <functional>

namespace riskcast::mpi {

// Runs `command` on every rank of MPI_COMM_WORLD inside a RankScope over
// it, between MPI_Init_thread and MPI_Finalize, and returns the exit status
// every rank agrees on: the worst (largest) of any rank's.
//
// Rank 0's standard output and error pass through; the other ranks' output
// is discarded and their errors held back. When every rank ends with the
// same status (the usual case: each met the same model error, or none),
// only rank 0's words are shown. A rank that ends otherwise than rank 0
// shows its held errors, each line prefixed "rank K: ". A rank that fails
// while others are still working (a failure of its own, such as running
// out of memory, which leaves the others waiting in a collective) waits
// kAgreeSeconds for them, then prints its error and ends the whole job
// with MPI_Abort and its status. The environment variable
// RISKCAST_MPI_WAIT (whole seconds, 1 … 86400) sets another wait, for a
// file system slow enough that ranks meeting the same error part further.
// (Output paths are checked by rank 0 alone, which writes them: a path it
// cannot write is such a failure of its own, reported after the wait.)
inline constexpr int kAgreeSeconds = 10;
int run_on_ranks(int& argc, char**& argv, const std::function<int()>& command);

}  // namespace riskcast::mpi
