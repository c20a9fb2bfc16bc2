// Histograms built from a column of samples without copying or reordering it.
#include <algorithm>
#include <cmath>
#include <functional>

#include "riskcast/chart.hpp"

namespace riskcast::chart {

namespace {

// The `k` smallest values under `less`, sorted by it: a bounded heap, one
// pass, memory k. Cost n·log k at worst, far less once the heap has settled.
template <typename Less>
std::vector<double> extreme_values(std::span<const double> values, std::size_t k, Less less) {
  std::vector<double> heap;
  heap.reserve(k);
  for (double v : values) {
    if (heap.size() < k) {
      heap.push_back(v);
      std::push_heap(heap.begin(), heap.end(), less);
    } else if (less(v, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), less);
      heap.back() = v;
      std::push_heap(heap.begin(), heap.end(), less);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), less);
  return heap;
}

// The type-7 percentile (statistics.hpp's estimator) at p, reading only the
// order statistics it needs from the tails.
double tail_percentile(std::span<const double> values, double p) {
  const std::size_t n = values.size();
  const double h = static_cast<double>(n - 1) * p;
  const std::size_t f = static_cast<std::size_t>(std::floor(h));
  const double frac = h - static_cast<double>(f);
  if (p < 0.5) {
    const std::vector<double> low = extreme_values(values, std::min(n, f + 2), std::less<double>());
    const double next = low[std::min(f + 1, low.size() - 1)];
    return low[f] + frac * (next - low[f]);
  }
  // Ranks f and f + 1 from the bottom are ranks n − 1 − f and n − 2 − f from the top.
  const std::size_t from_top = n - 1 - f;
  const std::vector<double> high = extreme_values(values, from_top + 1, std::greater<double>());
  const double at = high[from_top];
  const double next = from_top == 0 ? at : high[from_top - 1];
  return at + frac * (next - at);
}

}  // namespace

Histogram make_histogram(std::span<const double> values, std::size_t bins) {
  Histogram h;
  h.total = values.size();
  if (values.empty() || bins == 0) return h;
  double lo = tail_percentile(values, kHistogramTail);
  double hi = tail_percentile(values, 1 - kHistogramTail);
  const bool whole = std::all_of(values.begin(), values.end(), [](double v) { return v == std::round(v); });
  // A whole-number output over few values (a count of months, a 0/1
  // indicator) reads best with one bin per value.
  if (whole && std::round(hi) - std::round(lo) + 1 <= 2.0 * static_cast<double>(bins)) {
    h.whole_numbers = true;
    lo = std::round(lo) - 0.5;
    hi = std::round(hi) + 0.5;
    bins = static_cast<std::size_t>(hi - lo);
  } else if (!(hi > lo)) {
    // An atom covers the whole central 99 %: a narrow window around it.
    const double pad = lo == 0 ? 1e-3 : std::fabs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  h.low = lo;
  h.high = hi;
  h.counts.assign(bins, 0);
  const double width = (hi - lo) / static_cast<double>(bins);
  for (double v : values) {
    std::size_t bin;
    if (v < lo) {
      ++h.below;
      bin = 0;
    } else if (v > hi) {
      ++h.above;
      bin = bins - 1;
    } else {
      h.at_low += v == lo;
      bin = std::min(static_cast<std::size_t>((v - lo) / width), bins - 1);
    }
    ++h.counts[bin];
  }
  return h;
}

}  // namespace riskcast::chart
