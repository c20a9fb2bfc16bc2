// Atomic file writes (files.hpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

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

// What the path names is kept: a link stays a link (its target written), a
// device stays a device, a folder is refused; check_file_writable finds a
// missing folder without writing.
TEST(Files, LinksAreFollowedAndDevicesWrittenInPlace) {
  TempDir dir;
  const std::string target = dir.write("target.txt", "old\n");
  const fs::path link = fs::path(dir.path()) / "link.txt";
  fs::create_symlink(target, link);
  const fs::path chain = fs::path(dir.path()) / "chain.txt";
  fs::create_symlink("link.txt", chain);
  write_file_atomically(chain.string(), std::string("new\n"));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(chain)));
  EXPECT_EQ(read_text(target), "new\n");

  write_file_atomically("/dev/null", std::string("gone\n"));
  EXPECT_TRUE(fs::is_character_file(fs::symlink_status("/dev/null")));
  EXPECT_NO_THROW(check_file_writable("/dev/null"));

  EXPECT_THROW(write_file_atomically(dir.path(), std::string("x")), std::runtime_error);
  EXPECT_TRUE(fs::is_directory(dir.path()));
  const fs::path loop = fs::path(dir.path()) / "loop";
  fs::create_symlink("loop", loop);
  EXPECT_THROW(write_file_atomically(loop.string(), std::string("x")), std::runtime_error);

  EXPECT_NO_THROW(check_file_writable(dir.path() + "/new.txt"));
  EXPECT_NO_THROW(check_file_writable(link.string()));
  try {
    check_file_writable(dir.path() + "/missing/a.txt");
    FAIL() << "a missing folder passed the check";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot write '" + dir.path() + "/missing/a.txt': folder '" + dir.path() + "/missing' does not exist");
  }
  EXPECT_THROW(check_file_writable(target + "/a.txt"), std::runtime_error);  // under a file
  EXPECT_THROW(check_file_writable(dir.path()), std::runtime_error);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 4u);  // target, link, chain, loop: no temporary file left behind
}

// /dev/fd/N is the descriptor itself, as a shell's `>> log` left it: the
// text is appended, not written over the file from its start.
TEST(Files, ADescriptorPathKeepsItsAppendMode) {
  TempDir dir;
  const std::string log = dir.write("log.txt", "first\n");
  const int fd = open(log.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  write_file_atomically("/dev/fd/" + std::to_string(fd), std::string("second\n"));
  close(fd);
  EXPECT_EQ(read_text(log), "first\nsecond\n");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(log)));
}

}  // namespace
}  // namespace riskcast::testing
