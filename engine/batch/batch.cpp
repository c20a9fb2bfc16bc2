// Batch file → list of runs. Like the model loader, every problem is reported
// with its position, and checking goes on so one pass shows them all.
#include "riskcast/batch.hpp"
#include "riskcast/index_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <random>

#include "riskcast/count.hpp"
#include "riskcast/random_layout.hpp"  // kMaxSamples
#include "riskcast/report.hpp"         // format_exact
#include "riskcast/riskcast.hpp"
#include "riskcast/yaml_reader.hpp"
#include "riskcast/yaml_text.hpp"

namespace riskcast {
namespace {

const std::vector<std::string> kTopKeys = {"batch", "defaults", "runs", "sweeps"};
const std::vector<std::string> kRunKeys = {"name",    "model",       "scenarios", "samples", "seed",
                                           "formats", "percentiles", "exceed",    "method",  "replicates"};
const std::vector<std::string> kSweepKeys = {"name",    "model",       "scenarios", "samples", "seed",
                                             "formats", "percentiles", "exceed",    "method",  "replicates",
                                             "levers",  "design",      "cells",     "output"};
const std::vector<std::string> kDesignNames = {"factorial", "lhs"};
const std::vector<std::string> kRangeKeys = {"from", "to", "steps"};
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
    std::map<std::string, SourcePos> names;  // lowercased: names must differ on case-insensitive file systems
    auto runs = top.find("runs");
    auto sweeps = top.find("sweeps");
    if (runs == top.end() && sweeps == top.end()) {
      d_.error({1, 1}, "the batch file has no `runs:` list (nor `sweeps:`); nothing would run");
      return batch;
    }
    if (runs != top.end()) listed_runs(runs->second, defaults, names, batch);
    if (sweeps != top.end()) this->sweeps(sweeps->second, defaults, names, batch);
    return batch;
  }

 private:
  void listed_runs(const YamlEntry& runs, const RunSettingsText& defaults, std::map<std::string, SourcePos>& names,
                   BatchFile& batch) {
    const YAML::Node& list = runs.value;
    if (!list.IsSequence()) {
      d_.error(yaml_.position(list, runs.key),
               fmt::format("`runs` must be a list of runs (`- name: …`), not {}", yaml_kind_name(list)));
      return;
    }
    if (list.size() == 0) {
      d_.error(yaml_.position(runs.key), "`runs` is empty; nothing would run");
      return;
    }
    for (const YAML::Node& item : list) {
      if (std::optional<BatchRun> run = this->run(item, runs.key, defaults, kRunKeys, "a run"))
        add_run(std::move(*run), names, batch);
    }
  }

  // Adds `run` unless its name is taken (ignoring case); false then.
  bool add_run(BatchRun run, std::map<std::string, SourcePos>& names, BatchFile& batch) {
    const auto [first, fresh] = names.emplace(lowercase(run.name), run.pos);
    if (!fresh) {
      d_.error(run.pos, fmt::format("duplicate run name `{}`", run.name),
               fmt::format("first given at line {}; names are file names, so case does not count", first->second.line));
      unfinished_.push_back(std::move(run));
      return false;
    }
    batch.runs.push_back(std::move(run));
    return true;
  }

  // One lever's values: a list (numbers, or parameter definitions as a
  // model's `dist:` writes them), or a range {from, to} (a Latin hypercube
  // samples it) with `steps` (the full factorial takes that many evenly
  // spaced values, both ends included).
  struct Lever {
    std::string name;
    SourcePos pos;
    std::vector<std::string> texts;  // as the overrides give them
    std::vector<double> values;      // NaN: a definition that is no number
    std::optional<std::pair<double, double>> range;
    bool stepped = false;
  };

  std::optional<Lever> lever(const YAML::Node& name, const YAML::Node& value, bool latin_hypercube) {
    Lever lever;
    lever.name = name.Scalar();
    lever.pos = yaml_.position(name);
    const std::string what = fmt::format("lever `{}`", quote_for_message(lever.name));
    if (value.IsSequence()) {
      if (latin_hypercube) {
        d_.error(yaml_.position(value, name),
                 fmt::format("{}: a Latin hypercube samples ranges; give `{{from: A, to: B}}`, not a list", what));
        return std::nullopt;
      }
      if (value.size() == 0) {
        d_.error(yaml_.position(value, name), fmt::format("{} has no values", what));
        return std::nullopt;
      }
      for (const YAML::Node& item : value) {
        const std::optional<std::string> text =
            yaml_.text(item, what + "'s value", name, "a number or a distribution", false);
        if (!text) return std::nullopt;
        const std::optional<double> number = parse_real_number(*text);
        lever.texts.push_back(number ? format_exact(*number) : *text);
        lever.values.push_back(number ? *number : std::numeric_limits<double>::quiet_NaN());
      }
      return lever;
    }
    if (!value.IsMap()) {
      d_.error(yaml_.position(value, name),
               fmt::format("{} must be a list of values ([0.1, 0.2]) or a range ({{from: 0.1, to: 0.5, steps: 5}}), "
                           "not {}",
                           what, yaml_kind_name(value)));
      return std::nullopt;
    }
    const YamlMapping keys = yaml_.mapping(value, kRangeKeys, what);
    std::optional<double> ends[2];
    const char* end_names[2] = {"from", "to"};
    for (int e = 0; e < 2; ++e) {
      auto it = keys.find(end_names[e]);
      if (it == keys.end()) {
        d_.error(yaml_.position(value, name), fmt::format("{}: the range needs `{}:`", what, end_names[e]));
        continue;
      }
      const std::optional<std::string> text = yaml_.text(it->second.value, what, it->second.key, "a number", false);
      if (!text) continue;
      std::string problem;
      ends[e] = parse_real_number(*text, &problem);
      if (!ends[e])
        d_.error(yaml_.position(it->second.value, it->second.key),
                 fmt::format("{}: `{}` '{}' {}", what, end_names[e], quote_for_message(*text), problem));
    }
    if (!ends[0] || !ends[1]) return std::nullopt;
    if (!(*ends[0] < *ends[1])) {
      d_.error(yaml_.position(value, name),
               fmt::format("{}: the range runs from {} to {}; `from` must be below `to`", what, *ends[0], *ends[1]));
      return std::nullopt;
    }
    lever.range = {*ends[0], *ends[1]};
    auto steps = keys.find("steps");
    if (latin_hypercube) {
      if (steps != keys.end()) {
        d_.error(yaml_.position(steps->second.key),
                 fmt::format("{}: a Latin hypercube takes no `steps` (the sweep's `cells` says how many)", what));
        return std::nullopt;
      }
      return lever;
    }
    if (steps == keys.end()) {
      d_.error(yaml_.position(value, name),
               fmt::format("{}: a full factorial range needs `steps:` (how many values, both ends included)", what));
      return std::nullopt;
    }
    const std::optional<std::uint64_t> n =
        yaml_.whole_count(steps->second.value, steps->second.key, "`steps`", 2, kMaxSweepCells);
    if (!n) return std::nullopt;
    lever.stepped = true;
    for (std::uint64_t k = 0; k < *n; ++k) {
      // Both ends exactly; between them from + k·(to − from)/(steps − 1).
      const double v = k + 1 == *n
                           ? *ends[1]
                           : *ends[0] + (*ends[1] - *ends[0]) * static_cast<double>(k) / static_cast<double>(*n - 1);
      lever.values.push_back(v);
      lever.texts.push_back(format_exact(v));
    }
    return lever;
  }

  // A value's part of a cell's name: the number (shortest text that reads
  // back; a Latin hypercube's to 6 significant digits), `+` and other
  // characters a run name cannot hold left out; a definition that is no
  // number by its place in the list (v1, v2, …).
  static std::string name_part(double value, std::size_t index, bool latin_hypercube) {
    if (std::isnan(value)) return fmt::format("v{}", index + 1);
    std::string text = latin_hypercube ? fmt::format("{:.6g}", value) : fmt::format("{}", value);
    std::erase(text, '+');
    return text;
  }

  void sweeps(const YamlEntry& entry, const RunSettingsText& defaults, std::map<std::string, SourcePos>& names,
              BatchFile& batch) {
    const YAML::Node& list = entry.value;
    if (!list.IsSequence() || list.size() == 0) {
      d_.error(yaml_.position(list, entry.key),
               list.IsSequence()
                   ? std::string("`sweeps` is empty; nothing would run")
                   : fmt::format("`sweeps` must be a list of sweeps (`- name: …`), not {}", yaml_kind_name(list)));
      return;
    }
    for (const YAML::Node& item : list) sweep(item, entry.key, defaults, names, batch);
  }

  void sweep(const YAML::Node& item, const YAML::Node& owner, const RunSettingsText& defaults,
             std::map<std::string, SourcePos>& names, BatchFile& batch) {
    const std::size_t errors_before = d_.size();
    YamlMapping keys;
    std::optional<BatchRun> base = run(item, owner, defaults, kSweepKeys, "a sweep", &keys);
    if (!item.IsMap()) return;
    BatchSweep sweep;
    sweep.pos = base ? base->pos : yaml_.position(item, owner);
    bool latin_hypercube = false;
    if (auto it = keys.find("design"); it != keys.end()) {
      if (auto name = yaml_.text(it->second.value, "`design`", it->second.key, "factorial or lhs")) {
        if (*name == "lhs")
          latin_hypercube = true;
        else if (*name != "factorial")
          d_.error(yaml_.position(it->second.value, it->second.key),
                   fmt::format("unknown design `{}`; a sweep's designs are factorial (every combination of the "
                               "levers' values) and lhs (a Latin hypercube over their ranges)",
                               quote_for_message(*name)),
                   yaml_.hint_for(*name, kDesignNames));
      }
    }
    sweep.latin_hypercube = latin_hypercube;
    std::optional<std::uint64_t> cells;
    if (auto it = keys.find("cells"); it != keys.end()) {
      if (!latin_hypercube)
        d_.error(yaml_.position(it->second.key),
                 "`cells` is for `design: lhs`; a full factorial has one cell per combination of the levers' values");
      else
        cells = yaml_.whole_count(it->second.value, it->second.key, "`cells`", 1, kMaxSweepCells);
    } else if (latin_hypercube) {
      d_.error(sweep.pos, "a sweep with `design: lhs` needs `cells:` (how many points of the Latin hypercube)");
    }
    if (auto it = keys.find("output"); it != keys.end()) {
      if (auto name = yaml_.text(it->second.value, "`output`", it->second.key, "an output's name", false)) {
        sweep.output = *name;
        sweep.output_pos = yaml_.position(it->second.value, it->second.key);
      }
    }
    std::vector<Lever> levers;
    if (auto it = keys.find("levers"); it == keys.end()) {
      d_.error(sweep.pos, "a sweep needs `levers:` (parameters and the values to set them to)");
    } else if (!it->second.value.IsMap() || it->second.value.size() == 0) {
      d_.error(yaml_.position(it->second.value, it->second.key),
               "`levers` must be a mapping of parameters to values, e.g. {ban_scope: [0.5, 0.75, 1]}");
    } else {
      for (auto l = it->second.value.begin(); l != it->second.value.end(); ++l) {
        if (!l->first.IsScalar() || l->first.Scalar().empty()) {
          d_.error(yaml_.position(l->first, it->second.key), "each key of `levers` must be a parameter's name");
          continue;
        }
        if (std::any_of(levers.begin(), levers.end(), [&](const Lever& x) { return x.name == l->first.Scalar(); })) {
          d_.error(yaml_.position(l->first), fmt::format("lever `{}` is given twice", l->first.Scalar()));
          continue;
        }
        if (std::optional<Lever> one = lever(l->first, l->second, latin_hypercube)) levers.push_back(std::move(*one));
      }
    }
    if (!base || d_.size() != errors_before) return;
    sweep.name = base->name;
    sweep.model_path = base->model_path;
    for (const Lever& l : levers) {
      sweep.levers.push_back(l.name);
      sweep.lever_pos.push_back(l.pos);
    }

    // The cells: every combination (the last lever varying fastest), or a
    // Latin hypercube: each lever's range cut into `cells` strata, one
    // point drawn in each, the strata of the levers paired by independent
    // random permutations (McKay, Beckman & Conover 1979), from the
    // sweep's seed: std::mt19937_64, whose sequence the C++ standard fixes.
    std::vector<std::vector<std::size_t>> picks;  // per cell, per lever: the value's index
    std::vector<std::vector<double>> points;      // lhs: per cell, per lever
    if (latin_hypercube) {
      const std::size_t n = static_cast<std::size_t>(*cells);
      std::mt19937_64 random(base->seed);
      auto uniform = [&] { return static_cast<double>(random() >> 11) * 0x1p-53; };
      points.assign(n, std::vector<double>(levers.size()));
      for (std::size_t j = 0; j < levers.size(); ++j) {
        std::vector<std::size_t> strata(n);
        for (std::size_t i = 0; i < n; ++i) strata[i] = i;
        for (std::size_t i = n; i-- > 1;) std::swap(strata[i], strata[random() % (i + 1)]);
        const auto [lo, hi] = *levers[j].range;
        for (std::size_t i = 0; i < n; ++i)
          points[i][j] = lo + (hi - lo) * (static_cast<double>(strata[i]) + uniform()) / static_cast<double>(n);
      }
    } else {
      std::size_t total = 1;
      bool too_many = false;
      for (const Lever& l : levers) {
        too_many = too_many || total > kMaxSweepCells / l.values.size();
        total = too_many ? total : total * l.values.size();
      }
      if (too_many || total > kMaxSweepCells) {
        std::vector<std::string> sizes;
        for (const Lever& l : levers) sizes.push_back(std::to_string(l.values.size()));
        d_.error(sweep.pos, fmt::format("sweep `{}` would have {} cells, more than the {} a sweep may have", sweep.name,
                                        fmt::join(sizes, " × "), kMaxSweepCells));
        return;
      }
      std::vector<std::size_t> at(levers.size(), 0);
      for (std::size_t c = 0; c < total; ++c) {
        picks.push_back(at);
        for (std::size_t j = levers.size(); j-- > 0;) {
          if (++at[j] < levers[j].values.size()) break;
          at[j] = 0;
        }
      }
    }
    // Cell names: a Latin hypercube's values to 6 significant digits, or in
    // full where that would name two cells alike (a narrow range).
    const std::size_t count = latin_hypercube ? points.size() : picks.size();
    std::vector<BatchRun> cells_made;
    for (bool full : {false, true}) {
      cells_made.clear();
      for (std::size_t c = 0; c < count; ++c) {
        BatchRun cell = *base;
        cell.sweep = batch.sweeps.size();
        cell.name = sweep.name;
        for (std::size_t j = 0; j < levers.size(); ++j) {
          const double value = latin_hypercube ? points[c][j] : levers[j].values[picks[c][j]];
          const std::string text = latin_hypercube ? format_exact(value) : levers[j].texts[picks[c][j]];
          cell.overrides.push_back({levers[j].name, text});
          cell.setting_text.push_back(text);
          cell.setting_values.push_back(value);
          cell.name += fmt::format(".{}-{}", element_file_name(levers[j].name, '_'),
                                   name_part(value, latin_hypercube ? 0 : picks[c][j], latin_hypercube && !full));
        }
        cells_made.push_back(std::move(cell));
      }
      std::map<std::string, std::size_t> seen;
      bool alike = false;
      for (std::size_t c = 0; c < cells_made.size() && !alike; ++c)
        alike = !seen.emplace(lowercase(cells_made[c].name), c).second;
      if (!alike) break;
      if (!latin_hypercube || full) {
        // A value listed twice (0.5 and 5e-1 are one value).
        for (std::size_t j = 0; j < levers.size(); ++j)
          for (std::size_t a = 0; a < levers[j].texts.size(); ++a)
            for (std::size_t b = a + 1; b < levers[j].texts.size(); ++b)
              if (levers[j].texts[a] == levers[j].texts[b] ||
                  (!std::isnan(levers[j].values[a]) && levers[j].values[a] == levers[j].values[b])) {
                d_.error(levers[j].pos, fmt::format("sweep `{}`: lever `{}` lists the value {} twice", sweep.name,
                                                    levers[j].name, levers[j].texts[a]));
                return;
              }
        d_.error(sweep.pos, fmt::format("sweep `{}`: two cells would have one name", sweep.name));
        return;
      }
    }
    for (const BatchRun& cell : cells_made)
      if (cell.name.size() > kMaxRunNameLength || !std::all_of(cell.name.begin(), cell.name.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
          })) {
        d_.error(sweep.pos, fmt::format("sweep `{}`: its cells are named after their settings (`{}`), which must be "
                                        "letters, digits, `-`, `_` and `.`, at most {} characters; shorten the "
                                        "sweep's name or its levers'",
                                        sweep.name, quote_for_message(cell.name), kMaxRunNameLength));
        return;
      }
    const auto [first, fresh] = sweep_names_.emplace(lowercase(sweep.name), sweep.pos);
    if (!fresh) {
      d_.error(sweep.pos, fmt::format("duplicate sweep name `{}`", sweep.name),
               fmt::format("first given at line {}; its charts are named after it", first->second.line));
      return;
    }
    // The sweep first, so that every cell added names a sweep there is.
    sweep.first_run = batch.runs.size();
    batch.sweeps.push_back(sweep);
    std::size_t added = 0;
    for (BatchRun& cell : cells_made) added += add_run(std::move(cell), names, batch);
    batch.sweeps.back().cells = added;
  }

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

  // A run (`what` "a run") or what a sweep's cells share ("a sweep", whose
  // own keys, among `allowed`, sweep() reads).
  std::optional<BatchRun> run(const YAML::Node& item, const YAML::Node& runs_key, const RunSettingsText& defaults,
                              const std::vector<std::string>& allowed, const std::string& what,
                              YamlMapping* keys_out = nullptr) {
    if (!item.IsMap()) {
      d_.error(yaml_.position(item, runs_key),
               fmt::format("{} must be a mapping (name:, model:, …), not {}", what == "a run" ? "a run" : "a sweep",
                           yaml_kind_name(item)));
      return std::nullopt;
    }
    BatchRun run;
    run.pos = yaml_.position(item, runs_key);
    const std::size_t errors_before = d_.size();
    const YamlMapping keys = yaml_.mapping(item, allowed, what);
    if (keys_out) *keys_out = keys;
    RunSettingsText own;
    for (const auto& [key, entry] : keys)
      if (std::find(kRunKeys.begin(), kRunKeys.end(), key) != kRunKeys.end() && key != "name" && key != "model")
        setting(key, entry, own);

    if (auto it = keys.find("name"); it == keys.end()) {
      d_.error(run.pos, what == "a run" ? "a run needs a `name:` (its result files are named after it)"
                                        : "a sweep needs a `name:` (its cells' names start with it)");
    } else if (auto name = yaml_.text(it->second.value, what == "a run" ? "a run's `name`" : "a sweep's `name`",
                                      it->second.key, "a single value", false)) {
      run.pos = yaml_.position(it->second.value, it->second.key);
      run.name = *name;
      check_name(run.name, run.pos);
    }
    if (auto it = keys.find("model"); it == keys.end()) {
      d_.error(run.pos, fmt::format("{} needs a `model:` (the model file, relative to the batch file's folder)",
                                    what == "a run" ? "a run" : "a sweep"));
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
  std::map<std::string, SourcePos> sweep_names_;  // lowercased

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
  auto model_of = [&](const BatchRun& run) -> const LoadedModel* {
    if (run.model_path.empty()) return nullptr;
    auto [it, fresh] = models.try_emplace(run.model_path);
    if (fresh) {
      try {
        it->second = LoadedModel::from_file(run.model_path);
      } catch (const std::exception&) {
        // A model that cannot be read fails its runs when they run.
      }
    }
    return it->second ? &*it->second : nullptr;
  };
  for (std::size_t i = 0; i < batch.runs.size(); ++i)
    if (const LoadedModel* model = model_of(batch.runs[i])) check_batch_names(batch, i, model->ir(), diagnostics);
  for (const BatchRun& run : unfinished)
    if (const LoadedModel* model = model_of(run)) check_run_names(run, model->ir(), diagnostics);
  throw ModelError(std::move(diagnostics));
}

void check_run_names(const BatchRun& run, const Model& model, Diagnostics& diagnostics) {
  check_run_scenarios(run, model, diagnostics);
  check_run_outputs(run, model, diagnostics);
}

void check_batch_names(const BatchFile& batch, std::size_t index, const Model& model, Diagnostics& diagnostics) {
  const BatchRun& run = batch.runs.at(index);
  if (run.sweep == BatchRun::kNoSweep) return check_run_names(run, model, diagnostics);
  const BatchSweep& sweep = batch.sweeps.at(run.sweep);
  if (index != sweep.first_run) return;
  check_run_names(run, model, diagnostics);
  std::vector<std::string> parameters, outputs;
  for (const Parameter& p : model.parameters) parameters.push_back(p.name);
  for (const Output& o : model.outputs) outputs.push_back(o.name);
  for (std::size_t j = 0; j < sweep.levers.size(); ++j) {
    const std::string& lever = sweep.levers[j];
    if (std::find(parameters.begin(), parameters.end(), lever) != parameters.end()) continue;
    const std::string model_file = printable_for_message(sweep.model_path);
    // Worded as LoadedModel::with_parameters words the same refusals.
    if (const std::string kind = model.kind_of_name(lever); !kind.empty())
      diagnostics.error(sweep.lever_pos[j], fmt::format("sweep `{}`: lever `{}` is {}, not a parameter of {}",
                                                        sweep.name, quote_for_message(lever), kind, model_file));
    else if (const std::string hint = over_index_hint(model, lever); !hint.empty())
      diagnostics.error(sweep.lever_pos[j],
                        fmt::format("sweep `{}`: lever `{}` is over an index of {}: a lever is one element", sweep.name,
                                    quote_for_message(lever), model_file),
                        hint);
    else
      diagnostics.error(sweep.lever_pos[j],
                        fmt::format("sweep `{}`: lever `{}` is not a parameter of {}", sweep.name,
                                    quote_for_message(lever), model_file),
                        diagnostics.size() < kMaxHintedErrors ? did_you_mean(lever, parameters) : "");
  }
  if (!sweep.output.empty() && std::find(outputs.begin(), outputs.end(), sweep.output) == outputs.end())
    diagnostics.error(
        sweep.output_pos,
        fmt::format("sweep `{}`: `output` names `{}`, which is not an output of {} (outputs: {})", sweep.name,
                    quote_for_message(sweep.output), printable_for_message(sweep.model_path), fmt::join(outputs, ", ")),
        diagnostics.size() < kMaxHintedErrors ? did_you_mean(sweep.output, outputs) : "");
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
