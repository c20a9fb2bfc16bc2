#include "cli.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>

#include "riskcast/count.hpp"
#include "riskcast/diagnostics.hpp"
#include "riskcast/ranks.hpp"

namespace riskcast::cli {

namespace po = boost::program_options;

namespace {

// Only full option names: Boost's guessing took any unambiguous prefix
// (--perc for --percentiles), which no documentation promised and a new
// option could silently take over.
constexpr int kCommandLineStyle = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// The two words every command gives one meaning each (docs/results.md,
// "One vocabulary"): --out names the file a command writes, --output the
// model output it reports. Mixing them up is the slip they were separated
// to end, so neither is ever offered for the other: a command without the
// one typed says what it is and what the command has instead.
constexpr std::string_view kOutputCommands = "run, compare, sensitivity and report";

// Whether a typed option name means --output ("output", "outputs",
// "outp…") or --out ("out"): the other is then never offered for it.
bool means_output(std::string_view typed) {
  return typed.starts_with("outp");
}
bool means_out(std::string_view typed) {
  return typed == "out";
}

}  // namespace

std::string monte_carlo_only(std::string_view command) {
  return fmt::format(
      "{} samples by Monte Carlo only (its intervals assume independent samples); --method and "
      "--replicates choose a sampling design in run and compare",
      command);
}

namespace {

std::string vocabulary_hint(std::string_view command, std::string_view typed, const po::options_description& options) {
  const bool has_out = options.find_nothrow("out", false) != nullptr;
  const bool has_output = options.find_nothrow("output", false) != nullptr;
  if (means_output(typed) && !has_output)
    return fmt::format("--output NAME picks the model output to report in {}; {} has no --output{}", kOutputCommands,
                       command, has_out ? ", and its --out FILE names the file it writes" : "");
  if ((typed == "method" || typed == "replicates") && options.find_nothrow(std::string(typed), false) == nullptr)
    return monte_carlo_only(command);
  if (means_out(typed) && !has_out)
    return fmt::format("--out FILE names the file a command writes; {} has no --out{}", command,
                       has_output ? ", and its --output NAME picks the model output it reports" : "");
  return {};
}

// "did you mean `--percentiles`?" for an option the command lacks: the one
// it abbreviates, else the one it starts with (--samples for --samplesize),
// else the closest by spelling; "" when none fits. Never --out for --output
// or the reverse (vocabulary_hint).
std::string option_hint(std::string_view command, std::string typed, const po::options_description& options) {
  typed.erase(0, typed.find_first_not_of('-'));
  typed = typed.substr(0, typed.find('='));
  if (typed == "output" || typed == "out" || typed == "method" || typed == "replicates")
    if (std::string vocabulary = vocabulary_hint(command, typed, options); !vocabulary.empty()) return vocabulary;
  std::vector<std::string> names, abbreviated;
  std::string within;
  for (const auto& option : options.options()) {
    const std::string& name = option->long_name();
    if (name.empty() || (means_output(typed) && name == "out") || (means_out(typed) && name == "output")) continue;
    names.push_back(name);
    if (name.starts_with(typed)) abbreviated.push_back(fmt::format("`--{}`", name));
    if (typed.starts_with(name) && name.size() > within.size()) within = name;
  }
  if (typed.empty()) return {};
  if (!abbreviated.empty()) return fmt::format("did you mean {}?", fmt::join(abbreviated, " or "));
  if (!within.empty()) return fmt::format("did you mean `--{}`?", within);
  const std::string closest = closest_name(typed, names);
  return closest.empty() ? vocabulary_hint(command, typed, options) : fmt::format("did you mean `--{}`?", closest);
}

// "run takes one model file, got 2: a.yaml, b.yaml"
std::string too_many_positional(std::string_view command, const std::vector<std::string>& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional) {
  const po::parsed_options parsed =
      po::command_line_parser(args).options(options).style(kCommandLineStyle).allow_unregistered().run();
  std::vector<std::string> given;
  for (const po::option& o : parsed.options)
    if (o.position_key >= 0)
      for (const std::string& token : o.original_tokens) given.push_back(quote_for_message(token));
  const std::string& name = positional.name_for_position(0);
  const po::option_description* what = options.find_nothrow(name, false);
  return fmt::format("{} takes one {}, got {}: {}", command, what ? what->description() : name, given.size(),
                     fmt::join(given, ", "));
}

}  // namespace

std::optional<po::variables_map> parse_options(std::string_view command, const std::vector<std::string>& args,
                                               const po::options_description& options,
                                               const po::positional_options_description& positional,
                                               std::string_view usage) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).style(kCommandLineStyle).run(), vm);
  } catch (const po::unknown_option& e) {
    const std::string hint = option_hint(command, e.get_option_name(), options);
    throw UsageError(hint.empty() ? std::string(e.what()) : fmt::format("{} ({})", e.what(), hint));
  } catch (const po::too_many_positional_options_error&) {
    throw UsageError(too_many_positional(command, args, options, positional));
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << options;
    return std::nullopt;
  }
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

std::uint64_t parse_count(const std::string& option, const std::string& text, std::uint64_t lo, std::uint64_t hi) {
  std::string problem;
  if (const std::optional<std::uint64_t> value = parse_whole_number(text, lo, hi, &problem)) return *value;
  throw UsageError(fmt::format("{} must be a whole number from {} to {} (1e6, 1_000_000 …); '{}' {}", option, lo, hi,
                               quote_for_message(text), problem));
}

void add_sampling_options(po::options_description& options, const char* scenario_help, Designs designs) {
  options.add_options()("samples,n", po::value<std::string>()->default_value("1000000"), "samples per scenario")(
      "seed", po::value<std::string>()->default_value("1"), "random seed (0 … 2^64-1)")(
      "threads", po::value<std::string>()->default_value("0"),
      "worker threads; 0 = all hardware threads (results do not depend on it)")(
      "scenario", po::value<std::vector<std::string>>(), scenario_help);
  if (designs == Designs::monte_carlo_only) return;
  options.add_options()("method", po::value<std::string>()->default_value("mc"),
                        "sampling method: mc (Monte Carlo), lhs (Latin hypercube) or qmc (scrambled Sobol points); "
                        "see docs/results.md")(
      "replicates", po::value<std::string>(),
      "lhs, qmc: independent designs the samples are split into, whose spread gives the intervals (default: lhs "
      "1, qmc 16)");
}

RunOptions sampling_options(const po::variables_map& vm, Designs designs) {
  RunOptions options;
  options.samples = parse_count("--samples", vm["samples"].as<std::string>(), 1, kMaxSamples);
  options.seed = parse_count("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX);
  options.threads = static_cast<unsigned>(parse_count("--threads", vm["threads"].as<std::string>(), 0, kMaxThreads));
  // A Monte Carlo only command (sensitivity's --method names an analysis, not a design).
  if (designs == Designs::monte_carlo_only || !vm.count("method")) return options;
  const std::string method = vm["method"].as<std::string>();
  const std::optional<SamplingMethod> parsed = parse_sampling_method(method);
  if (!parsed) throw UsageError(fmt::format("--method must be mc, lhs or qmc, not '{}'", quote_for_message(method)));
  options.method = *parsed;
  if (vm.count("replicates")) {
    options.replicates = static_cast<unsigned>(
        parse_count("--replicates", vm["replicates"].as<std::string>(), 1, std::numeric_limits<unsigned>::max()));
    if (options.method == SamplingMethod::mc)
      throw UsageError("--replicates is for --method lhs or qmc; a Monte Carlo run has no replicates");
  }
  return options;
}

void add_statistics_options(po::options_description& options) {
  options.add_options()(
      "percentiles", po::value<std::vector<std::string>>(),
      "more percentiles to report besides P1 … P99, in percent, comma-separated (repeatable): 80,97.5")(
      "exceed", po::value<std::vector<std::string>>(),
      "also report P(OUTPUT > VALUE) with its 95 % interval; VALUE in the output's units, or with % for a share; "
      "several comma-separated (repeatable): share=0.3,50%");
}

void add_memory_options(po::options_description& options) {
  options.add_options()("memory", po::value<std::string>(),
                        "memory the run may use: 512M, 1G, 1.5GiB (default: what is available); a run whose samples "
                        "would not fit samples twice instead of keeping them, with the same results (docs/scale.md)")(
      "stream",
      "sample twice without keeping the samples, whatever they would take (the same results, about twice "
      "the time)");
}

void memory_options(const po::variables_map& vm, RunOptions& run) {
  if (vm.count("memory")) run.memory_limit = parse_bytes("--memory", vm["memory"].as<std::string>());
  if (vm.count("stream")) run.storage = SampleStorage::streamed;
}

std::uint64_t parse_bytes(const std::string& option, const std::string& text) {
  const auto refuse = [&](const std::string& why) {
    return UsageError(fmt::format("{} must be a size in bytes (1e9, 512M, 1G, 1.5GiB); '{}' {}", option,
                                  quote_for_message(text), why));
  };
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  // Underscores group digits, as in --samples (1_000_000_000).
  std::string plain;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '_' && i > 0 && i + 1 < text.size() && digit(text[i - 1]) && digit(text[i + 1]))) plain += text[i];
  if (!plain.empty() && (plain[0] == '-' || plain[0] == '+'))
    throw refuse(plain[0] == '-' ? "is negative" : "has a sign");
  // digits [. digits] [e [±] digits]
  std::size_t end = 0;
  while (end < plain.size() && (digit(plain[end]) || plain[end] == '.')) ++end;
  if (end > 0 && end < plain.size() && (plain[end] == 'e' || plain[end] == 'E')) {
    std::size_t at = end + 1;
    if (at < plain.size() && (plain[at] == '+' || plain[at] == '-')) ++at;
    if (at < plain.size() && digit(plain[at])) {
      end = at;
      while (end < plain.size() && digit(plain[end])) ++end;
    }
  }
  if (end == 0) throw refuse("does not start with a number");
  double number = 0;
  try {
    std::size_t used = 0;
    number = std::stod(plain.substr(0, end), &used);
    if (used != end) throw refuse("is not a number");
  } catch (const std::logic_error&) {
    throw refuse("is not a number");
  }
  std::string unit = plain.substr(end);
  double scale = 1;
  if (!unit.empty()) {
    const char prefix = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
    const std::string_view units = "KMGT";
    if (const std::size_t k = units.find(prefix); k != std::string_view::npos) {
      scale = std::ldexp(1.0, 10 * static_cast<int>(k + 1));
      unit.erase(0, 1);
      if (unit == "iB" || unit == "ib") unit.clear();
    }
    if (unit == "B" || unit == "b") unit.clear();
    if (!unit.empty()) throw refuse("has an unknown unit (K, M, G or T, powers of 1024)");
  }
  const double bytes = number * scale;
  if (!(bytes >= 1)) throw refuse("is less than 1 byte");
  if (bytes >= 0x1p63) throw refuse("is beyond 8 EiB");
  if (bytes != std::floor(bytes)) throw refuse("is not a whole number of bytes");
  return static_cast<std::uint64_t>(bytes);
}

namespace {

bool is_blank(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

// The numbers of --percentiles or --exceed: split_number_list, its problem
// after `option` ("--exceed 'x=1,000'").
std::vector<std::string> number_list(const std::string& option, const std::string& text) {
  std::string problem;
  if (std::optional<std::vector<std::string>> items = split_number_list(text, &problem)) return *items;
  throw UsageError(fmt::format("{}: {}", option, problem));
}

}  // namespace

void statistics_options(const po::variables_map& vm, const LoadedModel& model, const std::string& path,
                        RunOptions& run) {
  if (vm.count("percentiles")) {
    for (const std::string& text : vm["percentiles"].as<std::vector<std::string>>()) {
      for (const std::string& item : number_list(fmt::format("--percentiles '{}'", quote_for_message(text)), text)) {
        std::string problem;
        const std::optional<double> p = parse_percentile(item, &problem);
        if (!p)
          throw UsageError(fmt::format("--percentiles '{}': '{}' {}; give percentiles in percent, as in 80,97.5",
                                       quote_for_message(text), quote_for_message(item),
                                       item.empty() ? "is empty" : problem));
        run.percentiles.push_back(*p);
      }
    }
  }
  if (!vm.count("exceed")) return;
  const std::vector<FormulaInfo> outputs = model.outputs();
  const std::vector<std::string> names = output_names(model);
  for (const std::string& text : vm["exceed"].as<std::vector<std::string>>()) {
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos)
      throw UsageError(
          fmt::format("--exceed '{}' must be OUTPUT=VALUE, as in share=0.3 or share=0.3,0.5", quote_for_message(text)));
    const std::string name = trimmed(std::string_view(text).substr(0, equals));
    const std::string values = text.substr(equals + 1);
    const auto output =
        std::find_if(outputs.begin(), outputs.end(), [&](const FormulaInfo& o) { return o.name == name; });
    if (output == outputs.end()) {
      const std::string hint = did_you_mean(name, names);
      throw UsageError(fmt::format("--exceed '{}': '{}' is not an output of {} ({}outputs: {})",
                                   quote_for_message(text), quote_for_message(name), path,
                                   hint.empty() ? "" : hint + " ", fmt::join(names, ", ")));
    }
    if (!run.outputs.empty() && std::find(run.outputs.begin(), run.outputs.end(), name) == run.outputs.end())
      throw UsageError(fmt::format("--exceed '{}': '{}' is not among the outputs this run evaluates (--output {})",
                                   quote_for_message(text), quote_for_message(name), fmt::join(run.outputs, ", ")));
    if (output->metadata.kind == OutputKind::Probability)
      throw UsageError(fmt::format("--exceed '{}': {}", quote_for_message(text), probability_output_exceedance()));
    for (const std::string& value : number_list(fmt::format("--exceed '{}'", quote_for_message(text)), values)) {
      std::string problem;
      const std::optional<double> threshold = parse_threshold(value, &problem);
      if (!threshold)
        throw UsageError(
            fmt::format("--exceed '{}': the value '{}' {} (a number in the output's units, as in 0.3, "
                        "1e6 or 30%)",
                        quote_for_message(text), quote_for_message(value), value.empty() ? "is empty" : problem));
      if (is_percentage(value) && !is_share_unit(output->metadata.unit))
        throw UsageError(fmt::format("--exceed '{}': {}", quote_for_message(text),
                                     percentage_for_non_share(name, output->metadata.unit)));
      run.exceedances.push_back({name, *threshold});
    }
  }
}

namespace {
// A value that names a file rather than an output: it has a folder or the
// extension of a file riskcast reads or writes.
bool looks_like_file_name(const std::string& name) {
  if (name.find('/') != std::string::npos) return true;
  const std::string extension = std::filesystem::path(name).extension().string();
  for (const char* known : {".json", ".csv", ".md", ".txt", ".html", ".svg", ".yaml", ".yml"})
    if (extension == known) return true;
  return false;
}

// "--scenario 'x' is not a scenario of m.yaml (did you mean `y`? scenarios: a, b)"
void check_name(const char* option, const char* kind, const std::string& name, const std::vector<std::string>& names,
                const std::string& path) {
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  // Every command with --output writes its result with --out.
  std::vector<std::string> elements;  // of an output over an index, where one output is wanted
  for (const std::string& n : names)
    if (is_element_of(n, name)) elements.push_back(fmt::format("`{}`", n));
  if (elements.size() > 3) elements.resize(3), elements.push_back("…");
  const std::string hint =
      !elements.empty() ? fmt::format("`{}` is over an index: name one element, {}", name, fmt::join(elements, ", "))
      : std::string_view(option) == "--output" && looks_like_file_name(name)
          ? fmt::format("did you mean `--out {}`?", quote_for_message(name))
          : did_you_mean(name, names);
  throw UsageError(fmt::format("{} '{}' is not {} of {} ({}{}s: {})", option, quote_for_message(name),
                               std::string_view(kind) == "output" ? "an output" : "a scenario", path,
                               hint.empty() ? "" : hint + " ", kind, fmt::join(names, ", ")));
}
// "--scenario 'base' is listed twice": the run would hold it twice under one name.
void check_listed_once(const char* option, const std::vector<std::string>& names) {
  for (auto it = names.begin(); it != names.end(); ++it)
    if (std::find(names.begin(), it, *it) != it)
      throw UsageError(fmt::format("{} '{}' is listed twice", option, quote_for_message(*it)));
}
void check_scenario(const std::string& name, const std::vector<std::string>& scenarios, const std::string& path) {
  check_name("--scenario", "scenario", name, scenarios, path);
}
}  // namespace

std::vector<std::string> output_names(const LoadedModel& model) {
  std::vector<std::string> names;
  for (const FormulaInfo& o : model.outputs()) names.push_back(o.name);
  return names;
}

std::vector<std::string> chosen_outputs(const po::variables_map& vm, const LoadedModel& model,
                                        const std::string& path) {
  if (!vm.count("output")) return {};
  const std::vector<std::string> names = output_names(model);
  // An output over an index stands for all its elements: `--output units`
  // is units[huawei], units[cambricon], … in the model's order.
  std::vector<std::string> chosen;
  for (const std::string& name : vm["output"].as<std::vector<std::string>>()) {
    const std::size_t before = chosen.size();
    for (const std::string& n : names)
      if (is_element_of(n, name)) chosen.push_back(n);
    if (chosen.size() == before) chosen.push_back(name);
  }
  for (const std::string& name : chosen) check_name("--output", "output", name, names, path);
  check_listed_once("--output", chosen);
  return chosen;
}

std::string chosen_output(const po::variables_map& vm, const LoadedModel& model, const std::string& path,
                          std::string_view purpose) {
  const std::vector<std::string> names = output_names(model);
  if (names.empty()) throw UsageError(fmt::format("{} has no outputs to {}", path, purpose));
  if (!vm.count("output")) return names.front();
  const std::string name = vm["output"].as<std::string>();
  check_name("--output", "output", name, names, path);
  return name;
}

Format output_format(const po::variables_map& vm, std::string_view formats) {
  if (vm.count("format")) {
    const std::string name = vm["format"].as<std::string>();
    const std::optional<Format> format = parse_format(name);
    if (!format)
      throw UsageError(fmt::format("--format must be table, csv, json or markdown, got '{}'", quote_for_message(name)));
    return *format;
  }
  if (!vm.count("out")) return Format::Table;
  const std::string out = vm["out"].as<std::string>();
  if (const std::optional<Format> format = format_for_path(out)) return *format;
  // No extension (/dev/null, a pipe, "-"): the table. One riskcast does not
  // know would give the table under a name that promises something else.
  const std::string extension = std::filesystem::path(out).extension().string();
  if (extension.empty() || out == "-") return Format::Table;
  std::string lower = extension;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  throw UsageError(fmt::format(
      "--out {}: riskcast does not know the extension '{}'; give --format {}{}", printable_for_message(out),
      printable_for_message(extension), formats,
      lower == ".html" || lower == ".htm" ? "; for an HTML page, use riskcast report MODEL --out FILE.html" : ""));
}

std::string cannot_write_message(const std::string& option, const std::string& value, const FileError& error) {
  if (option.empty()) return fmt::format("stdout: cannot write: {}", error.reason());
  const bool inside = value != "-" && error.path() != value;
  return fmt::format("{} {}: cannot write{}: {}", option, printable_for_message(value),
                     inside ? fmt::format(" {}", printable_for_message(error.path())) : std::string(), error.reason());
}

void writing(const std::string& option, const std::string& value, const std::function<void()>& write) {
  try {
    write();
  } catch (const FileError& e) {
    throw std::runtime_error(cannot_write_message(option, value, e));
  }
}

void write_text(StagedFiles& files, const std::string& option, const std::string& path, std::string_view text) {
  writing(option, path, [&] { files.add(path == "-" ? "/dev/stdout" : path, text); });
}

void print_or_write(const std::string& text, const po::variables_map& vm) {
  StagedFiles files;
  if (vm.count("out"))
    write_text(files, "--out", vm["out"].as<std::string>(), text);
  else
    write_text(files, "", "-", text);
  writing("--out", vm.count("out") ? vm["out"].as<std::string>() : "-", [&] { files.commit(); });
}

std::vector<OutputFile> text_output(const po::variables_map& vm) {
  if (!vm.count("out")) return {};
  return {{"--out", vm["out"].as<std::string>(), true}};
}

std::vector<InputFile> model_input(const std::string& path) {
  return {{"the model file", path}};
}

void decided_by_rank_zero(const std::function<void()>& check) {
  RankGroup* const group = active_ranks();
  if (!group || group->size() < 2) return check();
  std::string error;  // "" when rank 0's check passed; else "!" and its message
  std::exception_ptr failure;
  if (group->rank() == 0) {
    try {
      check();
    } catch (const std::exception& e) {
      failure = std::current_exception();
      error = std::string("!") + e.what();
    }
  }
  group->broadcast(error, 0);
  if (failure) std::rethrow_exception(failure);
  if (!error.empty()) throw UsageError(error.substr(1));
}

void check_not_input(const std::string& option, const std::string& value, const std::string& path,
                     const std::vector<InputFile>& inputs) {
  const std::optional<FileIdentity> output = file_identity(path);
  if (!output) return;
  for (const InputFile& input : inputs) {
    if (file_identity(input.path) != output) continue;
    const std::string which =
        input.path == path ? input.what : fmt::format("{} {}", input.what, printable_for_message(input.path));
    if (path == value)
      throw UsageError(fmt::format("{} {} is {}; an output may not replace an input (choose another name)", option,
                                   printable_for_message(value), which));
    throw UsageError(fmt::format("{} {} would write {}, {}; an output may not replace an input (choose another name)",
                                 option, printable_for_message(value), printable_for_message(path), which));
  }
}

void check_output_files(const std::vector<OutputFile>& files, const std::vector<InputFile>& inputs) {
  decided_by_rank_zero([&] {
    for (std::size_t i = 0; i < files.size(); ++i) {
      const OutputFile& f = files[i];
      if (f.path == "-") {
        if (!f.stdout_allowed)
          throw UsageError(fmt::format("{} -: '-' (stdout) is only for the one text result of --out; {} writes a file",
                                       f.option, f.option));
      } else {
        try {
          check_file_writable(f.path);
        } catch (const FileError& e) {
          throw UsageError(cannot_write_message(f.option, f.path, e));
        }
        check_not_input(f.option, f.path, f.path, inputs);
      }
      const std::optional<FileIdentity> identity = file_identity(f.path);
      if (!identity) continue;
      for (std::size_t j = 0; j < i; ++j)
        if (file_identity(files[j].path) == identity && !is_discarding_device(f.path))
          throw UsageError(fmt::format("{} and {} name the same file ({} and {}); one would overwrite the other",
                                       files[j].option, f.option, printable_for_message(files[j].path),
                                       printable_for_message(f.path)));
    }
  });
}

void check_output_folder(const std::string& option, const std::string& dir, const std::vector<OutputFile>& outputs) {
  decided_by_rank_zero([&] {
    if (dir == "-") throw UsageError(fmt::format("{} -: a folder cannot be stdout; give a folder name", option));
    if (dir.empty()) throw UsageError(fmt::format("{} needs a folder", option));
    try {
      check_folder_writable(dir);
    } catch (const FileError& e) {
      throw UsageError(cannot_write_message(option, dir, e));
    }
    for (const OutputFile& f : outputs) {
      if (!is_within(f.path, dir)) continue;
      if (is_within(dir, f.path))
        throw UsageError(fmt::format("{} {} is the {} folder; choose another name", f.option,
                                     printable_for_message(f.path), option));
      throw UsageError(
          fmt::format("{} {} is inside the {} folder {}, which riskcast fills with files of its own; "
                      "choose a file outside it",
                      f.option, printable_for_message(f.path), option, printable_for_message(dir)));
    }
  });
}

void check_chart_files(const std::string& dir, const std::vector<std::string>& charts,
                       const std::vector<InputFile>& inputs) {
  decided_by_rank_zero([&] {
    namespace fs = std::filesystem;
    for (const std::string& chart : charts) {
      const std::string path = (fs::path(dir) / chart).string();
      check_not_input("--plot", dir, path, inputs);
      // A folder not there yet is made where check_output_folder found it can be.
      std::error_code ec;
      if (!fs::exists(fs::path(path).parent_path(), ec)) continue;
      try {
        check_file_writable(path);
      } catch (const FileError& e) {
        throw UsageError(cannot_write_message("--plot", dir, e));
      }
    }
  });
}

std::vector<std::string> chosen_scenarios(const po::variables_map& vm, const std::vector<std::string>& scenarios,
                                          const std::string& path) {
  if (!vm.count("scenario")) return {};
  std::vector<std::string> names = vm["scenario"].as<std::vector<std::string>>();
  for (const std::string& name : names) check_scenario(name, scenarios, path);
  check_listed_once("--scenario", names);
  return names;
}

std::vector<std::string> scenario_names(const LoadedModel& model) {
  std::vector<std::string> names;
  for (const ScenarioInfo& s : model.scenarios()) names.push_back(s.name);
  return names;
}

void chosen_scenario(const std::string& name, const LoadedModel& model, const std::string& path) {
  check_scenario(name, scenario_names(model), path);
}

LoadedModel open_model(const std::string& path) {
  LoadedModel model = LoadedModel::from_file(path);
  std::cerr << model.format_warnings();
  return model;
}

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}
bool stdout_is_terminal() {
  return isatty(STDOUT_FILENO) == 1;
}

int launched_rank() {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  if (!rank) rank = std::getenv("PMI_RANK");
  if (!rank) rank = std::getenv("PMIX_RANK");
  if (!rank || launched_processes() < 2) return 0;
  char* end = nullptr;
  const long r = std::strtol(rank, &end, 10);
  return end != rank && *end == '\0' && r > 0 && r < (1L << 30) ? static_cast<int>(r) : 0;
}

int launched_processes() {
  // Open MPI's mpirun; MPICH's and Slurm's PMI; srun --mpi=pmix.
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (!size) size = std::getenv("PMI_SIZE");
  if (!size && std::getenv("PMIX_RANK")) size = std::getenv("SLURM_NTASKS");
  if (!size) return 1;
  char* end = nullptr;
  const long n = std::strtol(size, &end, 10);
  return end != size && *end == '\0' && n > 1 && n < (1L << 30) ? static_cast<int>(n) : 1;
}

ProgressLine::ProgressLine(std::uint64_t total, std::string label) : total_(total), label_(std::move(label)) {
  if (!stderr_is_terminal()) return;
  thread_ = std::thread([this] { loop(); });
}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressLine::start_scenario(std::size_t index, std::size_t count, const std::string& name) {
  std::lock_guard lock(mutex_);
  label_ = fmt::format("scenario {}/{} {}", index + 1, count, name);
  counter.store(0);
}

void ProgressLine::relabel(std::string label) {
  std::lock_guard lock(mutex_);
  label_ = std::move(label);
  counter.store(0);
}

ProgressCallback ProgressLine::follow() {
  return [this, shown = std::optional<std::size_t>()](const RunProgress& p) mutable {
    if (shown != p.scenario && p.pass > 0)
      relabel(fmt::format("pass {}, every scenario (streamed)", p.pass));
    else if (shown != p.scenario && (p.scenarios > 1 || label_.empty()))
      start_scenario(p.scenario, p.scenarios, p.name);
    shown = p.scenario;
    total_.store(p.total);
    counter.store(p.done);
  };
}

void ProgressLine::loop() {
  const auto start = std::chrono::steady_clock::now();
  bool shown = false;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
    if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) continue;
    const std::uint64_t total = total_.load();
    const double pct = total ? 100.0 * static_cast<double>(counter.load()) / static_cast<double>(total) : 0.0;
    std::cerr << fmt::format("\r\x1b[K{}  {:.0f}%", label_, std::min(pct, 100.0)) << std::flush;
    shown = true;
  }
  if (shown) std::cerr << "\r\x1b[K" << std::flush;
}

}  // namespace riskcast::cli
