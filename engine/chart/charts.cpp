// The five chart kinds, laid out on fixed canvases with unit-aware axes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "riskcast/chart.hpp"
#include "riskcast/report.hpp"
#include "riskcast/result.hpp"
#include "svg.hpp"

namespace riskcast::chart {

using svg::Anchor;
using svg::num;

namespace {

constexpr double kWidth = 760;
// Text drawn over lines stays legible: a white outline behind the glyphs.
const std::string kHalo = "stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"";
const std::string kBold = "font-weight=\"bold\"";

std::vector<double> ticks_within(const std::vector<double>& ticks, double lo, double hi) {
  std::vector<double> inside;
  const double slack = (hi - lo) * 1e-9;
  for (double t : ticks)
    if (t >= lo - slack && t <= hi + slack) inside.push_back(t);
  return inside.size() >= 2 ? inside : ticks;
}

void draw_heading(svg::Document& doc, const std::string& title, double left) {
  doc.text(left, 26, title, svg::kTitleSize, Anchor::Start, kBold);
}

// A row of legend entries from (x, y): each a swatch drawn by `swatch` and its label.
struct LegendEntry {
  std::string label;
  std::string swatch;  // markup drawn with its top-left corner at (0, 0), 16 × 10 px
};

void draw_legend(svg::Document& doc, double x, double y, const std::vector<LegendEntry>& entries) {
  for (const LegendEntry& e : entries) {
    doc.raw(fmt::format("<g transform=\"translate({} {})\">{}</g>\n", num(x), num(y - 9), e.swatch));
    doc.text(x + 22, y, e.label, svg::kTickSize);
    x += 22 + svg::text_width(e.label, svg::kTickSize) + 18;
  }
}

std::string swatch_box(const std::string& fill, const std::string& extra = "") {
  return fmt::format("<rect x=\"0\" y=\"0\" width=\"16\" height=\"10\" fill=\"{}\"{}{}/>", fill,
                     extra.empty() ? "" : " ", extra);
}

std::string swatch_line(const std::string& stroke, double width, const std::string& extra = "") {
  return fmt::format("<line x1=\"0\" y1=\"5\" x2=\"16\" y2=\"5\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>", stroke,
                     num(width), extra.empty() ? "" : " ", extra);
}

// Horizontal gridlines and labels of a value axis on the left of the plot.
void draw_y_axis(svg::Document& doc, const svg::Scale& y, const std::vector<double>& ticks, const std::string& unit,
                 double left, double right, bool grid = true) {
  const std::vector<std::string> labels = tick_labels(ticks, unit);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double py = y(ticks[i]);
    if (grid) doc.line(left, py, right, py, svg::kGrid);
    doc.line(left - 5, py, left, py, svg::kInk);
    doc.text(left - 8, py + 4, labels[i], svg::kTickSize, Anchor::End);
  }
}

// Vertical gridlines and labels of a value axis below the plot.
void draw_x_axis(svg::Document& doc, const svg::Scale& x, const std::vector<double>& ticks, const std::string& unit,
                 double top, double bottom, bool grid = true) {
  const std::vector<std::string> labels = tick_labels(ticks, unit);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double px = x(ticks[i]);
    if (grid) doc.line(px, top, px, bottom, svg::kGrid);
    doc.line(px, bottom, px, bottom + 5, svg::kInk);
    doc.text(px, bottom + 19, labels[i], svg::kTickSize, Anchor::Middle);
  }
}

// 1234567 → "1,234,567"
std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string histogram_svg(const HistogramChart& chart) {
  const double height = 470;
  const double left = 78, right = kWidth - 84, top = 96, bottom = height - 100;
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  const Histogram& h = chart.histogram;
  if (h.total == 0 || h.counts.empty()) {
    doc.text(kWidth / 2, height / 2, "no samples", svg::kLabelSize, Anchor::Middle);
    return doc.finish();
  }
  const double n = static_cast<double>(h.total);
  draw_legend(doc, 16, 52,
              {{"samples per bin (left axis)", swatch_box(svg::kSkyBlue)},
               {"cumulative share (right axis)", swatch_line(svg::kVermillion, 2.5)},
               {"percentiles", swatch_line(svg::kInk, 1.5, "stroke-dasharray=\"4 3\"")}});

  const svg::Scale x{h.low, h.high, left, right};
  const std::uint64_t tallest = *std::max_element(h.counts.begin(), h.counts.end());
  const std::vector<double> y_ticks = nice_ticks(0, static_cast<double>(tallest) / n, 5);
  const svg::Scale y{0, y_ticks.back(), bottom, top};
  const svg::Scale cdf{0, 1, bottom, top};

  draw_y_axis(doc, y, y_ticks, "share", left, right);
  std::vector<double> x_ticks = ticks_within(nice_ticks(h.low, h.high, 7), h.low, h.high);
  if (h.whole_numbers) {
    // Ticks on the values themselves, never between two of them.
    const double first = h.low + 0.5, last = h.high - 0.5;
    x_ticks = nice_ticks(first, last, 7);
    if (x_ticks.size() >= 2 && x_ticks[1] - x_ticks[0] < 1) {
      x_ticks.clear();
      for (double v = first; v <= last + 0.5; v += 1) x_ticks.push_back(v);
    }
    std::erase_if(x_ticks, [&](double t) { return t < first - 1e-9 || t > last + 1e-9 || t != std::round(t); });
  }
  draw_x_axis(doc, x, x_ticks, chart.unit, top, bottom, false);

  // Bars, with a pixel between them when they are wide enough to spare it.
  const double bin_width = (h.high - h.low) / static_cast<double>(h.counts.size());
  const double gap = (right - left) / static_cast<double>(h.counts.size()) > 4 ? 1 : 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    if (h.counts[i] == 0) continue;
    const double x0 = x(h.low + static_cast<double>(i) * bin_width),
                 x1 = x(h.low + static_cast<double>(i + 1) * bin_width);
    const double y0 = y(static_cast<double>(h.counts[i]) / n);
    // An end bin holding tail samples is drawn lighter: it is not a plain bin.
    const bool tail = (i == 0 && h.below > 0) || (i + 1 == h.counts.size() && h.above > 0);
    doc.rect(x0 + gap / 2, y0, x1 - x0 - gap, bottom - y0, svg::kSkyBlue, tail ? "fill-opacity=\"0.5\"" : "");
  }

  // Empirical CDF at the bin edges: the share of samples at or below each edge.
  std::vector<std::pair<double, double>> points;
  double cumulative = static_cast<double>(h.below + h.at_low);
  points.emplace_back(x(h.low), cdf(cumulative / n));
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    double inside = static_cast<double>(h.counts[i]);
    if (i == 0) inside -= static_cast<double>(h.below + h.at_low);
    if (i + 1 == h.counts.size()) inside -= static_cast<double>(h.above);
    const double edge = h.low + static_cast<double>(i + 1) * bin_width;
    if (h.whole_numbers) {
      // A whole-number output's CDF steps up at each value, the bin's centre.
      const double centre = edge - bin_width / 2;
      points.emplace_back(x(centre), cdf(cumulative / n));
      cumulative += inside;
      points.emplace_back(x(centre), cdf(cumulative / n));
    } else {
      cumulative += inside;
    }
    points.emplace_back(x(edge), cdf(cumulative / n));
  }
  doc.poly(points, false,
           fmt::format("fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"", svg::kVermillion));

  // Right axis: cumulative share 0–100 %.
  const std::vector<double> cdf_ticks = {0, 0.25, 0.5, 0.75, 1};
  const std::vector<std::string> cdf_labels = tick_labels(cdf_ticks, "share");
  for (std::size_t i = 0; i < cdf_ticks.size(); ++i) {
    const double py = cdf(cdf_ticks[i]);
    doc.line(right, py, right + 5, py, svg::kVermillion);
    doc.text(right + 8, py + 4, cdf_labels[i], svg::kTickSize, Anchor::Start, "", svg::kVermillion);
  }

  // Percentile markers; a label that would collide with the previous one drops a row.
  std::vector<std::pair<double, double>> placed;  // right end x, row
  for (const Marker& m : chart.markers) {
    if (!(m.value >= h.low && m.value <= h.high)) continue;
    const double px = x(m.value);
    doc.line(px, top, px, bottom, svg::kInk, 1.5, "stroke-dasharray=\"4 3\"");
    const std::string label = fmt::format("{} {}", m.label, format_value(m.value, chart.unit));
    const double w = svg::text_width(label, svg::kTickSize);
    double x0 = std::clamp(px - w / 2, left, right - w);
    int row = 0;
    for (const auto& [end, r] : placed)
      if (x0 < end + 6 && r >= row) row = static_cast<int>(r) + 1;
    placed.emplace_back(x0 + w, row);
    doc.text(x0, top - 8 + 18 * row, label, svg::kTickSize, Anchor::Start, kHalo);
  }

  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.line(left, top, left, bottom, svg::kInk);
  doc.line(right, top, right, bottom, svg::kVermillion);
  doc.text((left + right) / 2, bottom + 42, axis_title(chart.quantity, chart.unit), svg::kLabelSize, Anchor::Middle);
  doc.vertical_text(20, (top + bottom) / 2, "samples per bin (%)", svg::kLabelSize);
  doc.vertical_text(kWidth - 14, (top + bottom) / 2, "cumulative share of samples (%)", svg::kLabelSize);
  const std::string note =
      h.whole_numbers ? fmt::format(
                            "{} {}; one bar per value. Values beyond P0.5 / P99.5 are counted in the end bars "
                            "({} below, {} above).",
                            thousands(h.total), noun_for(h.total, "sample"), thousands(h.below), thousands(h.above))
                      : fmt::format(
                            "{} {}; {} from P0.5 to P99.5. The end bins (lighter) also count the {} {} below "
                            "and the {} above.",
                            thousands(h.total), noun_for(h.total, "sample"), counted(h.counts.size(), "bin"),
                            thousands(h.below), noun_for(h.below, "sample"), thousands(h.above));
  doc.text(16, height - 18, note, 11, Anchor::Start, "", svg::kMuted);
  return doc.finish();
}

std::string fan_svg(const FanChart& chart) {
  const double height = 440;
  const double left = 82, right = kWidth - 30, top = 84, bottom = height - 76;
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  if (chart.points.empty()) {
    doc.text(kWidth / 2, height / 2, "no data", svg::kLabelSize, Anchor::Middle);
    return doc.finish();
  }
  draw_legend(doc, 16, 52,
              {{"P5 – P95", swatch_box(svg::kSkyBlue, "fill-opacity=\"0.45\"")},
               {"P25 – P75", swatch_box(svg::kBlue, "fill-opacity=\"0.45\"")},
               {"P50 (median)", swatch_line(svg::kBlue, 2.5)}});
  double lo = chart.points.front().p5, hi = chart.points.front().p95;
  for (const FanPoint& p : chart.points) {
    lo = std::min({lo, p.p5, p.p25, p.p50});
    hi = std::max({hi, p.p95, p.p75, p.p50});
  }
  const std::vector<double> y_ticks = nice_ticks(lo, hi, 6);
  const svg::Scale y{y_ticks.front(), y_ticks.back(), bottom, top};
  draw_y_axis(doc, y, y_ticks, chart.unit, left, right);

  const double band = (right - left) / static_cast<double>(chart.points.size());
  auto cx = [&](std::size_t i) { return left + (static_cast<double>(i) + 0.5) * band; };
  auto area = [&](double FanPoint::*upper, double FanPoint::*lower) {
    std::vector<std::pair<double, double>> pts;
    for (std::size_t i = 0; i < chart.points.size(); ++i) pts.emplace_back(cx(i), y(chart.points[i].*upper));
    for (std::size_t i = chart.points.size(); i-- > 0;) pts.emplace_back(cx(i), y(chart.points[i].*lower));
    return pts;
  };
  doc.poly(
      area(&FanPoint::p95, &FanPoint::p5), true,
      fmt::format("fill=\"{}\" fill-opacity=\"0.45\" stroke=\"{}\" stroke-width=\"1\"", svg::kSkyBlue, svg::kSkyBlue));
  doc.poly(area(&FanPoint::p75, &FanPoint::p25), true,
           fmt::format("fill=\"{}\" fill-opacity=\"0.45\" stroke=\"none\"", svg::kBlue));
  std::vector<std::pair<double, double>> median;
  for (std::size_t i = 0; i < chart.points.size(); ++i) median.emplace_back(cx(i), y(chart.points[i].p50));
  doc.poly(median, false, fmt::format("fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"", svg::kBlue));
  for (std::size_t i = 0; i < chart.points.size(); ++i) {
    const FanPoint& p = chart.points[i];
    doc.circle(cx(i), y(p.p50), 4, svg::kBlue, "stroke=\"#ffffff\" stroke-width=\"1.5\"");
    doc.text(cx(i) + 8, y(p.p50) - 8, format_value(p.p50, chart.unit), svg::kTickSize, Anchor::Start,
             kHalo + " " + kBold);
    doc.line(cx(i), bottom, cx(i), bottom + 5, svg::kInk);
    doc.text(cx(i), bottom + 20, p.label, svg::kTickSize, Anchor::Middle);
  }
  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.line(left, top, left, bottom, svg::kInk);
  doc.text((left + right) / 2, bottom + 44, chart.category_axis, svg::kLabelSize, Anchor::Middle);
  doc.vertical_text(20, (top + bottom) / 2, axis_title(chart.quantity, chart.unit), svg::kLabelSize);
  return doc.finish();
}

std::string tornado_svg(const TornadoChart& chart) {
  std::vector<TornadoRow> rows = chart.rows;
  std::stable_sort(rows.begin(), rows.end(),
                   [](const TornadoRow& a, const TornadoRow& b) { return std::fabs(a.rho) > std::fabs(b.rho); });
  // Long enough for "hbm_breakthrough: month turned on (13 = never)".
  constexpr std::size_t kMaxLabel = 48;
  double label_width = 60;
  for (const TornadoRow& r : rows)
    label_width = std::max(label_width, svg::text_width(svg::shorten(r.label, kMaxLabel), svg::kTickSize));
  const double row_height = 28;
  const double left = 24 + label_width, right = kWidth - 70, top = 84;
  const double bottom = top + row_height * static_cast<double>(std::max<std::size_t>(rows.size(), 1)) + 8;
  const double height = bottom + 74;
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  draw_legend(doc, 16, 52,
              {{"ρ > 0: output rises with it", swatch_box(svg::kBlue)},
               {"ρ < 0: output falls", swatch_box(svg::kVermillion)},
               {"95 % confidence interval (arrow: open)", swatch_line(svg::kInk, 1.5)}});
  const svg::Scale x{-1, 1, left, right};
  const std::vector<double> x_ticks = {-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1};
  draw_x_axis(doc, x, x_ticks, "", top, bottom);
  doc.text(right + 14, top - 4, "ρ", svg::kTickSize, Anchor::Start, kBold);
  if (rows.empty()) doc.text((left + right) / 2, top + 20, chart.empty_note, svg::kLabelSize, Anchor::Middle);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TornadoRow& r = rows[i];
    const double cy = top + 4 + row_height * (static_cast<double>(i) + 0.5);
    const double rho = std::clamp(r.rho, -1.0, 1.0);
    // An open end (too few samples to bound ρ there) runs to the axis end
    // and ends in an arrowhead instead of a tick.
    const double lo = std::clamp(std::min(r.ci_low, r.ci_high), -1.0, 1.0);
    const double hi = std::clamp(std::max(r.ci_low, r.ci_high), -1.0, 1.0);
    doc.text(left - 10, cy + 4, svg::shorten(r.label, kMaxLabel), svg::kTickSize, Anchor::End);
    const double x0 = std::min(x(0), x(rho)), x1 = std::max(x(0), x(rho));
    doc.rect(x0, cy - 8, x1 - x0, 16, rho >= 0 ? svg::kBlue : svg::kVermillion);
    doc.line(x(lo), cy, x(hi), cy, svg::kInk, 1.5);
    auto end_mark = [&](double at, bool open, double direction) {
      if (open)
        doc.poly({{x(at) - direction * 7, cy - 5}, {x(at), cy}, {x(at) - direction * 7, cy + 5}}, true,
                 fmt::format("fill=\"{}\"", svg::kInk));
      else
        doc.line(x(at), cy - 5, x(at), cy + 5, svg::kInk, 1.5);
    };
    end_mark(lo, is_open(std::min(r.ci_low, r.ci_high)), -1.0);
    end_mark(hi, is_open(std::max(r.ci_low, r.ci_high)), 1.0);
    doc.text(right + 14, cy + 4, fmt::format("{:+.2f}", r.rho), svg::kTickSize);
  }
  doc.line(x(0), top, x(0), bottom, svg::kInk, 1.5);
  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.text((left + right) / 2, bottom + 42, "Spearman rank correlation ρ", svg::kLabelSize, Anchor::Middle);
  return doc.finish();
}

std::string sobol_svg(const SobolChart& chart) {
  constexpr std::size_t kMaxLabel = 48;
  double label_width = 60;
  for (const SobolRow& r : chart.rows)
    label_width = std::max(label_width, svg::text_width(svg::shorten(r.label, kMaxLabel), svg::kTickSize));
  const double row_height = 34;
  const double left = 24 + label_width, right = kWidth - 110, top = 84;
  const double bottom = top + row_height * static_cast<double>(std::max<std::size_t>(chart.rows.size(), 1)) + 8;
  const double height = bottom + 74;
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  draw_legend(doc, 16, 52,
              {{"first order S", swatch_box(svg::kBlue)},
               {"total ST", swatch_box(svg::kOrange)},
               {"95 % confidence interval", swatch_line(svg::kInk, 1.5)}});
  const svg::Scale x{0, 1, left, right};
  draw_x_axis(doc, x, {0, 0.25, 0.5, 0.75, 1}, "", top, bottom);
  if (chart.rows.empty()) doc.text((left + right) / 2, top + 20, "no inputs", svg::kLabelSize, Anchor::Middle);
  auto bar = [&](double cy, double value, double low, double high, const char* colour) {
    if (std::isnan(value)) return;
    doc.rect(x(0), cy - 6, x(std::clamp(value, 0.0, 1.0)) - x(0), 12, colour);
    const double lo = std::clamp(low, 0.0, 1.0), hi = std::clamp(high, 0.0, 1.0);
    doc.line(x(lo), cy, x(hi), cy, svg::kInk, 1.5);
    doc.line(x(lo), cy - 4, x(lo), cy + 4, svg::kInk, 1.5);
    doc.line(x(hi), cy - 4, x(hi), cy + 4, svg::kInk, 1.5);
  };
  for (std::size_t i = 0; i < chart.rows.size(); ++i) {
    const SobolRow& r = chart.rows[i];
    const double cy = top + 4 + row_height * (static_cast<double>(i) + 0.5);
    doc.text(left - 10, cy + 4, svg::shorten(r.label, kMaxLabel), svg::kTickSize, Anchor::End);
    bar(cy - 7, r.first, r.first_low, r.first_high, svg::kBlue);
    bar(cy + 7, r.total, r.total_low, r.total_high, svg::kOrange);
    if (!std::isnan(r.total))
      doc.text(right + 14, cy + 4, fmt::format("{:.2f} / {:.2f}", r.first, r.total), svg::kTickSize);
  }
  doc.line(x(0), top, x(0), bottom, svg::kInk, 1.5);
  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.text((left + right) / 2, bottom + 42, "share of the output's variance", svg::kLabelSize, Anchor::Middle);
  return doc.finish();
}

std::string scenario_svg(const ScenarioChart& chart) {
  constexpr std::size_t kMaxLabel = 32;
  double label_width = 60;
  for (const ScenarioRow& r : chart.rows)
    label_width = std::max(label_width, svg::text_width(svg::shorten(r.scenario, kMaxLabel), svg::kTickSize));
  const double row_height = 34;
  const double left = 24 + label_width, right = kWidth - 96, top = 84;
  const double bottom = top + row_height * static_cast<double>(std::max<std::size_t>(chart.rows.size(), 1)) + 6;
  const double height = bottom + 74;
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  draw_legend(doc, 16, 52,
              {{"P5 – P95", swatch_line(svg::kBlue, 2)},
               {"P25 – P75", swatch_box(svg::kSkyBlue, fmt::format("stroke=\"{}\"", svg::kBlue))},
               {"P50", swatch_line(svg::kInk, 3)},
               {"mean", fmt::format("<circle cx=\"8\" cy=\"5\" r=\"4.5\" fill=\"{}\"/>", svg::kOrange)}});
  if (chart.rows.empty()) {
    doc.text(kWidth / 2, top + 20, "no scenarios", svg::kLabelSize, Anchor::Middle);
    return doc.finish();
  }
  double lo = chart.rows.front().p5, hi = chart.rows.front().p95;
  for (const ScenarioRow& r : chart.rows) {
    lo = std::min({lo, r.p5, r.mean, r.p50});
    hi = std::max({hi, r.p95, r.mean, r.p50});
  }
  const std::vector<double> x_ticks = nice_ticks(lo, hi, 6);
  const svg::Scale x{x_ticks.front(), x_ticks.back(), left, right};
  draw_x_axis(doc, x, x_ticks, chart.unit, top, bottom);
  doc.text(right + 12, top - 4, "P50", svg::kTickSize, Anchor::Start, kBold);
  for (std::size_t i = 0; i < chart.rows.size(); ++i) {
    const ScenarioRow& r = chart.rows[i];
    const double cy = top + 3 + row_height * (static_cast<double>(i) + 0.5);
    doc.text(left - 10, cy + 4, svg::shorten(r.scenario, kMaxLabel), svg::kTickSize, Anchor::End);
    doc.line(x(r.p5), cy, x(r.p95), cy, svg::kBlue, 2);
    doc.line(x(r.p5), cy - 6, x(r.p5), cy + 6, svg::kBlue, 2);
    doc.line(x(r.p95), cy - 6, x(r.p95), cy + 6, svg::kBlue, 2);
    if (r.p25 && r.p75)
      doc.rect(x(*r.p25), cy - 7, x(*r.p75) - x(*r.p25), 14, svg::kSkyBlue,
               fmt::format("stroke=\"{}\" stroke-width=\"1\"", svg::kBlue));
    doc.line(x(r.p50), cy - 10, x(r.p50), cy + 10, svg::kInk, 3);
    doc.circle(x(r.mean), cy, 4.5, svg::kOrange, "stroke=\"#ffffff\" stroke-width=\"1\"");
    doc.text(right + 12, cy + 4, format_value(r.p50, chart.unit), svg::kTickSize);
  }
  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.text((left + right) / 2, bottom + 42, axis_title(chart.quantity, chart.unit), svg::kLabelSize, Anchor::Middle);
  return doc.finish();
}

std::string probability_svg(const ProbabilityChart& chart) {
  constexpr std::size_t kMaxLabel = 32;
  double label_width = 60;
  for (const ProbabilityBar& r : chart.rows)
    label_width = std::max(label_width, svg::text_width(svg::shorten(r.label, kMaxLabel), svg::kTickSize));
  std::vector<std::string> values;
  double value_width = 0;
  for (const ProbabilityBar& r : chart.rows) {
    values.push_back(fmt::format("{} {}", format_proportion(r.p), format_proportion_interval(r.ci_low, r.ci_high)));
    value_width = std::max(value_width, svg::text_width(values.back(), svg::kTickSize));
  }
  const double row_height = 30;
  const double left = 24 + label_width, right = kWidth - 24 - value_width - 12, top = 84;
  const double bottom = top + row_height * static_cast<double>(std::max<std::size_t>(chart.rows.size(), 1)) + 6;
  const double height = bottom + 74;
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  draw_legend(doc, 16, 52,
              {{"P: share of samples that are 1", swatch_box(svg::kBlue)},
               {"95 % confidence interval (exact)", swatch_line(svg::kInk, 1.5)}});
  if (chart.rows.empty()) {
    doc.text(kWidth / 2, top + 20, "no rows", svg::kLabelSize, Anchor::Middle);
    return doc.finish();
  }
  double highest = 0;
  for (const ProbabilityBar& r : chart.rows) highest = std::max({highest, r.p, r.ci_high});
  // From 0 always: a bar's length is its probability. Never past 100 %.
  std::vector<double> x_ticks = nice_ticks(0, std::max(highest, 1e-12), 6);
  if (x_ticks.back() > 1) x_ticks = nice_ticks(0, 1, 6);
  const svg::Scale x{0, x_ticks.back(), left, right};
  draw_x_axis(doc, x, x_ticks, "share", top, bottom);
  for (std::size_t i = 0; i < chart.rows.size(); ++i) {
    const ProbabilityBar& r = chart.rows[i];
    const double cy = top + 3 + row_height * (static_cast<double>(i) + 0.5);
    doc.text(left - 10, cy + 4, svg::shorten(r.label, kMaxLabel), svg::kTickSize, Anchor::End);
    doc.rect(x(0), cy - 8, x(r.p) - x(0), 16, svg::kBlue);
    doc.line(x(r.ci_low), cy, x(r.ci_high), cy, svg::kInk, 1.5);
    doc.line(x(r.ci_low), cy - 5, x(r.ci_low), cy + 5, svg::kInk, 1.5);
    doc.line(x(r.ci_high), cy - 5, x(r.ci_high), cy + 5, svg::kInk, 1.5);
    doc.text(right + 12, cy + 4, values[i], svg::kTickSize);
  }
  doc.line(left, top, left, bottom, svg::kInk);
  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.text((left + right) / 2, bottom + 42, fmt::format("P({} = 1) (%)", chart.quantity), svg::kLabelSize,
           Anchor::Middle);
  return doc.finish();
}

// ---- sweep charts -------------------------------------------------------------

namespace {

// A line per scenario: the Okabe–Ito colours, then again.
const char* series_colour(std::size_t i) {
  static const char* const kColours[] = {svg::kBlue,    svg::kVermillion, svg::kGreen, svg::kOrange,
                                         svg::kSkyBlue, "#CC79A7",        svg::kInk};
  return kColours[i % std::size(kColours)];
}

// Viridis (perceptually uniform, legible with every common colour-vision
// deficiency and in grey) at t in [0, 1], by linear steps between 5 stops.
std::string viridis(double t) {
  static const int kStops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 4;
  const int i = std::min(static_cast<int>(t), 3);
  const double f = t - i;
  int rgb[3];
  for (int c = 0; c < 3; ++c)
    rgb[c] = static_cast<int>(std::lround(kStops[i][c] + f * (kStops[i + 1][c] - kStops[i][c])));
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

// The span of `values` widened where it is one point, so that a scale can map it.
std::pair<double, double> widened(double lo, double hi) {
  if (lo < hi) return {lo, hi};
  const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.05;
  return {lo - pad, hi + pad};
}

}  // namespace

std::string sweep_line_svg(const SweepChart& chart) {
  const double height = 460;
  const double left = 82, right = kWidth - 30, top = 96, bottom = height - 76;
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  std::vector<LegendEntry> legend;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    legend.push_back({chart.series[i].scenario, swatch_line(series_colour(i), 2.5)});
    for (const SweepPoint& p : chart.series[i].points) {
      xlo = std::min(xlo, p.levers.front());
      xhi = std::max(xhi, p.levers.front());
      ylo = std::min({ylo, p.p5, p.mean});
      yhi = std::max({yhi, p.p95, p.mean});
    }
  }
  if (legend.empty() || !std::isfinite(xlo) || !std::isfinite(ylo)) {
    doc.text(kWidth / 2, height / 2, "no data", svg::kLabelSize, Anchor::Middle);
    return doc.finish();
  }
  legend.push_back({"P5 – P95", swatch_box(svg::kGrid, "fill-opacity=\"0.8\"")});
  draw_legend(doc, 16, 52, legend);
  doc.text(16, 74, "mean of each cell; shaded: its P5 – P95", svg::kTickSize, Anchor::Start, "", svg::kMuted);
  std::tie(xlo, xhi) = widened(xlo, xhi);
  std::tie(ylo, yhi) = widened(ylo, yhi);
  const std::vector<double> x_ticks = nice_ticks(xlo, xhi, 6), y_ticks = nice_ticks(ylo, yhi, 6);
  const svg::Scale x{x_ticks.front(), x_ticks.back(), left, right};
  const svg::Scale y{y_ticks.front(), y_ticks.back(), bottom, top};
  draw_y_axis(doc, y, y_ticks, chart.unit, left, right);
  draw_x_axis(doc, x, x_ticks, chart.lever_units.empty() ? "" : chart.lever_units.front(), top, bottom);
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    std::vector<SweepPoint> points = chart.series[i].points;
    std::stable_sort(points.begin(), points.end(),
                     [](const SweepPoint& a, const SweepPoint& b) { return a.levers.front() < b.levers.front(); });
    std::vector<std::pair<double, double>> band, line;
    for (const SweepPoint& p : points) band.emplace_back(x(p.levers.front()), y(p.p95));
    for (auto it = points.rbegin(); it != points.rend(); ++it) band.emplace_back(x(it->levers.front()), y(it->p5));
    doc.poly(band, true, fmt::format("fill=\"{}\" fill-opacity=\"0.12\" stroke=\"none\"", series_colour(i)));
    for (const SweepPoint& p : points) line.emplace_back(x(p.levers.front()), y(p.mean));
    doc.poly(line, false, fmt::format("fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"", series_colour(i)));
    for (const auto& [px, py] : line) doc.circle(px, py, 3, series_colour(i));
  }
  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.line(left, top, left, bottom, svg::kInk);
  doc.text((left + right) / 2, bottom + 44,
           axis_title(chart.levers.front(), chart.lever_units.empty() ? "" : chart.lever_units.front()),
           svg::kLabelSize, Anchor::Middle);
  doc.vertical_text(20, (top + bottom) / 2, axis_title(chart.quantity, chart.unit), svg::kLabelSize);
  return doc.finish();
}

std::string sweep_heatmap_svg(const SweepChart& chart, std::size_t index) {
  const double height = 560;
  const double left = 96, right = kWidth - 120, top = 84, bottom = height - 76;
  const SweepSeries& series = chart.series.at(index);
  svg::Document doc(kWidth, height, chart.title);
  draw_heading(doc, chart.title, 16);
  // One colour scale for every scenario's map.
  double vlo = INFINITY, vhi = -INFINITY;
  for (const SweepSeries& s : chart.series)
    for (const SweepPoint& p : s.points)
      if (std::isfinite(p.mean)) {
        vlo = std::min(vlo, p.mean);
        vhi = std::max(vhi, p.mean);
      }
  if (series.points.empty() || !std::isfinite(vlo) || chart.levers.size() < 2) {
    doc.text(kWidth / 2, height / 2, "no data", svg::kLabelSize, Anchor::Middle);
    return doc.finish();
  }
  doc.text(16, 52, fmt::format("scenario {}: mean of {} in each cell", series.scenario, chart.quantity), svg::kTickSize,
           Anchor::Start, "", svg::kMuted);
  const auto [clo, chi] = widened(vlo, vhi);
  auto colour = [&](double v) { return viridis((v - clo) / (chi - clo)); };
  std::vector<double> xs, ys;
  for (const SweepPoint& p : series.points) {
    xs.push_back(p.levers[0]);
    ys.push_back(p.levers[1]);
  }
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  std::sort(ys.begin(), ys.end());
  ys.erase(std::unique(ys.begin(), ys.end()), ys.end());
  const std::string x_unit = chart.lever_units.size() > 0 ? chart.lever_units[0] : "";
  const std::string y_unit = chart.lever_units.size() > 1 ? chart.lever_units[1] : "";
  const bool grid = xs.size() * ys.size() == series.points.size();
  if (grid) {
    // Equal cells in the grid's order, each labelled by its lever value.
    const double w = (right - left) / static_cast<double>(xs.size()),
                 h = (bottom - top) / static_cast<double>(ys.size());
    const bool labelled = w >= 44 && h >= 18;
    for (const SweepPoint& p : series.points) {
      const auto i = static_cast<double>(std::lower_bound(xs.begin(), xs.end(), p.levers[0]) - xs.begin());
      const auto j = static_cast<double>(std::lower_bound(ys.begin(), ys.end(), p.levers[1]) - ys.begin());
      const double cx = left + i * w, cy = bottom - (j + 1) * h;
      doc.rect(cx, cy, w, h, colour(p.mean), "stroke=\"#ffffff\" stroke-width=\"1\"");
      // White on viridis' dark end, ink on its light end.
      const bool dark = (p.mean - clo) / (chi - clo) < 0.6;
      if (labelled)
        doc.text(cx + w / 2, cy + h / 2 + 4, format_value(p.mean, chart.unit), 10, Anchor::Middle, "",
                 dark ? "#ffffff" : svg::kInk);
    }
    // The levers' own values, as the tables show numbers (not ticks: 0.6111… is no round number).
    std::vector<std::string> x_labels, y_labels;
    for (double v : xs) x_labels.push_back(format_value(v, x_unit));
    for (double v : ys) y_labels.push_back(format_value(v, y_unit));
    const std::size_t x_every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(60.0 / w)));
    for (std::size_t i = 0; i < xs.size(); i += x_every)
      doc.text(left + (static_cast<double>(i) + 0.5) * w, bottom + 19, x_labels[i], svg::kTickSize, Anchor::Middle);
    const std::size_t y_every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(18.0 / h)));
    for (std::size_t j = 0; j < ys.size(); j += y_every)
      doc.text(left - 8, bottom - (static_cast<double>(j) + 0.5) * h + 4, y_labels[j], svg::kTickSize, Anchor::End);
  } else {
    const auto [xlo, xhi] = widened(xs.front(), xs.back());
    const auto [ylo, yhi] = widened(ys.front(), ys.back());
    const std::vector<double> x_ticks = nice_ticks(xlo, xhi, 6), y_ticks = nice_ticks(ylo, yhi, 6);
    const svg::Scale x{x_ticks.front(), x_ticks.back(), left, right};
    const svg::Scale y{y_ticks.front(), y_ticks.back(), bottom, top};
    draw_y_axis(doc, y, y_ticks, y_unit, left, right);
    draw_x_axis(doc, x, x_ticks, x_unit, top, bottom);
    for (const SweepPoint& p : series.points)
      doc.circle(x(p.levers[0]), y(p.levers[1]), 7, colour(p.mean), "stroke=\"#ffffff\" stroke-width=\"1\"");
  }
  doc.line(left, bottom, right, bottom, svg::kInk);
  doc.line(left, top, left, bottom, svg::kInk);
  doc.text((left + right) / 2, bottom + 44, axis_title(chart.levers[0], x_unit), svg::kLabelSize, Anchor::Middle);
  doc.vertical_text(20, (top + bottom) / 2, axis_title(chart.levers[1], y_unit), svg::kLabelSize);
  // The colour bar: the least mean at the foot, the largest at the head.
  const double bar_x = right + 40, bar_w = 16;
  constexpr int kSteps = 32;
  for (int k = 0; k < kSteps; ++k) {
    const double t0 = static_cast<double>(k) / kSteps;
    const double y0 = bottom - (bottom - top) * (t0 + 1.0 / kSteps);
    doc.rect(bar_x, y0, bar_w, (bottom - top) / kSteps + 0.5, viridis(t0 + 0.5 / kSteps));
  }
  doc.text(bar_x + bar_w + 6, bottom + 4, format_value(vlo, chart.unit), svg::kTickSize);
  doc.text(bar_x + bar_w + 6, top + 4, format_value(vhi, chart.unit), svg::kTickSize);
  doc.text(bar_x - 4, top - 10, "mean", svg::kTickSize);
  return doc.finish();
}

}  // namespace riskcast::chart
