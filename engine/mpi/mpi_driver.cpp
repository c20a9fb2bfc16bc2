// RankGroup over MPI (the C API, Open MPI or any MPI-3 library) and the
// driver that runs a command on every rank.
#include "mpi_driver.hpp"

#include <mpi.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>

#include "riskcast/ranks.hpp"

namespace riskcast::mpi {

namespace {

// MPI counts are ints: larger spans go in pieces of this many elements.
constexpr std::size_t kPiece = std::size_t{1} << 26;

class MpiRanks final : public RankGroup {
 public:
  explicit MpiRanks(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    // The ranks that share this one's memory (MPI-3's shared-memory split).
    MPI_Comm machine;
    MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &machine);
    MPI_Comm_size(machine, &on_machine_);
    MPI_Comm_free(&machine);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int ranks_on_machine() const override { return on_machine_; }

  void sum(std::span<std::uint64_t> values) override { reduce(values, MPI_SUM); }
  void min(std::span<std::uint64_t> values) override { reduce(values, MPI_MIN); }

  // Each rank's part broadcast from it in turn: displacements of
  // MPI_Allgatherv are ints too, and a column's offsets pass 2^31.
  void all_gather(std::span<double> values, std::span<const std::size_t> bounds) override {
    for (int k = 0; k < size_; ++k)
      for (std::size_t at = bounds[k]; at < bounds[k + 1]; at += kPiece)
        MPI_Bcast(values.data() + at, static_cast<int>(std::min(kPiece, bounds[k + 1] - at)), MPI_DOUBLE, k, comm_);
  }

  void broadcast(std::string& text, int root) override {
    std::uint64_t size = text.size();
    MPI_Bcast(&size, 1, MPI_UINT64_T, root, comm_);
    text.resize(size);
    for (std::size_t at = 0; at < size; at += kPiece)
      MPI_Bcast(text.data() + at, static_cast<int>(std::min<std::size_t>(kPiece, size - at)), MPI_CHAR, root, comm_);
  }

 private:
  void reduce(std::span<std::uint64_t> values, MPI_Op op) {
    for (std::size_t at = 0; at < values.size(); at += kPiece)
      MPI_Allreduce(MPI_IN_PLACE, values.data() + at, static_cast<int>(std::min(kPiece, values.size() - at)),
                    MPI_UINT64_T, op, comm_);
  }

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1, on_machine_ = 1;
};

// Discards what is written to it.
class NullBuffer final : public std::streambuf {
 protected:
  int overflow(int c) override { return c == traits_type::eof() ? 0 : c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

// kAgreeSeconds, or RISKCAST_MPI_WAIT when that is a whole number of seconds in range.
int agree_seconds() {
  const char* text = std::getenv("RISKCAST_MPI_WAIT");
  if (!text) return kAgreeSeconds;
  char* end = nullptr;
  const long seconds = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && seconds >= 1 && seconds <= 86400 ? static_cast<int>(seconds) : kAgreeSeconds;
}

std::string prefixed(const std::string& text, int rank) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += fmt::format("rank {}: {}\n", rank, line);
  return out;
}

}  // namespace

int run_on_ranks(int& argc, char**& argv, const std::function<int()>& command) {
  int provided = 0;
  // Only the calling thread calls MPI; TBB's workers never do.
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  // The work's collectives and the final agreement on separate
  // communicators: a rank that failed early waits on the second without
  // matching a collective of the first.
  MPI_Comm work = MPI_COMM_NULL, agree = MPI_COMM_NULL;
  MPI_Comm_dup(MPI_COMM_WORLD, &work);
  MPI_Comm_dup(MPI_COMM_WORLD, &agree);
  MpiRanks group(work);
  const int rank = group.rank();

  NullBuffer discard;
  std::ostringstream held;
  std::streambuf* const out = std::cout.rdbuf();
  std::streambuf* const err = std::cerr.rdbuf();
  if (rank != 0) {
    std::cout.rdbuf(&discard);
    std::cerr.rdbuf(held.rdbuf());
  }
  int status = 0;
  {
    RankScope scope(&group);
    status = command();
  }
  std::cout.flush();
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);

  // [0]: the worst status; [1]: rank 0's.
  int mine[2] = {status, rank == 0 ? status : -1}, all[2] = {0, 0};
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Iallreduce(mine, all, 2, MPI_INT, MPI_MAX, agree, &request);
  int done = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(agree_seconds());
  while (MPI_Test(&request, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) {
    if (status != 0 && std::chrono::steady_clock::now() > deadline) {
      std::cerr << prefixed(rank == 0 ? std::string() : held.str(), rank)
                << fmt::format(
                       "riskcast: error: rank {} of {} failed (exit status {}) while the others went on; "
                       "ending the job\n",
                       rank, group.size(), status);
      std::cerr.flush();
      MPI_Abort(MPI_COMM_WORLD, status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(status != 0 ? 10 : 1));
  }
  if (rank != 0 && status != all[1]) std::cerr << prefixed(held.str(), rank) << std::flush;
  MPI_Comm_free(&agree);
  MPI_Comm_free(&work);
  MPI_Finalize();
  return all[0];
}

}  // namespace riskcast::mpi
