#include "support/thread_ranks.hpp"

#include <algorithm>
#include <barrier>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

namespace riskcast::testing {

namespace {

// What the ranks share: each posts its argument, all wait, each reads the
// others' into its own result, all wait again before anything is reused.
struct Shared {
  explicit Shared(int n) : size(n), meeting(n), posted(static_cast<std::size_t>(n)) {}
  int size;
  std::barrier<> meeting;
  std::vector<void*> posted;
};

class ThreadRanks final : public RankGroup {
 public:
  ThreadRanks(Shared& shared, int rank) : shared_(shared), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return shared_.size; }
  // Threads of one process share its memory.
  int ranks_on_machine() const override { return shared_.size; }

  void sum(std::span<std::uint64_t> values) override {
    reduce(values, std::uint64_t{0}, [](std::uint64_t a, std::uint64_t b) { return a + b; });
  }
  void min(std::span<std::uint64_t> values) override {
    reduce(values, ~std::uint64_t{0}, [](std::uint64_t a, std::uint64_t b) { return std::min(a, b); });
  }

  void all_gather(std::span<double> values, std::span<const std::size_t> bounds) override {
    post(values.data());
    for (int k = 0; k < shared_.size; ++k)
      if (k != rank_ && bounds[k + 1] > bounds[k])
        std::memcpy(values.data() + bounds[k], static_cast<const double*>(shared_.posted[k]) + bounds[k],
                    (bounds[k + 1] - bounds[k]) * sizeof(double));
    shared_.meeting.arrive_and_wait();
  }

  void broadcast(std::string& text, int root) override {
    post(&text);
    std::string copy = *static_cast<const std::string*>(shared_.posted[root]);
    shared_.meeting.arrive_and_wait();
    text = std::move(copy);
  }

 private:
  template <typename Op>
  void reduce(std::span<std::uint64_t> values, std::uint64_t identity, Op op) {
    std::vector<std::uint64_t> result(values.size(), identity);
    post(values.data());
    for (void* p : shared_.posted)
      for (std::size_t i = 0; i < result.size(); ++i) result[i] = op(result[i], static_cast<std::uint64_t*>(p)[i]);
    shared_.meeting.arrive_and_wait();
    std::copy(result.begin(), result.end(), values.begin());
  }
  void post(void* p) {
    shared_.posted[rank_] = p;
    shared_.meeting.arrive_and_wait();
  }
  Shared& shared_;
  int rank_;
};

}  // namespace

std::vector<std::exception_ptr> on_thread_ranks(int ranks, const std::function<void(int rank)>& work) {
  Shared shared(ranks);
  std::vector<std::exception_ptr> thrown(static_cast<std::size_t>(ranks));
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r)
    threads.emplace_back([&, r] {
      ThreadRanks group(shared, r);
      RankScope scope(&group);
      try {
        work(r);
      } catch (...) {
        thrown[r] = std::current_exception();
      }
    });
  for (std::thread& t : threads) t.join();
  return thrown;
}

}  // namespace riskcast::testing
