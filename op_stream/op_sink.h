// What the engine issues records into. The device (through sim/) implements it;
// a recorder implements it for `npusim stream`. The engine never sees the device.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "op_stream/attrs.h"
#include "op_stream/op_call.h"

namespace npusim {

// What an operator accepts, as the device declares it. The engine's NPU backend
// reads these limits the way SGLang's ascend backend reads FIA's documented ones.
class OpCapabilities {
 public:
  virtual ~OpCapabilities() = default;
  // Values `parameter` of `op` may take when the call has the given facts (for
  // example {"mla": true}); nullopt when the device enumerates no restriction.
  virtual std::optional<std::vector<int64_t>> allowed_values(const std::string& op,
                                                             const std::string& parameter,
                                                             const Attrs& facts) const = 0;
  // Platform the device presents to software: "npu", "cuda" or "rocm".
  virtual std::string platform() const = 0;
};

class OpSink {
 public:
  virtual ~OpSink() = default;
  // Executes or records one record. Throws FailureError on a simulated failure
  // (constraint violation, OOM, unknown graph, ...).
  virtual void issue(OpCall call) = 0;
  // Functional mode: the tensor's current values (issues a `read` record).
  // Timing mode: nullopt, there is no data.
  virtual std::optional<std::vector<float>> read(const TensorRef& tensor, const Origin& origin) = 0;
  virtual bool functional() const = 0;
  virtual const OpCapabilities& capabilities() const = 0;
};

}  // namespace npusim
