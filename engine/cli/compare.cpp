// riskcast compare MODEL: one output across every scenario, one line each.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include "cli_internal.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/report.hpp"
#include "riskcast/run.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

namespace {

constexpr double kShownPercentiles[] = {0.05, 0.50, 0.95};

const PercentileEstimate& percentile(const OutputSummary& s, double p) {
  for (const PercentileEstimate& q : s.percentiles)
    if (std::fabs(q.p - p) < 1e-12) return q;
  throw std::logic_error(fmt::format("run summary lacks the percentile {}", p));
}

void write_table(const RunResult& r, const std::string& output, const std::string& unit, std::ostream& out) {
  out << fmt::format("{} · {}{} by scenario · {} samples, seed {}\n", r.model, output,
                     unit.empty() ? "" : " (" + unit + ")", r.samples, r.seed);
  std::vector<std::vector<std::string>> rows = {{"scenario", "mean", "P5", "P50", "P95"}};
  double error = 0.0;  // widest 95 % CI half-width of any number shown
  for (const ScenarioResult& s : r.scenarios) {
    const OutputSummary& sum = s.outputs.front().summary;
    std::vector<std::string> row = {s.name, format_value(sum.mean, unit)};
    error = std::max(error, interval_half_width(sum.mean, sum.mean_ci_low, sum.mean_ci_high));
    for (double p : kShownPercentiles) {
      const PercentileEstimate& q = percentile(sum, p);
      row.push_back(format_value(q.value, unit));
      error = std::max(error, interval_half_width(q.value, q.ci_low, q.ci_high));
    }
    rows.push_back(std::move(row));
  }
  write_aligned_table(rows, out);
  if (std::isinf(error))
    out << "Monte Carlo error: some 95 % intervals of the numbers above are open (too few samples to bound them); "
           "--format json has every interval\n";
  else
    out << fmt::format("Monte Carlo error (95 % CI half-width): at most ±{} on any number above\n",
                       is_share_unit(unit) ? format_percentage(error) + " points" : format_value(error, unit));
}

void write_csv(const RunResult& r, std::ostream& out) {
  out << "scenario,output,mean,P5,P50,P95\n";
  for (const ScenarioResult& s : r.scenarios) {
    const OutputResult& o = s.outputs.front();
    out << fmt::format("{},{},{}", csv_field(s.name), csv_field(o.name), o.summary.mean);
    for (double p : kShownPercentiles) out << fmt::format(",{}", percentile(o.summary, p).value);
    out << '\n';
  }
}

void write_markdown(const RunResult& r, const std::string& output, const std::string& unit, std::ostream& out) {
  out << fmt::format("**{}** — `{}` by scenario, {} samples, seed {}\n\n", r.title.empty() ? r.model : r.title, output,
                     r.samples, r.seed);
  out << "| scenario | mean | P5 | P50 | P95 |\n|---|---:|---:|---:|---:|\n";
  for (const ScenarioResult& s : r.scenarios) {
    const OutputSummary& sum = s.outputs.front().summary;
    out << fmt::format("| {} | {} |", s.name, format_value(sum.mean, unit));
    for (double p : kShownPercentiles) out << ' ' << format_value(percentile(sum, p).value, unit) << " |";
    out << '\n';
  }
}

}  // namespace

int command_compare(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("output", po::value<std::string>(),
                                                    "output to compare (default: the model's first output)");
  add_sampling_options(options, "compare only this scenario (repeatable)");
  options.add_options()("format", po::value<std::string>()->default_value("table"),
                        "table | csv | markdown | json (json: riskcast.result/1 with this one output)")(
      "model", po::value<std::string>(), "model file");
  po::positional_options_description positional;
  positional.add("model", 1);
  auto vm = parse_options(args, options, positional,
                          "usage: riskcast compare MODEL.yaml [--output NAME] [--samples N] [--seed S] [--threads T]\n"
                          "                        [--scenario NAME]... [--format table|csv|markdown|json]\n\n"
                          "One line per scenario: mean, P5, P50 and P95 of one output, with common random numbers.");
  if (!vm) return kExitOk;
  if (!vm->count("model")) throw UsageError("compare needs a model file: riskcast compare MODEL.yaml");

  RunRequest request;
  RunSettings& settings = request.settings;
  settings = sampling_settings(*vm);
  const std::string format_name = (*vm)["format"].as<std::string>();
  const std::optional<Format> format = parse_format(format_name);
  if (!format)
    throw UsageError(
        fmt::format("--format must be table, csv, markdown or json, got '{}'", quote_for_message(format_name)));

  const std::string path = (*vm)["model"].as<std::string>();
  Model model = load_model(path);
  if (model.outputs.empty()) throw UsageError(fmt::format("{} has no outputs to compare", path));
  std::string output = model.outputs.front().name;
  if (vm->count("output")) {
    output = (*vm)["output"].as<std::string>();
    std::vector<std::string> names;
    for (const Output& o : model.outputs) names.push_back(o.name);
    if (std::find(names.begin(), names.end(), output) == names.end()) {
      std::string hint = did_you_mean(output, names);
      throw UsageError(fmt::format("--output '{}' is not an output of {} ({}outputs: {})", quote_for_message(output),
                                   path, hint.empty() ? "" : hint + " ", fmt::join(names, ", ")));
    }
  }
  request.scenarios = chosen_scenarios(*vm, model.scenario_names(), path);
  // Only the compared output is kept: formulas never read outputs, so the
  // others can go, and the run keeps one column per scenario instead of all.
  std::erase_if(model.outputs, [&](const Output& o) { return o.name != output; });

  check_memory(model, settings);

  const RunResult result = run_guarded(path, [&] { return run_model(model, request); });
  warn_about_run(model, result);

  const std::string unit = model.outputs.front().metadata.unit;
  std::ostringstream text;
  switch (*format) {
    case Format::Table:
      write_table(result, output, unit, text);
      break;
    case Format::Csv:
      write_csv(result, text);
      break;
    case Format::Markdown:
      write_markdown(result, output, unit, text);
      break;
    case Format::Json:
      text << to_json(result).dump(2) << '\n';
      break;
  }
  std::cout << text.str() << std::flush;
  return kExitOk;
}

}  // namespace riskcast::cli
