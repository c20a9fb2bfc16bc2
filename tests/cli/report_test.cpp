// riskcast report: the page's content, determinism, escaping, bad command
// lines; and the page rendered in headless Chromium with no console message.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli_runner.hpp"

namespace riskcast::testing {
namespace {

namespace fs = std::filesystem;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

const std::string kFlagship = source_path("configs/china-2026.yaml");

// Headless Chromium on a file: the DOM it built (stdout) and its log
// (stderr), or a screenshot. A fresh profile each time, no network services.
CommandResult chromium(const std::string& file, const std::vector<std::string>& mode) {
  const std::string browser = find_program("chromium");
  if (browser.empty()) {
    ADD_FAILURE() << "chromium not found: run scripts/install-deps.sh (Debian package chromium)";
    return {};
  }
  TempDir profile;
  std::vector<std::string> argv = {find_program("timeout"),
                                   "60",
                                   browser,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--no-first-run",
                                   "--user-data-dir=" + profile.path(),
                                   "--enable-logging=stderr",
                                   "--v=0"};
  argv.insert(argv.end(), mode.begin(), mode.end());
  argv.push_back("file://" + file);
  return run_program(argv);
}

// Console messages Chromium logged for the page: errors, warnings, blocked
// loads (a Content-Security-Policy violation is logged as one), uncaught
// exceptions. Chromium logs them as "…:INFO:CONSOLE(…)] "message", source: …".
std::vector<std::string> console_messages(const std::string& log) {
  std::vector<std::string> found;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (line.find("CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos ||
        line.find("Refused") != std::string::npos)
      found.push_back(line);
  return found;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

TEST(ReportChromium, APageWithAConsoleErrorOrABlockedLoadIsCaught) {
  // The check below must be able to fail: one page logs an error from a
  // script, the other tries to load an image from the network under the
  // report's Content-Security-Policy.
  TempDir dir;
  const std::string script = dir.write("script.html",
                                       "<!DOCTYPE html><html><body><p>x</p>"
                                       "<script>console.error('riskcast-negative-test')</script></body></html>");
  const CommandResult a = chromium(script, {"--dump-dom"});
  EXPECT_NE(joined(console_messages(a.err)).find("riskcast-negative-test"), std::string::npos) << a.err;
  const std::string image =
      dir.write("image.html",
                "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; img-src data:\"></head><body><img "
                "src=\"http://example.invalid/a.png\"></body></html>");
  const CommandResult b = chromium(image, {"--dump-dom"});
  EXPECT_NE(joined(console_messages(b.err)).find("example.invalid"), std::string::npos) << b.err;
}

TEST(ReportChromium, TheFlagshipReportRendersWithNoConsoleMessage) {
  TempDir dir;
  const std::string page = dir.path() + "/report.html";
  const CommandResult r = run_riskcast({"report", kFlagship, "--samples", "2000", "--out", page});
  ASSERT_EQ(r.exit_status, 0) << r.err;

  const CommandResult dom = chromium(page, {"--dump-dom"});
  ASSERT_EQ(dom.exit_status, 0) << dom.err;
  EXPECT_EQ(joined(console_messages(dom.err)), "");
  for (const char* id : {"headline", "distributions", "sensitivity", "percentiles", "assumptions", "settings"})
    EXPECT_NE(dom.out.find(fmt::format("<section id=\"{}\">", id)), std::string::npos) << id;
  // Scenario comparison, base's histogram, two quarterly fan charts, the tornado.
  EXPECT_EQ(count(dom.out, "<svg "), 5u);
  EXPECT_NE(dom.out.find("us_export: months in h200"), std::string::npos);  // a driver
  EXPECT_NE(dom.out.find("h200 held most months"), std::string::npos);      // an outcome
  EXPECT_NE(dom.out.find("Each scenario minus base"), std::string::npos);
  EXPECT_NE(dom.out.find("h200_china_cap"), std::string::npos);
  EXPECT_NE(dom.out.find("Bernstein"), std::string::npos);

  const std::string png = dir.path() + "/report.png";
  const CommandResult shot = chromium(page, {"--screenshot=" + png, "--window-size=1200,3000", "--hide-scrollbars"});
  ASSERT_EQ(shot.exit_status, 0) << shot.err;
  EXPECT_EQ(joined(console_messages(shot.err)), "");
  ASSERT_TRUE(fs::exists(png)) << shot.err;
  // A blank 1200 × 3000 page compresses to a few kilobytes; text, tables and charts do not.
  EXPECT_GT(fs::file_size(png), 100'000u);
  EXPECT_EQ(read_text(png).substr(1, 3), "PNG");
}

const char* kSmall = R"yaml(model: small
title: Small <b>bold</b> & "quoted"
description: a model whose texts need escaping <script>
parameters:
  x: {dist: "uniform(1, 2)", unit: "m & <s>", source: "001 (a <source>)"}
outputs:
  y: {formula: x * 2, unit: share}
scenarios:
  other:
    description: x doubled <here>
    parameters:
      x: uniform(2, 4)
)yaml";

TEST(ReportCommand, SameBytesForAnyThreadCountAndEscapedText) {
  TempDir dir;
  const std::string model = dir.write("small.yaml", kSmall);
  const std::string one = dir.path() + "/one.html", two = dir.path() + "/two.html";
  ASSERT_EQ(run_riskcast({"report", model, "--samples", "3000", "--threads", "1", "--out", one}).exit_status, 0);
  ASSERT_EQ(run_riskcast({"report", model, "--samples", "3000", "--threads", "2", "--out", two}).exit_status, 0);
  const std::string page = read_text(one);
  EXPECT_EQ(page, read_text(two));
  EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                      "img-src data:\""),
            std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<b>bold"), std::string::npos);
  EXPECT_NE(page.find("Small &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"), std::string::npos);
  EXPECT_NE(page.find("001 (a &lt;source&gt;)"), std::string::npos);
  EXPECT_NE(page.find("x doubled &lt;here&gt;"), std::string::npos);
  EXPECT_NE(page.find(">3000<"), std::string::npos);  // the settings table
  EXPECT_EQ(count(page, "<svg "), 3u);                // scenario chart, histogram, tornado; no quarterly outputs
}

// Eight samples: P5 and P95 cannot be bounded on their outer side, nor ρ
// at all. The page says so (−∞ / +∞, the footnote, arrows in the tornado)
// instead of printing a finite end that would cover too rarely.
TEST(ReportCommand, OpenIntervalsAreShownAsSuch) {
  TempDir dir;
  const std::string model = dir.write("small.yaml", kSmall);
  const std::string out = dir.path() + "/r.html";
  ASSERT_EQ(run_riskcast({"report", model, "--samples", "8", "--out", out}).exit_status, 0);
  const std::string page = read_text(out);
  EXPECT_NE(page.find("−∞ – "), std::string::npos);
  EXPECT_NE(page.find(" – +∞"), std::string::npos);
  EXPECT_NE(page.find("too few samples to bound that side"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"num\">open</td>"), std::string::npos) << "ρ's interval";
  EXPECT_NE(page.find("<polygon"), std::string::npos) << "the tornado's open whisker ends";
}

TEST(ReportCommand, BadCommandLinesExitTwoAndWriteNothing) {
  TempDir dir;
  const std::string model = dir.write("small.yaml", kSmall);
  const std::vector<std::vector<std::string>> cases = {
      {"report", model},
      {"report", "--out", dir.path() + "/r.html"},
      {"report", model, "--out", dir.path() + "/missing/r.html"},
      {"report", model, "--out", dir.path() + "/r.html", "--scenario", "nope"},
      {"report", model, "--out", dir.path() + "/r.html", "--samples", "0"},
  };
  for (const auto& args : cases) {
    const CommandResult r = run_riskcast(args);
    EXPECT_EQ(r.exit_status, 2) << args.back();
    EXPECT_EQ(r.err.rfind("riskcast: error: ", 0), 0u) << r.err;
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);
}

}  // namespace
}  // namespace riskcast::testing
