// A validator for the subset of JSON Schema draft-07 that
// reports/schema/run_results.schema.json uses. A keyword outside the subset is
// reported as an error, so the schema cannot outgrow the check silently.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace npusim::reports::testing {

// Returns one message per violation, "path: what", empty when `doc` is valid.
std::vector<std::string> validate_draft07(const nlohmann::json& schema, const nlohmann::json& doc);

}  // namespace npusim::reports::testing
