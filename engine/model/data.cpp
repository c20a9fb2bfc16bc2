// The `data:` section: data tables read from CSV files (docs/language.md,
// "Data tables"). The file is read while the model is: every mistake in it
// is an error positioned in the CSV file, and the numbers become part of the
// model (and of its fingerprint), so that a run never reads a file again.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <map>

#include "model_reader.hpp"
#include "riskcast/count.hpp"
#include "riskcast/csv.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast::model_reading {

const std::vector<std::string> kDataKeys = {"file", "by", "column", "unit", "source", "note"};

namespace {

// A data file is a table of a few thousand numbers at most; a larger file is
// most likely the wrong file.
constexpr std::size_t kMaxDataBytes = 16u << 20;
// Errors reported for one data file before the rest is skipped: a file of
// the wrong shape would otherwise give one per row.
constexpr std::size_t kMaxErrorsPerFile = 20;

// The first column's values: months 1 … horizon, or the elements of an
// index, each a row of the table exactly once.
class TableKeys {
 public:
  explicit TableKeys(std::uint32_t horizon) : header_("month"), count_(horizon) {}
  explicit TableKeys(const Index& index) : header_(index.name), count_(index.elements.size()), index_(&index) {}

  const std::string& header() const { return header_; }
  std::size_t count() const { return count_; }

  // The slot of a key cell's text, or nullopt with `problem` and `hint`
  // saying why.
  std::optional<std::size_t> slot(std::string_view text, std::string& problem, std::string& hint) const {
    if (index_) {
      if (std::optional<std::uint32_t> e = index_->find(text)) return *e;
      problem = text.empty() ? fmt::format("the element of index `{}` is empty", header_)
                             : fmt::format("`{}` is not an element of index `{}`", quote_for_message(text), header_);
      hint = did_you_mean(text, index_->elements);
      return std::nullopt;
    }
    std::string why;
    if (std::optional<std::uint64_t> m = parse_whole_number(text, 1, count_, &why)) return *m - 1;
    problem = text.empty()
                  ? "the month is empty"
                  : fmt::format("month `{}` {}; the model's months are 1 to {}", quote_for_message(text), why, count_);
    return std::nullopt;
  }

  std::string name_of(std::size_t slot) const {
    return index_ ? fmt::format("element `{}`", index_->elements[slot]) : fmt::format("month {}", slot + 1);
  }

  // "months 4, 7, 9 have no row", listing a few.
  std::string missing(const std::vector<std::size_t>& slots) const {
    constexpr std::size_t kListed = 10;
    std::vector<std::string> named;
    for (std::size_t k = 0; k < slots.size() && k < kListed; ++k)
      named.push_back(index_ ? index_->elements[slots[k]] : fmt::format("{}", slots[k] + 1));
    if (slots.size() > kListed) named.push_back(fmt::format("… ({} more)", slots.size() - kListed));
    const std::string_view have = slots.size() == 1 ? "has" : "have";
    if (index_)
      return fmt::format("{} {} of index `{}` {} no row; a table by {} has one row for each of its {}",
                         noun_for(slots.size(), "element"), fmt::join(named, ", "), header_, have, header_,
                         counted(count_, "element"));
    return fmt::format("{} {} {} no row; a series by month has one row for each month 1 to {}",
                       noun_for(slots.size(), "month"), fmt::join(named, ", "), have, count_);
  }

 private:
  std::string header_;
  std::size_t count_;
  const Index* index_ = nullptr;  // null: months
};

class DataFileReader {
 public:
  DataFileReader(DataTable& table, const TableKeys& keys, SourcePos entry_pos, Diagnostics& d)
      : t_(table), keys_(keys), entry_pos_(entry_pos), d_(d) {}

  bool read(std::string_view text) {
    const std::size_t before = d_.size();
    std::optional<std::vector<CsvRow>> rows = parse_csv(text, t_.path, d_);
    if (!rows) return false;
    if (rows->empty()) {
      fail({1, 1}, "the data file is empty",
           fmt::format("it needs a header row (`{},{}`) and a row for each {}", keys_.header(),
                       t_.column.empty() ? "value" : t_.column, t_.by_month() ? "month" : "element"));
      return false;
    }
    std::optional<std::size_t> column = header((*rows)[0]);
    if (!column) return false;
    t_.values.assign(keys_.count(), 0.0);
    std::vector<std::uint32_t> line_of(keys_.count(), 0);  // where each slot's row is; 0: none yet
    const std::size_t width = (*rows)[0].cells.size();
    for (std::size_t r = 1; r < rows->size() && !too_many(before, (*rows)[r].cells[0].pos); ++r) {
      const CsvRow& row = (*rows)[r];
      // The key first: a row of the wrong length still has its month, which
      // is then not reported missing as well.
      const CsvCell& key = row.cells[0];
      std::string problem, hint;
      const std::optional<std::size_t> slot = keys_.slot(trimmed(key.text), problem, hint);
      if (!slot) {
        fail(key.pos, std::move(problem), std::move(hint));
        continue;
      }
      if (line_of[*slot] != 0) {
        fail(key.pos, fmt::format("{} has a second row here", keys_.name_of(*slot)),
             fmt::format("its first is on line {}", line_of[*slot]));
        continue;
      }
      line_of[*slot] = key.pos.line;
      if (row.cells.size() < width) {
        fail(row.end, fmt::format("this row has {}, the header {}; `{}` is missing", counted(row.cells.size(), "cell"),
                                  width, (*rows)[0].cells[row.cells.size()].text));
      } else if (row.cells.size() > width) {
        fail(row.cells[width].pos,
             fmt::format("this row has {}, the header {}", counted(row.cells.size(), "cell"), width),
             "a cell holding a comma is quoted: \"1,5\"");
      } else if (std::optional<double> v = value(row.cells[*column], *slot)) {
        t_.values[*slot] = *v;
      }
    }
    if (too_many(before, rows->back().end)) return false;
    std::vector<std::size_t> missing;
    for (std::size_t s = 0; s < line_of.size(); ++s)
      if (line_of[s] == 0) missing.push_back(s);
    if (!missing.empty()) fail((*rows)[0].cells[0].pos, keys_.missing(missing));
    return d_.size() == before;
  }

 private:
  void fail(SourcePos pos, std::string message, std::string hint = {}) {
    d_.error(Diagnostic{pos, std::move(message), std::move(hint), t_.path});
  }

  // `at`: where reading stops (the next row), so that the message sorts
  // after the errors before it and says where the rest was skipped.
  bool too_many(std::size_t before, SourcePos at) {
    if (d_.size() - before < kMaxErrorsPerFile) return false;
    if (!gave_up_) {
      gave_up_ = true;
      d_.error(
          Diagnostic{at,
                     fmt::format("stopped reading after {} errors; the rest of the file is skipped", kMaxErrorsPerFile),
                     {},
                     t_.path});
    }
    return true;
  }

  // The column of the value read, checking the header on the way.
  std::optional<std::size_t> header(const CsvRow& row) {
    // A spreadsheet set to a locale with decimal commas exports `;` (or a
    // tab) between cells: the whole header is then one cell.
    if (row.cells.size() == 1)
      for (const char separator : {';', '\t'})
        if (row.cells[0].text.find(separator) != std::string::npos) {
          fail(row.cells[0].pos,
               fmt::format("the header is one cell, `{}`: cells are separated by commas, and this file separates "
                           "them with {}",
                           quote_for_message(row.cells[0].text), separator == ';' ? "semicolons" : "tabs"),
               "export the sheet as CSV with commas between cells and a decimal point (1.5, not 1,5)");
          return std::nullopt;
        }
    std::vector<std::string> names;
    std::map<std::string, std::size_t, std::less<>> seen;
    bool ok = true;
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      const CsvCell& cell = row.cells[c];
      names.emplace_back(trimmed(cell.text));
      if (names.back().empty()) {
        fail(cell.pos, fmt::format("column {} of the header has no name", c + 1),
             "the first row of a data file names its columns");
        ok = false;
      } else if (auto [it, fresh] = seen.emplace(names.back(), c); !fresh) {
        fail(cell.pos, fmt::format("the header names column `{}` twice", quote_for_message(names.back())),
             fmt::format("first as column {}", it->second + 1));
        ok = false;
      }
    }
    if (names[0] != keys_.header()) {
      std::string hint = did_you_mean(names[0], {keys_.header()});
      fail(row.cells[0].pos,
           fmt::format("the first column of a table by {} is `{}`, not `{}`", t_.by, keys_.header(),
                       quote_for_message(names[0])),
           hint.empty() ? fmt::format("the first column holds the {}; a comment line (#) is not allowed",
                                      t_.by_month() ? "months 1, 2, …" : "elements of index `" + t_.by + "`")
                        : hint);
      ok = false;
    }
    if (!ok) return std::nullopt;
    const std::vector<std::string> values(names.begin() + 1, names.end());
    if (t_.column.empty()) {
      if (values.size() == 1) {
        t_.column = values[0];
        return 1;
      }
      d_.error(entry_pos_, values.empty()
                               ? fmt::format("data file `{}` has no column of values beside `{}`", t_.path, names[0])
                               : fmt::format("data file `{}` has {} ({}); name the one to read with `column:`", t_.path,
                                             counted(values.size(), "value column"), fmt::join(values, ", ")));
      return std::nullopt;
    }
    for (std::size_t c = 1; c < names.size(); ++c)
      if (names[c] == t_.column) return c;
    std::string hint = did_you_mean(t_.column, values);
    fail(row.cells[0].pos,
         fmt::format("the header has no column `{}` (its value columns: {})", quote_for_message(t_.column),
                     values.empty() ? "none" : fmt::format("{}", fmt::join(values, ", "))),
         hint);
    return std::nullopt;
  }

  std::optional<double> value(const CsvCell& cell, std::size_t slot) {
    const std::string_view text = trimmed(cell.text);
    if (text.empty()) {
      fail(cell.pos, fmt::format("{} has no value in column `{}`", keys_.name_of(slot), t_.column),
           "every row needs a number; write 0 for none");
      return std::nullopt;
    }
    std::string problem;
    std::optional<double> v = parse_real_number(text, &problem);
    if (v) return v;
    std::string hint = "numbers are written 0.25, -3, 1e6 or 1_000_000";
    if (const std::size_t comma = text.find(','); comma != std::string_view::npos) {
      // One comma between digits: a decimal comma (0,5), or a thousands
      // comma (1,000), which three digits after it cannot tell apart.
      const std::string_view before = text.substr(0, comma), after = text.substr(comma + 1);
      const bool digits = !after.empty() && after.find_first_not_of("0123456789") == std::string_view::npos &&
                          before.find_first_not_of("+-0123456789") == std::string_view::npos && !before.empty();
      problem = "is not a number";
      if (digits && after.size() == 3)
        hint = fmt::format(
            "numbers have no commas: write `{0}{1}` or `{0}_{1}` for a thousands comma, `{0}.{1}` for "
            "a decimal comma",
            before, after);
      else if (digits)
        hint = fmt::format("numbers have a decimal point, not a comma: `{}.{}`", before, after);
      else
        hint = "numbers have no commas: group digits with `_` (1_000_000) and write the decimal point as `.`";
    } else if (is_percentage(text)) {
      if (std::optional<double> share = parse_threshold(text))
        hint = fmt::format("write a percentage as a fraction: `{}` is `{}`", text, fmt::format("{}", *share));
    } else if (text == "nan" || text == "NaN" || text == "inf" || text == "-inf" || text == "#N/A") {
      hint = "a data table holds finite numbers only";
    }
    fail(cell.pos, fmt::format("`{}` in column `{}` {}", quote_for_message(text), t_.column, problem), hint);
    return std::nullopt;
  }

  DataTable& t_;
  const TableKeys& keys_;
  SourcePos entry_pos_;
  Diagnostics& d_;
  bool gave_up_ = false;
};

}  // namespace

std::optional<DataTable> ModelReader::data_table(const std::string& name, const Entry& entry, const Model& model) {
  DataTable t;
  t.name = name;
  t.pos = position(entry.key);
  if (!entry.value.IsMap()) {
    d_.error(position(entry.value, entry.key),
             fmt::format("data table `{}` must be a mapping with `file:` and `by:`, not {}", name,
                         yaml_kind_name(entry.value)));
    return std::nullopt;
  }
  const std::size_t before = d_.size();
  auto keys = mapping(entry.value, kDataKeys, fmt::format("data table `{}`", name));
  metadata(keys, t.metadata);
  for (const char* key : {"file", "by"}) {
    if (keys.count(key)) continue;
    d_.error(t.pos, fmt::format("data table `{}` needs `{}:` ({})", name, key,
                                std::string_view(key) == "file"
                                    ? "a CSV file, relative to the model file's folder"
                                    : "`month` for a series by month, or an index for a table by its elements"));
  }
  if (auto it = keys.find("file"); it != keys.end()) {
    t.file = text(it->second.value, "`file:`");
    t.file_pos = text_position(it->second.value);
    if (t.file.empty() && d_.size() == before) d_.error(t.file_pos, "`file:` is empty; name a CSV file");
  }
  const Index* index = nullptr;  // by an index; null by month
  if (auto it = keys.find("by"); it != keys.end()) {
    t.by = text(it->second.value, "`by:`");
    index = model.find_index(t.by);
    if (t.by != "month" && !index && d_.size() == before) {
      std::vector<std::string> known = {"month"};
      for (const Index& i : model.indexes) known.push_back(i.name);
      std::string hint = did_you_mean(t.by, known);
      d_.error(text_position(it->second.value),
               fmt::format("unknown `by: {}` of data table `{}`", quote_for_message(t.by), name),
               hint.empty() ? fmt::format("a data table is by `month` (a series: one row per month) or by an index "
                                          "(one row per element){}",
                                          model.indexes.empty() ? std::string("; the model has no `indexes:`")
                                                                : fmt::format(": {}", fmt::join(known, ", ")))
                            : hint);
    }
  }
  if (auto it = keys.find("column"); it != keys.end()) {
    t.column = text(it->second.value, "`column:`");
    if (t.column.empty() && d_.size() == before)
      d_.error(text_position(it->second.value), "`column:` is empty; name a column of the file's header");
  }
  if (d_.size() != before) return std::nullopt;

  // A relative path is the model file's folder's; the model's own path may
  // be relative to the working directory, and so is this.
  t.path = (std::filesystem::path(model.file).parent_path() / t.file).lexically_normal().string();
  auto [file, fresh] = data_files_.try_emplace(t.path);
  if (fresh) {
    Diagnostics reading(t.path);
    file->second.first = read_input_file(t.path, "data file", kMaxDataBytes, reading);
    if (!file->second.first) file->second.second = reading.empty() ? std::string() : reading.items().front().message;
  }
  const std::optional<std::string>& content = file->second.first;
  if (!content) {
    d_.error(t.file_pos,
             fmt::format("data file `{}` ({}): {}", quote_for_message(t.file), t.path, file->second.second));
    return std::nullopt;
  }
  const TableKeys table_keys = index ? TableKeys(*index) : TableKeys(horizon_);
  const bool read = DataFileReader(t, table_keys, t.pos, d_).read(*content);
  // A table by index is a constant over it: a formula reads each element's
  // number (indexes.cpp), even in a distribution's arguments. A table whose
  // file is wrong is still one, so that formulas reading it are not wrong too.
  if (index) {
    t.values.resize(index->elements.size());
    add_indexed_constant(name, {{static_cast<std::uint32_t>(index - model.indexes.data())}, t.values});
  }
  if (!read) return std::nullopt;
  return t;
}

}  // namespace riskcast::model_reading
