// The per-sample export (docs/results.md, "Per-sample export"): one CSV row
// per sample and scenario, `sample,scenario,` then each kept column.
#pragma once

#include <string>
#include <vector>

#include "riskcast/riskcast.hpp"

namespace riskcast {

// The export's own first columns, `sample` and `scenario`: no kept column
// may have either name (a parameter or an output may), or a reader could not
// tell the two apart. check_export_columns throws std::invalid_argument
// naming such a column.
inline constexpr const char* kExportIndexColumns[] = {"sample", "scenario"};
void check_export_columns(const std::vector<std::string>& columns);

// Refuses up front an export of the run `options` describes (its `columns`
// already resolved, LoadedModel::resolve_columns) that might not fit on the
// disk holding `path`, taking every row at its longest: the sample index,
// the longest scenario name and each value at 24 characters (shortest
// round-trip form at its longest, "-2.2250738585072014e-308"). Throws
// ResourceError "'PATH' may need up to SIZE (ROWS rows of N columns) but
// only FREE is free there", or std::runtime_error "cannot write 'PATH':
// REASON" when the folder's free space cannot be read.
void check_sample_export_space(const std::string& path, const LoadedModel& model, const RunOptions& options);

// Writes the kept columns of `result` (ScenarioResult::columns) to `path`
// atomically (files.hpp): header `sample,scenario,NAME…`, then per scenario
// one row per sample, the global sample index first, values in shortest
// round-trip form. Errors as write_file_atomically, and those of
// check_export_columns before anything is written.
void write_sample_export(const std::string& path, const RunResult& result);

}  // namespace riskcast
