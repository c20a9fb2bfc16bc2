// Internal: a small SVG text builder shared by the chart functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace riskcast::chart::svg {

// Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
inline constexpr const char* kBlue = "#0072B2";
inline constexpr const char* kSkyBlue = "#56B4E9";
inline constexpr const char* kVermillion = "#D55E00";
inline constexpr const char* kOrange = "#E69F00";
inline constexpr const char* kGreen = "#009E73";
inline constexpr const char* kInk = "#222222";
inline constexpr const char* kGrid = "#dddddd";
inline constexpr const char* kMuted = "#555555";

inline constexpr double kTitleSize = 16;
inline constexpr double kLabelSize = 13;
inline constexpr double kTickSize = 12;

// A coordinate at fixed precision; never "-0.0".
std::string num(double v);

// Rough rendered width of `text` in a sans-serif font of `size` px: wide
// enough to keep labels from colliding, never measured (no font access).
double text_width(std::string_view text, double size);

// `text` shortened to at most `max_chars` code points, "…" marking the cut.
std::string shorten(const std::string& text, std::size_t max_chars);

enum class Anchor { Start, Middle, End };

class Document {
 public:
  // Opens <svg> with its size, role, aria-label and <title>, on a white background.
  Document(double width, double height, const std::string& title);

  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
            const std::string& extra = "");
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& extra = "");
  // Points as x0,y0 x1,y1 …; closed (polygon) or open (polyline).
  void poly(const std::vector<std::pair<double, double>>& points, bool closed, const std::string& style);
  void circle(double cx, double cy, double r, const std::string& fill, const std::string& extra = "");
  // `text` is escaped here.
  void text(double x, double y, const std::string& text, double size, Anchor anchor = Anchor::Start,
            const std::string& extra = "", const char* fill = kInk);
  // Text rotated −90° about (x, y), for a vertical axis title.
  void vertical_text(double x, double y, const std::string& text, double size);
  void raw(const std::string& markup) { out_ += markup; }

  std::string finish();

 private:
  std::string out_;
};

// Maps a data interval onto a pixel interval (reversed for y axes).
struct Scale {
  double d0, d1, p0, p1;
  double operator()(double v) const { return p0 + (v - d0) / (d1 - d0) * (p1 - p0); }
};

}  // namespace riskcast::chart::svg
