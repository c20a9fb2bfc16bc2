// Warnings: what a model may say but most likely does not mean. Each is
// positioned like an error ("FILE:LINE:COL: warning: MESSAGE (HINT)"),
// printed on stderr by every command that loads the model, and leaves the
// exit status alone unless `check --strict` (docs/language.md, "Warnings").
#pragma once

#include "riskcast/diagnostics.hpp"
#include "riskcast/model.hpp"
#include "riskcast/result.hpp"

namespace riskcast {

// Above this, lognormal(mu, sigma)'s mu is most likely a median or mean in
// natural units rather than on the log scale: e^20 ≈ 4.9e8.
inline constexpr double kLognormalMuWarning = 20.0;

// Warnings about a loaded, resolved model (part of loading; exposed for
// tests): an entry never read; a share parameter whose distribution can
// leave [0, 1]; a lognormal whose mu looks like a value in natural units; a
// parameter or burst size without a finite variance.
// `elsewhere[i]` true: base parameter i's distribution is warned about by
// the caller, positioned in the text that defined it (with_parameters).
void warn_about_model(const Model& model, Diagnostics& warnings, const std::vector<bool>& elsewhere = {});

// The warnings about one parameter's distribution: a share that can leave
// [0, 1], a lognormal whose mu looks like a value in natural units, a law
// without a finite variance (student_t with df <= 2).
void warn_about_distribution(const Parameter& parameter, Diagnostics& warnings);

// Warnings about a run's results: an output with a share unit whose values
// left [0, 1] in some scenario.
void warn_about_results(const Model& model, const RunResult& result, Diagnostics& warnings);

}  // namespace riskcast
