#include "device_model/timing/timing_params.h"

#include "op_stream/failure.h"

namespace npusim::device {

TimingParams TimingParams::from_config(const DeviceConfig& config) {
  TimingParams p;
  p.quantum_ns = config.number("sim.quantum_ns");
  p.bandwidth_bucket_ns = config.number("sim.bandwidth_bucket_ns");
  for (const char* key : {"sim.quantum_ns", "sim.bandwidth_bucket_ns"})
    if (!(config.number(key) > 0))
      throw FailureError({"config", "device config", key, std::to_string(config.number(key)), "",
                          std::string("'") + key + "' must be > 0", "fix the preset or the --set override",
                          config.source_file()});
  return p;
}

}  // namespace npusim::device
