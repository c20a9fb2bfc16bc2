// Tick positions and texts, axis titles, and the quarterly grouping of outputs.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "riskcast/chart.hpp"
#include "riskcast/report.hpp"
#include "riskcast/result.hpp"

namespace riskcast::chart {

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo <= std::max(std::fabs(lo), std::fabs(hi)) * 1e-12) {
    const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  target = std::max(target, 2);
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double mantissa = 10;
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * magnitude >= raw * (1 - 1e-9)) {
      mantissa = m;
      break;
    }
  const double step = mantissa * magnitude;
  // Ticks as whole multiples k·mantissa of a power of ten, divided by 10^j
  // for small magnitudes: the nearest doubles to the decimal values (0.6,
  // not 3 × 0.2), and no drift from repeated addition.
  const double inverse = magnitude < 1 ? std::round(1 / magnitude) : 1;
  const double unit = magnitude < 1 ? 1 : magnitude;
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  std::vector<double> ticks;
  for (double k = first; k <= last + 0.5; k += 1) {
    const double t = k * mantissa * unit / inverse;
    ticks.push_back(t == 0 ? 0.0 : t);
  }
  return ticks;
}

namespace {

// Fewest decimals (≤ `most`) that show `step` exactly; nullopt if more are needed.
std::optional<int> decimals_for(double step, int most) {
  step = std::fabs(step);
  for (int d = 0; d <= most; ++d) {
    const double scaled = step * std::pow(10.0, d);
    // round(scaled) ≥ 1: a step far below one unit of the last decimal is not "exact" at 0.
    if (std::round(scaled) >= 1 && std::fabs(scaled - std::round(scaled)) <= 1e-6 * scaled) return d;
  }
  return std::nullopt;
}

std::string trimmed(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// Most decimals a plain tick label may have before e-notation reads better.
constexpr int kMostDecimals = 6;

// Each tick in e-notation with the mantissa digits the step needs
// (2e-09, 4e-09; 1.2e+300), so no two ticks read the same.
std::vector<std::string> scientific_labels(const std::vector<double>& shown, double step, const char* unit_suffix) {
  std::vector<std::string> labels;
  for (double t : shown) {
    if (t == 0.0) {
      labels.push_back(std::string("0") + unit_suffix);
      continue;
    }
    const double exponent = std::floor(std::log10(std::fabs(t)));
    const int decimals = decimals_for(step / std::pow(10.0, exponent), 15).value_or(15);
    std::string text = fmt::format("{:.{}e}", t, decimals);
    const std::size_t e = text.find('e');
    labels.push_back(trimmed(text.substr(0, e)) + text.substr(e) + unit_suffix);
  }
  return labels;
}

}  // namespace

std::vector<std::string> tick_labels(const std::vector<double>& ticks, const std::string& unit) {
  if (ticks.empty()) return {};
  const bool share = is_share_unit(unit);
  // Shares are shown in percent, with the same rules as other numbers but no suffix.
  std::vector<double> shown;
  for (double t : ticks) shown.push_back(share ? t * 100.0 : t);
  double largest = 0;
  for (double t : shown) largest = std::max(largest, std::fabs(t));
  double step = shown.size() >= 2 ? std::fabs(shown[1] - shown[0]) : largest;
  if (!(step > 0.0) || !std::isfinite(step)) step = largest > 0 ? largest : 1.0;
  const char* unit_suffix = share ? "%" : "";
  if (largest >= (share ? kPercentScientificFrom : kScientificFrom) || !std::isfinite(largest))
    return scientific_labels(shown, step, unit_suffix);
  // One suffix for the whole axis, chosen by its largest tick; none where
  // the step would need more decimals than a label should have.
  double scale = 1;
  const char* suffix = "";
  if (!share) {
    // The largest suffix the largest tick reaches, as format_number picks it.
    for (std::size_t group = kNumberSuffixes.size() - 1; group >= 1; --group) {
      const double group_scale = std::pow(10.0, 3.0 * static_cast<double>(group));
      if (largest < std::max(group_scale, kSuffixFrom)) continue;
      if (decimals_for(step / group_scale, kMostDecimals)) {
        scale = group_scale;
        suffix = kNumberSuffixes[group].data();
      }
      break;
    }
  }
  const std::optional<int> decimals = decimals_for(step / scale, kMostDecimals);
  if (!decimals) return scientific_labels(shown, step, unit_suffix);
  std::vector<std::string> labels;
  for (double t : shown) {
    std::string text = trimmed(fmt::format("{:.{}f}", t / scale, *decimals));
    labels.push_back(text == "0" && !share ? text : text + suffix + unit_suffix);
  }
  return labels;
}

std::string axis_title(const std::string& quantity, const std::string& unit) {
  if (unit.empty()) return quantity;
  if (unit == "share" || unit == "%") return fmt::format("{} (%)", quantity);
  if (is_share_unit(unit)) return fmt::format("{} (%, {})", quantity, unit);
  return fmt::format("{} ({})", quantity, unit);
}

std::vector<QuarterlyGroup> quarterly_groups(const std::vector<std::string>& names) {
  // prefix → quarter number → output index
  std::map<std::string, std::map<unsigned, std::size_t>> found;
  std::vector<std::string> order;  // prefixes in order of first appearance
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    const std::size_t q = name.rfind("_q");
    if (q == std::string::npos || q == 0 || q + 2 >= name.size() || name.size() - q - 2 > 2) continue;
    const std::string digits = name.substr(q + 2);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    const unsigned quarter = static_cast<unsigned>(std::stoul(digits));
    if (quarter == 0 || digits[0] == '0') continue;
    const std::string prefix = name.substr(0, q);
    if (!found.count(prefix)) order.push_back(prefix);
    found[prefix].emplace(quarter, i);
  }
  std::vector<QuarterlyGroup> groups;
  for (const std::string& prefix : order) {
    const auto& quarters = found[prefix];
    // Every quarter from 1 to the last present, at least two of them.
    if (quarters.size() < 2 || quarters.rbegin()->first != quarters.size()) continue;
    QuarterlyGroup group{prefix, {}};
    for (const auto& [quarter, index] : quarters) group.outputs.push_back(index);
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace riskcast::chart
