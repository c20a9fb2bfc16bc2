// riskcast_difftest: the engine against the reference evaluator on a range
// of generated models, in parallel (docs/testing.md, `make difftest`).
//
//   riskcast_difftest [--seeds FIRST:END] [--jobs N] [--out DIR] [--shrink] [--error-rate X]
//   riskcast_difftest --seed N [--print] [--shrink]
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <boost/program_options.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "difftest/differential.hpp"
#include "riskcast/count.hpp"

namespace po = boost::program_options;
using namespace riskcast;

namespace {

struct Tally {
  std::mutex mutex;
  std::uint64_t models = 0, rewritten = 0, failed_runs = 0;
  std::map<std::string, std::uint64_t> planned;                  // planned error → models
  std::map<std::string, std::uint64_t> planned_and_hit;          // planned error → models that did stop
  std::map<std::string, std::vector<std::uint64_t>> mismatches;  // kind → seeds
};

void report_mismatch(const difftest::ModelCheck& check, const std::string& directory, bool shrink_it,
                     std::mutex& output) {
  const std::string path = difftest::write_reproduction(check, directory);
  std::string text = check.report() + fmt::format("written to {}\n", path);
  if (shrink_it && !check.mismatch_in_rewritten) {
    const generator::GeneratedModel small =
        difftest::shrink(check.model, check.settings, check.mismatch->kind, difftest::program_verifier());
    const difftest::Comparison again =
        difftest::compare_engine_with_reference(small.text(), check.settings, difftest::program_verifier());
    text += "--- shrunk model ---\n" + small.text();
    if (again.mismatch) text += again.mismatch->describe() + "\n";
    std::ofstream(fmt::format("{}/seed-{}.shrunk.yaml", directory, check.seed)) << small.text();
  }
  std::lock_guard lock(output);
  std::cout << text << std::endl;
}
// A seed or seed-range end as people write counts (1000, 1e3, 1_000);
// nullopt after printing the problem.
std::optional<std::uint64_t> read_seed(const std::string& what, const std::string& text) {
  std::string problem;
  if (std::optional<std::uint64_t> v = parse_whole_number(text, 0, UINT64_MAX, &problem)) return v;
  std::cerr << fmt::format("riskcast_difftest: {} '{}' {}\n", what, text, problem);
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("riskcast_difftest options");
  std::string seeds = "0:100000", out = "difftest-failures", one_seed_text, jobs_text;
  const unsigned default_jobs = std::max(1u, std::thread::hardware_concurrency());
  double error_rate = generator::GeneratorOptions{}.error_rate;
  options.add_options()("help", "this text")("seeds", po::value(&seeds),
                                             "range of model seeds FIRST:END, END excluded (default 0:100000)")(
      "seed", po::value(&one_seed_text), "check this one seed, printing its report")(
      "print", "with --seed: print the generated model and its settings, check nothing")(
      "jobs", po::value(&jobs_text), "models checked at once, 1 … 1024 (default: hardware threads)")(
      "out", po::value(&out), "directory for the models that fail (default difftest-failures)")(
      "shrink", "shrink each failing model to a smaller one that fails the same way")(
      "error-rate", po::value(&error_rate), "share of models built to hit a run-time error, 0 … 1");
  po::variables_map vm;
  try {
    // No positional arguments: a stray word is an error, not ignored.
    po::store(po::command_line_parser(argc, argv).options(options).positional({}).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "riskcast_difftest: " << e.what() << "\n" << options;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  if (!(error_rate >= 0 && error_rate <= 1)) {
    std::cerr << fmt::format("riskcast_difftest: --error-rate must be within 0 … 1, got {}\n", error_rate);
    return 2;
  }
  if (vm.count("print") && !vm.count("seed")) {
    std::cerr << "riskcast_difftest: --print needs --seed N\n";
    return 2;
  }
  if (vm.count("seed") && (vm.count("seeds") || vm.count("jobs"))) {
    std::cerr << "riskcast_difftest: --seed checks one model; drop --seeds / --jobs\n";
    return 2;
  }
  unsigned jobs = default_jobs;
  if (vm.count("jobs")) {
    std::string problem;
    const std::optional<std::uint64_t> n = parse_whole_number(jobs_text, 1, 1024, &problem);
    if (!n) {
      std::cerr << fmt::format("riskcast_difftest: --jobs must be a whole number from 1 to 1024; '{}' {}\n", jobs_text,
                               problem);
      return 2;
    }
    jobs = static_cast<unsigned>(*n);
  }
  generator::GeneratorOptions generator_options;
  generator_options.error_rate = error_rate;
  const bool shrink_it = vm.count("shrink") > 0;
  // Each model runs on 1 … 3 engine threads while `jobs` models run at once:
  // let TBB start that many workers even on a small machine, so every run
  // gets the threads it asks for.
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, 3 * std::size_t{jobs} + 1);
  std::mutex output;

  if (vm.count("seed")) {
    const std::optional<std::uint64_t> one_seed = read_seed("--seed", one_seed_text);
    if (!one_seed) return 2;
    if (vm.count("print")) {
      generator::SeededChoices choices(*one_seed);
      const generator::GeneratedModel m = generator::generate(choices, generator_options);
      const difftest::EngineSettings s = difftest::settings_for(*one_seed, m.horizon);
      std::cout << fmt::format("# seed {}: engine seed {}, {} samples from sample {}, {} threads, block size {}\n",
                               *one_seed, s.seed, s.samples, s.first_sample, s.threads, s.block_size)
                << m.text();
      return 0;
    }
    const difftest::ModelCheck check =
        difftest::check_generated_model(*one_seed, generator_options, difftest::program_verifier());
    if (!check.mismatch) {
      std::cout << check.report();
      return 0;
    }
    report_mismatch(check, out, shrink_it, output);
    return 1;
  }

  const auto colon = seeds.find(':');
  if (colon == std::string::npos) {
    std::cerr << "riskcast_difftest: --seeds must be FIRST:END, got " << seeds << "\n";
    return 2;
  }
  const std::optional<std::uint64_t> first = read_seed("--seeds FIRST", seeds.substr(0, colon));
  const std::optional<std::uint64_t> end = read_seed("--seeds END", seeds.substr(colon + 1));
  if (!first || !end) return 2;
  if (*end <= *first) {
    std::cerr << fmt::format("riskcast_difftest: --seeds {} is empty: END must exceed FIRST\n", seeds);
    return 2;
  }
  // Claimed one by one with compare-and-swap: a counter that ran past END
  // could wrap around at 2^64 and hand out seeds from 0 again.
  std::atomic<std::uint64_t> next{*first};
  const auto claim = [&]() -> std::optional<std::uint64_t> {
    std::uint64_t seed = next.load();
    do {
      if (seed >= *end) return std::nullopt;
    } while (!next.compare_exchange_weak(seed, seed + 1));
    return seed;
  };
  Tally tally;
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < jobs; ++j) {
    workers.emplace_back([&] {
      while (const std::optional<std::uint64_t> seed = claim()) {
        const difftest::ModelCheck check =
            difftest::check_generated_model(*seed, generator_options, difftest::program_verifier());
        const std::string planned(generator::to_string(check.model.planned_error));
        {
          std::lock_guard lock(tally.mutex);
          ++tally.models;
          tally.rewritten += check.rewritten.has_value();
          tally.failed_runs += check.run_error.has_value();
          ++tally.planned[planned];
          tally.planned_and_hit[planned] += check.run_error.has_value();
          if (check.mismatch) tally.mismatches[std::string(to_string(check.mismatch->kind))].push_back(*seed);
          if (tally.models % 1000 == 0) {
            std::lock_guard out_lock(output);
            std::cerr << fmt::format(
                "{} models, {} mismatches, {:.0f} s\n", tally.models,
                [&] {
                  std::size_t n = 0;
                  for (auto& [k, v] : tally.mismatches) n += v.size();
                  return n;
                }(),
                seconds());
          }
        }
        if (check.mismatch) report_mismatch(check, out, shrink_it, output);
      }
    });
  }
  for (std::thread& w : workers) w.join();

  std::size_t mismatches = 0;
  for (auto& [k, v] : tally.mismatches) mismatches += v.size();
  std::cout << fmt::format(
      "{} models (seeds {}:{}) in {:.1f} s on {} jobs; {} also rewritten; {} stopped with the "
      "same run-time error in engine and reference\n",
      tally.models, *first, *end, seconds(), jobs, tally.rewritten, tally.failed_runs);
  for (auto& [kind, n] : tally.planned)
    std::cout << fmt::format("  planned {:<24} {:>7} models, {:>7} stopped\n", kind, n, tally.planned_and_hit[kind]);
  std::cout << fmt::format("{} mismatches\n", mismatches);
  for (auto& [kind, list] : tally.mismatches) {
    std::vector<std::uint64_t> shown(
        list.begin(), list.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(list.size(), 20)));
    std::sort(shown.begin(), shown.end());
    std::cout << fmt::format("  {}: {} (seeds {}{})\n", kind, list.size(), fmt::join(shown, ", "),
                             list.size() > shown.size() ? ", …" : "");
  }
  return mismatches == 0 ? 0 : 1;
}
