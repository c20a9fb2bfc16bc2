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
//
// What `path` names is kept:
//  * a symbolic link is followed (each link in turn): the file it points at
//    is written atomically next to itself, and the link stays a link;
//  * an existing file that is not a regular file (a character device such
//    as /dev/null, a named pipe, a socket) and the process's own
//    descriptors (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/…) are written
//    directly, not atomically: there is nothing to rename over them; a
//    descriptor is written through itself, so a redirection's offset and
//    append mode (`>> log`) hold;
//  * a folder is refused.
void write_file_atomically(const std::string& path, std::string_view text);

// Checks, without writing, that write_file_atomically(path, …) can create
// its file: the folder it lands in (after following links) exists, is a
// folder and is writable, and `path` is not a folder. Throws as
// write_file_atomically does; run before a long computation, so that a bad
// path costs none.
void check_file_writable(const std::string& path);

}  // namespace riskcast
