// Sampling methods and precision targets by name (sampling.hpp).
#include "riskcast/sampling.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "riskcast/count.hpp"
#include "riskcast/statistics.hpp"

namespace riskcast {

std::string_view to_string(SamplingMethod method) {
  switch (method) {
    case SamplingMethod::lhs:
      return "lhs";
    case SamplingMethod::qmc:
      return "qmc";
    case SamplingMethod::mc:
      break;
  }
  return "mc";
}

std::optional<SamplingMethod> parse_sampling_method(std::string_view name) {
  for (SamplingMethod m : {SamplingMethod::mc, SamplingMethod::lhs, SamplingMethod::qmc})
    if (to_string(m) == name) return m;
  return std::nullopt;
}

unsigned replicates_for(SamplingMethod method, unsigned asked) {
  if (asked != 0) return asked;
  switch (method) {
    case SamplingMethod::lhs:
      return kDefaultLhsReplicates;
    case SamplingMethod::qmc:
      return kDefaultQmcReplicates;
    case SamplingMethod::mc:
      break;
  }
  return 1;
}

std::string PrecisionTarget::to_string() const {
  // percentile_label gives "P97.5"; the target spells it "p97.5".
  const std::string stat =
      percentile ? fmt::format("p{}", std::string_view(percentile_label(*percentile)).substr(1)) : std::string("mean");
  const std::string width = relative ? fmt::format("{}%", halfwidth * 100) : fmt::format("{}", halfwidth);
  return fmt::format("{}:{}:{}", output, stat, width);
}

PrecisionTarget parse_precision_target(std::string_view text) {
  const std::size_t second = text.rfind(':');
  const std::size_t first =
      second == std::string_view::npos || second == 0 ? std::string_view::npos : text.rfind(':', second - 1);
  if (first == std::string_view::npos)
    throw std::invalid_argument(
        fmt::format("'{}' is not OUTPUT:STAT:HALFWIDTH (e.g. revenue:mean:1% or share:p50:0.002)", text));
  PrecisionTarget target;
  target.output = std::string(text.substr(0, first));
  if (target.output.empty()) throw std::invalid_argument(fmt::format("'{}' names no output", text));
  const std::string_view stat = text.substr(first + 1, second - first - 1);
  if (stat != "mean") {
    std::string problem;
    std::optional<double> p;
    if (stat.size() > 1 && (stat[0] == 'p' || stat[0] == 'P')) p = parse_percentile(stat.substr(1), &problem);
    if (!p)
      throw std::invalid_argument(
          fmt::format("'{}': the statistic '{}' is neither mean nor a percentile pNN (p50, p97.5){}", text, stat,
                      problem.empty() ? "" : fmt::format(": {} {}", stat.substr(1), problem)));
    target.percentile = p;
  }
  std::string_view width = text.substr(second + 1);
  target.relative = !width.empty() && width.back() == '%';
  if (target.relative) width.remove_suffix(1);
  std::string problem;
  const std::optional<double> value = parse_real_number(width, &problem);
  if (!value || !(*value > 0) || !std::isfinite(*value))
    throw std::invalid_argument(fmt::format("'{}': the half-width '{}' must be a positive number{}", text,
                                            text.substr(second + 1), target.relative ? " of percent" : ""));
  target.halfwidth = target.relative ? *value / 100 : *value;
  return target;
}

}  // namespace riskcast
