// Runs the real riskcast binary for end-to-end tests.
#pragma once

#include <string>
#include <vector>

namespace riskcast::testing {

struct CommandResult {
  int exit_status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs build/bin/riskcast with `args` (no shell), capturing both streams.
CommandResult run_riskcast(const std::vector<std::string>& args);

// A bad command line as every command reports it: exit status 2, one line
// "riskcast: error: …" on stderr, nothing on stdout. `context` labels failures.
void expect_one_line_usage_error(const CommandResult& result, const std::string& context);

// Runs any program (argv[0] a path; no shell), capturing both streams.
CommandResult run_program(const std::vector<std::string>& argv);

// The full path of `name` found on PATH, or empty.
std::string find_program(const std::string& name);

// Whether `line` reads FILE:LINE:COL: error: MESSAGE for this file.
bool is_positioned_error(const std::string& line, const std::string& file);

// A file's whole content, bytes as they are ("" when it cannot be read).
std::string read_text(const std::string& path);
// Every file and folder below `dir`, relative to it, sorted (hidden ones
// too: a temporary file is .NAME.tmp-XXXXXX).
std::vector<std::string> names_in(const std::string& dir);
// The permission bits of `path` (st_mode & 07777); a failing stat fails the test.
unsigned mode_of(const std::string& path);

// Path of a file in the source tree, e.g. source_path("bench/models/reference.yaml").
std::string source_path(const std::string& relative);

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `text` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

}  // namespace riskcast::testing
