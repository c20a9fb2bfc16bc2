// Atomic file writes (files.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Files, AtomicWritesLeaveTheTextOrNothing) {
  TempDir dir;
  const std::string path = dir.path() + "/a.txt";
  write_file_atomically(path, std::string("first\n"));
  write_file_atomically(path, std::string("second\n"));
  EXPECT_EQ(read_text(path), "second\n");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::owner_read, fs::perms::owner_read);
  try {
    write_file_atomically(dir.path() + "/missing/a.txt", std::string("x"));
    FAIL() << "a write into a missing folder succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot write '" + dir.path() + "/missing/a.txt': ", 0), 0u) << e.what();
  }
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);  // no temporary file left behind
}

}  // namespace
}  // namespace riskcast::testing
