// The host side of the runtime: one thread walks the launch plan on the host
// timeline (launch costs, blocking copies, synchronize), and one thread per
// stream starts that stream's ops in order once launched and once the previous
// op on the stream finished, running each op's tiles on the AI cores it picks.
// A stream runs ahead of simulation time by at most one quantum
// (tlm_quantumkeeper, sim.quantum_ns) before it yields to the other streams.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "device_model/config/hardware_spec.h"
#include "device_model/timing/launch_plan.h"
#include "device_model/timing/systemc/ai_core.h"
#include "device_model/timing/timing_model.h"

namespace npusim::device {

class HostRuntime : public sc_core::sc_module {
 public:
  HostRuntime(sc_core::sc_module_name name, const LaunchPlan& plan, const HardwareSpec& spec,
              std::vector<AiCore*> cube_cores, std::vector<AiCore*> vector_cores);

  // Valid after the simulation ran: per-op times, host time, launch totals.
  const std::vector<TimedOp>& ops() const { return ops_; }
  double host_end_ns() const { return host_ns_; }
  double host_launch_ns() const { return host_launch_ns_; }
  double streams_done_ns() const;

 private:
  struct Stream {
    std::deque<size_t> queue;  // plan indices launched, not yet started
    bool busy = false;
    double free_ns = 0;
    sc_core::sc_event arrived;
    sc_core::sc_event progressed;
    tlm_utils::tlm_quantumkeeper quantum;
  };

  void host();
  void stream_worker(int id);
  void enqueue(size_t index, double ready_ns);
  void wait_until_idle(Stream& stream);
  double dispatch(const OpWork& work, double start_ns, int& cores);
  int cores_busy_at(double ns) const;

  const LaunchPlan& plan_;
  const HardwareSpec& spec_;
  std::vector<AiCore*> cube_;
  std::vector<AiCore*> vector_;
  size_t next_cube_ = 0, next_vector_ = 0;  // round-robin start: spread small ops over cores
  std::map<int, std::unique_ptr<Stream>> streams_;
  std::vector<TimedOp> ops_;
  std::vector<double> ready_ns_;
  std::vector<char> done_;
  double host_ns_ = 0;
  double host_launch_ns_ = 0;
};

}  // namespace npusim::device
