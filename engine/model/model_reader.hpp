// The model loader's reader: YAML → model IR, one section at a time, on top
// of the shared YAML reading layer (yaml_reader.hpp). Private to
// engine/model/; each section's reading lives in its own file:
//   loader.cpp      the file and its top-level sections, unique names
//   model_reader.cpp  the model's entry conventions: named entries,
//                   formulas cut at a comma, misindented keys and sections
//   formulas.cpp    formula-valued reads (numbers, probabilities, whole
//                   numbers), monthly formulas and outputs, metadata
//   parameters.cpp  parameters and distributions
//   events.cpp      regimes, switches, arrivals and innovations
//   scenarios.cpp   scenarios and their overrides
//   correlations.cpp  rank correlations between parameters
//   data.cpp        data tables and their CSV files
//   indexes.cpp     indexes, entries over them, and their expansion into
//                   flat entries
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/yaml_reader.hpp"

namespace riskcast::model_reading {

// Most states a regime may have: its transition matrix has one formula per
// pair of states.
inline constexpr std::size_t kMaxStates = 256;

// Most flat entries a model's entries over indexes may expand into, and
// most element terms its reductions may expand into, all formulas
// together: what loading may build stays within memory and time whatever
// the file says (a reduction inside a reduction multiplies). A term costs
// about 440 bytes while loading (measured: 10^7 terms took 4.4 GB and 20 s
// to check), so 10^6 terms stay near half a gigabyte and two seconds.
inline constexpr std::size_t kMaxExpandedEntries = 1'000'000;
inline constexpr std::size_t kMaxExpandedTerms = 1'000'000;

// The keys of each part of a model file.
extern const std::vector<std::string> kTopLevelKeys;
extern const std::vector<std::string> kParameterKeys;
extern const std::vector<std::string> kFormulaKeys;  // a monthly formula's
extern const std::vector<std::string> kOutputKeys;   // an output's: kFormulaKeys and `kind`
extern const std::vector<std::string> kScenarioKeys;
extern const std::vector<std::string> kDataKeys;  // a data table's
// Every key any event may have (each kind allows some of them).
extern const std::vector<std::string> kEventKeys;

bool contains(const std::vector<std::string>& keys, std::string_view key);
bool is_identifier(std::string_view s);
std::string_view trimmed(std::string_view s);
// The hint for a reserved word (builtins.hpp) used as a name, or "" for a
// free name. No name a formula can see (an entry, a regime state) may be one.
std::string reserved_hint(std::string_view name);

using Entry = YamlEntry;

class ModelReader : public YamlReader {
 public:
  ModelReader(Diagnostics& diagnostics, std::string_view text) : YamlReader(diagnostics, text), d_(diagnostics) {}

  Model load(const YAML::Node& root, const std::string& file);

  // A distribution written outside a file (engine/api/overrides.cpp), read
  // exactly as a parameter's `dist:` is.
  std::optional<Distribution> standalone_distribution(const Expr& e) { return distribution_from(e); }

 private:
  class CutFormulaWatch;
  friend class CutFormulaWatch;

  // model_reader.cpp
  std::map<std::string, Entry> mapping(const YAML::Node& node, const std::vector<std::string>& allowed,
                                       std::string_view context);
  std::vector<std::pair<std::string, Entry>> named_entries(const YAML::Node& node, std::string_view section,
                                                           const std::vector<std::string>& entry_keys);
  bool misindented(std::string_view section, const std::vector<std::string>& entry_keys, const YAML::Node& key,
                   const YAML::Node& value, const Entry* previous);
  void check_unique_names(const Model& model);

  // formulas.cpp
  std::string text(const YAML::Node& node, std::string_view what);
  std::string identifier_text(const YAML::Node& node, std::string_view what);
  std::optional<Expr> formula(const YAML::Node& node, std::string_view what, std::string_view expected = "a formula");
  std::optional<double> number(const YAML::Node& node, std::string_view what);
  std::optional<double> probability(const YAML::Node& node, std::string_view what);
  std::optional<Expr> probability_formula(const YAML::Node& node, std::string_view what);
  std::optional<std::uint64_t> whole_number(const YAML::Node& node, std::string_view what, std::uint64_t lo,
                                            std::uint64_t hi);
  std::uint32_t horizon(const YAML::Node& node);
  void metadata(const std::map<std::string, Entry>& keys, Metadata& meta);
  std::optional<OutputKind> output_kind(const YAML::Node& node, std::string_view what);
  // A formula or a mapping of `allowed` keys with `formula:`.
  bool formula_entry(const Entry& entry, std::string_view what, const std::vector<std::string>& allowed, Expr& out,
                     Metadata& meta);
  // The named formulas of `monthly:` or `outputs:` (`section`), each a `kind`
  // in messages ("output `x`"); for MonthlyFormula and Output.
  template <class NamedFormula>
  void formula_section(const YAML::Node& node, std::string_view section, std::string_view kind,
                       std::vector<NamedFormula>& out, std::vector<IndexedEntry>& indexed);

  // parameters.cpp
  std::optional<Distribution> distribution(const YAML::Node& node, std::string_view what);
  std::optional<Distribution> distribution_from(const Expr& e);
  std::string dependence_hint(const Expr& e) const;
  std::optional<Parameter> parameter(const std::string& name, const Entry& entry);

  // events.cpp
  std::optional<Event> event(const std::string& name, const Entry& entry, const Event* base);
  void regime(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override);
  void switch_event(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override);
  void arrivals(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override);
  void innovation(Event& ev, std::map<std::string, Entry>& keys, const std::string& context, bool is_override);
  std::optional<Innovation> innovation_law(const Expr& call);

  // indexes.cpp
 public:
  // A name read over indexes: an entry declared with `over:` or a constant
  // table by index. A table gives `constants`, one number per combination of
  // elements (the first index outermost): a formula then reads the number
  // itself, so a table may stand even in a distribution's arguments.
  struct IndexedName {
    std::vector<std::uint32_t> over;  // into Model::indexes
    std::vector<double> constants;    // empty for an entry
  };
  // Registers a constant table by index (see IndexedName), before the
  // entries are read.
  void add_indexed_constant(const std::string& name, IndexedName table) { indexed_names_[name] = std::move(table); }

 private:
  // The element of an indexed entry being read.
  struct ElementScope {
    std::vector<std::uint32_t> over;
    std::vector<std::uint32_t> combination;
    bool partial = false;  // a scenario's override: a mapping may leave elements out
  };
  void indexes(const YAML::Node& node, Model& model);
  // The `over:` of every entry of each section, before any is read.
  void read_over(const YAML::Node& root_section, std::string_view section);
  std::optional<std::vector<std::uint32_t>> over_of(const YAML::Node& value, const std::string& name);
  // Reads entry `name` of a section with `read(flat_name)`: once if it is not
  // over an index, else once per element with scope_ set, each element's
  // errors reported once. `partial`: a scenario's override, which reads only
  // the elements `given(…)` says it names.
  // `record`: where an indexed entry is listed (Model::indexed); `output`:
  // the entry is an output (outputs may share a name with an entry, which
  // check_unique_names reports).
  using ReadElement = std::function<void(const std::string& flat_name)>;
  void read_over_elements(const std::string& name, const Entry& entry, std::vector<IndexedEntry>* record, bool output,
                          bool partial, const ReadElement& read, const std::function<bool()>& given);
  void read_entry(const std::string& name, const Entry& entry, std::vector<IndexedEntry>* record, bool output,
                  const ReadElement& read) {
    read_over_elements(name, entry, record, output, false, read, [] { return true; });
  }
  // Whether a mapping is keyed by the elements of the current entry's first
  // index (a scenario's `capacity: {huawei: …}`) rather than by `keys`.
  bool element_keyed(const YAML::Node& node, const std::vector<std::string>& keys) const;
  const IndexedName* indexed_entry(std::string_view name) const;
  // The current element's value of a per-element node (one value, a list
  // in element order, or a mapping element → value; nested for two
  // indexes); the node itself outside an indexed entry. `own_keys`: the keys
  // a mapping has as a value of its own (a regime's states), not per element.
  std::optional<YAML::Node> for_element(const YAML::Node& node, std::string_view what,
                                        const std::vector<std::string>* own_keys = nullptr);
  // In a scenario's override, whether `node` gives a value for the current element.
  bool gives_element(const YAML::Node& node, const std::vector<std::string>* own_keys = nullptr) const;
  // Rewrites a formula read in the current scope into flat names: a name
  // over indexes becomes its element (broadcast), picks and reductions are
  // expanded. False, with the error, on an index mistake.
  bool expand_indexes(Expr& e);
  std::string element_name(const std::string& name) const;

  // correlations.cpp
  struct CorrelationContext {
    const Model& model;
    std::string where;                        // "" or " of scenario `name`", for messages
    const std::vector<Parameter>& overrides;  // a scenario's parameters
    bool scenario = false;                    // a 0 is kept: it removes the model's pair
  };
  std::vector<ParameterCorrelation> correlations(const YAML::Node& node, const CorrelationContext& ctx);
  void correlation_matrix(const YAML::Node& node, const CorrelationContext& ctx,
                          std::vector<ParameterCorrelation>& pairs);
  // The index of parameter `name` (written at `pos`) if it may be correlated;
  // otherwise reports why (not a parameter, constant in effect) and nullopt.
  std::optional<std::size_t> correlatable(const std::string& name, SourcePos pos, const CorrelationContext& ctx);
  void correlation_pair(const std::string& a, SourcePos a_pos, const std::string& b, SourcePos b_pos, double rho,
                        SourcePos pos, const CorrelationContext& ctx, std::vector<ParameterCorrelation>& pairs);
  // data.cpp: a data table with its file read; the file's path is relative
  // to the folder of model.file, and `by` is `month` or one of model.indexes
  // (a table by index is registered as a constant over it).
  std::optional<DataTable> data_table(const std::string& name, const Entry& entry, const Model& model);

  // scenarios.cpp
  std::optional<Scenario> scenario(const std::string& name, const Entry& entry, const Model& model);
  // `groups:` (groups.cpp), read once every parameter and event is known.
  std::vector<InputGroup> groups(const YAML::Node& node, const Model& model);
  // The index (in `index`) of the parameter or event (`what`) a scenario
  // overrides, or nullopt with the error, unless the entry's own definition
  // failed and has been reported.
  std::optional<std::size_t> overridden(const std::string& scenario, const std::string& name, const Entry& entry,
                                        const std::map<std::string, std::size_t, std::less<>>& index,
                                        const std::vector<std::string>& names, std::string_view what);

  struct ScenarioNames {
    std::vector<std::string> parameters, events;
    std::map<std::string, std::size_t, std::less<>> parameter_index, event_index;
  };

  Diagnostics& d_;
  const std::vector<Index>* indexes_ = nullptr;  // the model's, once read
  std::map<std::string, IndexedName, std::less<>> indexed_names_;
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> output_over_;
  std::optional<ElementScope> scope_;  // while reading one element of an indexed entry
  std::size_t expanded_entries_ = 0;   // flat entries made so far, within kMaxExpandedEntries
  std::size_t expanded_terms_ = 0;     // reductions' element terms so far, within kMaxExpandedTerms
  std::string reading_;                // the entry being read, for messages
  ScenarioNames scenario_names_;
  std::set<std::string, std::less<>> broken_names_;  // entries whose definition failed
  std::set<std::pair<int, int>> cut_values_;         // marks of formulas cut at a comma
  std::set<std::string> misplaced_sections_;         // top-level sections found indented under another
  std::set<std::string, std::less<>> entry_names_;   // parameters, events, monthly formulas as written
  std::uint32_t horizon_ = 12;
  // Each data file read once, however many tables name it: its text, or
  // why it could not be read (a pipe such as stdin can be read only once).
  std::map<std::string, std::pair<std::optional<std::string>, std::string>> data_files_;
};

}  // namespace riskcast::model_reading
