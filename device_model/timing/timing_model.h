// Turns an op stream into simulated time. Two fidelities share the per-op cost
// models (OpWork): `systemc` runs tiles on SystemC AI-core modules that contend
// for L2/HBM through TLM-2.0 loosely-timed transport; `analytic` evaluates the
// same tile pipeline in closed form, one op at a time, without cross-stream
// contention. SystemC elaborates once per process: call simulate_timing with
// Fidelity::systemc at most once per process (sim/ forks a child per run).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "device_model/config/device_config.h"
#include "device_model/timing/op_work.h"
#include "op_stream/op_call.h"

namespace npusim::device {

enum class Fidelity { systemc, analytic };

// What a timed op is: the op, its report class, where it came from, and the
// graph it ran in. Launches share one identity where it is the same (every
// replay's node of a captured op shares that node's): copying these strings
// per launch was most of an analytic run.
struct OpIdentity {
  std::string op;
  std::string op_class;
  const Origin* origin = nullptr;  // shared by identities of the same origin; null: none
  std::string graph;  // graph_replay launches and the nodes they ran; empty otherwise
};

struct TimedOp {
  size_t record = 0;          // index of the record in the stream (graph nodes: of the captured op)
  int stream = 0;
  double host_start_ns = 0;   // host begins the launch
  double host_end_ns = 0;     // launch call returns
  double start_ns = 0;        // device starts the op
  double end_ns = 0;          // device finishes the op
  int cores_used = 0;
  // Shared with the plan and with the other launches of the same op (null
  // work: the launch ran no tiles). Read them through the accessors below.
  std::shared_ptr<const OpIdentity> identity;
  std::shared_ptr<const OpWork> work_ran;

  const std::string& op() const { return id().op; }
  const std::string& op_class() const { return id().op_class; }
  const Origin& origin() const {
    static const Origin none{};
    return id().origin ? *id().origin : none;
  }
  const std::string& graph() const { return id().graph; }  // non-empty when run as a node of a replayed graph
  const OpWork& work() const {  // an empty OpWork (no op_class, no bytes) when no tiles ran
    static const OpWork none{};
    return work_ran ? *work_ran : none;
  }

 private:
  const OpIdentity& id() const {
    static const OpIdentity unknown{};
    return identity ? *identity : unknown;
  }
};

struct TimingResult {
  std::vector<TimedOp> ops;
  double total_ns = 0;          // host start to last device completion
  double cube_busy_ns = 0;      // summed over cube cores
  double vector_busy_ns = 0;    // summed over vector cores
  double hbm_bytes = 0;         // moved through the memory model
  double host_launch_ns = 0;    // host time spent in launches
  int cube_cores = 0;
  int vector_cores = 0;
};

TimingResult simulate_timing(const std::vector<OpCall>& records, const DeviceConfig& config,
                             Fidelity fidelity);

}  // namespace npusim::device
