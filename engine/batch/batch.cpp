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
#include "riskcast/yaml_text.hpp"

namespace riskcast {
namespace {

const std::vector<std::string> kTopKeys = {"batch", "defaults", "runs"};
const std::vector<std::string> kRunKeys = {"name", "model",   "scenarios",   "samples",
                                           "seed", "formats", "percentiles", "exceed"};
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
  std::optional<std::uint64_t> samples, seed;
  std::optional<std::vector<Format>> formats;
  std::optional<std::vector<double>> percentiles;
  std::optional<std::vector<ExceedanceThreshold>> exceedances;
  std::vector<SourcePos> exceedance_pos;
};

class BatchLoader {
 public:
  BatchLoader(Diagnostics& diagnostics, const std::string& path) : d_(diagnostics), path_(path) {}

  BatchFile load(const YAML::Node& root) {
    BatchFile batch;
    batch.path = path_;
    if (!root.IsMap()) {
      d_.error(at(root), fmt::format("a batch file is a mapping with `runs:` (and optionally `batch:` and "
                                     "`defaults:`), not {}",
                                     yaml_kind_name(root)));
      return batch;
    }
    const auto top = entries(root, kTopKeys, "the batch file");
    if (auto it = top.find("batch"); it != top.end()) {
      if (it->second.second.IsScalar())
        batch.title = it->second.second.Scalar();
      else
        d_.error(at(it->second.second, it->second.first),
                 fmt::format("`batch` (the title) must be a single value, not {}", yaml_kind_name(it->second.second)));
    }
    RunSettingsText defaults;
    if (auto it = top.find("defaults"); it != top.end()) {
      const YAML::Node& node = it->second.second;
      if (!node.IsMap()) {
        d_.error(at(node, it->second.first),
                 fmt::format("`defaults` must be a mapping of run settings, not {}", yaml_kind_name(node)));
      } else {
        for (const auto& [key, entry] : entries(node, kRunKeys, "defaults")) {
          if (key == "name" || key == "model")
            d_.error(at(entry.first), fmt::format("`{}` has no default: every run gives its own", key));
          else
            setting(key, entry.second, entry.first, defaults);
        }
      }
    }
    auto runs = top.find("runs");
    if (runs == top.end()) {
      d_.error({1, 1}, "the batch file has no `runs:` list; nothing would run");
      return batch;
    }
    const YAML::Node& list = runs->second.second;
    if (!list.IsSequence()) {
      d_.error(at(list, runs->second.first),
               fmt::format("`runs` must be a list of runs (`- name: …`), not {}", yaml_kind_name(list)));
      return batch;
    }
    if (list.size() == 0) {
      d_.error(at(runs->second.first), "`runs` is empty; nothing would run");
      return batch;
    }
    std::map<std::string, SourcePos> names;  // lowercased: names must differ on case-insensitive file systems
    for (const YAML::Node& item : list) {
      if (std::optional<BatchRun> run = this->run(item, runs->second.first, defaults)) {
        const auto [first, fresh] = names.emplace(lowercase(run->name), run->pos);
        if (!fresh) {
          d_.error(
              run->pos, fmt::format("duplicate run name `{}`", run->name),
              fmt::format("first given at line {}; names are file names, so case does not count", first->second.line));
          continue;
        }
        batch.runs.push_back(std::move(*run));
      }
    }
    return batch;
  }

 private:
  using Entry = std::pair<YAML::Node, YAML::Node>;  // key, value

  // Where a node is. An empty value (`seed:`) has no place of its own: yaml-cpp
  // marks it where the next token starts, often the next line; the key is
  // where the user looks.
  static SourcePos at(const YAML::Node& node, const YAML::Node& key = {}) {
    SourcePos pos = yaml_position(node);
    if ((pos.line == 0 || node.IsNull()) && key.IsDefined() && yaml_position(key).line != 0) pos = yaml_position(key);
    return pos.line == 0 ? SourcePos{1, 1} : pos;
  }

  // A mapping's entries by key, reporting unknown, duplicate and non-text keys.
  std::map<std::string, Entry> entries(const YAML::Node& node, const std::vector<std::string>& allowed,
                                       std::string_view context) {
    std::map<std::string, Entry> out;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        d_.error(at(key), fmt::format("keys in {} must be plain names", context));
        continue;
      }
      const std::string& k = key.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        d_.error(at(key), fmt::format("unknown key `{}` in {}", quote_for_message(k), context),
                 d_.size() < kMaxHintedErrors ? did_you_mean(k, allowed) : std::string{});
        continue;
      }
      if (auto [first, fresh] = out.emplace(k, Entry{key, it->second}); !fresh) {
        d_.error(at(key), fmt::format("duplicate key `{}` in {}", k, context),
                 fmt::format("first given at line {}", at(first->second.first).line));
      }
    }
    return out;
  }

  std::optional<std::string> scalar(const YAML::Node& value, const YAML::Node& key, std::string_view what) {
    if (value.IsScalar() && !value.Scalar().empty()) return value.Scalar();
    if (value.IsScalar())
      d_.error(at(value, key), fmt::format("{} must not be empty", what));
    else
      d_.error(at(value, key), fmt::format("{} must be a single value, not {}", what, yaml_kind_name(value)));
    return std::nullopt;
  }

  std::optional<std::uint64_t> count(const YAML::Node& value, const YAML::Node& key, std::string_view what,
                                     std::uint64_t lo, std::uint64_t hi) {
    if (value.IsScalar()) {
      std::string problem;
      if (auto n = parse_whole_number(value.Scalar(), lo, hi, &problem)) return n;
      d_.error(at(value, key), fmt::format("`{}` must be a whole number from {} to {} (1e6, 1_000_000 …); '{}' {}",
                                           what, lo, hi, quote_for_message(value.Scalar()), problem));
    } else {
      d_.error(at(value, key),
               fmt::format("`{}` must be a whole number from {} to {}, not {}", what, lo, hi, yaml_kind_name(value)));
    }
    return std::nullopt;
  }

  // A list of single values; reports other shapes and an empty list.
  std::optional<std::vector<std::pair<std::string, SourcePos>>> list(const YAML::Node& value, const YAML::Node& key,
                                                                     std::string_view what, std::string_view example,
                                                                     bool may_be_empty) {
    if (!value.IsSequence()) {
      d_.error(at(value, key),
               fmt::format("`{}` must be a list, e.g. {}, not {}", what, example, yaml_kind_name(value)));
      return std::nullopt;
    }
    if (value.size() == 0 && !may_be_empty) {
      d_.error(at(value, key), fmt::format("`{}` is empty; leave it out to run every scenario", what));
      return std::nullopt;
    }
    std::vector<std::pair<std::string, SourcePos>> out;
    bool ok = true;
    for (const YAML::Node& item : value) {
      if (item.IsScalar() && !item.Scalar().empty()) {
        out.emplace_back(item.Scalar(), at(item, key));
      } else {
        d_.error(at(item, key), item.IsScalar() ? fmt::format("an empty name in `{}`", what)
                                                : fmt::format("each of `{}` must be a single value, not {}", what,
                                                              yaml_kind_name(item)));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // `percentiles: [80, 97.5]`: percentiles in percent, each strictly between 0 and 100.
  void percentiles(const YAML::Node& value, const YAML::Node& key, RunSettingsText& s) {
    auto items = list(value, key, "percentiles", "[80, 97.5]", true);
    if (!items) return;
    std::vector<double> chosen;
    for (const auto& [text, pos] : *items) {
      std::string problem;
      if (const std::optional<double> p = parse_percentile(text, &problem))
        chosen.push_back(*p);
      else
        d_.error(pos, fmt::format("percentile '{}' {}; give percentiles in percent, as in [80, 97.5]",
                                  quote_for_message(text), problem));
    }
    s.percentiles = std::move(chosen);
  }

  // `exceed: {OUTPUT: VALUE or [VALUE, …]}`: exceedance thresholds per output.
  void exceedances(const YAML::Node& value, const YAML::Node& key, RunSettingsText& s) {
    if (!value.IsMap()) {
      d_.error(at(value, key), fmt::format("`exceed` must be a mapping of outputs to thresholds, e.g. "
                                           "{{share: 0.3}} or {{share: [0.3, 0.5]}}, not {}",
                                           yaml_kind_name(value)));
      return;
    }
    std::vector<ExceedanceThreshold> chosen;
    std::vector<SourcePos> positions;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const YAML::Node name = it->first, thresholds = it->second;
      if (!name.IsScalar() || name.Scalar().empty()) {
        d_.error(at(name, key), "each key of `exceed` must be an output's name");
        continue;
      }
      std::vector<YAML::Node> values;
      if (thresholds.IsSequence())
        for (const YAML::Node& item : thresholds) values.push_back(item);
      else
        values.push_back(thresholds);
      if (values.empty())
        d_.error(at(thresholds, name), fmt::format("`exceed` of `{}` lists no threshold", name.Scalar()));
      for (const YAML::Node& item : values) {
        if (!item.IsScalar()) {
          d_.error(at(item, name), fmt::format("`exceed` of `{}`: each threshold must be a single value, not {}",
                                               name.Scalar(), yaml_kind_name(item)));
          continue;
        }
        std::string problem = "is empty";
        const std::optional<double> t = item.Scalar().empty() ? std::nullopt : parse_threshold(item.Scalar(), &problem);
        if (!t) {
          d_.error(at(item, name),
                   fmt::format("`exceed` of `{}`: '{}' {} (a number in the output's units, as in 0.3, 1e6 or 30%)",
                               name.Scalar(), quote_for_message(item.Scalar()), problem));
          continue;
        }
        chosen.push_back({name.Scalar(), *t});
        positions.push_back(at(name));
      }
    }
    s.exceedances = std::move(chosen);
    s.exceedance_pos = std::move(positions);
  }

  // One of samples, seed, scenarios, formats, percentiles, exceed (the keys `defaults` shares with runs).
  void setting(const std::string& key, const YAML::Node& value, const YAML::Node& key_node, RunSettingsText& s) {
    if (key == "samples") {
      s.samples = count(value, key_node, "samples", 1, kMaxSamples);
    } else if (key == "seed") {
      s.seed = count(value, key_node, "seed", 0, UINT64_MAX);
    } else if (key == "scenarios") {
      auto names = list(value, key_node, "scenarios", "[base, h200_open]", false);
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
      percentiles(value, key_node, s);
    } else if (key == "exceed") {
      exceedances(value, key_node, s);
    } else if (key == "formats") {
      auto names = list(value, key_node, "formats", "[json, csv]", true);
      if (!names) return;
      std::vector<Format> formats;
      for (const auto& [name, pos] : *names) {
        const std::optional<Format> format = parse_format(name);
        if (!format) {
          d_.error(
              pos,
              fmt::format("unknown format `{}`; formats are table, csv, json and markdown", quote_for_message(name)),
              d_.size() < kMaxHintedErrors ? did_you_mean(name, kFormatNames) : std::string{});
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
      d_.error(at(item, runs_key),
               fmt::format("a run must be a mapping (name:, model:, …), not {}", yaml_kind_name(item)));
      return std::nullopt;
    }
    BatchRun run;
    run.pos = at(item, runs_key);
    const std::size_t errors_before = d_.size();
    const auto keys = entries(item, kRunKeys, "a run");
    RunSettingsText own;
    for (const auto& [key, entry] : keys)
      if (key != "name" && key != "model") setting(key, entry.second, entry.first, own);

    if (auto it = keys.find("name"); it == keys.end()) {
      d_.error(run.pos, "a run needs a `name:` (its result files are named after it)");
    } else if (auto name = scalar(it->second.second, it->second.first, "a run's `name`")) {
      run.pos = at(it->second.second, it->second.first);
      run.name = *name;
      check_name(run.name, run.pos);
    }
    if (auto it = keys.find("model"); it == keys.end()) {
      d_.error(run.pos, "a run needs a `model:` (the model file, relative to the batch file's folder)");
    } else if (auto model = scalar(it->second.second, it->second.first, "a run's `model`")) {
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
    if (auto formats = pick(own.formats, defaults.formats)) run.formats = *formats;
    if (auto chosen = pick(own.percentiles, defaults.percentiles)) run.percentiles = *chosen;
    if (auto chosen = pick(own.exceedances, defaults.exceedances)) {
      run.exceedances = *chosen;
      run.exceedance_pos = own.exceedances ? own.exceedance_pos : defaults.exceedance_pos;
    }
    if (d_.size() != errors_before) return std::nullopt;
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
  std::string path_;
};

}  // namespace

BatchFile load_batch_text(std::string_view text, const std::string& path) {
  Diagnostics diagnostics(path);
  if (text.size() > kMaxBatchBytes) {
    diagnostics.error({}, fmt::format("the batch file is larger than {} MiB", kMaxBatchBytes >> 20));
    throw ModelError(std::move(diagnostics));
  }
  const std::optional<YAML::Node> root = parse_yaml_text(text, "batch file", diagnostics);
  if (!root) throw ModelError(std::move(diagnostics));
  if (!*root || root->IsNull()) {
    diagnostics.error({1, 1}, "the batch file is empty (no YAML content, only blanks or comments)");
    throw ModelError(std::move(diagnostics));
  }
  BatchLoader loader(diagnostics, path);
  BatchFile batch = loader.load(*root);
  if (!diagnostics.empty()) throw ModelError(std::move(diagnostics));
  return batch;
}

BatchFile load_batch_file(const std::string& path) {
  Diagnostics diagnostics(path);
  std::optional<std::string> text = read_input_file(path, "batch file", kMaxBatchBytes, diagnostics);
  if (!text) throw ModelError(std::move(diagnostics));
  return load_batch_text(*text, path);
}

void check_run_scenarios(const BatchRun& run, const Model& model, Diagnostics& diagnostics) {
  const std::vector<std::string> names = model.scenario_names();
  for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
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
  for (std::size_t i = 0; i < run.exceedances.size(); ++i) {
    const std::string& name = run.exceedances[i].output;
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    // One report per misspelt name, not one per threshold.
    if (std::any_of(run.exceedances.begin(), run.exceedances.begin() + static_cast<std::ptrdiff_t>(i),
                    [&](const ExceedanceThreshold& e) { return e.output == name; }))
      continue;
    diagnostics.error(
        run.exceedance_pos[i],
        fmt::format("run `{}`: `exceed` names `{}`, which is not an output of {} (outputs: {})", run.name,
                    quote_for_message(name), printable_for_message(run.model_path), fmt::join(names, ", ")),
        diagnostics.size() < kMaxHintedErrors ? did_you_mean(name, names) : std::string{});
  }
}

std::string result_file_name(const BatchRun& run, Format format) {
  return fmt::format("{}.{}", run.name, file_extension(format));
}

}  // namespace riskcast
