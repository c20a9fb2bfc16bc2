// The per-sample export (sample_export.hpp).
#include "riskcast/sample_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "riskcast/files.hpp"
#include "riskcast/report.hpp"
#include "riskcast/run.hpp"

namespace riskcast {

namespace {
// Longest a value can print in shortest round-trip form: "-2.2250738585072014e-308".
constexpr std::uint64_t kMaxValueChars = 24;
// Longest a sample index can print: 2^40 has 13 digits, and a comma.
constexpr std::uint64_t kMaxIndexChars = 14;
}  // namespace

void check_export_columns(const std::vector<std::string>& columns) {
  for (const char* own : kExportIndexColumns)
    if (std::find(columns.begin(), columns.end(), own) != columns.end())
      throw std::invalid_argument(fmt::format(
          "'{}' cannot be a column of the export, whose first two columns are `sample` and `scenario`: the file "
          "would hold two columns named `{}`",
          own, own));
}

void check_sample_export_space(const std::string& path, const LoadedModel& model, const RunOptions& options) {
  namespace fs = std::filesystem;
  const std::vector<ScenarioInfo> scenarios = model.scenarios();
  std::uint64_t longest_name = 0;
  for (const ScenarioInfo& s : scenarios) longest_name = std::max<std::uint64_t>(longest_name, s.name.size());
  const std::size_t scenario_count = options.scenarios.empty() ? scenarios.size() : options.scenarios.size();
  const std::uint64_t row = kMaxIndexChars + longest_name + 1 + options.columns.size() * (kMaxValueChars + 1);
  const std::uint64_t rows = options.samples * scenario_count;
  const std::uint64_t bytes = rows > UINT64_MAX / row ? UINT64_MAX : rows * row;
  std::error_code ec;
  // A device or pipe (/dev/null, a fifo) is written in place: no file grows.
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status) && !fs::is_regular_file(status)) return;
  // The file grows where its links lead.
  fs::path dir = (fs::exists(status) ? fs::canonical(path, ec) : fs::path(path)).parent_path();
  if (dir.empty()) dir = ".";
  const fs::space_info space = fs::space(dir, ec);
  if (ec) throw FileError(path, ec.message());
  if (bytes > space.available)
    throw ResourceError(fmt::format("'{}' may need up to {} ({} rows of {} columns) but only {} is free there",
                                    quote_for_message(path), format_bytes(bytes), rows, options.columns.size() + 2,
                                    format_bytes(space.available)));
}

void write_sample_export(std::ostream& out, const RunResult& result) {
  fmt::memory_buffer buffer;
  fmt::format_to(std::back_inserter(buffer), "sample,scenario");
  if (!result.scenarios.empty())
    for (const SampleColumn& c : result.scenarios.front().columns)
      fmt::format_to(std::back_inserter(buffer), ",{}", csv_field(c.name));
  buffer.push_back('\n');
  for (const ScenarioResult& s : result.scenarios) {
    const std::string scenario = csv_field(s.name);
    for (std::uint64_t i = 0; i < result.samples; ++i) {
      fmt::format_to(std::back_inserter(buffer), "{},{}", result.first_sample + i, scenario);
      for (const SampleColumn& c : s.columns) fmt::format_to(std::back_inserter(buffer), ",{}", c.values[i]);
      buffer.push_back('\n');
      if (buffer.size() >= (1u << 20)) {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
      }
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

void write_sample_export(const std::string& path, const RunResult& result) {
  if (!result.scenarios.empty()) {
    std::vector<std::string> names;
    for (const SampleColumn& c : result.scenarios.front().columns) names.push_back(c.name);
    check_export_columns(names);
  }
  StagedFiles files;
  files.add(path, [&](std::ostream& out) { write_sample_export(out, result); });
  files.commit();
}

}  // namespace riskcast
