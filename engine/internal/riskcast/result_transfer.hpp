// A RunResult as bytes and back, exactly: every double by its bit pattern,
// so a result computed on one MPI rank and rebuilt on another formats to
// the same bytes (docs/scale.md, "MPI"). Not a file format:
// both ends are the same build, and the bytes never leave the job.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "riskcast/result.hpp"

namespace riskcast {

// Every field of `result`, kept columns included.
std::string encode_result(const RunResult& result);
// The result encode_result was given. std::runtime_error when `bytes` is
// not what encode_result wrote (cut short, or longer).
RunResult decode_result(std::string_view bytes);

// The pieces of a message between ranks: numbers (doubles by their bits)
// and length-prefixed texts, appended to `out` in the order written and
// read back in the same order. The reader throws std::runtime_error when
// the bytes run out.
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u64(std::uint64_t v);
  void f64(double v);
  void text(std::string_view s);

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  std::uint64_t u64();
  double f64();
  std::string text();
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace riskcast
