// Batch file → list of runs. Like the model loader, every problem is reported
// with its position, and checking goes on so one pass shows them all.
#include "riskcast/batch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>

#include "riskcast/count.hpp"
#include "riskcast/random_layout.hpp"  // kMaxSamples
#include "riskcast/riskcast.hpp"
#include "riskcast/yaml_reader.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast {
namespace {

const std::vector<std::string> kTopKeys = {"batch", "defaults", "runs"};
const std::vector<std::string> kRunKeys = {"name",    "model",       "scenarios", "samples", "seed",
                                           "formats", "percentiles", "exceed",    "method",  "replicates"};
const std::vector<std::string> kMethodNames = {"mc", "lhs", "qmc"};
const std::vector<std::string> kFormatNames = {"table", "csv", "json", "markdown"};

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The settings a run may take from `defaults:`; each remembers whether it was given.
struct RunSettingsText {
  std::optional<std::vector<std::string>> scenarios;
  std::vector<SourcePos> scenario_pos;
  std::optional<std::uint64_t> samples, seed, replicates;
  std::optional<SamplingMethod> method;
  std::optional<std::vector<Format>> formats;
  std::optional<std::vector<double>> percentiles;
  std::optional<std::vector<ExceedanceThreshold>> exceedances;
  std::vector<BatchExceedance> exceedance_text;
};

class BatchLoader {
 public:
  BatchLoader(Diagnostics& diagnostics, std::string_view text, const std::string& path)
      : d_(diagnostics), yaml_(diagnostics, text), path_(path) {}

  BatchFile load(const YAML::Node& root) {
    BatchFile batch;
    batch.path = path_;
    if (!root.IsMap()) {
      d_.error(yaml_.position(root), fmt::format("a batch file is a mapping with `runs:` (and optionally `batch:` and "
                                                 "`defaults:`), not {}",
                                                 yaml_kind_name(root)));
      return batch;
    }
    const YamlMapping top = yaml_.mapping(root, kTopKeys, "the batch file");
    if (auto it = top.find("batch"); it != top.end()) {
      if (auto title = yaml_.text(it->second.value, "`batch` (the title)", it->second.key, "a single value"))
        batch.title = *title;
    }
    RunSettingsText defaults;
    if (auto it = top.find("defaults"); it != top.end()) {
      const YAML::Node& node = it->second.value;
      if (!node.IsMap()) {
        d_.error(yaml_.position(node, it->second.key),
                 fmt::format("`defaults` must be a mapping of run settings, not {}", yaml_kind_name(node)));
      } else {
        for (const auto& [key, entry] : yaml_.mapping(node, kRunKeys, "defaults")) {
          if (key == "name" || key == "model")
            d_.error(yaml_.position(entry.key), fmt::format("`{}` has no default: every run gives its own", key));
          else
            setting(key, entry, defaults);
        }
      }
    }
    auto runs = top.find("runs");
    if (runs == top.end()) {
      d_.error({1, 1}, "the batch file has no `runs:` list; nothing would run");
      return batch;
    }
    const YAML::Node& list = runs->second.value;
    if (!list.IsSequence()) {
      d_.error(yaml_.position(list, runs->second.key),
               fmt::format("`runs` must be a list of runs (`- name: …`), not {}", yaml_kind_name(list)));
      return batch;
    }
    if (list.size() == 0) {
      d_.error(yaml_.position(runs->second.key), "`runs` is empty; nothing would run");
      return batch;
    }
    std::map<std::string, SourcePos> names;  // lowercased: names must differ on case-insensitive file systems
    for (const YAML::Node& item : list) {
      if (std::optional<BatchRun> run = this->run(item, runs->second.key, defaults)) {
        const auto [first, fresh] = names.emplace(lowercase(run->name), run->pos);
        if (!fresh) {
          d_.error(
              run->pos, fmt::format("duplicate run name `{}`", run->name),
              fmt::format("first given at line {}; names are file names, so case does not count", first->second.line));
          unfinished_.push_back(std::move(*run));
          continue;
        }
        batch.runs.push_back(std::move(*run));
      }
    }
    return batch;
  }

 private:
  // A list, or a single value standing for a list of one (as the Python
  // package takes `percentiles=80` or `scenarios="base"`).
  std::optional<std::vector<std::pair<std::string, SourcePos>>> list_or_one(const YamlEntry& entry,
                                                                            std::string_view what,
                                                                            std::string_view example, bool may_be_empty,
                                                                            std::string_view empty_advice = {}) {
    if (entry.value.IsScalar() && !entry.value.Scalar().empty())
      return std::vector<std::pair<std::string, SourcePos>>{{entry.value.Scalar(), yaml_.position(entry.value)}};
    return yaml_.text_list(entry.value, entry.key, what, example, may_be_empty, empty_advice);
  }

  // The numbers one value of `percentiles` or `exceed` gives: one, or
  // several comma-separated as on the command line ("80,97.5"), read by
  // split_number_list; nullopt after reporting digits grouped by commas.
  std::optional<std::vector<std::string>> numbers(std::string_view what, const std::string& text, SourcePos pos) {
    std::string problem;
    std::optional<std::vector<std::string>> items = split_number_list(text, &problem);
    if (!items) d_.error(pos, fmt::format("{}: {}", what, problem));
    return items;
  }

  // `percentiles: [80, 97.5]` (or `percentiles: 80`, or `percentiles: 80,97.5`): percentiles in percent, each
  // strictly between 0 and 100.
  void percentiles(const YamlEntry& entry, RunSettingsText& s) {
    auto items = list_or_one(entry, "`percentiles`", "[80, 97.5]", true);
    if (!items) return;
    std::vector<double> chosen;
    for (const auto& [written, pos] : *items) {
      const std::optional<std::vector<std::string>> texts = numbers("`percentiles`", written, pos);
      for (const std::string& text : texts.value_or(std::vector<std::string>{})) {
        std::string problem = "is empty";
        if (const std::optional<double> p = text.empty() ? std::nullopt : parse_percentile(text, &problem))
          chosen.push_back(*p);
        else
          d_.error(pos, fmt::format("percentile '{}' {}; give percentiles in percent, as in [80, 97.5]",
                                    quote_for_message(text), problem));
      }
    }
    s.percentiles = std::move(chosen);
  }

  // `exceed: {OUTPUT: VALUE or [VALUE, …]}`: exceedance thresholds per
  // output; an empty list asks for none (as `exceed: {}`), but its output
  // is still checked against the model.
  void exceedances(const YamlEntry& entry, RunSettingsText& s) {
    const YAML::Node& value = entry.value;
    if (!value.IsMap()) {
      d_.error(yaml_.position(value, entry.key),
               fmt::format("`exceed` must be a mapping of outputs to thresholds, e.g. "
                           "{{share: 0.3}} or {{share: [0.3, 0.5]}}, not {}",
                           yaml_kind_name(value)));
      return;
    }
    std::vector<ExceedanceThreshold> chosen;
    std::vector<BatchExceedance> written;
    // `{share: 1,000}` and `{share: 0.3, 0.5}`: YAML cuts the value at its comma.
    CommaCutWatch watch(yaml_, value, CommaCutWatch::Cut::Value, "`exceed` of `{}`", "value");
    for (auto it = value.begin(); it != value.end(); ++it) {
      const YAML::Node name = it->first, thresholds = it->second;
      if (watch.skip_entry(name, thresholds)) continue;
      if (!name.IsScalar() || name.Scalar().empty()) {
        d_.error(yaml_.position(name, entry.key), "each key of `exceed` must be an output's name");
        continue;
      }
      std::vector<YAML::Node> values;
      if (thresholds.IsSequence())
        for (const YAML::Node& item : thresholds) values.push_back(item);
      else
        values.push_back(thresholds);
      BatchExceedance& entry_text = written.emplace_back();
      entry_text.output = name.Scalar();
      entry_text.pos = yaml_.position(name);
      for (const YAML::Node& item : values) {
        if (!item.IsScalar()) {
          d_.error(yaml_.position(item, name),
                   fmt::format("`exceed` of `{}`: each threshold must be a single value, not {}", name.Scalar(),
                               yaml_kind_name(item)));
          continue;
        }
        const SourcePos pos = yaml_.position(item, name);
        const std::string what = fmt::format("`exceed` of `{}`", name.Scalar());
        const std::optional<std::vector<std::string>> texts = numbers(what, item.Scalar(), pos);
        for (const std::string& text : texts.value_or(std::vector<std::string>{})) {
          std::string problem = "is empty";
          const std::optional<double> t = text.empty() ? std::nullopt : parse_threshold(text, &problem);
          if (!t) {
            d_.error(pos, fmt::format("{}: '{}' {} (a number in the output's units, as in 0.3, 1e6 or 30%)", what,
                                      quote_for_message(text), problem));
            continue;
          }
          chosen.push_back({name.Scalar(), *t});
          if (is_percentage(text)) entry_text.percentages.push_back(pos);
        }
      }
    }
    watch.end();
    s.exceedances = std::move(chosen);
    s.exceedance_text = std::move(written);
  }

  // One of samples, seed, method, replicates, scenarios, formats, percentiles, exceed (the keys `defaults`
  // shares with runs).
  void setting(const std::string& key, const YamlEntry& entry, RunSettingsText& s) {
    if (key == "samples") {
      s.samples = yaml_.whole_count(entry.value, entry.key, "`samples`", 1, kMaxSamples);
    } else if (key == "seed") {
      s.seed = yaml_.whole_count(entry.value, entry.key, "`seed`", 0, UINT64_MAX);
    } else if (key == "replicates") {
      s.replicates = yaml_.whole_count(entry.value, entry.key, "`replicates`", 1, UINT32_MAX);
    } else if (key == "method") {
      const std::optional<std::string> name = yaml_.text(entry.value, "`method`", entry.key, "mc, lhs or qmc");
      if (!name) return;
      s.method = parse_sampling_method(*name);
      if (!s.method)
        d_.error(yaml_.position(entry.value, entry.key),
                 fmt::format("unknown sampling method `{}`; methods are mc, lhs and qmc", quote_for_message(*name)),
                 yaml_.hint_for(*name, kMethodNames));
    } else if (key == "scenarios") {
      auto names = list_or_one(entry, "`scenarios`", "[base, h200_open]", false, "leave it out to run every scenario");
      if (!names) return;
      std::vector<std::string> scenarios;
      std::vector<SourcePos> positions;
      for (const auto& [name, pos] : *names) {
        if (std::find(scenarios.begin(), scenarios.end(), name) != scenarios.end()) {
          d_.error(pos, fmt::format("scenario `{}` is listed twice", quote_for_message(name)));
          continue;
        }
        scenarios.push_back(name);
        positions.push_back(pos);
      }
      s.scenarios = std::move(scenarios);
      s.scenario_pos = std::move(positions);
    } else if (key == "percentiles") {
      percentiles(entry, s);
    } else if (key == "exceed") {
      exceedances(entry, s);
    } else if (key == "formats") {
      auto names = list_or_one(entry, "`formats`", "[json, csv]", true);
      if (!names) return;
      std::vector<Format> formats;
      for (const auto& [name, pos] : *names) {
        const std::optional<Format> format = parse_format(name);
        if (!format) {
          d_.error(
              pos,
              fmt::format("unknown format `{}`; formats are table, csv, json and markdown", quote_for_message(name)),
              yaml_.hint_for(name, kFormatNames));
          continue;
        }
        if (std::find(formats.begin(), formats.end(), *format) != formats.end()) {
          d_.error(pos, fmt::format("format `{}` is listed twice", quote_for_message(name)));
          continue;
        }
        formats.push_back(*format);
      }
      s.formats = std::move(formats);
    }
  }

  std::optional<BatchRun> run(const YAML::Node& item, const YAML::Node& runs_key, const RunSettingsText& defaults) {
    if (!item.IsMap()) {
      d_.error(yaml_.position(item, runs_key),
               fmt::format("a run must be a mapping (name:, model:, …), not {}", yaml_kind_name(item)));
      return std::nullopt;
    }
    BatchRun run;
    run.pos = yaml_.position(item, runs_key);
    const std::size_t errors_before = d_.size();
    const YamlMapping keys = yaml_.mapping(item, kRunKeys, "a run");
    RunSettingsText own;
    for (const auto& [key, entry] : keys)
      if (key != "name" && key != "model") setting(key, entry, own);

    if (auto it = keys.find("name"); it == keys.end()) {
      d_.error(run.pos, "a run needs a `name:` (its result files are named after it)");
    } else if (auto name = yaml_.text(it->second.value, "a run's `name`", it->second.key, "a single value", false)) {
      run.pos = yaml_.position(it->second.value, it->second.key);
      run.name = *name;
      check_name(run.name, run.pos);
    }
    if (auto it = keys.find("model"); it == keys.end()) {
      d_.error(run.pos, "a run needs a `model:` (the model file, relative to the batch file's folder)");
    } else if (auto model = yaml_.text(it->second.value, "a run's `model`", it->second.key, "a single value", false)) {
      run.model = *model;
      const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
      const std::filesystem::path model_path(*model);
      run.model_path =
          model_path.is_absolute() || dir.empty() ? *model : (dir / model_path).lexically_normal().string();
    }
    const auto pick = [](const auto& own_value, const auto& default_value) {
      return own_value ? own_value : default_value;
    };
    if (auto scenarios = pick(own.scenarios, defaults.scenarios)) {
      run.scenarios = *scenarios;
      run.scenario_pos = own.scenarios ? own.scenario_pos : defaults.scenario_pos;
    }
    if (auto samples = pick(own.samples, defaults.samples)) run.samples = *samples;
    if (auto seed = pick(own.seed, defaults.seed)) run.seed = *seed;
    if (auto method = pick(own.method, defaults.method)) run.method = *method;
    if (auto replicates = pick(own.replicates, defaults.replicates))
      run.replicates = static_cast<unsigned>(*replicates);
    if (auto formats = pick(own.formats, defaults.formats)) run.formats = *formats;
    if (auto chosen = pick(own.percentiles, defaults.percentiles)) run.percentiles = *chosen;
    if (auto chosen = pick(own.exceedances, defaults.exceedances)) {
      run.exceedances = *chosen;
      run.exceedance_text = own.exceedances ? own.exceedance_text : defaults.exceedance_text;
    }
    if (d_.size() != errors_before) {
      unfinished_.push_back(std::move(run));
      return std::nullopt;
    }
    return run;
  }

  void check_name(const std::string& name, SourcePos pos) {
    const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    if (!allowed || name.front() == '.')
      d_.error(pos, fmt::format("run name `{}` must be letters, digits, `-`, `_` and `.`, not starting with `.` "
                                "(it names the run's result files)",
                                quote_for_message(name)));
    else if (name.size() > kMaxRunNameLength)
      d_.error(pos,
               fmt::format("run name `{}` is longer than {} characters", quote_for_message(name), kMaxRunNameLength));
    else if (lowercase(name) == "summary")
      d_.error(pos, "a run cannot be called `summary`: summary.csv and summary.md are the batch's summary");
  }

  Diagnostics& d_;
  YamlReader yaml_;
  std::string path_;

 public:
  // The runs left out of the batch for an error, as far as they were read:
  // their names can still be checked against their models.
  std::vector<BatchRun> unfinished_;
};

}  // namespace

namespace {

// The batch read from `text`, the runs with errors in `unfinished`; every
// problem in `diagnostics` (none: the batch is good).
BatchFile read_batch_text(std::string_view text, const std::string& path, Diagnostics& diagnostics,
                          std::vector<BatchRun>& unfinished) {
  if (text.size() > kMaxBatchBytes) {
    diagnostics.error({}, fmt::format("the batch file is larger than {} MiB", kMaxBatchBytes >> 20));
    return {};
  }
  const std::optional<YAML::Node> root = parse_yaml_text(text, "batch file", diagnostics);
  if (!root) return {};
  if (!*root || root->IsNull()) {
    diagnostics.error({1, 1}, "the batch file is empty (no YAML content, only blanks or comments)");
    return {};
  }
  // yaml-cpp skips a byte-order mark without counting it in columns; so do we.
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  BatchLoader loader(diagnostics, text, path);
  BatchFile batch = loader.load(*root);
  unfinished = std::move(loader.unfinished_);
  return batch;
}

}  // namespace

BatchFile load_batch_text(std::string_view text, const std::string& path) {
  Diagnostics diagnostics(path);
  std::vector<BatchRun> unfinished;
  BatchFile batch = read_batch_text(text, path, diagnostics, unfinished);
  if (!diagnostics.empty()) throw ModelError(std::move(diagnostics));
  return batch;
}

BatchFile load_batch_file(const std::string& path) {
  Diagnostics diagnostics(path);
  std::optional<std::string> text = read_input_file(path, "batch file", kMaxBatchBytes, diagnostics);
  if (!text) throw ModelError(std::move(diagnostics));
  std::vector<BatchRun> unfinished;
  BatchFile batch = read_batch_text(*text, path, diagnostics, unfinished);
  if (diagnostics.empty()) return batch;
  // The names a run gives that its model lacks are mistakes in the batch
  // file too: reported now, with the others, not after they are fixed.
  std::map<std::string, std::optional<LoadedModel>> models;
  auto check = [&](const BatchRun& run) {
    if (run.model_path.empty()) return;
    auto [it, fresh] = models.try_emplace(run.model_path);
    if (fresh) {
      try {
        it->second = LoadedModel::from_file(run.model_path);
      } catch (const std::exception&) {
        // A model that cannot be read fails its runs when they run.
      }
    }
    if (it->second) check_run_names(run, it->second->ir(), diagnostics);
  };
  for (const BatchRun& run : batch.runs) check(run);
  for (const BatchRun& run : unfinished) check(run);
  throw ModelError(std::move(diagnostics));
}

void check_run_names(const BatchRun& run, const Model& model, Diagnostics& diagnostics) {
  check_run_scenarios(run, model, diagnostics);
  check_run_outputs(run, model, diagnostics);
}

void check_run_scenarios(const BatchRun& run, const Model& model, Diagnostics& diagnostics) {
  const std::vector<std::string> names = model.scenario_names();
  for (std::size_t i = 0; i < run.scenarios.size() && i < run.scenario_pos.size(); ++i) {
    const std::string& name = run.scenarios[i];
    if (model.find_scenario(name)) continue;
    diagnostics.error(
        run.scenario_pos[i],
        fmt::format("run `{}`: `{}` is not a scenario of {} (scenarios: {})", run.name, quote_for_message(name),
                    printable_for_message(run.model_path), fmt::join(names, ", ")),
        diagnostics.size() < kMaxHintedErrors ? did_you_mean(name, names) : std::string{});
  }
}

void check_run_outputs(const BatchRun& run, const Model& model, Diagnostics& diagnostics) {
  std::vector<std::string> names;
  for (const Output& o : model.outputs) names.push_back(o.name);
  for (auto it = run.exceedance_text.begin(); it != run.exceedance_text.end(); ++it) {
    const auto output =
        std::find_if(model.outputs.begin(), model.outputs.end(), [&](const Output& o) { return o.name == it->output; });
    if (output != model.outputs.end()) {
      if (output->metadata.kind == OutputKind::Probability)
        diagnostics.error(it->pos, fmt::format("run `{}`: `exceed` of `{}`: {}", run.name, it->output,
                                               probability_output_exceedance()));
      else if (!is_share_unit(output->metadata.unit))
        for (const SourcePos& pos : it->percentages)
          diagnostics.error(pos, fmt::format("run `{}`: `exceed` of `{}`: {}", run.name, it->output,
                                             percentage_for_non_share(it->output, output->metadata.unit)));
      continue;
    }
    // One report per misspelt name.
    if (std::any_of(run.exceedance_text.begin(), it, [&](const BatchExceedance& e) { return e.output == it->output; }))
      continue;
    diagnostics.error(
        it->pos,
        fmt::format("run `{}`: `exceed` names `{}`, which is not an output of {} (outputs: {})", run.name,
                    quote_for_message(it->output), printable_for_message(run.model_path), fmt::join(names, ", ")),
        diagnostics.size() < kMaxHintedErrors ? did_you_mean(it->output, names) : std::string{});
  }
}

std::string result_file_name(const BatchRun& run, Format format) {
  return fmt::format("{}.{}", run.name, file_extension(format));
}

}  // namespace riskcast
