// What the host does with each record of an op stream, in timing terms: which
// calls launch device work (and on which stream), which only cost host time,
// which block the host. Graph replays expand into their captured nodes. Both
// fidelities walk the same plan; only how device work turns into time differs.
#pragma once
#include <deque>
#include <functional>
#include <memory>
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

// A launch refers to its identity and work by index into the plan's tables
// instead of holding copies: a replayed graph plans one launch per node, and
// copying each node's strings and work was most of an analytic run.
struct PlannedLaunch {
  LaunchKind kind = LaunchKind::kernel;
  int stream = 0;
  size_t record = 0;            // index in the stream (graph nodes: the captured op's record)
  double host_ns = 0;           // host time the call itself costs
  double device_fixed_ns = 0;   // device time besides the tiles (graph node cost, copy time)
  size_t identity = 0;          // index in LaunchTables::identities
  int64_t work = -1;            // kernel / graph_node: index in LaunchTables::works; -1: no tiles
  bool has_work() const { return work >= 0; }
};

// What launches share: identities and work, each stored once. The nodes of
// every replay of a captured op use the node's identity, and its work until a
// graph_update re-plans the node into a new entry; ops that cost the same
// (every layer's copy of an op) share one work entry. A result computed per
// work entry (the analytic op time) therefore holds for every launch using it.
// Deques: entries keep their address while planning adds more, so a launch
// handed out mid-plan (plan_launches with a callback) can be pointed into.
// Identities point at origins: consecutive identities of one origin (a
// captured op's capture launch and graph node, the ops of one module) share
// one copy of its module path.
struct LaunchTables {
  std::deque<OpIdentity> identities;
  std::deque<Origin> origins;
  std::deque<OpWork> works;
};

struct LaunchPlan {
  std::vector<PlannedLaunch> launches;
  // Shared with the TimedOps (they point into it), so it outlives the plan.
  std::shared_ptr<LaunchTables> tables = std::make_shared<LaunchTables>();
  const OpWork& work_of(const PlannedLaunch& launch) const {
    return tables->works[static_cast<size_t>(launch.work)];
  }
};

// Throws FailureError for an op the library does not know or a replay of a
// graph the stream never captured.
LaunchPlan plan_launches(const std::vector<OpCall>& records, const HardwareSpec& spec);

// The same plan, handed to `on_launch` one launch at a time in stream order
// instead of collected (the analytic model times each launch as it comes and
// needs no launch list). Launches refer to entries of `tables`, which exist
// when the launch is handed out.
void plan_launches(const std::vector<OpCall>& records, const HardwareSpec& spec, LaunchTables& tables,
                   const std::function<void(const PlannedLaunch&)>& on_launch);

// The TimedOp of a launch: its identity and work shared with the tables, no
// times yet.
TimedOp timed_op_for(const PlannedLaunch& launch, const std::shared_ptr<const LaunchTables>& tables);
// The same into a default-constructed TimedOp (one built in place in a result).
void init_timed_op(TimedOp& t, const PlannedLaunch& launch, const std::shared_ptr<const LaunchTables>& tables);

}  // namespace npusim::device
