// The streaming form of write_file_atomically (files.hpp), for writers whose
// text is too large to build in memory first (the per-sample export).
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "riskcast/files.hpp"

namespace riskcast {

// As write_file_atomically(path, text), the content being what `write`
// puts into the stream; an exception from `write` removes the temporary
// file and propagates.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace riskcast
