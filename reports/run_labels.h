// Short texts that name a run and its failure the same way in every report.
#pragma once
#include <string>
#include <vector>

#include "op_stream/failure.h"
#include "reports/run_result.h"

namespace npusim::reports {

// "kind op parameter=value [rule]": what scenarios match on, without the prose.
std::string failure_signature(const Failure& failure);

// "scenario / variant / mode".
std::string run_label(const RunResult& run);

// "variant (mode)": a run's name within its scenario.
std::string variant_label(const RunResult& run);

// One line per unmet check ("expected: ...; observed: ...", "baseline m:
// observed ... vs ... (tolerance ... %)"), then the failure if any.
std::vector<std::string> unmet_check_lines(const RunResult& run);

}  // namespace npusim::reports
