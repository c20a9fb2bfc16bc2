// Reading CSV text (RFC 4180) into cells that keep their places in the file,
// for data tables (docs/language.md, "Data tables"). Neither CSV reader
// Debian packages fits: libcsv reports a malformed file by an error code
// alone, and fast-cpp-csv-parser fixes the number of columns at compile time
// and names a line but no column; a data file's every mistake must name both.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskcast/diagnostics.hpp"

namespace riskcast {

// Most cells a data file may hold: a table of 10,000 elements by 100
// columns. Keeps a hostile file (a megabyte of commas) from costing
// gigabytes of cells.
inline constexpr std::size_t kMaxCsvCells = 1u << 20;

struct CsvCell {
  std::string text;  // unquoted: `"a ""b"""` is `a "b"`
  SourcePos pos;     // its first character (the opening quote of a quoted cell)
  bool quoted = false;
};

struct CsvRow {
  std::vector<CsvCell> cells;
  SourcePos end;  // just after the row's last character, where a missing cell would go
};

// The rows of CSV `text`: cells separated by commas, rows by line feeds
// (\n or \r\n), a cell quoted with " when it holds a comma, a quote (written
// twice) or a line break. A UTF-8 byte-order mark is skipped, uncounted in
// columns; empty lines are skipped. Columns count bytes, as a model file's
// do. Errors (bad quoting, a lone carriage return, invalid UTF-8, too many
// cells) go to `diagnostics` as positions in `file`; nullopt then.
std::optional<std::vector<CsvRow>> parse_csv(std::string_view text, const std::string& file, Diagnostics& diagnostics);

}  // namespace riskcast
