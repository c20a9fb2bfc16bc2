// Atomic file writes (files.hpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "riskcast/riskcast.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

// The process's umask for the scope of the object.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(umask(mask)) {}
  ~ScopedUmask() { umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

// Runs `child` in a forked process and returns its wait status.
int in_child(const std::function<int()>& child) {
  const pid_t pid = fork();
  if (pid == 0) _exit(child());
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
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
    EXPECT_EQ(std::string(e.what()), dir.path() + "/missing/a.txt: cannot write: No such file or directory");
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
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()),
              dir.path() + "/missing/a.txt: cannot write: folder '" + dir.path() + "/missing' does not exist");
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

// A new file gets 0666 less the umask, as the shell's `>` makes it; a
// replaced file keeps its mode, through a link too.
TEST(Files, ModesFollowTheUmaskAndTheReplacedFile) {
  TempDir dir;
  for (const mode_t mask : {mode_t{077}, mode_t{022}, mode_t{002}, mode_t{0}}) {
    ScopedUmask scoped(mask);
    const std::string path = dir.path() + "/new-" + std::to_string(mask) + ".json";
    write_file_atomically(path, std::string("{}\n"));
    EXPECT_EQ(mode_of(path), 0666u & ~mask) << "umask " << mask;
    StagedFiles files;
    files.create_folders(dir.path() + "/made-" + std::to_string(mask) + "/deeper");
    files.commit();
    EXPECT_EQ(mode_of(dir.path() + "/made-" + std::to_string(mask) + "/deeper"), 0777u & ~mask);
  }
  ScopedUmask scoped(022);
  const std::string kept = dir.write("kept.json", "old\n");
  for (const unsigned mode : {0600u, 0640u, 0664u, 0604u}) {
    ASSERT_EQ(chmod(kept.c_str(), mode), 0);
    write_file_atomically(kept, std::string("new\n"));
    EXPECT_EQ(mode_of(kept), mode);
    EXPECT_EQ(read_text(kept), "new\n");
  }
  fs::create_symlink(kept, dir.path() + "/link.json");
  ASSERT_EQ(chmod(kept.c_str(), 0600), 0);
  write_file_atomically(dir.path() + "/link.json", std::string("through\n"));
  EXPECT_EQ(mode_of(kept), 0600u);
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir.path() + "/link.json")));
}

// A file the process may not write is refused, as the shell's `>` refuses
// it, though its folder would let a rename replace it. Root may write any
// file (and `>` lets it): the check then runs as nobody, in a child.
TEST(Files, AFileTheProcessMayNotWriteIsRefused) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);  // anyone may make files in it
  const std::string file = dir.write("ro.json", "kept\n");
  ASSERT_EQ(chmod(file.c_str(), 0444), 0);
  const auto refused = [&]() -> int {
    try {
      check_file_writable(file);
      return 1;
    } catch (const FileError& e) {
      if (e.reason() != std::strerror(EACCES)) return 2;
    }
    try {
      write_file_atomically(file, std::string("new\n"));
      return 3;
    } catch (const FileError& e) {
      if (std::string(e.what()) != file + ": cannot write: " + std::strerror(EACCES)) return 4;
    }
    const std::vector<std::string> names = names_in(dir.path());
    const bool temporary =
        std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.starts_with("."); });
    return read_text(file) == "kept\n" && !temporary ? 0 : 5;
  };
  if (geteuid() != 0) {
    EXPECT_EQ(refused(), 0);
    return;
  }
  EXPECT_NO_THROW(check_file_writable(file));
  // In a sticky folder (as /tmp), another user's file may be writable and
  // still not replaceable by a rename.
  fs::create_directory(dir.path() + "/sticky");
  ASSERT_EQ(chmod((dir.path() + "/sticky").c_str(), 01777), 0);
  const std::string theirs = dir.write("sticky/theirs.json", "kept\n");
  ASSERT_EQ(chmod(theirs.c_str(), 0666), 0);
  const auto sticky_refused = [&]() -> int {
    try {
      check_file_writable(theirs);
      return 6;
    } catch (const FileError& e) {
      return e.reason().starts_with(std::strerror(EPERM)) ? 0 : 7;
    }
  };
  const int status = in_child([&] {
    if (setgid(65534) != 0 || setuid(65534) != 0) return 9;
    const int first = refused();
    return first != 0 ? first : sticky_refused();
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The reason is the system's: "No space left on device", not "write failed".
TEST(Files, AFailedWriteSaysWhy) {
  try {
    write_file_atomically("/dev/full", std::string("x"));
    FAIL() << "writing /dev/full succeeded";
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: cannot write: No space left on device");
    EXPECT_EQ(e.path(), "/dev/full");
    EXPECT_EQ(e.reason(), std::strerror(ENOSPC));
  }
}

// Files staged together appear together at commit(), or none does: a set
// destroyed before its commit (a failed file among them) removes its
// temporary files and the folders it made, and keeps what was there.
TEST(Files, StagedFilesAreAllOrNone) {
  TempDir dir;
  dir.write("before.txt", "before\n");
  fs::create_directory(dir.path() + "/existing");
  const std::vector<std::string> before = names_in(dir.path());
  {
    StagedFiles files;
    files.add(dir.path() + "/a.txt", std::string("a\n"));
    files.add(dir.path() + "/before.txt", std::string("replaced\n"));
    files.create_folders(dir.path() + "/made/deeper");
    files.create_folders(dir.path() + "/existing/sub");
    files.add(dir.path() + "/made/deeper/b.txt", std::string("b\n"));
    EXPECT_THROW(files.add(dir.path() + "/existing/sub/c.txt",
                           [](std::ostream& out) {
                             out << "half";
                             throw std::runtime_error("the writer failed");
                           }),
                 std::runtime_error);
    // The failed file is gone at once; the others wait for commit().
    EXPECT_EQ(std::count_if(fs::directory_iterator(dir.path() + "/existing/sub"), fs::directory_iterator(),
                            [](const auto&) { return true; }),
              0);
    EXPECT_FALSE(fs::exists(dir.path() + "/a.txt"));
    EXPECT_EQ(read_text(dir.path() + "/before.txt"), "before\n");
    EXPECT_THROW(files.add("/dev/full", std::string("x")), FileError);
  }
  EXPECT_EQ(names_in(dir.path()), before);
  EXPECT_EQ(read_text(dir.path() + "/before.txt"), "before\n");

  StagedFiles files;
  files.create_folders(dir.path() + "/made/deeper");
  files.add(dir.path() + "/a.txt", std::string("a\n"));
  files.add(dir.path() + "/made/deeper/b.txt", std::string("b\n"));
  files.add(dir.path() + "/before.txt", std::string("replaced\n"));
  files.commit();
  EXPECT_EQ(names_in(dir.path()),
            (std::vector<std::string>{"a.txt", "before.txt", "existing", "made", "made/deeper", "made/deeper/b.txt"}));
  EXPECT_EQ(read_text(dir.path() + "/made/deeper/b.txt"), "b\n");
  EXPECT_EQ(read_text(dir.path() + "/before.txt"), "replaced\n");
}

// A signal that ends the process while files are staged removes them and
// the folders made for them, then ends the process by that signal. The
// child stages, then signals itself: no timing involved.
TEST(Files, ASignalRemovesStagedFiles) {
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    struct sigaction current = {};
    ASSERT_EQ(sigaction(signal_number, nullptr, &current), 0);
    // An ignored signal stays ignored (nohup): nothing to test for it here.
    if (current.sa_handler == SIG_IGN) continue;
    TempDir dir;
    dir.write("kept.txt", "kept\n");
    const int status = in_child([&] {
      StagedFiles files;
      files.add(dir.path() + "/a.txt", std::string("a\n"));
      files.add(dir.path() + "/kept.txt", std::string("replaced\n"));
      files.create_folders(dir.path() + "/plots/base");
      files.add(dir.path() + "/plots/base/x.svg", std::string("<svg/>"));
      // The default disposition of each: the handler was installed over it.
      std::raise(signal_number);
      return 0;
    });
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << strsignal(signal_number);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"kept.txt"}) << strsignal(signal_number);
    EXPECT_EQ(read_text(dir.path() + "/kept.txt"), "kept\n");
  }
}

// Two paths write one file when their identities are equal: the same file
// through a link, ./, .. or an absolute path; a file not there yet by its
// folder and name; "-" is stdout.
TEST(Files, IdentitiesNameWhatAWriteWouldReplace) {
  TempDir dir;
  const std::string model = dir.write("m.yaml", "x");
  fs::create_directory(dir.path() + "/sub");
  fs::create_symlink("m.yaml", dir.path() + "/link.yaml");
  fs::create_symlink(dir.path() + "/new.csv", dir.path() + "/dangling.csv");
  const auto id = [](const std::string& path) { return file_identity(path); };
  ASSERT_TRUE(id(model));
  EXPECT_EQ(id(dir.path() + "/./m.yaml"), id(model));
  EXPECT_EQ(id(dir.path() + "/sub/../m.yaml"), id(model));
  EXPECT_EQ(id(dir.path() + "/link.yaml"), id(model));
  ASSERT_TRUE(id(dir.path() + "/new.csv"));
  EXPECT_EQ(id(dir.path() + "/sub/../new.csv"), id(dir.path() + "/new.csv"));
  EXPECT_EQ(id(dir.path() + "/dangling.csv"), id(dir.path() + "/new.csv"));
  EXPECT_NE(id(dir.path() + "/other.csv"), id(dir.path() + "/new.csv"));
  EXPECT_NE(id(dir.path() + "/new.csv"), id(model));
  EXPECT_EQ(id("-"), id("/dev/stdout"));
  EXPECT_FALSE(id(dir.path() + "/missing/x.csv"));
  EXPECT_TRUE(is_discarding_device("/dev/null"));
  EXPECT_FALSE(is_discarding_device(model));

  fs::create_directory(dir.path() + "/plots");
  fs::create_symlink("plots", dir.path() + "/plotlink");
  EXPECT_TRUE(is_within(dir.path() + "/plots/base/x.svg", dir.path() + "/plots"));
  EXPECT_TRUE(is_within(dir.path() + "/plots", dir.path() + "/plots/"));
  EXPECT_TRUE(is_within(dir.path() + "/plotlink/x.svg", dir.path() + "/plots"));
  EXPECT_TRUE(is_within(dir.path() + "/later/x.svg", dir.path() + "/sub/../later"));
  EXPECT_FALSE(is_within(dir.path() + "/plots.csv", dir.path() + "/plots"));
  EXPECT_FALSE(is_within(dir.path() + "/sub/x.csv", dir.path() + "/plots"));
  EXPECT_FALSE(is_within("-", dir.path()));
}

// A folder that cannot be made is found without making anything.
TEST(Files, CheckFolderWritable) {
  TempDir dir;
  const std::string file = dir.write("file.txt", "x");
  EXPECT_NO_THROW(check_folder_writable(dir.path()));
  EXPECT_NO_THROW(check_folder_writable(dir.path() + "/new/deeper"));
  try {
    check_folder_writable(file + "/charts");
    FAIL() << "a folder under a file passed";
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()), file + "/charts: cannot write: '" + file + "' is not a folder");
  }
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"file.txt"});
}

}  // namespace
}  // namespace riskcast::testing
