#include "riskcast/diagnostics.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <tuple>

namespace riskcast {

void Diagnostics::error(SourcePos pos, std::string message, std::string hint) {
  items_.push_back({pos, std::move(message), std::move(hint), {}});
}

void Diagnostics::error(Diagnostic error) {
  items_.push_back(std::move(error));
}

void Diagnostics::warning(SourcePos pos, std::string message, std::string hint) {
  warnings_.push_back({pos, std::move(message), std::move(hint), {}});
}

void Diagnostics::warning(Diagnostic warning) {
  warnings_.push_back(std::move(warning));
}

namespace {
struct Labelled {
  const Diagnostic* diagnostic;
  std::string_view severity;
};

std::string format_sorted(const std::string& path, std::vector<Labelled> lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const Labelled& a, const Labelled& b) {
    return std::tie(a.diagnostic->file, a.diagnostic->pos) < std::tie(b.diagnostic->file, b.diagnostic->pos);
  });
  std::string out;
  for (const auto& [d, severity] : lines) {
    // A path is user text too: a line break in it must not split a line.
    const std::string file = printable_for_message(d->file.empty() ? path : d->file);
    if (d->pos.line == 0) {
      out += fmt::format("{}: {}: {}", file, severity, d->message);
    } else {
      out += fmt::format("{}:{}:{}: {}: {}", file, d->pos.line, d->pos.column, severity, d->message);
    }
    if (!d->hint.empty()) out += fmt::format(" ({})", d->hint);
    out += '\n';
  }
  return out;
}
}  // namespace

std::string Diagnostics::format() const {
  std::vector<Labelled> lines;
  for (const Diagnostic& d : items_) lines.push_back({&d, "error"});
  for (const Diagnostic& d : warnings_) lines.push_back({&d, "warning"});
  return format_sorted(file_, std::move(lines));
}

std::string Diagnostics::format_warnings(bool as_errors) const {
  std::vector<Labelled> lines;
  for (const Diagnostic& d : warnings_) lines.push_back({&d, as_errors ? "error" : "warning"});
  return format_sorted(file_, std::move(lines));
}

ModelError::ModelError(Diagnostics diagnostics)
    : std::runtime_error(diagnostics.format()), diagnostics_(std::move(diagnostics)) {}

namespace {
// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of neighbours each cost 1 (`pret` is one step from `pert`);
// case does not count (`NVIDIA_share` is `nvidia_share` misspelt).
std::size_t edit_distance(std::string_view a_text, std::string_view b_text) {
  auto lower = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string a = lower(a_text), b = lower(b_text);
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> d((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(n, m);
}
}  // namespace

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  // Long names are never typos of short ones; skipping them keeps hostile
  // input (a megabyte identifier) cheap.
  if (name.empty() || name.size() > 64) return {};
  const std::size_t limit = std::min<std::size_t>(3, (name.size() + 1) / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    if (c.size() > name.size() + limit || c.size() + limit < name.size()) continue;
    std::size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best = closest_name(name, candidates);
  return best.empty() ? std::string{} : fmt::format("did you mean `{}`?", best);
}

std::string noun_for(std::uint64_t n, std::string_view singular, std::string_view plural) {
  if (n == 1) return std::string(singular);
  return plural.empty() ? std::string(singular) + "s" : std::string(plural);
}

std::string counted(std::uint64_t n, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", n, noun_for(n, singular, plural));
}

std::string quote_for_message(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::size_t keep = std::min(text.size(), kMax);
  // Never cut a UTF-8 character in two: back up to the start of the one cut.
  if (keep < text.size())
    while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80) --keep;
  std::string out = printable_for_message(text.substr(0, keep));
  if (text.size() > kMax) out += fmt::format("… ({} bytes)", text.size());
  return out;
}

std::string printable_for_message(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace riskcast
