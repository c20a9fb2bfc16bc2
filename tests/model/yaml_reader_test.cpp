// The YAML reading layer both the model and the batch loader read through.
#include "riskcast/yaml_reader.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "riskcast/yaml_text.hpp"

namespace riskcast::testing {
namespace {

// A file's text with its parsed root and a reader over both.
struct Parsed {
  explicit Parsed(std::string source) : text(std::move(source)), root(YAML::Load(text)), reader(diagnostics, text) {}
  std::string text;
  YAML::Node root;
  Diagnostics diagnostics{"f.yaml"};
  YamlReader reader;
};

TEST(YamlReader, MappingReportsUnknownDuplicateAndNonTextKeys) {
  Parsed f("sampels: 1\nseed: 2\nseed: 3\n[a]: 4\nzzz: 5\n");
  const YamlMapping m = f.reader.mapping(f.root, {"samples", "seed"}, "a run");
  EXPECT_EQ(f.diagnostics.format(),
            "f.yaml:1:1: error: unknown key `sampels` in a run (did you mean `samples`?)\n"
            "f.yaml:3:1: error: duplicate key `seed` in a run (first given at line 2)\n"
            "f.yaml:4:1: error: keys in a run must be plain names\n"
            "f.yaml:5:1: error: unknown key `zzz` in a run\n");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m.at("seed").value.Scalar(), "2");  // the first of duplicates counts
}

TEST(YamlReader, MappingOfSomethingElseIsAnError) {
  Parsed f("top: [1, 2]\n");
  EXPECT_TRUE(f.reader.mapping(f.root["top"], {"a"}, "`top`").empty());
  EXPECT_EQ(f.diagnostics.format(), "f.yaml:1:6: error: `top` must be a mapping of keys, not a list\n");
}

TEST(YamlReader, HintsStopWhenErrorsAreMany) {
  Parsed f("sampels: 1\n");
  for (std::size_t i = 0; i < kMaxHintedErrors; ++i) f.diagnostics.error({1, 1}, "earlier");
  EXPECT_FALSE(f.reader.hints_wanted());
  f.reader.mapping(f.root, {"samples"}, "a run");
  EXPECT_EQ(f.diagnostics.items().back().hint, "");
}

// An empty value is marked by yaml-cpp where the next token starts (here
// line 3); it is reported at its key, whether the caller knows the key or not.
TEST(YamlReader, EmptyValuesArePositionedAtTheirKey) {
  Parsed f("run:\n  seed:\nnext: 1\n");
  const YamlMapping run = f.reader.mapping(f.root["run"], {"seed"}, "a run");
  const YamlEntry& seed = run.at("seed");
  ASSERT_TRUE(seed.value.IsNull());
  EXPECT_EQ(yaml_position(seed.value).line, 3u);
  EXPECT_EQ(f.reader.position(seed.value), (SourcePos{2, 3}));
  EXPECT_EQ(f.reader.position(seed.value, seed.key), (SourcePos{2, 3}));
  EXPECT_EQ(f.reader.text_position(seed.value), (SourcePos{2, 3}));
  // An empty item of a list is reported at the list's owner.
  Parsed g("names:\n  -\n  - b\n");
  EXPECT_EQ(g.reader.position(g.root["names"][0], g.root.begin()->first), (SourcePos{1, 1}));
}

TEST(YamlReader, TextPositionIsInsideQuotesAndPastBlanks) {
  Parsed f("a: \"  x\"\n");
  EXPECT_EQ(f.reader.text_position(f.root["a"]), (SourcePos{1, 7}));
  EXPECT_EQ(f.reader.position(f.root["a"]), (SourcePos{1, 4}));
}

TEST(YamlReader, TypedReadsReportTheirShape) {
  Parsed f("t: [x]\ne: ''\nok: fine\nn: 1_000\nbig: 1e30\nlist: nope\nitems: [a, [b], '']\nnone: []\n");
  const YamlMapping m = f.reader.mapping(f.root, {"t", "e", "ok", "n", "big", "list", "items", "none"}, "f");
  EXPECT_FALSE(f.reader.text(m.at("t").value, "`t`", m.at("t").key));
  EXPECT_FALSE(f.reader.text(m.at("e").value, "`e`", m.at("e").key, "a single value", false));
  EXPECT_EQ(f.reader.text(m.at("e").value, "`e`"), "");  // empty text allowed by default
  EXPECT_EQ(f.reader.text(m.at("ok").value, "`ok`"), "fine");
  EXPECT_EQ(f.reader.whole_count(m.at("n").value, m.at("n").key, "`n`", 1, 2000), 1000u);
  EXPECT_FALSE(f.reader.whole_count(m.at("big").value, m.at("big").key, "`big`", 1, 2000));
  EXPECT_FALSE(f.reader.whole_count(m.at("t").value, m.at("t").key, "`t`", 1, 2000));
  EXPECT_FALSE(f.reader.text_list(m.at("list").value, m.at("list").key, "`list`", "[a, b]", true));
  EXPECT_FALSE(f.reader.text_list(m.at("items").value, m.at("items").key, "`items`", "[a, b]", true));
  EXPECT_FALSE(f.reader.text_list(m.at("none").value, m.at("none").key, "`none`", "[a, b]", false, "leave it out"));
  const auto empty_ok = f.reader.text_list(m.at("none").value, m.at("none").key, "`none`", "[a, b]", true);
  ASSERT_TRUE(empty_ok);
  EXPECT_TRUE(empty_ok->empty());
  EXPECT_EQ(f.diagnostics.format(),
            "f.yaml:1:4: error: `t` must be text, not a list\n"
            "f.yaml:1:4: error: `t` must be a whole number from 1 to 2000, not a list\n"
            "f.yaml:2:4: error: `e` must not be empty\n"
            "f.yaml:5:6: error: `big` must be a whole number from 1 to 2000 (1e6, 1_000_000 …); '1e30' is larger "
            "than 2000\n"
            "f.yaml:6:7: error: `list` must be a list, e.g. [a, b], not a single value\n"
            "f.yaml:7:12: error: each of `items` must be a single value, not a list\n"
            "f.yaml:7:17: error: an empty name in `items`\n"
            "f.yaml:8:7: error: `none` is empty; leave it out\n");
  Parsed g("l: [a, b]\n");
  const auto items = g.reader.text_list(g.root["l"], g.root.begin()->first, "`l`", "[a]", false);
  ASSERT_TRUE(items);
  EXPECT_EQ(*items, (std::vector<std::pair<std::string, SourcePos>>{{"a", {1, 5}}, {"b", {1, 8}}}));
}

// A file kind's own rules: entries to skip, hints for unknown keys, a last word.
class RecordingHooks : public MappingHooks {
 public:
  bool skip_entry(const YAML::Node& key, const YAML::Node&) override {
    seen.push_back(key.Scalar());
    return key.Scalar() == "skipped";
  }
  std::string unknown_key_hint(const std::string& key, const YAML::Node& value, std::string hint) override {
    return fmt::format("{} / {} / {}", key, value.Scalar(), hint.empty() ? "none" : hint);
  }
  void end() override { ended = true; }
  std::vector<std::string> seen;
  bool ended = false;
};

TEST(YamlReader, HooksSeeEveryEntryAndExplainUnknownKeys) {
  Parsed f("skipped: 1\nsed: 2\nseed: 3\n");
  RecordingHooks hooks;
  const YamlMapping m = f.reader.mapping(f.root, {"seed"}, "f", &hooks);
  EXPECT_EQ(hooks.seen, (std::vector<std::string>{"skipped", "sed", "seed"}));
  EXPECT_TRUE(hooks.ended);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(f.diagnostics.format(), "f.yaml:2:1: error: unknown key `sed` in f (sed / 2 / did you mean `seed`?)\n");
}

}  // namespace
}  // namespace riskcast::testing
