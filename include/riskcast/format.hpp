// Results as text, as the riskcast command prints them (docs/results.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "riskcast/diagnostics.hpp"  // counted, noun_for
#include "riskcast/result.hpp"
#include "riskcast/sensitivity_result.hpp"

namespace riskcast {

enum class Format { Table, Csv, Json, Markdown };

// "table", "csv", "json", "markdown" (or "md").
std::optional<Format> parse_format(std::string_view name);
// The format a file name's extension implies, in any case: .json, .csv,
// .md or .markdown, .txt (the table); nullopt for any other or none.
std::optional<Format> format_for_path(std::string_view path);
// The extension a file in this format gets: "txt", "csv", "json", "md".
std::string_view file_extension(Format format);

// A count with thousands separators: 200000 → "200,000".
std::string format_count(std::uint64_t n);
// A count and its noun ("1 sample", "7 samples"): counted and noun_for,
// diagnostics.hpp.

// A run's summaries in `format`: the aligned table, CSV, JSON (schema
// riskcast.result/1) or Markdown that `riskcast run --format` writes.
std::string format_result(const RunResult& result, Format format);

// One output across scenarios (each scenario's first output in `result`):
// mean, P5, P50, P95 and every percentile in `chosen` (probabilities the
// run computed: RunOptions::percentiles), ascending, each once; one line per
// scenario, as `riskcast compare` prints it; a probability output
// (OutputSummary::probability): P with its interval and, after the first
// scenario, its paired difference from the first (OutputResult::difference).
// Format::Json is format_result's.
std::string format_comparison(const RunResult& result, Format format, std::span<const double> chosen = {});

// A sensitivity analysis as `riskcast sensitivity` prints it (JSON: schema
// riskcast.sensitivity/1).
std::string format_sensitivity(const SensitivityResult& result, Format format);

}  // namespace riskcast
