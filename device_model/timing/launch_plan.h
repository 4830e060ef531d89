// What the host does with each record of an op stream, in timing terms: which
// calls launch device work (and on which stream), which only cost host time,
// which block the host. Graph replays expand into their captured nodes. Both
// fidelities walk the same plan; only how device work turns into time differs.
#pragma once
#include <string>
#include <vector>

#include "device_model/config/hardware_spec.h"
#include "device_model/timing/op_work.h"
#include "device_model/timing/timing_model.h"
#include "op_stream/op_call.h"

namespace npusim::device {

enum class LaunchKind {
  kernel,        // eager launch: host pays the launch, then the op runs on its stream
  capture,       // op issued during graph capture: host pays the launch, nothing runs
  graph_launch,  // host launches a captured graph once
  graph_node,    // one node of a replayed graph: no host cost, a per-node device cost
  copy,          // blocking host<->device copy on a stream (write / read)
  synchronize,   // host waits for every stream
  host_call,     // host-only work that launches nothing (graph task update)
};

struct PlannedLaunch {
  LaunchKind kind = LaunchKind::kernel;
  size_t record = 0;          // index in the stream (graph nodes: the captured op's record)
  std::string op;
  std::string op_class;
  int stream = 0;
  Origin origin;
  std::string graph;          // graph_launch / graph_node: the graph's name
  double host_ns = 0;         // host time the call itself costs
  double device_fixed_ns = 0; // device time besides the tiles (graph node cost, copy time)
  bool has_work = false;      // kernel / graph_node: tiles to run
  OpWork work;
};

// Throws FailureError for an op the library does not know or a replay of a
// graph the stream never captured.
std::vector<PlannedLaunch> plan_launches(const std::vector<OpCall>& records, const HardwareSpec& spec);

// The TimedOp of a launch with its identity filled in and no times yet; takes
// the launch by value so a caller done with it can move it in.
TimedOp timed_op_for(PlannedLaunch launch);

}  // namespace npusim::device
