// Analytic fidelity: each op's closed-form tile-pipeline time, ops one after
// another per stream, host launch costs on a single host timeline. No
// cross-stream contention: two streams each get the whole device.
#pragma once
#include <vector>

#include "device_model/timing/launch_plan.h"
#include "device_model/timing/timing_model.h"

namespace npusim::device {

TimingResult simulate_analytic(const std::vector<OpCall>& records, const HardwareSpec& spec);

}  // namespace npusim::device
