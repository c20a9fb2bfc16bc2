// Atomic file writes (files.hpp): one implementation for every file the
// engine or the command writes.
#include <unistd.h>

#include <fmt/format.h>

#include <ext/stdio_filebuf.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "riskcast/atomic_file.hpp"

namespace riskcast {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void cannot_write(const std::string& path, std::string_view reason) {
  throw std::runtime_error(fmt::format("cannot write '{}': {}", path, reason));
}

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
  if (text.empty()) cannot_write(text, "no file name");
  // Linux gives up after 40 links in a row (ELOOP); so does this.
  for (int links = 0;; ++links) {
    if (is_descriptor_path(path)) return {fs::path(text), true};
    std::error_code ec;
    const fs::file_status link = fs::symlink_status(path, ec);
    if (!fs::is_symlink(link)) break;
    if (links == 40) cannot_write(text, std::strerror(ELOOP));
    const fs::path target = fs::read_symlink(path, ec);
    if (ec) cannot_write(text, ec.message());
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) cannot_write(text, std::strerror(EISDIR));
  if (fs::exists(status) && !fs::is_regular_file(status)) return {path, true};
  return {path, false};
}

// The folder a new file at `path` lands in.
fs::path folder_of(const fs::path& path) {
  const fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

void write_stream(const std::string& path, std::ostream& out, const std::function<void(std::ostream&)>& write) {
  write(out);
  out.flush();
  if (!out) cannot_write(path, "write failed");
}

void write_stream(const std::string& path, const std::string& file, const std::function<void(std::ostream&)>& write) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) cannot_write(path, std::strerror(errno));
  write_stream(path, out, write);
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

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const Destination destination = destination_of(path);
  if (destination.direct) {
    if (const int fd = descriptor_of(destination.path); fd >= 0) {
      const int copy = dup(fd);
      if (copy < 0) cannot_write(path, std::strerror(errno));
      __gnu_cxx::stdio_filebuf<char> buffer(copy, std::ios::out | std::ios::binary);  // closes `copy`
      std::ostream out(&buffer);
      write_stream(path, out, write);
      return;
    }
    write_stream(path, destination.path.string(), write);
    return;
  }
  const fs::path& target = destination.path;
  std::string pattern = (folder_of(target) / fmt::format(".{}.tmp-XXXXXX", target.filename().string())).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) cannot_write(path, std::strerror(errno));
  close(fd);
  const std::string temp(name.data());
  try {
    write_stream(path, temp, write);
    // mkstemp creates 0600; give the file the usual permissions.
    fs::permissions(temp,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    if (std::rename(temp.c_str(), target.c_str()) != 0) cannot_write(path, std::strerror(errno));
  } catch (...) {
    std::remove(temp.c_str());
    throw;
  }
}

void write_file_atomically(const std::string& path, std::string_view text) {
  write_file_atomically(path,
                        [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); });
}

void check_file_writable(const std::string& path) {
  const Destination destination = destination_of(path);
  if (destination.direct) {
    // Opened as it will be written: a device or pipe the process may not write fails now.
    if (access(destination.path.c_str(), W_OK) != 0) cannot_write(path, std::strerror(errno));
    return;
  }
  const fs::path dir = folder_of(destination.path);
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) cannot_write(path, fmt::format("folder '{}' does not exist", dir.string()));
  if (!fs::is_directory(status)) cannot_write(path, fmt::format("'{}' is not a folder", dir.string()));
  // The temporary file is created in the folder, then renamed there.
  if (access(dir.c_str(), W_OK | X_OK) != 0) cannot_write(path, std::strerror(errno));
}

}  // namespace riskcast
