// Files the engine writes whole or not at all: a reader never sees a half
// written result, a failed write leaves the previous file in place, and a
// set of files written together (a run's --out, --export and charts) is
// committed all or none.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace riskcast {

// A file that cannot be written. what() is "PATH: cannot write: REASON",
// REASON the system's words for the error (strerror: "No space left on
// device", "Permission denied") or what is wrong with the path ("folder
// 'out' does not exist").
class FileError : public std::runtime_error {
 public:
  FileError(std::string path, std::string reason);
  const std::string& path() const { return path_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string path_;
  std::string reason_;
};

// Files written together, all or none. add() writes each file's content to
// a temporary file in the folder of its destination (named .NAME.tmp-XXXXXX);
// commit() renames them all into place at the end (rename is atomic within
// a file system). A set destroyed before commit() (an exception, a failed
// write) removes its temporary files, then every folder create_folders made
// (each only if empty): nothing new is left behind. So does a signal that
// ends the process (SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGXFSZ)
// while a set is pending: the first set installs a handler for each of
// those whose disposition is still the default (an application's own
// handler, or an ignored signal, is left alone) that removes every pending
// set's files and folders and then ends the process by the same signal;
// one arriving during commit() takes effect when the renames are done.
//
// Permissions: a new file gets 0666 less the umask (as the shell's `>`
// creates it); a file replaced keeps its mode (and its owner and group
// where the process may set them).
//
// What a destination path names is kept:
//  * a symbolic link is followed (each link in turn, as open() would): the
//    file it points at is replaced next to itself, and the link stays;
//  * an existing file that is not a regular file (a character device such
//    as /dev/null, a named pipe, a socket) and the process's own
//    descriptors (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/…) are written
//    directly by add(), not staged: there is nothing to rename over them; a
//    descriptor is written through itself, so a redirection's offset and
//    append mode (`>> log`) hold;
//  * a folder is refused.
// Every error is a FileError naming the path as given.
class StagedFiles {
 public:
  StagedFiles();
  ~StagedFiles();
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  // Creates `folder` and its missing parents (0777 less the umask); those
  // it creates are removed again unless commit() is reached.
  void create_folders(const std::string& folder);
  // The file `path` is to hold `text`, or what `write` puts into the stream
  // (for content too large to build in memory first). A file that cannot
  // be written (or whose `write` throws) is discarded at once and the
  // exception propagates; the other files stay pending.
  void add(const std::string& path, std::string_view text);
  void add(const std::string& path, const std::function<void(std::ostream&)>& write);
  // Renames every staged file into place; the set is then done. A rename
  // that fails (the folder removed meanwhile) throws, leaving the files
  // renamed before it in place and removing the rest.
  void commit();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One file written through a StagedFiles of its own.
void write_file_atomically(const std::string& path, std::string_view text);

// Checks, without writing, that a StagedFiles can write `path`: the folder
// it lands in (after following links) exists, is a folder and is writable,
// `path` is not a folder, and an existing file there is one the process
// may write (access(W_OK), as the shell's `>` would refuse it) and replace
// (in a sticky folder such as /tmp, another user's file may not be renamed
// over). Run before
// a long computation, so that a bad path costs none. Throws FileError.
void check_file_writable(const std::string& path);

// Checks, without creating anything, that StagedFiles::create_folders can
// make `folder` (or that it is a folder already) and that files can be
// written in it: the folder, or else its nearest existing ancestor, is a
// writable folder. Throws FileError naming `folder`.
void check_folder_writable(const std::string& folder);

// What a write to `path` would write, to tell when two paths name one file:
// for an existing file (links followed), its device and inode; for a file
// not there yet, its folder's device and inode and the name it would get;
// "-" is the process's standard output. Two paths write one file exactly
// when their identities are equal. nullopt when neither the file nor its
// folder exists (or stdout is closed).
struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::string name;  // empty for an existing file
  bool operator==(const FileIdentity&) const = default;
};
std::optional<FileIdentity> file_identity(const std::string& path);

// Whether `path` ("-": stdout) is a character device that is not a
// terminal (/dev/null, /dev/zero): one that may take two outputs, as
// nobody reads them run together there.
bool is_discarding_device(const std::string& path);

// Whether a write to `path` lands in `folder` or below it, or is `folder`
// itself, comparing both with their links followed ("-" is in no folder).
bool is_within(const std::string& path, const std::string& folder);

}  // namespace riskcast
