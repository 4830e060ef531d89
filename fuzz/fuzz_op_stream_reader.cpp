// Fuzzes the op-stream JSON Lines reader. A FailureError is the reader's clean
// refusal of bad input; any other exception, crash, leak or UB is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "op_stream/failure.h"
#include "op_stream/op_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const npusim::OpStream stream = npusim::read_op_stream(in, "fuzz.jsonl");
    // What was accepted must survive the writer (export of a re-imported stream).
    std::ostringstream out;
    npusim::write_op_stream(out, stream);
  } catch (const npusim::FailureError&) {
  }
  return 0;
}
