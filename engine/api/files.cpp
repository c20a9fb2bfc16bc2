// Files written whole or not at all (files.hpp): one implementation for
// every file the engine or the command writes.
#include "riskcast/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <new>
#include <random>
#include <vector>

#include "riskcast/diagnostics.hpp"
#include "riskcast/ranks.hpp"

namespace riskcast {

FileError::FileError(std::string path, std::string reason)
    : std::runtime_error(fmt::format("{}: cannot write: {}", printable_for_message(path), reason)),
      path_(std::move(path)),
      reason_(std::move(reason)) {}

namespace {

namespace fs = std::filesystem;

[[noreturn]] void cannot_write(const std::string& path, int error) {
  throw FileError(path, std::strerror(error));
}

// ---------------------------------------------------------------------------
// What a signal removes. Every temporary file and every folder created for a
// pending StagedFiles is registered here, as a string whose first character
// is its kind ('f' a file, 'd' a folder) followed by the path. The handler
// only reads atomics and calls unlink, rmdir, sigaction and raise, all
// async-signal-safe. Slots live in chunks that are never freed, so a handler
// may walk them at any moment; a string is freed only while no handler has
// started (one in progress leaks it: the process is ending anyway).
// ---------------------------------------------------------------------------
namespace pending {

constexpr std::size_t kChunkSlots = 256;
constexpr std::size_t kChunks = 256;  // 65,536 files and folders pending at once
struct Chunk {
  std::atomic<char*> slots[kChunkSlots] = {};
};
std::atomic<Chunk*> chunks[kChunks] = {};
std::atomic<bool> handling{false};
std::atomic<int> committing{0};  // commits in progress: a signal waits for their renames
std::atomic<int> deferred{0};    // the signal that arrived during one

constexpr int kSignals[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGXFSZ};

extern "C" void remove_pending(int signal_number) {
  if (committing.load() > 0) {
    deferred.store(signal_number);
    return;
  }
  handling.store(true);
  for (const std::atomic<Chunk*>& chunk : chunks)
    if (Chunk* c = chunk.load())
      for (const std::atomic<char*>& slot : c->slots)
        if (const char* entry = slot.load(); entry && entry[0] == 'f') unlink(entry + 1);
  // A folder goes once the folders and files under it are gone; each pass
  // removes at least one, or stops (a folder that is not empty stays). The
  // newest first: a folder is registered after its parent, so one pass
  // usually does, which matters when a launcher (mpirun) soon kills.
  for (bool removed = true; removed;) {
    removed = false;
    for (std::size_t k = kChunks; k-- > 0;)
      if (Chunk* c = chunks[k].load())
        for (std::size_t i = kChunkSlots; i-- > 0;)
          if (const char* entry = c->slots[i].load(); entry && entry[0] == 'd' && rmdir(entry + 1) == 0) removed = true;
  }
  struct sigaction fallback = {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(signal_number, &fallback, nullptr);
  raise(signal_number);  // delivered, by the default action, once this handler returns
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action = {};
    action.sa_handler = remove_pending;
    sigemptyset(&action.sa_mask);
    for (int s : kSignals) sigaddset(&action.sa_mask, s);
    action.sa_flags = SA_RESTART;
    for (int s : kSignals) {
      struct sigaction current = {};
      if (sigaction(s, nullptr, &current) == 0 && !(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL)
        sigaction(s, &action, nullptr);
    }
  });
}

using Slot = std::atomic<char*>;

// Registers `path` (of `kind`) for removal by a signal until forget().
Slot* remember(char kind, const std::string& path) {
  install_handler();
  char* entry = static_cast<char*>(std::malloc(path.size() + 2));
  if (!entry) throw std::bad_alloc();
  entry[0] = kind;
  std::memcpy(entry + 1, path.c_str(), path.size() + 1);
  for (std::atomic<Chunk*>& chunk : chunks) {
    Chunk* c = chunk.load();
    if (!c) {
      Chunk* fresh = new Chunk();
      if (chunk.compare_exchange_strong(c, fresh))
        c = fresh;
      else
        delete fresh;
    }
    for (Slot& slot : c->slots) {
      char* empty = nullptr;
      if (slot.compare_exchange_strong(empty, entry)) return &slot;
    }
  }
  std::free(entry);
  throw FileError(path, fmt::format("more than {} files pending at once", kChunks * kChunkSlots));
}

void forget(Slot* slot) {
  char* entry = slot->exchange(nullptr);
  if (!handling.load()) std::free(entry);
}

}  // namespace pending

// ---------------------------------------------------------------------------
// Where a path writes.
// ---------------------------------------------------------------------------

// Names of the process's own descriptors: /dev/stdout is a link to
// /proc/self/fd/1, whose "target" (pipe:[1234], a deleted file) is no path
// to rename over; the kernel opens them as the descriptor they stand for.
bool is_descriptor_path(const fs::path& path) {
  const std::string text = path.lexically_normal().string();
  return text.starts_with("/proc/") || text.starts_with("/dev/fd/") || text == "/dev/stdout" || text == "/dev/stderr" ||
         text == "/dev/stdin";
}

struct Destination {
  fs::path path;        // where the content goes: `path` with its links followed
  bool direct = false;  // written in place, not through a renamed temporary file
};

// Follows the links `path` names, one at a time (a link's target may
// itself be a link, relative to the link's folder), as open() would.
Destination destination_of(const std::string& text) {
  fs::path path(text);
  if (text.empty()) throw FileError(text, "no file name");
  // Linux gives up after 40 links in a row (ELOOP); so does this.
  for (int links = 0;; ++links) {
    if (is_descriptor_path(path)) return {fs::path(text), true};
    std::error_code ec;
    const fs::file_status link = fs::symlink_status(path, ec);
    if (!fs::is_symlink(link)) break;
    if (links == 40) cannot_write(text, ELOOP);
    const fs::path target = fs::read_symlink(path, ec);
    if (ec) throw FileError(text, ec.message());
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) cannot_write(text, EISDIR);
  if (fs::exists(status) && !fs::is_regular_file(status)) return {path, true};
  return {path, false};
}

// The folder a new file at `path` lands in.
fs::path folder_of(const fs::path& path) {
  const fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// The descriptor /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N
// names, or -1. Written through (a copy of) the descriptor itself, a
// redirection keeps its offset and append mode (`>> log`), which opening
// the name anew would lose (the write would start at offset 0, truncating).
int descriptor_of(const fs::path& path) {
  const std::string text = path.lexically_normal().string();
  if (text == "/dev/stdout") return STDOUT_FILENO;
  if (text == "/dev/stderr") return STDERR_FILENO;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!text.starts_with(prefix)) continue;
    int fd = -1;
    const char* first = text.data() + prefix.size();
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, fd);
    if (ec == std::errc() && end == last && first != last) return fd;
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Writing.
// ---------------------------------------------------------------------------

// A stream buffer over a descriptor that keeps the errno of the first
// write that failed, so that the message can say why ("No space left on
// device"), which an ofstream's failbit does not.
class DescriptorBuffer : public std::streambuf {
 public:
  explicit DescriptorBuffer(int fd) : fd_(fd), buffer_(1 << 16) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    for (const char* p = pbase(); p < pptr() && error_ == 0;) {
      const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
      if (n >= 0)
        p += n;
      else if (errno != EINTR)
        error_ = errno;
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return error_ == 0;
  }
  int fd_;
  int error_ = 0;
  std::vector<char> buffer_;
};

// Writes what `write` produces to `fd`, then closes it.
void write_descriptor(int fd, const std::string& path, const std::function<void(std::ostream&)>& write) {
  int error = 0;
  try {
    DescriptorBuffer buffer(fd);
    std::ostream out(&buffer);
    write(out);
    out.flush();
    error = buffer.error();
    if (!error && !out) error = EIO;
  } catch (...) {
    close(fd);
    throw;
  }
  if (close(fd) != 0 && !error) error = errno;  // NFS, for one, reports a failed write at close
  if (error) cannot_write(path, error);
}

// A device, a pipe or one of the process's descriptors, written in place.
void write_direct(const std::string& path, const fs::path& target, const std::function<void(std::ostream&)>& write) {
  int fd = -1;
  if (const int own = descriptor_of(target); own >= 0) {
    // What the process printed before goes first.
    if (own == STDOUT_FILENO) {
      std::cout.flush();
      std::fflush(stdout);
    }
    if (own == STDERR_FILENO) std::fflush(stderr);
    fd = fcntl(own, F_DUPFD_CLOEXEC, 0);
  } else {
    fd = open(target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  }
  if (fd < 0) cannot_write(path, errno);
  write_descriptor(fd, path, write);
}

// ".result.json.tmp-a8Zq3k": hidden, and named after the file it becomes.
std::string temporary_name(const fs::path& target) {
  static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  // Within NAME_MAX (255 bytes) whatever the target's name.
  const std::string name = target.filename().string().substr(0, 200);
  std::random_device random;
  std::string suffix;
  for (std::uint64_t bits = (std::uint64_t{random()} << 32) ^ random(); suffix.size() < 6; bits /= kLetters.size())
    suffix += kLetters[bits % kLetters.size()];
  return fmt::format(".{}.tmp-{}", name, suffix);
}

}  // namespace

struct StagedFiles::State {
  struct File {
    std::string path;    // as the caller named it, for messages
    std::string target;  // its links followed
    std::string temporary;
    pending::Slot* slot;
  };
  struct Folder {
    std::string path;
    pending::Slot* slot;
  };
  std::vector<File> files;
  std::vector<Folder> folders;  // in the order created: parents first
  // False on a rank other than 0 (ranks.hpp): the set is then written by
  // rank 0 alone and is empty here.
  bool writes = writes_files();

  // Removes the temporary file of files[i] and forgets it.
  void discard(std::size_t i) {
    unlink(files[i].temporary.c_str());
    pending::forget(files[i].slot);
    files.erase(files.begin() + static_cast<std::ptrdiff_t>(i));
  }
};

StagedFiles::StagedFiles() : state_(std::make_unique<State>()) {}

StagedFiles::~StagedFiles() {
  while (!state_->files.empty()) state_->discard(state_->files.size() - 1);
  for (auto it = state_->folders.rbegin(); it != state_->folders.rend(); ++it) {
    rmdir(it->path.c_str());  // only if empty: what others put there stays
    pending::forget(it->slot);
  }
}

void StagedFiles::create_folders(const std::string& folder) {
  if (folder.empty()) throw FileError(folder, "no folder name");
  if (!state_->writes) return;
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::absolute(folder, ec).lexically_normal(); !p.empty() && p != p.root_path();
       p = p.parent_path()) {
    if (p.filename().empty()) continue;  // the trailing slash of "plots/"
    if (fs::exists(fs::symlink_status(p, ec))) break;
    missing.push_back(p);
  }
  state_->folders.reserve(state_->folders.size() + missing.size());
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    const std::string path = it->string();
    pending::Slot* slot = pending::remember('d', path);
    if (mkdir(path.c_str(), 0777) == 0) {
      state_->folders.push_back({path, slot});
      continue;
    }
    const int error = errno;
    pending::forget(slot);
    // Made meanwhile by someone else: theirs to keep, and usable.
    if (error == EEXIST && fs::is_directory(*it, ec)) continue;
    throw FileError(folder, error == EEXIST ? fmt::format("'{}' is not a folder", path) : std::strerror(error));
  }
}

void StagedFiles::add(const std::string& path, std::string_view text) {
  add(path, [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); });
}

void StagedFiles::add(const std::string& path, const std::function<void(std::ostream&)>& write) {
  if (!state_->writes) return;
  const Destination destination = destination_of(path);
  if (destination.direct) {
    write_direct(path, destination.path, write);
    return;
  }
  const std::string target = destination.path.string();
  struct stat replaced = {};
  const bool replacing = stat(target.c_str(), &replaced) == 0;
  // As the shell's `>` would: a file the process may not write is refused,
  // though the folder would let a rename replace it.
  if (replacing && access(target.c_str(), W_OK) != 0) cannot_write(path, errno);

  state_->files.reserve(state_->files.size() + 1);
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    const std::string temporary = (folder_of(destination.path) / temporary_name(destination.path)).string();
    pending::Slot* slot = pending::remember('f', temporary);
    // A new file gets 0666 less the umask from the kernel, as `>` makes it;
    // a replaced file's mode is set below, before any content is written.
    fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, replacing ? 0600 : 0666);
    if (fd >= 0) {
      state_->files.push_back({path, target, temporary, slot});
      break;
    }
    const int error = errno;
    pending::forget(slot);
    if (error != EEXIST || attempt == 100) cannot_write(path, error);
  }
  try {
    if (replacing) {
      struct stat made = {};
      // The owner and group where the process may set them (root may;
      // anyone may choose among their own groups), then the mode: chown
      // clears set-id bits.
      if (fstat(fd, &made) == 0 && (made.st_uid != replaced.st_uid || made.st_gid != replaced.st_gid) &&
          fchown(fd, replaced.st_uid, replaced.st_gid) != 0 &&
          fchown(fd, static_cast<uid_t>(-1), replaced.st_gid) != 0) {
        // Neither: the file becomes the process's, as any file it makes.
      }
      if (fchmod(fd, replaced.st_mode & 07777) != 0) {
        const int error = errno;
        close(fd);
        cannot_write(path, error);
      }
    }
    write_descriptor(fd, path, write);
  } catch (...) {
    // A file that failed is never committed, whatever the caller does next.
    state_->discard(state_->files.size() - 1);
    throw;
  }
}

void StagedFiles::commit() {
  if (!state_->writes) return;
  // A signal now waits for the renames, so that they happen all or none.
  pending::committing.fetch_add(1);
  std::size_t renamed = 0;
  int error = 0;
  for (; renamed < state_->files.size(); ++renamed) {
    const State::File& f = state_->files[renamed];
    if (std::rename(f.temporary.c_str(), f.target.c_str()) != 0) {
      error = errno;
      break;
    }
    pending::forget(f.slot);
  }
  const std::string failed = error ? state_->files[renamed].path : "";
  state_->files.erase(state_->files.begin(), state_->files.begin() + static_cast<std::ptrdiff_t>(renamed));
  if (!error) {
    for (const State::Folder& d : state_->folders) pending::forget(d.slot);
    state_->folders.clear();
  }
  if (pending::committing.fetch_sub(1) == 1)
    if (const int signal_number = pending::deferred.exchange(0)) raise(signal_number);
  if (error) cannot_write(failed, error);
}

void write_file_atomically(const std::string& path, std::string_view text) {
  StagedFiles files;
  files.add(path, text);
  files.commit();
}

namespace {

// Under ranks (ranks.hpp) rank 0 alone writes, so rank 0 alone checks.
// Not a collective step: a caller may decide by what it sees on the file
// system whether to check (a folder rank 0 has meanwhile made), and the
// ranks would then disagree on how many steps to take. A path rank 0
// cannot write fails rank 0 alone, which ends the job (the MPI driver).
template <typename Check>
void checked_where_written(Check&& check) {
  if (writes_files()) check();
}

void check_file_writable_here(const std::string& path) {
  const Destination destination = destination_of(path);
  // Opened as it will be written: a device or pipe the process may not write fails now.
  if (destination.direct) {
    if (access(destination.path.c_str(), W_OK) != 0) cannot_write(path, errno);
    return;
  }
  const fs::path dir = folder_of(destination.path);
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) throw FileError(path, fmt::format("folder '{}' does not exist", dir.string()));
  if (!fs::is_directory(status)) throw FileError(path, fmt::format("'{}' is not a folder", dir.string()));
  // The temporary file is created in the folder, then renamed there.
  if (access(dir.c_str(), W_OK | X_OK) != 0) cannot_write(path, errno);
  struct stat file = {}, folder = {};
  if (stat(destination.path.c_str(), &file) != 0) return;
  if (access(destination.path.c_str(), W_OK) != 0) cannot_write(path, errno);
  // The new file is renamed over the old one, which a sticky folder (/tmp)
  // allows only the file's owner, the folder's, or root (who may override).
  if (stat(dir.c_str(), &folder) == 0 && (folder.st_mode & S_ISVTX) && geteuid() != 0 && file.st_uid != geteuid() &&
      folder.st_uid != geteuid())
    throw FileError(path, fmt::format("{} (another user's file in a sticky folder: riskcast replaces a file by "
                                      "renaming a new one over it)",
                                      std::strerror(EPERM)));
}

void check_folder_writable_here(const std::string& folder) {
  if (folder.empty()) throw FileError(folder, "no folder name");
  fs::path path(folder);
  std::error_code ec;
  while (!fs::exists(path, ec) && path.has_parent_path() && path.parent_path() != path) path = path.parent_path();
  if (!fs::exists(path, ec)) path = ".";  // a relative path under the working directory
  if (!fs::is_directory(path, ec)) throw FileError(folder, fmt::format("'{}' is not a folder", path.string()));
  if (access(path.c_str(), W_OK | X_OK) != 0) {
    const int error = errno;
    if (path == fs::path(folder)) cannot_write(folder, error);
    throw FileError(folder, fmt::format("{}: {}", path.string(), std::strerror(error)));
  }
}

}  // namespace

void check_file_writable(const std::string& path) {
  checked_where_written([&] { check_file_writable_here(path); });
}

void check_folder_writable(const std::string& folder) {
  checked_where_written([&] { check_folder_writable_here(folder); });
}

std::optional<FileIdentity> file_identity(const std::string& path) {
  struct stat st = {};
  if (path == "-") {
    if (fstat(STDOUT_FILENO, &st) != 0) return std::nullopt;
    return FileIdentity{st.st_dev, st.st_ino, ""};
  }
  if (stat(path.c_str(), &st) == 0) return FileIdentity{st.st_dev, st.st_ino, ""};
  // Not there yet: where it would be made (a dangling link's target).
  Destination destination;
  try {
    destination = destination_of(path);
  } catch (const FileError&) {
    return std::nullopt;
  }
  if (stat(folder_of(destination.path).c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, destination.path.filename().string()};
}

bool is_discarding_device(const std::string& path) {
  int fd = STDOUT_FILENO;
  if (path != "-") {
    struct stat st = {};
    if (stat(path.c_str(), &st) != 0 || !S_ISCHR(st.st_mode)) return false;
    // Opened only to ask whether it is a terminal; O_NONBLOCK so that nothing waits.
    fd = open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
  }
  struct stat st = {};
  const bool discarding = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && !isatty(fd);
  if (fd != STDOUT_FILENO) close(fd);
  return discarding;
}

namespace {
// `path` with its links followed (a dangling link's too), absolute, without
// dot-dots; the part that does not exist yet is kept as written.
fs::path resolved(const std::string& path) {
  fs::path where(path);
  try {
    where = destination_of(path).path;
  } catch (const FileError&) {
    // A folder (a write would be refused): the path itself.
  }
  std::error_code ec;
  fs::path result = fs::weakly_canonical(fs::absolute(where, ec), ec);
  if (ec) result = fs::absolute(where, ec).lexically_normal();
  if (result.filename().empty()) result = result.parent_path();  // "plots/"
  return result;
}
}  // namespace

bool is_within(const std::string& path, const std::string& folder) {
  if (path == "-" || path.empty() || folder.empty()) return false;
  const fs::path p = resolved(path), f = resolved(folder);
  return std::mismatch(f.begin(), f.end(), p.begin(), p.end()).first == f.end();
}

}  // namespace riskcast
