// Atomic file writes (files.hpp): one implementation for every file the
// engine or the command writes.
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "riskcast/atomic_file.hpp"

namespace riskcast {

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string pattern = (dir / fmt::format(".{}.tmp-XXXXXX", target.filename().string())).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  close(fd);
  const std::string temp(name.data());
  try {
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
      write(out);
      out.flush();
      if (!out) throw std::runtime_error(fmt::format("cannot write '{}': write failed", path));
    }
    // mkstemp creates 0600; give the file the usual permissions.
    fs::permissions(temp,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    if (std::rename(temp.c_str(), path.c_str()) != 0)
      throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  } catch (...) {
    std::remove(temp.c_str());
    throw;
  }
}

void write_file_atomically(const std::string& path, std::string_view text) {
  write_file_atomically(path,
                        [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); });
}

}  // namespace riskcast
