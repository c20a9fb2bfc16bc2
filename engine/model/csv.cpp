// An RFC 4180 CSV reader that keeps every cell's line and column (csv.hpp).
#include "riskcast/csv.hpp"

#include <fmt/format.h>

#include "riskcast/yaml_text.hpp"

namespace riskcast {

namespace {

class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& file, Diagnostics& d) : text_(text), file_(file), d_(d) {}

  std::optional<std::vector<CsvRow>> rows() {
    std::vector<CsvRow> rows;
    std::size_t cells = 0;
    while (i_ < text_.size()) {
      if (at_line_end()) {  // an empty line
        if (!end_line()) return std::nullopt;
        continue;
      }
      CsvRow row;
      for (;;) {
        if (++cells > kMaxCsvCells) {
          fail(here(), fmt::format("the data file has more than {} cells", kMaxCsvCells));
          return std::nullopt;
        }
        std::optional<CsvCell> cell = text_[i_] == '"' ? quoted_cell() : plain_cell();
        if (!cell) return std::nullopt;
        row.cells.push_back(std::move(*cell));
        if (i_ < text_.size() && text_[i_] == ',') {
          step();
          if (i_ == text_.size() || at_line_end()) {  // a last cell left empty
            row.cells.push_back({{}, here(), false});
            break;
          }
          continue;
        }
        break;
      }
      row.end = here();
      rows.push_back(std::move(row));
      if (i_ < text_.size() && !end_line()) return std::nullopt;
    }
    return rows;
  }

 private:
  SourcePos here() const { return {line_, column_}; }

  void fail(SourcePos pos, std::string message, std::string hint = {}) {
    d_.error(Diagnostic{pos, std::move(message), std::move(hint), file_});
  }

  void step() {
    if (text_[i_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++i_;
  }

  bool at_line_end() const { return text_[i_] == '\n' || text_[i_] == '\r'; }

  // Past a line feed or a \r\n; a carriage return alone is an error (a file
  // from a classic Mac OS, read as one long line, would hide its rows).
  bool end_line() {
    if (text_[i_] == '\r') {
      if (i_ + 1 == text_.size() || text_[i_ + 1] != '\n') {
        fail(here(), "a carriage return that does not end a line (\\r without \\n)",
             "end lines with \\n or \\r\\n, as any spreadsheet's CSV export does");
        return false;
      }
      step();
    }
    step();
    return true;
  }

  std::optional<CsvCell> plain_cell() {
    CsvCell cell{{}, here(), false};
    const std::size_t start = i_;
    while (i_ < text_.size() && text_[i_] != ',' && !at_line_end()) {
      if (text_[i_] == '"') {
        fail(here(), "a quote inside a cell that does not start with one",
             "quote the whole cell and write each quote in it twice: \"a \"\"b\"\"\"");
        return std::nullopt;
      }
      step();
    }
    cell.text = text_.substr(start, i_ - start);
    return cell;
  }

  std::optional<CsvCell> quoted_cell() {
    CsvCell cell{{}, here(), true};
    step();  // the opening quote
    for (;;) {
      if (i_ == text_.size()) {
        fail(cell.pos, "this quoted cell is never closed", "a quote inside a quoted cell is written twice: \"\"");
        return std::nullopt;
      }
      if (text_[i_] == '"') {
        step();
        if (i_ < text_.size() && text_[i_] == '"') {
          cell.text += '"';
          step();
          continue;
        }
        break;
      }
      cell.text += text_[i_];
      step();
    }
    if (i_ < text_.size() && text_[i_] != ',' && !at_line_end()) {
      fail(here(), "after a quoted cell's closing quote comes a comma or the end of the line",
           "a quote inside a quoted cell is written twice: \"\"");
      return std::nullopt;
    }
    return cell;
  }

  std::string_view text_;
  const std::string& file_;
  Diagnostics& d_;
  std::size_t i_ = 0;
  std::uint32_t line_ = 1, column_ = 1;
};

}  // namespace

std::optional<std::vector<CsvRow>> parse_csv(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  if (std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    diagnostics.error(Diagnostic{position_at(text, bad),
                                 text[bad] == '\0' ? "the data file contains a NUL byte; is it a binary file?"
                                                   : fmt::format("invalid UTF-8 (byte 0x{:02x}); a data file is "
                                                                 "UTF-8 text",
                                                                 static_cast<unsigned char>(text[bad])),
                                 "save it from the spreadsheet as \"CSV UTF-8\"", file});
    return std::nullopt;
  }
  return CsvParser(text, file, diagnostics).rows();
}

}  // namespace riskcast
