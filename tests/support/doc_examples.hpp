// The examples of the documentation, checked as written: each ```yaml block
// of a section that is a whole model (it has `outputs:`) loads and runs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "riskcast/model.hpp"
#include "riskcast/sampler.hpp"

namespace riskcast::testing {

// The ```yaml blocks of one section of a document in the source tree: from
// the line `heading` ("### innovation") to the next heading as deep or
// shallower, in order.
std::vector<std::string> doc_yaml_blocks(const std::string& doc, const std::string& heading);

// Loads every whole model among the ```yaml blocks of section `heading` of
// docs/language.md (as a file of docs/examples/, so that the data files
// they name are those of docs/examples/data/) and samples each of its scenarios (2000 samples, one
// thread), handing each run to `check`; returns how many models ran.
using DocExampleCheck =
    std::function<void(const std::string& text, const Model& model, const Scenario& scenario, const SampleColumns&)>;
int run_language_examples(const std::string& heading, const DocExampleCheck& check = {});

}  // namespace riskcast::testing
