// Column storage: the memory a run's outputs need per sample, and the
// columns they are written to.
#include <sys/mman.h>

#include <cstdint>
#include <new>

#include "riskcast/sampler.hpp"

namespace riskcast {
namespace {

constexpr std::size_t kPageSize = 4096;
// MADV_POPULATE_WRITE (Linux 5.14): fault a whole range in one call.
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;
#endif

}  // namespace

std::size_t bytes_per_sample(const Program& program) {
  return program.outputs.size() * sizeof(double);
}

void ColumnRelease::operator()(double* values) const noexcept {
  if (mapping)
    munmap(mapping, mapped_bytes);
  else
    delete[] values;
}

Column allocate_column(std::size_t n) {
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  const std::size_t bytes = n * sizeof(double);
  if (bytes < kHugePage) return Column{std::unique_ptr<double[], ColumnRelease>(new double[n]), n};
  // One huge page more than needed, so the column can start on a huge-page boundary.
  const std::size_t mapped = (bytes + kHugePage - 1) / kHugePage * kHugePage + kHugePage;
  void* mapping = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  const std::uintptr_t start = (reinterpret_cast<std::uintptr_t>(mapping) + kHugePage - 1) & ~(kHugePage - 1);
  void* values = reinterpret_cast<void*>(start);
  const std::size_t used = (bytes + kPageSize - 1) / kPageSize * kPageSize;
  // Hints: either may fail (no huge pages, an older kernel) and the column still works.
  madvise(values, used, MADV_HUGEPAGE);
  madvise(values, used, kPopulateWrite);
  return Column{std::unique_ptr<double[], ColumnRelease>(static_cast<double*>(values), ColumnRelease{mapping, mapped}),
                n};
}

SampleColumns sample_program(const Program& program, const RunSettings& settings) {
  SampleColumns columns;
  std::vector<double*> outputs;
  for (const OutputColumn& o : program.outputs) {
    columns.names.push_back(o.name);
    columns.values.emplace_back(settings.samples);
  }
  for (auto& v : columns.values) outputs.push_back(v.data());
  sample_program_into(program, settings, outputs);
  return columns;
}

}  // namespace riskcast
