// Resolution knobs of the SystemC timing model (preset keys sim.*). They are
// not hardware figures: they trade simulation speed against timing detail.
#pragma once
#include "device_model/config/device_config.h"

namespace npusim::device {

struct TimingParams {
  double quantum_ns = 0;           // sim.quantum_ns: how far an AI core may run ahead
  double bandwidth_bucket_ns = 0;  // sim.bandwidth_bucket_ns: bandwidth calendar resolution

  static TimingParams from_config(const DeviceConfig& config);
};

}  // namespace npusim::device
