// Executes a recorded op stream on a device: every record through the device
// runtime (constraints, memory, graphs, values), then the successful prefix
// through a timing model. Used by `npusim exec` and by scenario runs.
#pragma once
#include <optional>

#include "device_model/config/device_config.h"
#include "device_model/timing/timing_model.h"
#include "op_stream/failure.h"
#include "op_stream/op_stream.h"

namespace npusim::sim {

struct StreamExecution {
  std::optional<Failure> failure;  // the first record the device refused
  size_t failed_record = 0;        // its index (valid when failure is set)
  size_t executed_records = 0;
  int64_t memory_peak_bytes = 0;
  device::TimingResult timing;
};

StreamExecution execute_stream(const std::vector<OpCall>& records, const device::DeviceConfig& config,
                               bool functional, device::Fidelity fidelity);

std::optional<device::Fidelity> parse_fidelity(const std::string& name);

}  // namespace npusim::sim
