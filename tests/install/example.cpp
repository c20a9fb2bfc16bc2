// Runs a model through the installed public API and prints one line per
// scenario: name, mean and median of the first output, and the first kept
// parameter's first draw. Exit status 2 on a model error, as riskcast does.
#include <riskcast/riskcast.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: example MODEL.yaml\n");
    return 2;
  }
  try {
    const riskcast::LoadedModel model = riskcast::LoadedModel::from_file(argv[1]);
    riskcast::RunOptions options;
    options.samples = 10'000;
    options.seed = 1;
    options.columns = {model.parameters().front().name};
    const riskcast::RunResult result = model.run(options);
    std::printf("%s: engine %s, numerics %d, headers %s\n", result.model.c_str(), result.engine_version.c_str(),
                result.numerics_version, std::string(riskcast::kVersion).c_str());
    for (const riskcast::ScenarioResult& s : result.scenarios) {
      const riskcast::OutputSummary& first = s.outputs.front().summary;
      std::printf("%s %s mean %.17g P50 %.17g %s[0] %.17g\n", s.name.c_str(), s.outputs.front().name.c_str(),
                  first.mean, first.percentiles[4].value, s.columns.front().name.c_str(),
                  s.columns.front().values.front());
    }
  } catch (const riskcast::ModelError& e) {
    std::fprintf(stderr, "%s", e.diagnostics().format().c_str());
    return 2;
  }
  return 0;
}
