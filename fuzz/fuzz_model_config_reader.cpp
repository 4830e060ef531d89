// Fuzzes the HF config.json reader. A FailureError is the reader's clean
// refusal of bad input; any other exception, crash, leak or UB is a bug.
#include <cstddef>
#include <cstdint>

#include "engine/engine.h"
#include "fuzz/fuzz_input_file.h"
#include "op_stream/failure.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = npusim::fuzz::write_input_file("models", "config.json", data, size);
  try {
    npusim::engine::load_model_config(path);
  } catch (const npusim::FailureError&) {
  }
  return 0;
}
