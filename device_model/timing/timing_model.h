// Turns an op stream into simulated time. Two fidelities share the per-op cost
// models (OpWork): `systemc` runs tiles on SystemC AI-core modules that contend
// for L2/HBM through TLM-2.0 loosely-timed transport; `analytic` evaluates the
// same tile pipeline in closed form, one op at a time, without cross-stream
// contention. SystemC elaborates once per process: call simulate_timing with
// Fidelity::systemc at most once per process (sim/ forks a child per run).
#pragma once
#include <string>
#include <vector>

#include "device_model/config/device_config.h"
#include "device_model/timing/op_work.h"
#include "op_stream/op_call.h"

namespace npusim::device {

enum class Fidelity { systemc, analytic };

struct TimedOp {
  size_t record = 0;          // index of the record in the stream (graph nodes: of the captured op)
  std::string op;
  std::string op_class;
  int stream = 0;
  Origin origin;
  std::string graph;          // non-empty when run as a node of a replayed graph
  double host_start_ns = 0;   // host begins the launch
  double host_end_ns = 0;     // launch call returns
  double start_ns = 0;        // device starts the op
  double end_ns = 0;          // device finishes the op
  int cores_used = 0;
  OpWork work;
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
