#include "svg.hpp"

#include <fmt/format.h>

#include <cmath>

#include "riskcast/chart.hpp"
#include "riskcast/report.hpp"

namespace riskcast::chart {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
        if (c == 0x7f) break;
        out += c;
    }
  }
  return out;
}

namespace svg {

std::string num(double v) {
  if (!std::isfinite(v)) v = 0;
  if (std::fabs(v) < 0.05) v = 0;
  return fmt::format("{:.1f}", v);
}

double text_width(std::string_view text, double size) {
  // Average advance of sans-serif glyphs is about 0.55 em; 0.6 leaves room.
  return static_cast<double>(display_width(std::string(text))) * size * 0.6;
}

std::string shorten(const std::string& text, std::size_t max_chars) {
  if (display_width(text) <= max_chars) return text;
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xc0) != 0x80) {
      if (chars == max_chars - 1) break;
      ++chars;
    }
    out += text[i];
  }
  return out + "…";
}

Document::Document(double width, double height, const std::string& title) {
  const std::string t = xml_escape(title);
  out_ = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"{2}\" font-family=\"sans-serif\" font-size=\"{3}\">\n<title>{2}</title>\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      num(width), num(height), t, num(kTickSize));
}

void Document::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
                    const std::string& extra) {
  out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>\n",
                      num(x1), num(y1), num(x2), num(y2), stroke, num(width), extra.empty() ? "" : " ", extra);
}

void Document::rect(double x, double y, double w, double h, const std::string& fill, const std::string& extra) {
  out_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}/>\n", num(x), num(y),
                      num(std::max(w, 0.0)), num(std::max(h, 0.0)), fill, extra.empty() ? "" : " ", extra);
}

void Document::poly(const std::vector<std::pair<double, double>>& points, bool closed, const std::string& style) {
  std::string list;
  for (const auto& [x, y] : points) {
    if (!list.empty()) list += ' ';
    list += num(x) + "," + num(y);
  }
  out_ += fmt::format("<{} points=\"{}\" {}/>\n", closed ? "polygon" : "polyline", list, style);
}

void Document::circle(double cx, double cy, double r, const std::string& fill, const std::string& extra) {
  out_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"{}{}/>\n", num(cx), num(cy), num(r), fill,
                      extra.empty() ? "" : " ", extra);
}

void Document::text(double x, double y, const std::string& content, double size, Anchor anchor,
                    const std::string& extra, const char* fill) {
  const char* a = anchor == Anchor::Start ? "start" : anchor == Anchor::Middle ? "middle" : "end";
  out_ += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{}\"{}{}>{}</text>\n", num(x),
                      num(y), num(size), a, fill, extra.empty() ? "" : " ", extra, xml_escape(content));
}

void Document::vertical_text(double x, double y, const std::string& content, double size) {
  out_ += fmt::format(
      "<text x=\"0\" y=\"0\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{}\" "
      "transform=\"translate({} {}) rotate(-90)\">{}</text>\n",
      num(size), kInk, num(x), num(y), xml_escape(content));
}

std::string Document::finish() {
  out_ += "</svg>\n";
  return std::move(out_);
}

}  // namespace svg
}  // namespace riskcast::chart
