#include "sim/stream_execution.h"

#include "device_model/runtime/device.h"

namespace npusim::sim {

StreamExecution execute_stream(const std::vector<OpCall>& records, const device::DeviceConfig& config,
                               bool functional, device::Fidelity fidelity) {
  StreamExecution out;
  device::Device dev(config, functional);
  for (size_t i = 0; i < records.size(); ++i) {
    try {
      dev.issue(records[i]);
    } catch (const FailureError& e) {
      out.failure = e.failure();
      out.failed_record = i;
      break;
    }
    ++out.executed_records;
  }
  out.memory_peak_bytes = dev.memory_peak_bytes();
  out.timing = device::simulate_timing(dev.records(), config, fidelity);
  return out;
}

std::optional<device::Fidelity> parse_fidelity(const std::string& name) {
  if (name == "systemc") return device::Fidelity::systemc;
  if (name == "analytic") return device::Fidelity::analytic;
  return std::nullopt;
}

}  // namespace npusim::sim
