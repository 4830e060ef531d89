// Identity of the run_results.json format, shared by its writer and reader.
// Bump the version on any change a reader of the old format would misread.
#pragma once

namespace npusim::reports {

inline constexpr const char* kRunResultsSchemaName = "npusim.run_results";
inline constexpr int kRunResultsSchemaVersion = 1;

}  // namespace npusim::reports
