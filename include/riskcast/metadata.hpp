// What a number of a model means and where it comes from; shown in reports.
#pragma once

#include <string>

namespace riskcast {

struct Metadata {
  std::string unit;    // free text: "share", "USD bn", "months"
  std::string source;  // where the number comes from
  std::string note;
};

}  // namespace riskcast
