// A self-contained HTML report of a run: one page, inline CSS and SVG charts,
// no scripts, and a Content-Security-Policy that forbids every network load.
#pragma once

#include <string>
#include <vector>

#include "riskcast/assumptions.hpp"
#include "riskcast/chart.hpp"
#include "riskcast/model.hpp"
#include "riskcast/result.hpp"
#include "riskcast/sensitivity.hpp"

namespace riskcast::html {

// <section id="ID"><h2>TITLE</h2>BODY</section>; `body` is HTML whose text
// its builder has escaped (chart::xml_escape).
struct Section {
  std::string id;
  std::string title;
  std::string body;
};

// The page is its sections in order: adding one is one push_back.
struct Page {
  std::string title;
  std::string subtitle;  // plain text
  std::vector<Section> sections;
};

// The Content-Security-Policy every page carries: nothing may be fetched.
inline constexpr const char* kContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

std::string render_page(const Page& page);

// The standard sections.
// One output (by index in the run's outputs) across every scenario: mean,
// P5, P50, P95 with their 95 % Monte Carlo intervals, and the scenario
// comparison chart; a probability output: P with its interval and its
// paired difference from the first scenario, and the bars of P.
Section headline_section(const RunResult& result, const Model& model, std::size_t output = 0);
// One scenario's distributions: one output's histogram (`histogram`, built
// from its samples; a probability output: the bar of its P) and a fan chart
// per quarterly group of outputs (a group of probability outputs: a bar per
// quarter).
Section distribution_section(const ScenarioResult& scenario, chart::Histogram histogram, std::size_t output = 0);
// What drives one output (riskcast sensitivity): the tornado chart and the
// table of every driver, the output given each event outcome, and each
// scenario minus base, paired sample by sample.
Section sensitivity_section(const SensitivityResult& result);
// The Sobol indices of the same output (riskcast sensitivity --method
// sobol; result.sobol set): the bar chart and the table of every row.
Section sobol_section(const SensitivityResult& result);
// Every output of one scenario: mean, sd and P1 … P99, each with its
// interval; the probability outputs in a table of their own, P and its
// interval.
Section percentile_section(const ScenarioResult& scenario);
// Parameters, events, outputs and scenarios as `riskcast describe` lists them.
Section assumptions_section(const Assumptions& assumptions, const Model& model);
// What the numbers depend on: model, samples, seed, method, engine version.
Section settings_section(const RunResult& result, const std::string& model_file);

// An HTML table; cells are escaped here. `numeric[i]` right-aligns column i.
// A cell may carry a second, smaller line after a '\n' (an interval).
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& numeric);

}  // namespace riskcast::html
