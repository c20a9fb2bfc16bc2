// The documentation's examples, checked as written (doc_examples.hpp).
#include "support/doc_examples.hpp"

#include "riskcast/model_loader.hpp"
#include "riskcast/program.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {

std::vector<std::string> doc_yaml_blocks(const std::string& doc, const std::string& heading) {
  const std::string text = read_text(source_path(doc));
  const std::size_t start = text.find("\n" + heading + "\n");
  if (start == std::string::npos) return {};
  // The section ends at the next heading (`## …`) as deep as this one or
  // shallower; a deeper one (`#### …`) or a YAML comment line (`# …` has
  // fewer marks, but no heading is that shallow here) does not end it.
  const std::size_t depth = heading.find(' ');
  std::size_t end = start + 1;
  while ((end = text.find("\n#", end + 1)) != std::string::npos) {
    std::size_t marks = 0;
    while (end + 1 + marks < text.size() && text[end + 1 + marks] == '#') ++marks;
    if (marks >= 2 && marks <= depth && text[end + 1 + marks] == ' ') break;
  }
  const std::string section = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  // Found by hand: std::regex trips GCC 12's -Wmaybe-uninitialized in the sanitizer build.
  std::vector<std::string> blocks;
  const std::string fence = "```yaml\n";
  for (std::size_t at = section.find(fence); at != std::string::npos; at = section.find(fence, at)) {
    at += fence.size();
    const std::size_t close = section.find("```", at);
    if (close == std::string::npos) break;
    blocks.push_back(section.substr(at, close - at));
    at = close + 3;
  }
  return blocks;
}

int run_language_examples(const std::string& heading, const DocExampleCheck& check) {
  int examples = 0;
  for (const std::string& text : doc_yaml_blocks("docs/language.md", heading)) {
    if (text.find("outputs:") == std::string::npos) continue;  // a fragment
    // Read as if it stood in docs/examples/, beside the data files its
    // `data:` tables name (docs/examples/data/).
    const Model model = load_model_text(text, source_path("docs/examples/language.md"));
    for (const Scenario& s : model.scenarios) {
      RunSettings settings;
      settings.samples = 2000;
      settings.threads = 1;
      const SampleColumns columns = sample_program(compile_program(apply_scenario(model, s)), settings);
      if (check) check(text, model, s, columns);
    }
    ++examples;
  }
  return examples;
}

}  // namespace riskcast::testing
