// The per-sample export (docs/results.md, "Per-sample export"): one CSV row
// per sample and scenario, `sample,scenario,` then each kept column.
#pragma once

#include <ostream>
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
// only FREE is free there", or FileError (files.hpp) when the folder's free
// space cannot be read.
void check_sample_export_space(const std::string& path, const LoadedModel& model, const RunOptions& options);

// Writes the kept columns of `result` (ScenarioResult::columns) to `out`:
// header `sample,scenario,NAME…`, then per scenario one row per sample, the
// global sample index first, values in shortest round-trip form. Written
// into a StagedFiles (files.hpp) with other files, all or none; the caller
// checks the column names first (check_export_columns).
void write_sample_export(std::ostream& out, const RunResult& result);
// The same into the file `path`, atomically (write_file_atomically), after
// check_export_columns on the result's columns: nothing is written if it throws.
void write_sample_export(const std::string& path, const RunResult& result);

}  // namespace riskcast
