#include "device_model/timing/systemc_timing.h"

#include <systemc>

#include "device_model/timing/systemc/npu_top.h"
#include "op_stream/failure.h"

namespace npusim::device {

TimingResult simulate_systemc(const LaunchPlan& plan, const HardwareSpec& spec,
                              const TimingParams& params) {
  static bool elaborated = false;
  if (elaborated)
    throw FailureError({"runtime", "systemc", "fidelity", "systemc", "systemc.elaborate_once",
                        "SystemC can elaborate only once per process and this process already ran a SystemC simulation",
                        "run each SystemC timing simulation in its own (child) process, or use the analytic fidelity", ""});
  elaborated = true;
  NpuTop top("npu", plan, spec, params);
  sc_core::sc_start();
  return top.result();
}

}  // namespace npusim::device
