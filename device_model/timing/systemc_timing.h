// SystemC fidelity: the launch plan on SystemC modules (host runtime, AI cores,
// L2/HBM target) with cross-stream contention for cores and bandwidth.
// SystemC elaborates once per process: a second call throws
// FailureError{kind="runtime"}; run each simulation in its own process.
#pragma once
#include <vector>

#include "device_model/timing/launch_plan.h"
#include "device_model/timing/timing_model.h"
#include "device_model/timing/timing_params.h"

namespace npusim::device {

TimingResult simulate_systemc(const LaunchPlan& plan, const HardwareSpec& spec,
                              const TimingParams& params);

}  // namespace npusim::device
