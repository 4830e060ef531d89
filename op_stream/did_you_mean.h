// Suggests the closest known name for a misspelt one (Levenshtein distance),
// for error messages about unknown keys, ops, presets and patches.
#pragma once
#include <string>
#include <vector>

namespace npusim {

// Returns "" when nothing is close enough to be a plausible typo.
std::string closest_name(const std::string& unknown, const std::vector<std::string>& known);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& unknown, const std::vector<std::string>& known);

}  // namespace npusim
