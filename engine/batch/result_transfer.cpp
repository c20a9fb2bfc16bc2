#include "riskcast/result_transfer.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace riskcast {

void ByteWriter::u64(std::uint64_t v) {
  char bytes[8];
  std::memcpy(bytes, &v, 8);
  out_.append(bytes, 8);
}

void ByteWriter::f64(double v) {
  u64(std::bit_cast<std::uint64_t>(v));
}

void ByteWriter::text(std::string_view s) {
  u64(s.size());
  out_.append(s);
}

std::uint64_t ByteReader::u64() {
  if (in_.size() < 8) throw std::runtime_error("a message between ranks ended early");
  std::uint64_t v;
  std::memcpy(&v, in_.data(), 8);
  in_.remove_prefix(8);
  return v;
}

double ByteReader::f64() {
  return std::bit_cast<double>(u64());
}

std::string ByteReader::text() {
  const std::uint64_t n = u64();
  if (in_.size() < n) throw std::runtime_error("a message between ranks ended early");
  std::string s(in_.substr(0, n));
  in_.remove_prefix(n);
  return s;
}

namespace {

// One function per struct, writing and reading fields in the same order:
// `Io` is a ByteWriter or a ByteReader, and io(field) does the one or the
// other, so the two directions cannot drift apart.
struct Out {
  ByteWriter w;
  void operator()(const std::string& s) { w.text(s); }
  void operator()(const double& v) { w.f64(v); }
  void operator()(const std::uint64_t& v) { w.u64(v); }
  void operator()(const unsigned& v) { w.u64(v); }
  void operator()(const int& v) { w.u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(v))); }
  void operator()(const bool& v) { w.u64(v ? 1 : 0); }
  void operator()(const OutputKind& v) { w.u64(static_cast<std::uint64_t>(v)); }
  void operator()(const SampleColumn::Kind& v) { w.u64(static_cast<std::uint64_t>(v)); }
  template <typename T>
  void operator()(const std::optional<T>& v);
  template <typename T>
  void operator()(const std::vector<T>& v);
  template <typename T>
  void operator()(const T& v);
};

struct In {
  ByteReader r;
  void operator()(std::string& s) { s = r.text(); }
  void operator()(double& v) { v = r.f64(); }
  void operator()(std::uint64_t& v) { v = r.u64(); }
  void operator()(unsigned& v) { v = static_cast<unsigned>(r.u64()); }
  void operator()(int& v) { v = static_cast<int>(static_cast<std::int64_t>(r.u64())); }
  void operator()(bool& v) { v = r.u64() != 0; }
  void operator()(OutputKind& v) { v = static_cast<OutputKind>(r.u64()); }
  void operator()(SampleColumn::Kind& v) { v = static_cast<SampleColumn::Kind>(r.u64()); }
  template <typename T>
  void operator()(std::optional<T>& v);
  template <typename T>
  void operator()(std::vector<T>& v);
  template <typename T>
  void operator()(T& v);
};

template <typename Io>
void fields(Io& io, PrecisionTarget& t) {
  io(t.output), io(t.percentile), io(t.halfwidth), io(t.relative);
}
template <typename Io>
void fields(Io& io, PrecisionOutcome::Target& t) {
  io(t.target), io(t.achieved), io(t.required), io(t.met);
}
template <typename Io>
void fields(Io& io, PrecisionOutcome& p) {
  io(p.targets), io(p.reached), io(p.max_samples), io(p.block);
}
template <typename Io>
void fields(Io& io, Metadata& m) {
  io(m.unit), io(m.source), io(m.note), io(m.kind);
}
template <typename Io>
void fields(Io& io, PercentileEstimate& q) {
  io(q.p), io(q.value), io(q.ci_low), io(q.ci_high);
}
template <typename Io>
void fields(Io& io, ExceedanceEstimate& e) {
  io(e.threshold), io(e.probability), io(e.ci_low), io(e.ci_high);
}
template <typename Io>
void fields(Io& io, ProportionEstimate& p) {
  io(p.successes), io(p.trials), io(p.estimate), io(p.ci_low), io(p.ci_high);
}
template <typename Io>
void fields(Io& io, PairedProportionDifference& d) {
  io(d.trials), io(d.gained), io(d.lost), io(d.estimate), io(d.ci_low), io(d.ci_high);
}
template <typename Io>
void fields(Io& io, OutputSummary& s) {
  io(s.n), io(s.mean), io(s.sd), io(s.mean_se), io(s.mean_ci_low), io(s.mean_ci_high), io(s.min), io(s.max);
  io(s.percentiles), io(s.exceedances), io(s.probability);
}
template <typename Io>
void fields(Io& io, OutputResult& o) {
  io(o.name), io(o.metadata), io(o.summary), io(o.difference);
}
template <typename Io>
void fields(Io& io, SampleColumn& c) {
  io(c.name), io(c.kind), io(c.metadata), io(c.values);
}
template <typename Io>
void fields(Io& io, ScenarioResult& s) {
  io(s.name), io(s.description), io(s.outputs), io(s.columns);
}
template <typename Io>
void fields(Io& io, RunResult& r) {
  io(r.model), io(r.title), io(r.samples), io(r.seed), io(r.first_sample), io(r.method), io(r.replicates);
  io(r.precision), io(r.percentiles), io(r.engine_version), io(r.numerics_version), io(r.scenarios);
}

template <typename T>
void Out::operator()(const std::optional<T>& v) {
  (*this)(v.has_value());
  if (v) (*this)(*v);
}
template <typename T>
void Out::operator()(const std::vector<T>& v) {
  w.u64(v.size());
  for (const T& x : v) (*this)(x);
}
template <typename T>
void Out::operator()(const T& v) {
  fields(*this, const_cast<T&>(v));  // Out only reads
}

template <typename T>
void In::operator()(std::optional<T>& v) {
  bool present = false;
  (*this)(present);
  v.reset();
  if (present) (*this)(v.emplace());
}
template <typename T>
void In::operator()(std::vector<T>& v) {
  const std::uint64_t n = r.u64();
  v.clear();
  for (std::uint64_t i = 0; i < n; ++i) (*this)(v.emplace_back());
}
template <typename T>
void In::operator()(T& v) {
  fields(*this, v);
}

}  // namespace

std::string encode_result(const RunResult& result) {
  std::string bytes;
  Out out{ByteWriter(bytes)};
  out(result);
  return bytes;
}

RunResult decode_result(std::string_view bytes) {
  In in{ByteReader(bytes)};
  RunResult result;
  in(result);
  if (!in.r.done()) throw std::runtime_error("a message between ranks is longer than the result it holds");
  return result;
}

}  // namespace riskcast
