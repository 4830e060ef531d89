// Fuzzes the safetensors reader (trained weights the engine loads). A
// FailureError is the reader's clean refusal of bad input; any other
// exception, crash, leak or UB is a bug.
#include <cstddef>
#include <cstdint>

#include "engine/weights/safetensors_file.h"
#include "fuzz/fuzz_input_file.h"
#include "op_stream/failure.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = npusim::fuzz::write_input_file("weights", "draft.safetensors", data, size);
  try {
    npusim::engine::read_safetensors(path);
  } catch (const npusim::FailureError&) {
  }
  return 0;
}
