#include "device_model/timing/timing_model.h"

#include <utility>

#include "device_model/config/hardware_spec.h"
#include "device_model/timing/analytic_timing.h"
#include "device_model/timing/launch_plan.h"
#include "device_model/timing/systemc_timing.h"
#include "device_model/timing/timing_params.h"

namespace npusim::device {

TimingResult simulate_timing(const std::vector<OpCall>& records, const DeviceConfig& config, Fidelity fidelity) {
  const HardwareSpec spec = HardwareSpec::from_config(config);
  if (fidelity == Fidelity::analytic) return simulate_analytic(records, spec);
  return simulate_systemc(plan_launches(records, spec), spec, TimingParams::from_config(config));
}

}  // namespace npusim::device
