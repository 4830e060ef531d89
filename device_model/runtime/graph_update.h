// Host-side update of a captured graph's nodes (the graph-task update the NPU
// graph runner uses for FIA's actual_seq_lengths_kv). Shared by the runtime and
// the timing planner so both replay the same updated nodes.
#pragma once
#include <vector>

#include "op_stream/op_call.h"

namespace npusim::device {

// Applies `update` (a graph_update record) to `nodes` in place and returns the
// indices of the nodes it changed. Throws FailureError{kind="graph"} and
// changes nothing when attrs.op is missing, no node has that op, or a node
// lacks an attribute the update sets (an update cannot add attributes).
std::vector<size_t> apply_graph_update(std::vector<OpCall>& nodes, const OpCall& update);

}  // namespace npusim::device
