// The assumptions table as text: what `riskcast describe` prints.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "riskcast/assumptions.hpp"
#include "riskcast/report.hpp"

namespace riskcast {

namespace {

using Row = AssumptionRow;

std::string shown(const Row& row, double v) {
  return row.has_numbers ? format_value(v, row.unit) : "";
}

std::string interval(const Row& row) {
  return row.has_numbers ? fmt::format("{} – {}", format_value(row.p5, row.unit), format_value(row.p95, row.unit)) : "";
}

// Every column left-aligned: names, formulas and sources read as text.
void write_aligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  write_aligned_table(rows, out, std::vector<bool>(columns, true));
}

std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

struct Description {
  std::string model, title, file, scenario, scenario_description;
  std::vector<DataRow> data;
  std::vector<Row> parameters, events, outputs;
  std::vector<CorrelationRow> correlations;
  std::vector<std::pair<std::string, std::string>> scenarios;  // name, description
};

std::string marked(const Row& row) {
  return row.overridden ? row.name + " *" : row.name;
}

std::string pair_name(const CorrelationRow& c) {
  return fmt::format("{} – {}", c.first, c.second);
}

bool any_overridden(const Description& d) {
  auto row = [](const Row& r) { return r.overridden; };
  return std::any_of(d.parameters.begin(), d.parameters.end(), row) ||
         std::any_of(d.events.begin(), d.events.end(), row) ||
         std::any_of(d.correlations.begin(), d.correlations.end(),
                     [](const CorrelationRow& c) { return c.overridden; });
}

constexpr std::string_view kCorrelationHeading = "rank correlation (Spearman; Gaussian copula)";

void write_table(const Description& d, std::ostream& out) {
  out << fmt::format("{}{} · assumptions · scenario {}\n", d.model, d.title.empty() ? "" : " — " + d.title, d.scenario);
  if (!d.scenario_description.empty()) out << "  " << d.scenario_description << '\n';
  out << '\n';
  std::vector<std::vector<std::string>> rows;
  // Listed only where there are data tables, so other models' tables stay as they were.
  if (!d.data.empty()) {
    rows = {{"data", "file", "by", "column", "values", "unit", "source"}};
    for (const DataRow& t : d.data)
      rows.push_back({t.name, t.file, t.by, t.column, t.values, t.unit, source_with_note(t)});
    write_aligned(rows, out);
    out << '\n';
  }
  rows = {{"parameter", "distribution", "median", "90% interval (P5 – P95)", "unit", "source"}};
  for (const Row& r : d.parameters)
    rows.push_back(
        {marked(r), definition_with_solved(r), shown(r, r.median), interval(r), r.unit, source_with_note(r)});
  write_aligned(rows, out);
  out << '\n';
  if (!d.correlations.empty()) {
    rows = {{"correlated parameters", std::string(kCorrelationHeading)}};
    for (const CorrelationRow& c : d.correlations)
      rows.push_back({pair_name(c) + (c.overridden ? " *" : ""), fmt::format("{}", c.rank_correlation)});
    write_aligned(rows, out);
    out << '\n';
  }
  rows = {{"event", "definition", "source"}};
  for (const Row& r : d.events) {
    std::string definition = r.definition;
    if (r.has_numbers) definition += fmt::format(" (median {}, 90% {})", format_value(r.median, r.unit), interval(r));
    rows.push_back({marked(r), definition, source_with_note(r)});
  }
  write_aligned(rows, out);
  out << '\n';
  rows = {{"output", "formula", "kind", "unit", "source"}};
  for (const Row& r : d.outputs) rows.push_back({r.name, r.definition, r.kind, r.unit, source_with_note(r)});
  write_aligned(rows, out);
  out << '\n';
  rows = {{"scenario", "description"}};
  for (const auto& [name, text] : d.scenarios) rows.push_back({name, text});
  write_aligned(rows, out);
  if (any_overridden(d)) out << fmt::format("\n*: overridden by scenario {}\n", d.scenario);
}

void write_markdown(const Description& d, std::ostream& out) {
  out << fmt::format("**{}** — assumptions, scenario `{}`\n\n", d.title.empty() ? d.model : d.title, d.scenario);
  if (!d.scenario_description.empty()) out << markdown_cell(d.scenario_description) << "\n\n";
  if (!d.data.empty()) {
    out << "| data | file | by | column | values | unit | source |\n|---|---|---|---|---|---|---|\n";
    for (const DataRow& t : d.data)
      out << fmt::format("| `{}` | `{}` | {} | {} | {} | {} | {} |\n", t.name, markdown_cell(t.file), t.by,
                         markdown_cell(t.column), t.values, markdown_cell(t.unit), markdown_cell(source_with_note(t)));
    out << '\n';
  }
  out << "| parameter | distribution | median | 90 % interval (P5 – P95) | unit | source |\n";
  out << "|---|---|---:|---:|---|---|\n";
  for (const Row& r : d.parameters)
    out << fmt::format("| `{}`{} | `{}` | {} | {} | {} | {} |\n", r.name, r.overridden ? " *" : "",
                       definition_with_solved(r), shown(r, r.median), interval(r), markdown_cell(r.unit),
                       markdown_cell(source_with_note(r)));
  if (!d.correlations.empty()) {
    out << fmt::format("\n| correlated parameters | {} |\n|---|---:|\n", kCorrelationHeading);
    for (const CorrelationRow& c : d.correlations)
      out << fmt::format("| `{}` – `{}`{} | {} |\n", c.first, c.second, c.overridden ? " *" : "", c.rank_correlation);
  }
  out << "\n| event | definition | source |\n|---|---|---|\n";
  for (const Row& r : d.events) {
    std::string definition = markdown_cell(r.definition);
    if (r.has_numbers) definition += fmt::format(" (median {}, 90 % {})", format_value(r.median, r.unit), interval(r));
    out << fmt::format("| `{}`{} | {} | {} |\n", r.name, r.overridden ? " *" : "", definition,
                       markdown_cell(source_with_note(r)));
  }
  out << "\n| output | formula | kind | unit | source |\n|---|---|---|---|---|\n";
  for (const Row& r : d.outputs)
    out << fmt::format("| `{}` | `{}` | {} | {} | {} |\n", r.name, markdown_cell(r.definition), r.kind,
                       markdown_cell(r.unit), markdown_cell(source_with_note(r)));
  out << "\n| scenario | description |\n|---|---|\n";
  for (const auto& [name, text] : d.scenarios) out << fmt::format("| `{}` | {} |\n", name, markdown_cell(text));
  if (any_overridden(d)) out << fmt::format("\n\\*: overridden by scenario `{}`\n", d.scenario);
}

void write_csv(const Description& d, std::ostream& out) {
  out << "section,name,definition,median,p5,p95,unit,source,note,kind\n";
  auto numbers = [](const Row& r) {
    return r.has_numbers ? fmt::format("{},{},{}", r.median, r.p5, r.p95) : std::string(",,");
  };
  auto write = [&](std::string_view section, const Row& r, const std::string& definition) {
    out << fmt::format("{},{},{},{},{},{},{},{}\n", section, csv_field(r.name), csv_field(definition), numbers(r),
                       csv_field(r.unit), csv_field(r.source), csv_field(r.note), r.kind);
  };
  // A data table: its file, key and column as the definition.
  for (const DataRow& t : d.data)
    out << fmt::format("data,{},{},,,,{},{},{},\n", csv_field(t.name),
                       csv_field(fmt::format("{} by {}, column {} ({})", t.file, t.by, t.column, t.values)),
                       csv_field(t.unit), csv_field(t.source), csv_field(t.note));
  for (const Row& r : d.parameters) write("parameter", r, definition_with_solved(r));
  // A correlation: both parameters as the name, the rank correlation as the
  // definition.
  for (const CorrelationRow& c : d.correlations)
    out << fmt::format("correlation,{},{},,,,,,,\n", csv_field(pair_name(c)), c.rank_correlation);
  for (const Row& r : d.events) write("event", r, r.definition);
  for (const Row& r : d.outputs) write("output", r, r.definition);
  for (const auto& [name, text] : d.scenarios)
    out << fmt::format("scenario,{},,,,,,,{},\n", csv_field(name), csv_field(text));
}

}  // namespace

std::string describe_assumptions(const Model& model, const Scenario& scenario, Format format) {
  Assumptions assumptions = assumptions_of(model, scenario);
  Description d{model.name,
                model.title,
                model.file,
                scenario.name,
                scenario.description,
                std::move(assumptions.data),
                std::move(assumptions.parameters),
                std::move(assumptions.events),
                std::move(assumptions.outputs),
                std::move(assumptions.correlations),
                {}};
  for (const Scenario& s : model.scenarios) d.scenarios.emplace_back(s.name, s.description);
  std::ostringstream text;
  switch (format) {
    case Format::Table:
      write_table(d, text);
      break;
    case Format::Markdown:
      write_markdown(d, text);
      break;
    case Format::Csv:
      write_csv(d, text);
      break;
    case Format::Json:
      throw std::invalid_argument("the assumptions table is written as table, markdown or csv");
  }
  return text.str();
}

}  // namespace riskcast
