// riskcast._riskcast: the Python binding of the public API (riskcast.hpp)
// and nothing else; python/riskcast/__init__.py gives it its Python shape
// (docs/python.md).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <tuple>

#include "riskcast/riskcast.hpp"

namespace py = pybind11;
using namespace riskcast;

namespace {

// One diagnostic with the file it is about, as Python sees it.
struct PyDiagnostic {
  std::string severity;  // "error" | "warning"
  std::string file;
  std::uint32_t line = 0, column = 0;  // 1-based; 0: no position
  std::string message, hint;

  std::string str() const {
    std::string out = file;
    if (line) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": " + severity + ": " + message;
    if (!hint.empty()) out += " (" + hint + ")";
    return out;
  }
};

std::vector<PyDiagnostic> diagnostics_of(const std::string& file, std::vector<Diagnostic> items,
                                         const std::string& severity) {
  std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.pos) < std::tie(b.file, b.pos);
  });
  std::vector<PyDiagnostic> out;
  for (const Diagnostic& d : items)
    out.push_back({severity, d.file.empty() ? file : d.file, d.pos.line, d.pos.column, d.message, d.hint});
  return out;
}

// riskcast.Error, the one exception type every engine error becomes.
PyObject* error_type = nullptr;

// A 1-based line or column, None where the diagnostic has no place (0: a
// file that cannot be read at all).
py::object optional_position(std::uint32_t n) {
  return n ? py::cast(n) : py::none();
}

// Raises riskcast.Error with `kind` ("model", "options", "resource",
// "cancelled"), the diagnostics (a model error's, else none) and the first
// one's place as attributes.
void raise_error(const std::string& kind, const std::string& text, const std::vector<PyDiagnostic>& diagnostics) {
  std::string message = text;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  py::object error = py::reinterpret_borrow<py::object>(error_type)(message);
  error.attr("kind") = kind;
  error.attr("diagnostics") = py::cast(diagnostics);
  const PyDiagnostic* first = diagnostics.empty() ? nullptr : &diagnostics.front();
  error.attr("file") = first ? py::cast(first->file) : py::none();
  error.attr("line") = first ? optional_position(first->line) : py::none();
  error.attr("column") = first ? optional_position(first->column) : py::none();
  error.attr("message") = first ? py::cast(first->message) : py::cast(message);
  PyErr_SetObject(error_type, error.ptr());
}

void translate(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const ModelError& e) {
    const std::string text = e.diagnostics().format();
    raise_error("model", text.empty() ? e.what() : text,
                diagnostics_of(e.diagnostics().file(), e.diagnostics().items(), "error"));
  } catch (const ResourceError& e) {
    raise_error("resource", e.what(), {});
  } catch (const RunCancelled& e) {
    raise_error("cancelled", e.what(), {});
  } catch (const std::invalid_argument& e) {
    raise_error("options", e.what(), {});
  }
}

struct PyResult {
  RunResult result;
  std::vector<PyDiagnostic> warnings;  // the run's results' (a share that left [0, 1])

  const ScenarioResult& scenario(const std::string& name) const {
    for (const ScenarioResult& s : result.scenarios)
      if (s.name == name) return s;
    std::string names;
    for (const ScenarioResult& s : result.scenarios) names += (names.empty() ? "" : ", ") + s.name;
    throw std::invalid_argument("'" + name + "' is not a scenario of this result (" + names + ")");
  }
};

// The kept column as a read-only NumPy array over the result's own memory;
// the array holds `self`, so the result lives as long as the array.
py::array samples_of(py::object self, const std::string& scenario, const std::string& column) {
  const PyResult& r = self.cast<const PyResult&>();
  const ScenarioResult& s = r.scenario(scenario);
  const SampleColumn* c = s.column(column);
  if (!c) {
    std::string kept;
    for (const SampleColumn& k : s.columns) kept += (kept.empty() ? "" : ", ") + k.name;
    throw std::invalid_argument("'" + column + "' was not kept by this run (kept: " +
                                (kept.empty() ? std::string("none; pass columns=[...] to run()") : kept) + ")");
  }
  py::array_t<double> array(static_cast<py::ssize_t>(c->values.size()), c->values.data(), self);
  array.attr("setflags")(py::arg("write") = false);
  return array;
}

// The summaries as plain rows, for the pandas tables (__init__.py).
py::list summary_rows(const PyResult& r) {
  py::list rows;
  for (const ScenarioResult& s : r.result.scenarios)
    for (const OutputResult& o : s.outputs) {
      const OutputSummary& m = o.summary;
      py::list percentiles;
      for (const PercentileEstimate& q : m.percentiles)
        percentiles.append(py::make_tuple(q.p, q.value, q.ci_low, q.ci_high));
      py::dict row;
      row["scenario"] = s.name;
      row["output"] = o.name;
      row["unit"] = o.metadata.unit;
      row["n"] = m.n;
      row["mean"] = m.mean;
      row["sd"] = m.sd;
      row["mean_se"] = m.mean_se;
      row["mean_ci_low"] = m.mean_ci_low;
      row["mean_ci_high"] = m.mean_ci_high;
      row["min"] = m.min;
      row["max"] = m.max;
      row["percentiles"] = percentiles;
      py::list exceedances;
      for (const ExceedanceEstimate& e : m.exceedances)
        exceedances.append(py::make_tuple(e.threshold, e.probability, e.ci_low, e.ci_high));
      row["exceedances"] = exceedances;
      row["kind"] = std::string(to_string(o.metadata.kind));
      row["probability"] = m.probability ? py::object(py::make_tuple(m.probability->estimate, m.probability->ci_low,
                                                                     m.probability->ci_high, m.probability->successes))
                                         : py::object(py::none());
      row["difference"] =
          o.difference ? py::object(py::make_tuple(o.difference->estimate, o.difference->ci_low, o.difference->ci_high))
                       : py::object(py::none());
      rows.append(row);
    }
  return rows;
}

// riskcast.StopToken: stop() from any thread ends every run given it
// (stop=) with riskcast.Error kind "cancelled"; once stopped, it stays so.
struct StopToken {
  std::stop_source source;
};

// Runs on a thread of its own with the GIL released, so other Python
// threads run meanwhile; the calling thread wakes every 50 ms to let Python
// see a signal (Ctrl-C: KeyboardInterrupt), which stops the run, as does
// `user_stop`.
std::unique_ptr<PyResult> run_model(const LoadedModel& model, RunOptions options, py::handle progress,
                                    const std::shared_ptr<StopToken>& user_stop) {
  if (!progress.is_none())
    options.progress = [progress](const RunProgress& p) {
      py::gil_scoped_acquire gil;
      progress(p);
    };
  std::stop_source stop;
  options.stop = stop.get_token();
  auto forward = [&stop] { stop.request_stop(); };
  std::optional<std::stop_callback<decltype(forward)>> forwarding;
  if (user_stop) forwarding.emplace(user_stop->source.get_token(), forward);
  std::unique_ptr<PyResult> result;
  std::exception_ptr failure;
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::thread worker([&] {
      try {
        RunResult run = model.run(options);
        std::vector<PyDiagnostic> warnings = diagnostics_of(model.file(), model.result_warnings(run), "warning");
        result = std::make_unique<PyResult>(PyResult{std::move(run), std::move(warnings)});
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard lock(mutex);
      done = true;
      finished.notify_all();
    });
    for (;;) {
      {
        std::unique_lock lock(mutex);
        if (finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) break;
      }
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() != 0) {  // the signal's exception is now set
        interrupted = true;
        stop.request_stop();
        break;
      }
    }
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  if (failure) std::rethrow_exception(failure);
  return result;
}

template <typename T>
void bind_place(py::class_<T>& c) {
  c.def_property_readonly("line", [](const T& x) { return x.pos.line; });
  c.def_property_readonly("column", [](const T& x) { return x.pos.column; });
}

template <typename T>
void bind_metadata(py::class_<T>& c) {
  c.def_property_readonly("unit", [](const T& x) { return x.metadata.unit; });
  c.def_property_readonly("source", [](const T& x) { return x.metadata.source; });
  c.def_property_readonly("note", [](const T& x) { return x.metadata.note; });
}

}  // namespace

PYBIND11_MODULE(_riskcast, m) {
  m.doc() = "The riskcast engine (include/riskcast/riskcast.hpp); use the riskcast package, not this module";
  m.attr("__version__") = std::string(kVersion);
  m.attr("numerics_version") = kNumericsVersion;

  error_type = PyErr_NewExceptionWithDoc(
      "riskcast.Error",
      "Any error of the engine. kind: 'model' (the model cannot be read or evaluated), 'options' (a run "
      "option the engine cannot honour), 'resource' (refused for memory), 'cancelled'. diagnostics: every "
      "riskcast.Diagnostic (model errors); file, line, column, message: the first one's.",
      nullptr, nullptr);
  m.attr("Error") = py::handle(error_type);
  py::register_exception_translator([](std::exception_ptr failure) { translate(failure); });

  py::class_<PyDiagnostic>(m, "Diagnostic")
      .def_readonly("severity", &PyDiagnostic::severity)
      .def_readonly("file", &PyDiagnostic::file)
      .def_property_readonly("line", [](const PyDiagnostic& d) { return optional_position(d.line); })
      .def_property_readonly("column", [](const PyDiagnostic& d) { return optional_position(d.column); })
      .def_readonly("message", &PyDiagnostic::message)
      .def_property_readonly("hint",
                             [](const PyDiagnostic& d) { return d.hint.empty() ? py::none() : py::cast(d.hint); })
      .def("__str__", &PyDiagnostic::str)
      .def("__repr__", [](const PyDiagnostic& d) { return "<riskcast.Diagnostic " + d.str() + ">"; });

  py::class_<ParameterInfo> parameter(m, "Parameter");
  parameter.def_readonly("name", &ParameterInfo::name)
      .def_readonly("definition", &ParameterInfo::definition)
      .def_property_readonly("solved",
                             [](const ParameterInfo& p) { return p.solved.empty() ? py::none() : py::cast(p.solved); })
      .def_property_readonly("median",
                             [](const ParameterInfo& p) { return p.has_numbers ? py::cast(p.median) : py::none(); })
      .def_property_readonly("p5", [](const ParameterInfo& p) { return p.has_numbers ? py::cast(p.p5) : py::none(); })
      .def_property_readonly("p95", [](const ParameterInfo& p) { return p.has_numbers ? py::cast(p.p95) : py::none(); })
      .def("__repr__",
           [](const ParameterInfo& p) { return "<riskcast.Parameter " + p.name + ": " + p.definition + ">"; });
  bind_place(parameter);
  bind_metadata(parameter);

  py::class_<IndexInfo> index(m, "Index");
  index.def_readonly("name", &IndexInfo::name)
      .def_readonly("elements", &IndexInfo::elements)
      .def("__repr__", [](const IndexInfo& i) {
        return "<riskcast.Index " + i.name + ": " + std::to_string(i.elements.size()) + " elements>";
      });
  bind_place(index);

  py::class_<DataInfo> data(m, "Data");
  data.def_readonly("name", &DataInfo::name)
      .def_readonly("file", &DataInfo::file)
      .def_readonly("by", &DataInfo::by)
      .def_readonly("column", &DataInfo::column)
      .def_readonly("values", &DataInfo::values)
      .def("__repr__",
           [](const DataInfo& t) { return "<riskcast.Data " + t.name + ": " + t.file + " by " + t.by + ">"; })
      // `column` is the CSV column read, so the entry's place is its line alone.
      .def_property_readonly("line", [](const DataInfo& t) { return t.pos.line; });
  bind_metadata(data);

  py::class_<EventInfo> event(m, "Event");
  event.def_readonly("name", &EventInfo::name)
      .def_readonly("kind", &EventInfo::kind)
      .def_readonly("states", &EventInfo::states)
      .def_readonly("definition", &EventInfo::definition)
      .def("__repr__", [](const EventInfo& e) { return "<riskcast.Event " + e.name + ": " + e.definition + ">"; });
  bind_place(event);
  bind_metadata(event);

  py::class_<FormulaInfo> formula(m, "Formula");
  formula.def_readonly("name", &FormulaInfo::name)
      .def_property_readonly("kind", [](const FormulaInfo& f) { return std::string(to_string(f.metadata.kind)); })
      .def_readonly("formula", &FormulaInfo::formula)
      .def("__repr__", [](const FormulaInfo& f) { return "<riskcast.Formula " + f.name + " = " + f.formula + ">"; });
  bind_place(formula);
  bind_metadata(formula);

  py::class_<CorrelationInfo> correlation(m, "Correlation");
  correlation.def_readonly("first", &CorrelationInfo::first)
      .def_readonly("second", &CorrelationInfo::second)
      .def_readonly("rank_correlation", &CorrelationInfo::rank_correlation)
      .def("__repr__", [](const CorrelationInfo& c) {
        return py::str("<riskcast.Correlation {}, {}: {}>").format(c.first, c.second, c.rank_correlation);
      });
  bind_place(correlation);

  py::class_<ScenarioInfo> scenario(m, "Scenario");
  scenario.def_readonly("name", &ScenarioInfo::name)
      .def_readonly("description", &ScenarioInfo::description)
      .def_readonly("parameters", &ScenarioInfo::parameters)
      .def_readonly("events", &ScenarioInfo::events)
      .def_readonly("correlations", &ScenarioInfo::correlations)
      .def("__repr__", [](const ScenarioInfo& s) { return "<riskcast.Scenario " + s.name + ">"; });
  bind_place(scenario);

  py::class_<RunProgress>(m, "Progress")
      .def_readonly("scenario", &RunProgress::scenario)
      .def_readonly("scenarios", &RunProgress::scenarios)
      .def_readonly("name", &RunProgress::name)
      .def_readonly("done", &RunProgress::done)
      .def_readonly("total", &RunProgress::total)
      .def_readonly("pass_number", &RunProgress::pass,
                    "a streamed run's pass (1, 2, …; each pass counts as one 'scenario'); 0 for a run that keeps "
                    "its samples")
      .def("__repr__", [](const RunProgress& p) {
        return "<riskcast.Progress " + p.name + " " + std::to_string(p.done) + "/" + std::to_string(p.total) + ">";
      });

  py::class_<StopToken, std::shared_ptr<StopToken>>(m, "StopToken")
      .def(py::init<>())
      .def(
          "stop", [](StopToken& t) { t.source.request_stop(); },
          "Stops every run given this token (stop=); they raise riskcast.Error, kind 'cancelled'. Thread-safe.")
      .def_property_readonly("stopped", [](const StopToken& t) { return t.source.stop_requested(); })
      .def("__repr__", [](const StopToken& t) {
        return std::string("<riskcast.StopToken") + (t.source.stop_requested() ? " stopped>" : ">");
      });

  m.def("nearest_correlations", &nearest_correlations, py::arg("path"), py::call_guard<py::gil_scoped_release>());

  m.attr("max_threads") = kMaxThreads;
  m.attr("max_block_size") = kMaxBlockSize;
  m.attr("max_samples") = kMaxSamples;

  py::class_<PyResult>(m, "RunResult")
      .def_property_readonly("model", [](const PyResult& r) { return r.result.model; })
      .def_property_readonly("title", [](const PyResult& r) { return r.result.title; })
      .def_property_readonly("sample_count", [](const PyResult& r) { return r.result.samples; })
      .def_property_readonly("seed", [](const PyResult& r) { return r.result.seed; })
      .def_property_readonly("first_sample", [](const PyResult& r) { return r.result.first_sample; })
      .def_property_readonly("method", [](const PyResult& r) { return r.result.method; })
      .def_property_readonly("replicates", [](const PyResult& r) { return r.result.replicates; })
      .def_property_readonly("precision",
                             [](const PyResult& r) -> py::object {
                               if (!r.result.precision) return py::none();
                               const PrecisionOutcome& p = *r.result.precision;
                               py::list targets;
                               for (const PrecisionOutcome::Target& t : p.targets) {
                                 py::dict target;
                                 target["target"] = t.target.to_string();
                                 target["required"] = t.required;
                                 target["achieved"] = t.achieved;
                                 target["met"] = t.met;
                                 targets.append(target);
                               }
                               py::dict d;
                               d["reached"] = p.reached;
                               d["samples"] = r.result.samples;
                               d["max_samples"] = p.max_samples;
                               d["block"] = p.block;
                               d["targets"] = targets;
                               return d;
                             })
      .def_readonly("warnings", &PyResult::warnings)
      .def_property_readonly("engine_version", [](const PyResult& r) { return r.result.engine_version; })
      .def_property_readonly("numerics_version", [](const PyResult& r) { return r.result.numerics_version; })
      .def_property_readonly("scenarios",
                             [](const PyResult& r) {
                               std::vector<std::string> names;
                               for (const ScenarioResult& s : r.result.scenarios) names.push_back(s.name);
                               return names;
                             })
      .def(
          "columns",
          [](const PyResult& r, const std::string& scenario) {
            std::vector<std::string> names;
            for (const SampleColumn& c : r.scenario(scenario).columns) names.push_back(c.name);
            return names;
          },
          py::arg("scenario"))
      .def("samples", &samples_of, py::arg("scenario"), py::arg("column"))
      .def("summary_rows", &summary_rows)
      .def(
          "format",
          [](const PyResult& r, const std::string& name) {
            const std::optional<Format> format = parse_format(name);
            if (!format) throw std::invalid_argument("'" + name + "' is not a format (table, csv, json, markdown)");
            return format_result(r.result, *format);
          },
          py::arg("format"));

  py::class_<LoadedModel>(m, "LoadedModel")
      .def_static("from_file", &LoadedModel::from_file, py::arg("path"), py::call_guard<py::gil_scoped_release>())
      .def_static("from_text", &LoadedModel::from_text, py::arg("text"), py::arg("file"),
                  py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("file", &LoadedModel::file)
      .def_property_readonly("name", &LoadedModel::name)
      .def_property_readonly("title", &LoadedModel::title)
      .def_property_readonly("description", &LoadedModel::description)
      .def_property_readonly("horizon", &LoadedModel::horizon)
      .def_property_readonly(
          "warnings",
          [](const LoadedModel& model) { return diagnostics_of(model.file(), model.warnings(), "warning"); })
      .def("indexes", &LoadedModel::indexes)
      .def("data", &LoadedModel::data)
      .def("parameters", &LoadedModel::parameters)
      .def("events", &LoadedModel::events)
      .def("monthly", &LoadedModel::monthly)
      .def("outputs", &LoadedModel::outputs)
      .def("scenarios", &LoadedModel::scenarios)
      .def("correlations", &LoadedModel::correlations)
      .def("describe", [](const LoadedModel& model,
                          const std::string& scenario) { return model.describe(scenario, Format::Table); })
      .def(
          "with_parameters",
          [](const LoadedModel& model, const std::vector<std::pair<std::string, std::string>>& overrides) {
            std::vector<ParameterOverride> list;
            for (const auto& [name, definition] : overrides) list.push_back({name, definition});
            return model.with_parameters(list);
          },
          py::arg("overrides"))
      .def(
          "run",
          [](const LoadedModel& model, std::uint64_t samples, std::uint64_t seed, std::uint64_t first_sample,
             unsigned threads, std::size_t block_size, std::vector<std::string> scenarios,
             std::vector<std::string> outputs, std::vector<std::string> columns, std::vector<double> percentiles,
             std::vector<std::pair<std::string, double>> exceedances, bool check_memory, py::object progress,
             std::shared_ptr<StopToken> stop, const std::string& method, unsigned replicates,
             const std::vector<std::string>& precision, const std::string& storage, std::uint64_t memory_limit) {
            RunOptions options;
            if (storage == "auto")
              options.storage = SampleStorage::automatic;
            else if (storage == "memory")
              options.storage = SampleStorage::in_memory;
            else if (storage == "streamed")
              options.storage = SampleStorage::streamed;
            else
              throw std::invalid_argument("storage must be 'auto', 'memory' or 'streamed', not '" + storage + "'");
            options.memory_limit = memory_limit;
            const std::optional<SamplingMethod> parsed = parse_sampling_method(method);
            if (!parsed) throw std::invalid_argument("method must be 'mc', 'lhs' or 'qmc', not '" + method + "'");
            options.method = *parsed;
            options.replicates = replicates;
            for (const std::string& target : precision) options.precision.push_back(parse_precision_target(target));
            options.samples = samples;
            options.seed = seed;
            options.first_sample = first_sample;
            options.threads = threads;
            options.block_size = block_size;
            options.scenarios = std::move(scenarios);
            options.outputs = std::move(outputs);
            options.columns = std::move(columns);
            options.percentiles = std::move(percentiles);
            for (const auto& [output, threshold] : exceedances) options.exceedances.push_back({output, threshold});
            options.memory = check_memory ? MemoryPolicy::refuse : MemoryPolicy::unchecked;
            return run_model(model, std::move(options), progress, stop);
          },
          py::arg("samples"), py::arg("seed"), py::arg("first_sample"), py::arg("threads"), py::arg("block_size"),
          py::arg("scenarios"), py::arg("outputs"), py::arg("columns"), py::arg("percentiles"), py::arg("exceedances"),
          py::arg("check_memory"), py::arg("progress"), py::arg("stop").none(true), py::arg("method"),
          py::arg("replicates"), py::arg("precision"), py::arg("storage"), py::arg("memory_limit"));
}
