// The device as software sees it: executes op-stream records one by one —
// constraint checks, buffer and memory bookkeeping (simulated OOM), graph
// capture/replay with static-buffer semantics, and in functional mode the
// kernels' values. Time is not computed here; see timing/timing_model.h.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "device_model/config/device_config.h"
#include "device_model/config/hardware_spec.h"
#include "op_stream/op_call.h"
#include "op_stream/op_sink.h"

namespace npusim::device {

class OpLibrary;

struct MemoryHolder {
  BufferId buffer = -1;
  std::string name;
  int64_t bytes = 0;
};

// The device is the engine's OpSink: every record the engine issues is executed
// at once (so failures surface where the real stack raises them) and kept, in
// order, for the timing models and for export.
class Device : public OpSink, public OpCapabilities {
 public:
  Device(const DeviceConfig& config, bool functional);
  ~Device() override;

  // Throws FailureError (constraint, oom, graph, runtime, unsupported_op) and
  // leaves the device as it was before the record; successful records are kept.
  void issue(OpCall call) override;
  // Functional mode: the tensor's values (and a `read` record); timing: nullopt.
  std::optional<std::vector<float>> read(const TensorRef& tensor, const Origin& origin) override;
  bool functional() const override { return functional_; }
  const OpCapabilities& capabilities() const override { return *this; }
  const std::vector<OpCall>& records() const;
  const HardwareSpec& spec() const { return spec_; }
  const DeviceConfig& config() const { return config_; }
  const OpLibrary& library() const { return *library_; }
  int64_t memory_in_use_bytes() const;
  int64_t memory_peak_bytes() const;
  std::vector<MemoryHolder> memory_holders() const;  // largest first

  std::optional<std::vector<int64_t>> allowed_values(const std::string& op,
                                                     const std::string& parameter,
                                                     const Attrs& facts) const override;
  std::string platform() const override { return spec_.platform; }

 private:
  struct Impl;
  DeviceConfig config_;
  HardwareSpec spec_;
  bool functional_;
  std::unique_ptr<OpLibrary> library_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace npusim::device
