// A safetensors checkpoint (the format HF ships weights in): an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape
// and byte range, then the raw data. npusim reads trained weights for the tiny
// functional models from it (engine/models/weights/).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace npusim::engine {

struct SafetensorsTensor {
  std::string dtype;           // as the file names it: BF16, F16, F32
  std::vector<int64_t> shape;
  std::vector<float> values;   // decoded to fp32 (exact for these dtypes)
};

struct SafetensorsFile {
  std::string path;
  std::map<std::string, std::string> metadata;  // the header's "__metadata__"
  std::map<std::string, SafetensorsTensor> tensors;
};

// Reads and decodes the whole file. Throws FailureError{kind="load"} naming the
// file and what is wrong (truncated, bad header, unsupported dtype, data range
// outside the file) with a hint.
SafetensorsFile read_safetensors(const std::string& path);

}  // namespace npusim::engine
