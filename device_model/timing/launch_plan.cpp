#include "device_model/timing/launch_plan.h"

#include <cmath>
#include <map>

#include "device_model/ops/op_registry.h"
#include "device_model/runtime/graph_update.h"
#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::device {
namespace {

// `fill` is a runtime kernel, not a library op: vector cores generate values in
// UB halves (double-buffered) and store them.
OpWork fill_work(const TensorRef& dst, const HardwareSpec& spec) {
  OpWork w;
  w.op_class = "fill";
  w.core = CoreKind::vector;
  const double total = static_cast<double>(dst.bytes());
  const double per_tile = spec.ub_bytes / 2;
  w.tiles = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(total / per_tile)));
  w.store_bytes_per_tile = total / static_cast<double>(w.tiles);
  w.compute_cycles_per_tile = w.store_bytes_per_tile / spec.vector_bytes_per_cycle;
  w.bytes = total;
  return w;
}

const TensorRef* first_tensor(const std::vector<NamedTensor>& slots) {
  return slots.empty() || !slots[0].tensor ? nullptr : &*slots[0].tensor;
}

// The ops' cost functions by name. Timing needs only OpDefinition::work, not
// the constraint tables (the device checked those when the stream was issued),
// so it skips OpLibrary's YAML loading: that was most of an analytic run.
class CostModels {
 public:
  CostModels() {
    for (OpDefinition& def : builtin_op_definitions()) {
      const std::string name = def.name;
      ops_.emplace(name, std::move(def));
    }
  }
  const OpDefinition* find(const std::string& op) const {
    auto it = ops_.find(op);
    return it == ops_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> op_names() const {
    std::vector<std::string> names;
    for (const auto& entry : ops_) names.push_back(entry.first);
    return names;
  }

 private:
  std::map<std::string, OpDefinition> ops_;
};

class Planner {
 public:
  explicit Planner(const HardwareSpec& spec) : spec_(spec) {}

  std::vector<PlannedLaunch> plan(const std::vector<OpCall>& records) {
    // Graph replays add their nodes: a decode stream plans about twice its records.
    out_.reserve(2 * records.size());
    for (size_t i = 0; i < records.size(); ++i) record(i, records[i]);
    return std::move(out_);
  }

 private:
  PlannedLaunch base(LaunchKind kind, size_t index, const OpCall& call) const {
    PlannedLaunch p;
    p.kind = kind;
    p.record = index;
    p.op = call.kind == RecordKind::op ? call.op : std::string(record_kind_name(call.kind));
    p.stream = call.stream;
    p.origin = call.origin;
    return p;
  }

  PlannedLaunch op_launch(size_t index, const OpCall& call) const {
    const OpDefinition* def = library_.find(call.op);
    if (!def)
      throw FailureError({"unsupported_op", call.op, "op", call.op, "", "the device has no operator '" + call.op + "'" +
                          did_you_mean(call.op, library_.op_names()), "`npusim ops` lists the operators", call.origin.to_string()});
    PlannedLaunch p = base(LaunchKind::kernel, index, call);
    p.work = def->work(call, spec_);
    p.op_class = p.work.op_class.empty() ? def->op_class : p.work.op_class;
    p.has_work = true;
    p.host_ns = spec_.kernel_launch_us * 1e3;
    return p;
  }

  void record(size_t index, const OpCall& call) {
    switch (call.kind) {
      case RecordKind::op: {
        PlannedLaunch p = op_launch(index, call);
        if (!capturing_.empty()) {
          graphs_[capturing_].push_back(p);
          captured_calls_[capturing_].push_back(call);
          p.kind = LaunchKind::capture;
          p.has_work = false;
        }
        out_.push_back(std::move(p));
        break;
      }
      case RecordKind::fill: {
        const TensorRef* dst = first_tensor(call.outputs);
        if (!dst) break;
        PlannedLaunch p = base(LaunchKind::kernel, index, call);
        p.work = fill_work(*dst, spec_);
        p.op_class = p.work.op_class;
        p.has_work = true;
        p.host_ns = spec_.kernel_launch_us * 1e3;
        out_.push_back(std::move(p));
        break;
      }
      case RecordKind::write:
      case RecordKind::read: {
        const TensorRef* t = first_tensor(call.kind == RecordKind::write ? call.outputs : call.inputs);
        PlannedLaunch p = base(LaunchKind::copy, index, call);
        p.op_class = "memcpy";
        p.device_fixed_ns = t ? static_cast<double>(t->bytes()) / spec_.h2d_bandwidth_GBps : 0;
        out_.push_back(std::move(p));
        break;
      }
      case RecordKind::graph_begin:
        capturing_ = call.name;
        graphs_[capturing_].clear();
        captured_calls_[capturing_].clear();
        break;
      case RecordKind::graph_update:
        update(index, call);
        break;
      case RecordKind::graph_end:
        capturing_.clear();
        break;
      case RecordKind::graph_replay:
        replay(index, call);
        break;
      case RecordKind::synchronize: {
        PlannedLaunch p = base(LaunchKind::synchronize, index, call);
        p.op_class = "synchronize";
        p.host_ns = spec_.synchronize_us * 1e3;
        out_.push_back(std::move(p));
        break;
      }
      case RecordKind::alloc:
      case RecordKind::free:
        break;  // bookkeeping only: no simulated time
    }
  }

  // A host-side update of captured nodes: costs host time per updated node and
  // re-plans their work (e.g. longer KV lengths cost more on the next replay).
  void update(size_t index, const OpCall& call) {
    auto calls = captured_calls_.find(call.name);
    if (calls == captured_calls_.end())
      throw FailureError({"graph", "graph", "name", call.name, "runtime.graph",
                          "update of unknown graph '" + call.name + "'", "capture it first", call.origin.to_string()});
    const std::vector<size_t> changed = apply_graph_update(calls->second, call);
    for (size_t i : changed) {
      const PlannedLaunch replanned = op_launch(graphs_[call.name][i].record, calls->second[i]);
      graphs_[call.name][i].work = replanned.work;
    }
    PlannedLaunch p = base(LaunchKind::host_call, index, call);
    p.op_class = "graph_update";
    p.host_ns = spec_.graph_node_us * 1e3 * static_cast<double>(changed.size());
    out_.push_back(std::move(p));
  }

  // A replay runs the captured nodes on the replaying stream, in capture order.
  void replay(size_t index, const OpCall& call) {
    auto graph = graphs_.find(call.name);
    if (graph == graphs_.end())
      throw FailureError({"graph", "graph", "name", call.name, "runtime.graph",
                          "replay of unknown graph '" + call.name + "'", "capture it first", call.origin.to_string()});
    PlannedLaunch launch = base(LaunchKind::graph_launch, index, call);
    launch.op_class = "graph";
    launch.graph = call.name;
    launch.host_ns = spec_.graph_launch_us * 1e3;
    out_.push_back(std::move(launch));
    for (const PlannedLaunch& captured : graph->second) {
      PlannedLaunch& node = out_.emplace_back(captured);  // in place: launches are large to move
      node.kind = LaunchKind::graph_node;
      node.stream = call.stream;
      node.graph = call.name;
      node.host_ns = 0;
      node.device_fixed_ns = spec_.graph_node_us * 1e3;
    }
  }

  CostModels library_;
  const HardwareSpec& spec_;
  std::string capturing_;
  std::map<std::string, std::vector<PlannedLaunch>> graphs_;
  std::map<std::string, std::vector<OpCall>> captured_calls_;
  std::vector<PlannedLaunch> out_;
};

}  // namespace

TimedOp timed_op_for(PlannedLaunch launch) {
  TimedOp t;
  t.record = launch.record;
  t.op = std::move(launch.op);
  t.op_class = std::move(launch.op_class);
  t.stream = launch.stream;
  t.origin = std::move(launch.origin);
  t.graph = std::move(launch.graph);
  if (launch.has_work) t.work = std::move(launch.work);
  return t;
}

std::vector<PlannedLaunch> plan_launches(const std::vector<OpCall>& records, const HardwareSpec& spec) {
  return Planner(spec).plan(records);
}

}  // namespace npusim::device
