// How every command reads its command line: full option names only, a
// "did you mean" for a misspelt or shortened one, positional arguments
// counted, and --percentiles / --exceed read alike (repeatable,
// comma-separated, blanks ignored), with labels that tell apart every value
// asked for.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

// The README's tour model, with an output `units` that has no unit.
const char* kTour = R"yaml(model: tiny
horizon: 12
parameters:
  demand:
    dist: pert(1.3e6, 1.7e6, 2.5e6)
    unit: accelerators / year
  nv_cap: lognormal_ci90(1.5e5, 7.0e5)
events:
  us_export:
    kind: regime
    states: [open, ban]
    initial: {open: 0.9, ban: 0.1}
    transitions:
      open: {ban: 0.02}
      ban: {open: 0.05}
monthly:
  nv_sold: "us_export == open ? min(nv_cap, demand) / 12 : 0"
outputs:
  nvidia_share:
    formula: ratio(sum(nv_sold), demand)
    unit: share
  units:
    formula: sum(nv_sold)
  accelerators:
    formula: sum(nv_sold)
    unit: accelerators
scenarios:
  full_ban:
    description: the US closes exports all year
    events:
      us_export: {fix: ban}
)yaml";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CommandResult run_with(const std::string& model, std::vector<std::string> extra) {
  std::vector<std::string> args = {"run", model, "--samples", "200", "--scenario", "base"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_riskcast(args);
}

// Boost took any unambiguous prefix of an option (--perc for --percentiles,
// --first for --first-sample), which nothing documented and a new option
// would have changed the meaning of. Now only full names work, and the
// error names the option meant.
TEST(CommandLine, OptionsAreTakenByTheirFullNamesOnlyWithAHint) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", model, "--perc", "80"}, "unrecognised option '--perc' (did you mean `--percentiles`?)"},
      {{"run", model, "--exc", "units=1"}, "unrecognised option '--exc' (did you mean `--exceed`?)"},
      {{"run", model, "--first", "5"}, "unrecognised option '--first' (did you mean `--first-sample`?)"},
      {{"run", model, "--outp", "units"}, "unrecognised option '--outp' (did you mean `--output`?)"},
      {{"run", model, "--samplesize", "5"}, "unrecognised option '--samplesize' (did you mean `--samples`?)"},
      {{"run", model, "--percentile", "80"}, "(did you mean `--percentiles`?)"},
      {{"run", model, "--sed", "1"}, "unrecognised option '--sed' (did you mean `--seed`?)"},
      {{"run", model, "--Samples", "1"}, "(did you mean `--samples`?)"},
      // Commands without --output: what it is, and what they have instead
      // (OutputAndOutAreNeverOfferedForEachOther).
      {{"describe", model, "--output", "share"},
       "unrecognised option '--output' (--output NAME picks the model output to report in run, compare, sensitivity "
       "and report; describe has no --output, and its --out FILE names the file it writes)"},
      {{"baseline", model, "--output", "b.json"}, "baseline has no --output, and its --out FILE names the file"},
      {{"batch", "b.yaml", "--output", "dir"}, "batch has no --output, and its --out FILE names the file"},
      {{"check", model, "--output", "x"},
       "unrecognised option '--output' (--output NAME picks the model output to "
       "report in run, compare, sensitivity and report; check has no --output)"},
      {{"regress", "b.json", "--out", "x"},
       "unrecognised option '--out' (--out FILE names the file a command writes; regress has no --out)"},
      {{"check", model, "--strct"}, "(did you mean `--strict`?)"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_riskcast(c.args);
    const std::string context = c.args[0] + " " + c.args[2];
    expect_one_line_usage_error(r, context);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << context << ": " << r.err;
  }
  // check has no --out: nothing to suggest.
  EXPECT_EQ(run_riskcast({"check", model, "--output", "x"}).err.find("did you mean"), std::string::npos);
  // Full names still work, and `--name=value` too.
  EXPECT_EQ(run_with(model, {"--percentiles=80", "--first-sample", "5", "--format", "csv"}).exit_status, 0);
}

TEST(CommandLine, OutputThatLooksLikeAFileSuggestsOut) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  for (const std::string command : {"run", "compare", "sensitivity", "report"})
    for (const std::string value : {"result.json", "out/table", "r.csv", "page.html"}) {
      std::vector<std::string> args = {command, model, "--output", value, "-n", "10"};
      if (command == "report") args.insert(args.end(), {"--out", dir.path() + "/page.html"});
      const CommandResult r = run_riskcast(args);
      expect_one_line_usage_error(r, command + " --output " + value);
      EXPECT_NE(r.err.find("(did you mean `--out " + value + "`? outputs: "), std::string::npos) << r.err;
    }
  // A misspelt output name still gets the output it resembles.
  const CommandResult r = run_riskcast({"run", model, "--output", "unit", "-n", "10"});
  EXPECT_NE(r.err.find("did you mean `units`?"), std::string::npos) << r.err;
}

TEST(CommandLine, ASecondPositionalArgumentIsNamed) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", model, model}, "run takes one model file, got 2: " + model + ", " + model},
      {{"check", model, "extra"}, "check takes one model file, got 2: " + model + ", extra"},
      {{"batch", "a.yaml", "b.yaml", "c.yaml"}, "batch takes one batch file, got 3: a.yaml, b.yaml, c.yaml"},
      {{"regress", "a.json", "b.json"}, "regress takes one baseline file, got 2: a.json, b.json"},
      {{"compare", model, "-n", "10", "x"}, "compare takes one model file, got 2: " + model + ", x"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_riskcast(c.args);
    expect_one_line_usage_error(r, c.message);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
}

// --percentiles and --exceed read alike: repeatable, comma-separated,
// blanks around each item ignored.
TEST(CommandLine, PercentilesAndExceedAreReadAlike) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  const CommandResult reference =
      run_with(model, {"--percentiles", "80,97.5", "--exceed", "units=1e5", "--exceed", "nvidia_share=0.3", "--exceed",
                       "nvidia_share=0.5", "--format", "csv"});
  ASSERT_EQ(reference.exit_status, 0) << reference.err;
  const std::string header = lines_of(reference.out).at(0);
  EXPECT_EQ(header.rfind("scenario,output,mean,sd,P1,P5,P10,P25,P50,P75,P80,P90,P95,P97.5,P99,P(>", 0), 0u) << header;
  for (const std::string column : {",P(>0.3),", ",P(>0.5),", ",P(>100000),"})
    EXPECT_NE(header.find(column), std::string::npos) << header;
  const std::vector<std::vector<std::string>> same = {
      {"--percentiles", " 80, 97.5 ", "--exceed", "units= 1e5", "--exceed", " nvidia_share = 0.3,0.5"},
      {"--percentiles", "80", "--percentiles", "97.5", "--exceed", " units=1e5", "--exceed", "nvidia_share=0.3, 0.5 "},
      {"--percentiles", "97.5,80", "--exceed", "units=1e5 ", "--exceed", "nvidia_share=30%,50%"},
      {"--percentiles", "\t80", "--percentiles", "97.5\t", "--exceed", "units=100_000", "--exceed", "nvidia_share=0.3",
       "--exceed", "nvidia_share=0.5"},
  };
  for (std::vector<std::string> args : same) {
    args.insert(args.end(), {"--format", "csv"});
    const CommandResult r = run_with(model, args);
    ASSERT_EQ(r.exit_status, 0) << r.err;
    EXPECT_EQ(r.out, reference.out) << args[1] << " " << args[3];
  }
}

TEST(CommandLine, BadPercentilesAndThresholdsNameTheItem) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string range = "is outside 2.2250738585072014e-306 … 99.99999999999999";
  const std::vector<Case> cases = {
      // A percent a double cannot tell from 100, and one whose probability is subnormal.
      {{"--percentiles", "99.999999999999999"}, "'99.999999999999999' " + range},
      {{"--percentiles", "1e-320"}, "'1e-320' " + range},
      {{"--percentiles", "100"}, "'100' " + range},
      {{"--percentiles", "80", "--percentiles", "0"}, "--percentiles '0': '0' " + range},
      {{"--percentiles", "80,,90"}, "'' is empty"},
      // A threshold in percent for an output that is not a share.
      {{"--exceed", "units=50%"},
       "--exceed 'units=50%': a percentage (`%`) is only for an output shown as a share, and `units` has no unit; "
       "give the threshold in its units"},
      {{"--exceed", "accelerators=0.5,10%"},
       "a percentage (`%`) is only for an output shown as a share, and `accelerators` is in accelerators"},
      // Digits grouped by commas (a leading zero after a comma) are not a list.
      {{"--exceed", "units=1,000"},
       "--exceed 'units=1,000': '1,000' reads as one number with its digits grouped ('000' after a comma starts with "
       "0), but a comma separates values; write 1000 (or 1_000) for one number, or 1,0 for two"},
      {{"--exceed", "units=2,500,000"}, "write 2500000 (or 2_500_000) for one number, or 2,500,0 for separate values"},
      {{"--exceed", "units=1,050"}, "'1,050' reads as one number"},
      {{"--exceed", "units=1,0001"}, "'1,0001' reads as one number"},
      {{"--percentiles", "80,97,050"}, "--percentiles '80,97,050': '97,050' reads as one number"},
      {{"--percentiles", "80,1,000,5"}, "'1,000' reads as one number"},

      {{"--exceed", "units=1e5,"}, "the value '' is empty"},
      {{"--exceed", "unit=1"}, "'unit' is not an output of"},
      {{"--output", "units", "--exceed", "nvidia_share=0.3"},
       "'nvidia_share' is not among the outputs this run evaluates (--output units)"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_with(model, c.args);
    expect_one_line_usage_error(r, c.args[1]);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args[1] << ": " << r.err;
  }
  // The same refusal of a percentage in compare.
  const CommandResult compare =
      run_riskcast({"compare", model, "-n", "10", "--output", "units", "--exceed", "units=50%"});
  expect_one_line_usage_error(compare, "compare --exceed units=50%");
  // "1, 000" (a blank after the comma), "500,700", "1,500" and "0.3,0.5" are lists.
  for (const std::string list :
       {"units=1, 000", "units=500,700", "units=1,500", "units=-12,500", "nvidia_share=0.3,0.5", "units=1000,2000"})
    EXPECT_EQ(run_with(model, {"--exceed", list}).exit_status, 0) << list;
}

// A probability output has no exceedance but P: refused after the option,
// as every --exceed error is, in run and compare.
TEST(CommandLine, AnExceedanceOfAProbabilityOutputNamesTheOption) {
  TempDir dir;
  const std::string model =
      dir.write("p.yaml", "parameters:\n  x: uniform(0, 1)\noutputs:\n  high: {formula: x > 0.5, kind: probability}\n");
  for (const std::string command : {"run", "compare"}) {
    const CommandResult r = run_riskcast({command, model, "-n", "10", "--exceed", "high=0.5"});
    expect_one_line_usage_error(r, command);
    EXPECT_NE(r.err.find("riskcast: error: --exceed 'high=0.5': a probability output is reported by its P already; "
                         "it has no other exceedance"),
              std::string::npos)
        << r.err;
  }
}

// regress reads its baseline as every command reads its input: the reason a
// file cannot be read, and a positioned error for one that is not JSON (a
// model given by mistake) instead of the JSON library's own message.
TEST(CommandLine, RegressSaysWhyItCannotReadTheBaseline) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  const std::string missing = dir.path() + "/nope.json";
  const CommandResult none = run_riskcast({"regress", missing});
  EXPECT_EQ(none.exit_status, 2);
  EXPECT_EQ(lines_of(none.err),
            std::vector<std::string>{missing + ": error: cannot read the baseline: No such file or directory"});
  const CommandResult yaml = run_riskcast({"regress", model});
  EXPECT_EQ(yaml.exit_status, 2);
  ASSERT_EQ(lines_of(yaml.err).size(), 1u) << yaml.err;
  EXPECT_TRUE(is_positioned_error(yaml.err, model)) << yaml.err;
  EXPECT_EQ(yaml.err.rfind(model + ":1:1: error: the baseline is not valid JSON: syntax error while parsing value", 0),
            0u)
      << yaml.err;
  EXPECT_EQ(yaml.err.find("json.exception"), std::string::npos) << yaml.err;
  // Not JSON further in: the position is the parser's.
  const std::string cut = dir.write("cut.json", "{\n  \"schema\": \"riskcast.baseline/1\",\n  \"model\": tiny\n}\n");
  const CommandResult at = run_riskcast({"regress", cut});
  EXPECT_EQ(at.err.rfind(cut + ":3:13: error: the baseline is not valid JSON", 0), 0u) << at.err;
}

// A comma always separates two thresholds: each is shown, so a misreading
// (500,700 meant as 500700) is seen in the table.
TEST(CommandLine, ACommaSeparatesThresholdsAndEachIsShown) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  const CommandResult r = run_with(model, {"--exceed", "units=500,700", "--exceed", "accelerators=1,500"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  for (const std::string row : {"\nunits > 500 ", "\nunits > 700 ", "\naccelerators > 1 ", "\naccelerators > 500 "})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
}

// A threshold asked for twice is one row, as a percentile asked for twice is one column.
TEST(CommandLine, ARepeatedThresholdIsReportedOnce) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  const CommandResult once = run_with(model, {"--exceed", "nvidia_share=0.3", "--percentiles", "80"});
  const CommandResult twice = run_with(model, {"--exceed", "nvidia_share=0.3", "--exceed", "nvidia_share=0.3,30%",
                                               "--percentiles", "80,80", "--percentiles", "80"});
  ASSERT_EQ(once.exit_status, 0) << once.err;
  EXPECT_EQ(twice.out, once.out);
  const CommandResult compare = run_riskcast({"compare", model, "-n", "100", "--exceed", "nvidia_share=0.3", "--exceed",
                                              "nvidia_share=0.3", "--format", "csv"});
  ASSERT_EQ(compare.exit_status, 0) << compare.err;
  const std::string header = lines_of(compare.out).at(0);
  EXPECT_EQ(header.find(",P(>0.3),"), header.rfind(",P(>0.3),")) << header;
  EXPECT_NE(header.find(",P(>0.3),"), std::string::npos) << header;
}

// The commands by name, each with its positional argument as its usage shows it.
const std::vector<std::pair<std::string, std::string>> kCommands = {
    {"check", "MODEL.yaml"},    {"run", "MODEL.yaml"},         {"compare", "MODEL.yaml"},
    {"describe", "MODEL.yaml"}, {"sensitivity", "MODEL.yaml"}, {"report", "MODEL.yaml"},
    {"baseline", "MODEL.yaml"}, {"regress", "BASELINE.json"},  {"batch", "BATCH.yaml"}};

// The long options a command's --help lists: its lines "  --name …" and
// "  -n [ --name ] …" (not the wrapped lines of a description).
std::vector<std::string> listed_options(const std::string& help) {
  std::vector<std::string> names;
  for (const std::string& line : lines_of(help.substr(help.find("\noptions:")))) {
    if (!line.starts_with("  -")) continue;
    const std::size_t dashes = line.find("--");
    if (dashes == std::string::npos) continue;
    names.push_back(line.substr(dashes, line.find_first_of(" ]", dashes) - dashes));
  }
  return names;
}

// Whether `text` has `option` as a whole option name (--out, not --output's start).
bool mentions(const std::string& text, const std::string& option) {
  for (std::size_t at = text.find(option); at != std::string::npos; at = text.find(option, at + 1)) {
    const std::size_t after = at + option.size();
    if (after == text.size() || !(std::isalnum(static_cast<unsigned char>(text[after])) || text[after] == '-'))
      return true;
  }
  return false;
}

// Every option a command takes is in its usage line: `run --help` left out
// --first-sample and --block-size.
TEST(CommandLine, EveryOptionIsInItsCommandsUsage) {
  for (const auto& [command, positional] : kCommands) {
    const CommandResult r = run_riskcast({command, "--help"});
    ASSERT_EQ(r.exit_status, 0) << command;
    const std::string usage = r.out.substr(0, r.out.find("\noptions:"));
    const std::vector<std::string> options = listed_options(r.out);
    EXPECT_GE(options.size(), 3u) << command << "\n" << r.out;
    for (const std::string& option : options) {
      // The positional argument is an option too (--model), shown as MODEL.yaml.
      std::string upper = option.substr(2);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (option == "--help" || positional.starts_with(upper + ".")) continue;
      EXPECT_TRUE(mentions(usage, option)) << command << " " << option << "\n" << usage;
    }
  }
}

// Sampling designs are offered where their intervals are honest (run,
// compare); the Monte Carlo only commands say so when asked for one.
// Sampling designs (--method mc|lhs|qmc with --replicates) only in run and
// compare. sensitivity has a --method of its own (rank|sobol, an analysis,
// not a design): a design typed there is refused with the same reason.
TEST(CommandLine, DesignsAreOfferedOnlyWhereTheirIntervalsHold) {
  for (const auto& [command, positional] : kCommands) {
    const std::vector<std::string> options = listed_options(run_riskcast({command, "--help"}).out);
    const bool offered = std::find(options.begin(), options.end(), "--replicates") != options.end();
    const bool method = std::find(options.begin(), options.end(), "--method") != options.end();
    const bool samples = std::find(options.begin(), options.end(), "--samples") != options.end();
    EXPECT_EQ(offered, command == "run" || command == "compare") << command;
    EXPECT_EQ(method, offered || command == "sensitivity") << command;
    if (offered || !samples) continue;
    for (const std::string typed : {"--method", "--replicates"}) {
      for (const std::string design : {"lhs", "qmc"}) {
        const CommandResult r = run_riskcast({command, "x.yaml", typed, design});
        EXPECT_EQ(r.exit_status, 2) << command;
        EXPECT_NE(r.err.find(command + " samples by Monte Carlo only"), std::string::npos) << command << ": " << r.err;
      }
    }
  }
}

// --out names the file a command writes, --output the model output it
// reports (issue 13): a command without one never offers the other for it,
// and says which commands have --output.
TEST(CommandLine, OutputAndOutAreNeverOfferedForEachOther) {
  std::vector<std::string> with_output;
  for (const auto& [command, positional] : kCommands) {
    const std::string help = run_riskcast({command, "--help"}).out;
    const std::vector<std::string> options = listed_options(help);
    if (std::find(options.begin(), options.end(), "--output") != options.end()) with_output.push_back(command);
    for (const std::string typed : {"--output", "--outp", "--outputs", "--out"}) {
      if (std::find(options.begin(), options.end(), typed) != options.end()) continue;
      const bool meant_output = typed != "--out";
      const CommandResult r = run_riskcast({command, "x.yaml", typed, "x"});
      EXPECT_EQ(r.exit_status, 2) << command << " " << typed;
      EXPECT_EQ(r.err.find(meant_output ? "`--out`" : "`--output`"), std::string::npos) << command << ": " << r.err;
      if (typed == "--output" || typed == "--out") {
        EXPECT_NE(r.err.find(fmt::format("{} has no {}", command, typed)), std::string::npos) << r.err;
      }
    }
  }
  EXPECT_EQ(with_output, (std::vector<std::string>{"run", "compare", "sensitivity", "report"}));
}

// A percentile's name is its own: never P100 for one below 100, never
// rounded into another's.
TEST(CommandLine, PercentileNamesAreFaithful) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  const CommandResult r =
      run_with(model, {"--percentiles", "99.99999999999,99.9999999999,1e-10,0.07,12.345678901234", "--format", "csv"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).at(0),
            "scenario,output,mean,sd,P1e-10,P0.07,P1,P5,P10,P12.345678901234,P25,P50,P75,P90,P95,P99,"
            "P99.9999999999,P99.99999999999");
  // The largest percentile a double holds below 100 is accepted and named as given.
  const CommandResult top = run_with(model, {"--percentiles", "99.99999999999999", "--format", "csv"});
  ASSERT_EQ(top.exit_status, 0) << top.err;
  EXPECT_NE(lines_of(top.out).at(0).find(",P99,P99.99999999999999"), std::string::npos) << top.out;
}

// Thresholds show in their output's style, with the digits it takes to
// tell them apart: before, 0.1, 0.1000001 and 0.10001 all read "10.0%".
TEST(CommandLine, ThresholdLabelsTellEveryThresholdApart) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  const CommandResult r = run_with(model, {"--exceed", "nvidia_share=0.1,0.1000001,0.10001,30%", "--exceed",
                                           "units=123456.789,123456.7891,1e5,-2.5"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  for (const std::string label :
       {"nvidia_share > 10.0% ", "nvidia_share > 10.00001% ", "nvidia_share > 10.001% ", "nvidia_share > 30.0% ",
        "units > 123.456789k ", "units > 123.4567891k ", "units > 100k ", "units > -2.5 "})
    EXPECT_NE(r.out.find(label), std::string::npos) << label << "\n" << r.out;
  const CommandResult md = run_with(model, {"--exceed", "nvidia_share=0.1,0.1000001", "--format", "markdown"});
  EXPECT_NE(md.out.find("| base | nvidia_share > 10.00001% |"), std::string::npos) << md.out;
  const CommandResult compare = run_riskcast({"compare", model, "-n", "200", "--exceed", "nvidia_share=0.1,0.1000001"});
  ASSERT_EQ(compare.exit_status, 0) << compare.err;
  EXPECT_NE(compare.out.find("P(>10.0%)  P(>10.00001%)"), std::string::npos) << compare.out;
}

// A count is printed with its noun in the number it takes, and a split run
// says where it starts.
TEST(CommandLine, CountsTakeTheirNounsAndSplitRunsSayWhereTheyStart) {
  TempDir dir;
  const std::string model = dir.write("tiny.yaml", kTour);
  const CommandResult one = run_riskcast({"run", model, "-n", "1", "--scenario", "base"});
  ASSERT_EQ(one.exit_status, 0) << one.err;
  EXPECT_EQ(lines_of(one.out).at(0), "tiny · scenario base · 1 sample, seed 1");
  const CommandResult md = run_riskcast({"run", model, "-n", "1", "--scenario", "base", "--format", "md"});
  EXPECT_EQ(lines_of(md.out).at(0), "**tiny** — 1 sample, seed 1");
  const CommandResult split = run_riskcast({"run", model, "-n", "10", "--first-sample", "5", "--scenario", "base"});
  EXPECT_EQ(lines_of(split.out).at(0), "tiny · scenario base · 10 samples (from sample 5), seed 1");
  const CommandResult split_md =
      run_riskcast({"run", model, "-n", "10", "--first-sample", "5", "--scenario", "base", "--format", "markdown"});
  EXPECT_EQ(lines_of(split_md.out).at(0), "**tiny** — 10 samples (from sample 5), seed 1");
  const CommandResult compare = run_riskcast({"compare", model, "-n", "1", "--seed", "3"});
  EXPECT_EQ(lines_of(compare.out).at(0), "tiny · nvidia_share (share) by scenario · 1 sample, seed 3");
  const CommandResult check = run_riskcast({"check", dir.write("one.yaml", "horizon: 1\noutputs:\n  o: 1\n")});
  ASSERT_EQ(check.exit_status, 0) << check.err;
  EXPECT_NE(check.out.find("horizon 1 month\n"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("0 parameters, 0 events (0 regimes, 0 switches, 0 arrivals), 0 monthly formulas, 1 output, "
                           "1 scenario"),
            std::string::npos)
      << check.out;
}

}  // namespace
namespace {

// --memory (run, compare, batch): binary units with or without iB/B,
// digit grouping as --samples takes it; a size that is not a whole number
// of bytes, below 1 byte or beyond 8 EiB is refused saying which.
TEST(CommandLine, MemorySizesAreBytesWithBinaryUnits) {
  using cli::parse_bytes;
  EXPECT_EQ(parse_bytes("--memory", "1e9"), 1'000'000'000u);
  EXPECT_EQ(parse_bytes("--memory", "1_000_000_000"), 1'000'000'000u);
  EXPECT_EQ(parse_bytes("--memory", "512k"), 512u << 10);
  EXPECT_EQ(parse_bytes("--memory", "512M"), 512u << 20);
  EXPECT_EQ(parse_bytes("--memory", "1.5GiB"), 3ull << 29);
  EXPECT_EQ(parse_bytes("--memory", "1GB"), 1ull << 30);
  EXPECT_EQ(parse_bytes("--memory", "2T"), 2ull << 40);
  EXPECT_EQ(parse_bytes("--memory", "0.5K"), 512u);
  auto why = [](const std::string& text) {
    try {
      cli::parse_bytes("--memory", text);
    } catch (const cli::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(why("-1").find("'-1' is negative"), std::string::npos) << why("-1");
  EXPECT_NE(why("1.5").find("is not a whole number of bytes"), std::string::npos) << why("1.5");
  EXPECT_NE(why("1e-3").find("is less than 1 byte"), std::string::npos) << why("1e-3");
  EXPECT_NE(why("1e-3G").find("is not a whole number of bytes"), std::string::npos) << why("1e-3G");
  EXPECT_NE(why("0").find("is less than 1 byte"), std::string::npos) << why("0");
  EXPECT_NE(why("1e30").find("is beyond 8 EiB"), std::string::npos) << why("1e30");
  EXPECT_NE(why("1x").find("unknown unit"), std::string::npos) << why("1x");
  EXPECT_NE(why("G").find("does not start with a number"), std::string::npos) << why("G");
  for (const char* bad : {"-1", "1.5", "1e-3", "0", "1e30", "1x", "G", "abc"})
    EXPECT_EQ(why(bad).rfind("--memory must be a size in bytes", 0), 0u) << why(bad);
}

}  // namespace
}  // namespace riskcast::testing
