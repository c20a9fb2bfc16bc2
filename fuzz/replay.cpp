// Replays saved inputs through a harness's LLVMFuzzerTestOneInput without
// libFuzzer, so `make test` (g++, release and sanitizer builds) checks every
// past finding: usage `REPLAY [--timeout SECONDS] PATH...`, where a PATH is a
// file or a folder of files (a missing folder holds none).
//
// An input fails when an exception escapes the harness (reported, and the
// other inputs still run) or when it runs longer than the timeout (a hang:
// the process stops at once). A crash stops the process; the name printed
// before each input tells which one it was.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Ends the process when one input runs past its time.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit) : limit_(limit), thread_([this] { watch(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_one();
    thread_.join();
  }

  void start(const std::string& input) {
    std::lock_guard lock(mutex_);
    input_ = input;
    deadline_ = Clock::now() + limit_;
    running_ = true;
    changed_.notify_one();
  }
  void finish() {
    std::lock_guard lock(mutex_);
    running_ = false;
  }

 private:
  void watch() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      if (!running_) {
        changed_.wait(lock);
      } else if (changed_.wait_until(lock, deadline_) == std::cv_status::timeout && running_ &&
                 Clock::now() >= deadline_) {
        std::fprintf(stderr, "FAIL %s: still running after %lld s (a hang)\n", input_.c_str(),
                     static_cast<long long>(limit_.count()));
        std::fflush(stderr);
        std::_Exit(1);
      }
    }
  }

  std::chrono::seconds limit_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string input_;
  Clock::time_point deadline_;
  bool running_ = false;
  bool stop_ = false;
  std::thread thread_;
};

std::vector<fs::path> inputs_in(const fs::path& path) {
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(path))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else if (fs::exists(path)) {
    files.push_back(path);
  }
  return files;
}

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  std::chrono::seconds limit(60);
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--timeout" && i + 1 < argc) {
      limit = std::chrono::seconds(std::strtoul(argv[++i], nullptr, 10));
    } else {
      const std::vector<fs::path> found = inputs_in(arg);
      files.insert(files.end(), found.begin(), found.end());
    }
  }
  Watchdog watchdog(limit);
  int failures = 0;
  for (const fs::path& file : files) {
    std::fprintf(stderr, "replay %s\n", file.c_str());
    std::fflush(stderr);
    const std::vector<std::uint8_t> bytes = read_bytes(file);
    watchdog.start(file.string());
    try {
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "FAIL %s: %s escaped: %s\n", file.c_str(), typeid(e).name(), e.what());
      ++failures;
    }
    watchdog.finish();
  }
  std::fprintf(stderr, "%zu inputs replayed, %d failed\n", files.size(), failures);
  return failures == 0 ? 0 : 1;
}
