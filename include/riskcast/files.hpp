// Files the engine writes whole or not at all: a reader never sees a half
// written result, and a failed write leaves the previous file in place.
#pragma once

#include <string>
#include <string_view>

namespace riskcast {

// Writes `text` to `path` through a temporary file in the same folder,
// renamed into place only once it is complete (rename is atomic within a
// file system); the new file gets the usual permissions (0644 before the
// umask). Throws std::runtime_error "cannot write 'PATH': REASON" (a missing
// folder, no permission, a full disk), leaving no temporary file behind.
void write_file_atomically(const std::string& path, std::string_view text);

}  // namespace riskcast
