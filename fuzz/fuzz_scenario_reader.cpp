// Fuzzes the scenario YAML reader. A FailureError is the reader's clean
// refusal of bad input; any other exception, crash, leak or UB is a bug.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input_file.h"
#include "op_stream/failure.h"
#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = npusim::fuzz::write_input_file("scenarios", "fuzz.yaml", data, size);
  try {
    npusim::scenarios::load_scenario(path);
  } catch (const npusim::FailureError&) {
  }
  return 0;
}
