// The file-based readers (scenario YAML, HF config.json) take a path: fuzz
// input is written to a per-process scratch directory laid out like the source
// tree, so the seeds' relative paths (../engine/models/...) still resolve.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace npusim::fuzz {

// Writes `size` bytes to <scratch>/<folder>/<name> and returns that path.
std::string write_input_file(const std::string& folder, const std::string& name, const uint8_t* data, size_t size);

}  // namespace npusim::fuzz
