#include "device_model/runtime/graph_update.h"

#include "op_stream/failure.h"

namespace npusim::device {
namespace {
[[noreturn]] void update_error(const OpCall& update, const std::string& message, const std::string& hint) {
  throw FailureError({"graph", "graph", "name", update.name, "runtime.graph_update", message, hint,
                      update.origin.to_string()});
}
}  // namespace

std::vector<size_t> apply_graph_update(std::vector<OpCall>& nodes, const OpCall& update) {
  const auto op = update.attrs.get_string("op");
  if (!op) update_error(update, "graph_update of '" + update.name + "' names no op", "set attrs.op to the captured op to update");
  std::vector<size_t> matched;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].op == *op) matched.push_back(i);
  if (matched.empty())
    update_error(update, "graph '" + update.name + "' has no captured " + *op + " node to update", "update an op the graph captured");
  for (size_t i : matched)
    for (const auto& [key, value] : update.attrs.values())
      if (key != "op" && !nodes[i].attrs.has(key))
        update_error(update, "captured " + *op + " has no attribute '" + key + "' to update",
                     "only host-side attributes the op was captured with can be updated");
  for (size_t i : matched)
    for (const auto& [key, value] : update.attrs.values())
      if (key != "op") nodes[i].attrs.set(key, value);
  return matched;
}

}  // namespace npusim::device
