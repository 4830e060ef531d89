#include "device_model/timing/systemc/npu_top.h"

#include <algorithm>
#include <string>

#include "device_model/timing/systemc/sim_clock.h"

namespace npusim::device {
namespace {
std::vector<std::unique_ptr<AiCore>> make_cores(const char* prefix, int count, MemorySubsystem& memory) {
  std::vector<std::unique_ptr<AiCore>> cores;
  for (int i = 0; i < count; ++i) {
    cores.push_back(std::make_unique<AiCore>((std::string(prefix) + std::to_string(i)).c_str()));
    cores.back()->socket.bind(memory.socket);
  }
  return cores;
}

std::vector<AiCore*> raw(const std::vector<std::unique_ptr<AiCore>>& cores) {
  std::vector<AiCore*> out;
  for (const auto& c : cores) out.push_back(c.get());
  return out;
}
}  // namespace

NpuTop::NpuTop(sc_core::sc_module_name name, const LaunchPlan& plan, const HardwareSpec& spec,
               const TimingParams& params)
    : sc_core::sc_module(name),
      spec_(spec),
      memory_("memory", spec, params),
      cube_(make_cores("aic", spec.cube_cores, memory_)),
      vector_(make_cores("aiv", spec.vector_cores, memory_)),
      host_(std::make_unique<HostRuntime>("host", plan, spec, raw(cube_), raw(vector_))) {
  tlm::tlm_global_quantum::instance().set(ns_time(params.quantum_ns));
}

TimingResult NpuTop::result() const {
  TimingResult r;
  r.ops = host_->ops();
  r.total_ns = std::max(host_->host_end_ns(), host_->streams_done_ns());
  for (const auto& c : cube_) r.cube_busy_ns += c->busy_ns();
  for (const auto& c : vector_) r.vector_busy_ns += c->busy_ns();
  r.hbm_bytes = memory_.hbm_bytes();
  r.host_launch_ns = host_->host_launch_ns();
  r.cube_cores = spec_.cube_cores;
  r.vector_cores = spec_.vector_cores;
  return r;
}

}  // namespace npusim::device
