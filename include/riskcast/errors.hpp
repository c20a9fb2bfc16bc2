// The errors a run can end with besides a ModelError (diagnostics.hpp).
#pragma once

#include <stdexcept>

namespace riskcast {

// A run refused before it starts because it would not fit: its memory
// estimate exceeds the memory available (MemoryPolicy::refuse), or a file
// it writes exceeds the free space. Nothing was sampled or written.
class ResourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A run stopped through its std::stop_token (or by an exception from its
// progress callback, which is then thrown instead). No result exists.
class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("the run was cancelled") {}
};

}  // namespace riskcast
