#include "device_model/timing/launch_plan.h"

#include <cmath>
#include <map>
#include <unordered_map>

#include "device_model/ops/op_registry.h"
#include "device_model/runtime/graph_update.h"
#include "device_model/timing/work_cache.h"
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
// so it skips OpLibrary's YAML loading: that was most of an analytic run. Built
// once per process: the definitions do not change, and a plan's launches point
// at their op classes.
class CostModels {
 public:
  static const CostModels& instance() {
    static const CostModels models;
    return models;
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
  CostModels() {
    for (OpDefinition& def : builtin_op_definitions()) {
      const std::string name = def.name;
      ops_.emplace(name, std::move(def));
    }
  }
  std::map<std::string, OpDefinition> ops_;
};

class Planner {
 public:
  Planner(const HardwareSpec& spec, LaunchTables& tables, const std::function<void(const PlannedLaunch&)>& on_launch)
      : spec_(spec), tables_(tables), emit_(on_launch) {}

  void plan(const std::vector<OpCall>& records) {
    records_ = &records;
    for (size_t i = 0; i < records.size(); ++i) record(i, records[i]);
  }

 private:
  // Built in place: each string is copied once, straight into the table.
  size_t add_identity(const std::string& op, const std::string& op_class, const Origin& origin,
                      const std::string& graph = std::string()) {
    OpIdentity& id = tables_.identities.emplace_back();
    id.op = op;
    id.op_class = op_class;
    if (tables_.origins.empty() || !(tables_.origins.back() == origin)) tables_.origins.push_back(origin);
    id.origin = &tables_.origins.back();
    id.graph = graph;
    return tables_.identities.size() - 1;
  }

  int64_t add_work(OpWork work) {
    tables_.works.push_back(std::move(work));
    return static_cast<int64_t>(tables_.works.size()) - 1;
  }

  // The work entry of a library op: shared with every earlier op that costs the same.
  int64_t op_work(const OpDefinition& def, const OpCall& call) {
    return work_cache_.find_or_add(call, [&] { return add_work(def.work(call, spec_)); });
  }

  // A launch of a runtime call (not a library op), named after its record kind.
  PlannedLaunch call_launch(LaunchKind kind, size_t index, const OpCall& call, const char* op_class) {
    PlannedLaunch p;
    p.kind = kind;
    p.stream = call.stream;
    p.record = index;
    p.identity = add_identity(std::string(record_kind_name(call.kind)), op_class, call.origin,
                              kind == LaunchKind::graph_launch ? call.name : std::string());
    return p;
  }

  const OpDefinition& definition(const OpCall& call) const {
    const OpDefinition* def = library_.find(call.op);
    if (!def)
      throw FailureError({"unsupported_op", call.op, "op", call.op, "", "the device has no operator '" + call.op + "'" +
                          did_you_mean(call.op, library_.op_names()), "`npusim ops` lists the operators", call.origin.to_string()});
    return *def;
  }

  void record(size_t index, const OpCall& call) {
    switch (call.kind) {
      case RecordKind::op: {
        const OpDefinition& def = definition(call);
        PlannedLaunch p;
        p.stream = call.stream;
        p.record = index;
        p.host_ns = spec_.kernel_launch_us * 1e3;
        p.work = op_work(def, call);
        const std::string& work_class = tables_.works[static_cast<size_t>(p.work)].op_class;
        const std::string& op_class = work_class.empty() ? def.op_class : work_class;
        if (!capturing_.empty()) {
          // The graph's node: its identity names the graph, its work is the
          // capture's until an update re-plans it.
          PlannedLaunch node = p;
          node.identity = add_identity(call.op, op_class, call.origin, capturing_);
          graphs_[capturing_].nodes.push_back(node);
          p.kind = LaunchKind::capture;
          p.work = -1;
        }
        p.identity = add_identity(call.op, op_class, call.origin);
        emit_(p);
        break;
      }
      case RecordKind::fill: {
        const TensorRef* dst = first_tensor(call.outputs);
        if (!dst) break;
        PlannedLaunch p = call_launch(LaunchKind::kernel, index, call, "fill");
        p.work = add_work(fill_work(*dst, spec_));
        p.host_ns = spec_.kernel_launch_us * 1e3;
        emit_(p);
        break;
      }
      case RecordKind::write:
      case RecordKind::read: {
        const TensorRef* t = first_tensor(call.kind == RecordKind::write ? call.outputs : call.inputs);
        PlannedLaunch p = call_launch(LaunchKind::copy, index, call, "memcpy");
        p.device_fixed_ns = t ? static_cast<double>(t->bytes()) / spec_.h2d_bandwidth_GBps : 0;
        emit_(p);
        break;
      }
      case RecordKind::graph_begin:
        capturing_ = call.name;
        graphs_[capturing_] = Graph{};
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
        PlannedLaunch p = call_launch(LaunchKind::synchronize, index, call, "synchronize");
        p.host_ns = spec_.synchronize_us * 1e3;
        emit_(p);
        break;
      }
      case RecordKind::alloc:
      case RecordKind::free:
        break;  // bookkeeping only: no simulated time
    }
  }

  // A host-side update of captured nodes: costs host time per updated node and
  // re-plans their work into new entries (e.g. longer KV lengths cost more on
  // the next replay; earlier replays keep the work they ran).
  void update(size_t index, const OpCall& call) {
    auto graph = graphs_.find(call.name);
    if (graph == graphs_.end())
      throw FailureError({"graph", "graph", "name", call.name, "runtime.graph",
                          "update of unknown graph '" + call.name + "'", "capture it first", call.origin.to_string()});
    // Only nodes of the op the update names can change (apply_graph_update
    // matches on it), so only those calls are copied, once, to be updated.
    std::vector<PlannedLaunch>& nodes = graph->second.nodes;
    const std::string op = call.attrs.string_or("op", "");
    auto [same_op, first_update] = graph->second.by_op.try_emplace(op);
    if (first_update)
      for (size_t i = 0; i < nodes.size(); ++i)
        if ((*records_)[nodes[i].record].op == op) {
          same_op->second.nodes.push_back(i);
          same_op->second.calls.push_back((*records_)[nodes[i].record]);
        }
    UpdatedNodes& updated = same_op->second;
    const std::vector<size_t> changed = apply_graph_update(updated.calls, call);
    // Nodes that shared a work entry had the same cost inputs; the update sets
    // the same values on both, so they share the new entry too: re-cost once.
    std::unordered_map<int64_t, int64_t> replanned;
    for (size_t i : changed) {
      int64_t& work = nodes[updated.nodes[i]].work;
      auto [entry, first] = replanned.try_emplace(work);
      if (first) entry->second = op_work(definition(updated.calls[i]), updated.calls[i]);
      work = entry->second;
    }
    PlannedLaunch p = call_launch(LaunchKind::host_call, index, call, "graph_update");
    p.host_ns = spec_.graph_node_us * 1e3 * static_cast<double>(changed.size());
    emit_(p);
  }

  // A replay runs the captured nodes on the replaying stream, in capture order.
  void replay(size_t index, const OpCall& call) {
    auto graph = graphs_.find(call.name);
    if (graph == graphs_.end())
      throw FailureError({"graph", "graph", "name", call.name, "runtime.graph",
                          "replay of unknown graph '" + call.name + "'", "capture it first", call.origin.to_string()});
    PlannedLaunch launch = call_launch(LaunchKind::graph_launch, index, call, "graph");
    launch.host_ns = spec_.graph_launch_us * 1e3;
    emit_(launch);
    for (PlannedLaunch node : graph->second.nodes) {
      node.kind = LaunchKind::graph_node;
      node.stream = call.stream;
      node.host_ns = 0;
      node.device_fixed_ns = spec_.graph_node_us * 1e3;
      emit_(node);
    }
  }

  const CostModels& library_ = CostModels::instance();
  const HardwareSpec& spec_;
  std::string capturing_;
  // The current calls of a graph's nodes of one op, as updates left them.
  struct UpdatedNodes {
    std::vector<size_t> nodes;   // indices in Graph::nodes
    std::vector<OpCall> calls;   // their calls, updated in place
  };
  struct Graph {
    std::vector<PlannedLaunch> nodes;           // captured, in capture order
    std::map<std::string, UpdatedNodes> by_op;  // ops some graph_update named
  };
  const std::vector<OpCall>* records_ = nullptr;
  std::map<std::string, Graph> graphs_;
  LaunchTables& tables_;
  const std::function<void(const PlannedLaunch&)>& emit_;
  WorkCache work_cache_;
};

}  // namespace

void init_timed_op(TimedOp& t, const PlannedLaunch& launch, const std::shared_ptr<const LaunchTables>& tables) {
  t.record = launch.record;
  t.stream = launch.stream;
  // Aliasing pointers: one reference count (the tables') for all of them.
  t.identity = std::shared_ptr<const OpIdentity>(tables, &tables->identities[launch.identity]);
  if (launch.has_work())
    t.work_ran = std::shared_ptr<const OpWork>(tables, &tables->works[static_cast<size_t>(launch.work)]);
}

TimedOp timed_op_for(const PlannedLaunch& launch, const std::shared_ptr<const LaunchTables>& tables) {
  TimedOp t;
  init_timed_op(t, launch, tables);
  return t;
}

void plan_launches(const std::vector<OpCall>& records, const HardwareSpec& spec, LaunchTables& tables,
                   const std::function<void(const PlannedLaunch&)>& on_launch) {
  Planner(spec, tables, on_launch).plan(records);
}

LaunchPlan plan_launches(const std::vector<OpCall>& records, const HardwareSpec& spec) {
  LaunchPlan plan;
  // Graph replays add their nodes: a decode stream plans about twice its records.
  plan.launches.reserve(2 * records.size());
  plan_launches(records, spec, *plan.tables, [&plan](const PlannedLaunch& p) { plan.launches.push_back(p); });
  return plan;
}

}  // namespace npusim::device
