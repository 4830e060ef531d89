// The whole simulated device for one timing run: host runtime, cube and vector
// AI cores, and the shared memory subsystem they all reach over TLM sockets.
#pragma once
#include <memory>
#include <systemc>
#include <vector>

#include "device_model/timing/systemc/ai_core.h"
#include "device_model/timing/systemc/host_runtime.h"
#include "device_model/timing/systemc/memory_subsystem.h"
#include "device_model/timing/timing_model.h"
#include "device_model/timing/timing_params.h"

namespace npusim::device {

class NpuTop : public sc_core::sc_module {
 public:
  NpuTop(sc_core::sc_module_name name, const LaunchPlan& plan, const HardwareSpec& spec,
         const TimingParams& params);
  TimingResult result() const;  // after sc_start() returned

 private:
  const HardwareSpec& spec_;
  MemorySubsystem memory_;
  std::vector<std::unique_ptr<AiCore>> cube_;
  std::vector<std::unique_ptr<AiCore>> vector_;
  std::unique_ptr<HostRuntime> host_;
};

}  // namespace npusim::device
