// riskcast compare MODEL: one output across every scenario, one line each.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "riskcast/model_loader.hpp"
#include "riskcast/report.hpp"
#include "riskcast/run.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

namespace {

constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << 40;  // as `run`: 40-bit sample indices
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
    error = std::max(error, 1.96 * sum.mean_se);
    for (double p : kShownPercentiles) {
      const PercentileEstimate& q = percentile(sum, p);
      row.push_back(format_value(q.value, unit));
      error = std::max({error, q.value - q.ci_low, q.ci_high - q.value});
    }
    rows.push_back(std::move(row));
  }
  write_aligned_table(rows, out);
  out << fmt::format("Monte Carlo error (95 % CI half-width): at most ±{} on any number above\n",
                     is_share_unit(unit) ? fmt::format("{:.2f} points", error * 100.0) : format_value(error, unit));
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
                                                    "output to compare (default: the model's first output)")(
      "samples,n", po::value<std::string>()->default_value("1000000"), "samples per scenario")(
      "seed", po::value<std::string>()->default_value("1"), "random seed (0 … 2^64-1)")(
      "threads", po::value<std::string>()->default_value("0"), "worker threads; 0 = all hardware threads")(
      "scenario", po::value<std::vector<std::string>>(), "compare only this scenario (repeatable)")(
      "format", po::value<std::string>()->default_value("table"),
      "table | csv | markdown | json (json: riskcast.result/1 with this one output)")("model", po::value<std::string>(),
                                                                                      "model file");
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
  settings.samples = parse_count("--samples", (*vm)["samples"].as<std::string>(), 1, kMaxSamples);
  settings.seed = parse_count("--seed", (*vm)["seed"].as<std::string>(), 0, UINT64_MAX);
  settings.threads = static_cast<unsigned>(parse_count("--threads", (*vm)["threads"].as<std::string>(), 0, 1024));
  const std::string format_name = (*vm)["format"].as<std::string>();
  const std::optional<Format> format = parse_format(format_name);
  if (!format)
    throw UsageError(
        fmt::format("--format must be table, csv, markdown or json, got '{}'", quote_for_message(format_name)));

  const std::string path = (*vm)["model"].as<std::string>();
  Model model = load_model_file(path);
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
  if (vm->count("scenario")) {
    request.scenarios = (*vm)["scenario"].as<std::vector<std::string>>();
    for (const std::string& name : request.scenarios) {
      if (!model.find_scenario(name)) {
        std::string hint = did_you_mean(name, model.scenario_names());
        throw UsageError(fmt::format("--scenario '{}' is not a scenario of {} ({}scenarios: {})",
                                     quote_for_message(name), path, hint.empty() ? "" : hint + " ",
                                     fmt::join(model.scenario_names(), ", ")));
      }
    }
  }
  // Only the compared output is kept: formulas never read outputs, so the
  // others can go, and the run keeps one column per scenario instead of all.
  std::erase_if(model.outputs, [&](const Output& o) { return o.name != output; });

  const std::uint64_t needed = estimate_memory(model, settings).total(settings.samples);
  const std::uint64_t available = available_memory();
  if (available && needed > available)
    throw UsageError(fmt::format("{} samples need about {} MiB but only {} MiB is available; use fewer --samples",
                                 settings.samples, needed >> 20, available >> 20));

  RunResult result;
  try {
    result = run_model(model, request);
  } catch (const RunError& e) {
    Diagnostics d(path);
    d.error(e.pos(), e.what());
    throw ModelError(std::move(d));
  }

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
