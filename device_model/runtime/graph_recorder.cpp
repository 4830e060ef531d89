#include "device_model/runtime/graph_recorder.h"

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::device {
namespace {
[[noreturn]] void graph_error(const std::string& name, const std::string& message, const std::string& hint,
                              const Origin& origin) {
  throw FailureError({"graph", "graph", "name", name, "runtime.graph", message, hint, origin.to_string()});
}
}  // namespace

void GraphRecorder::begin(const std::string& name, int stream, const Origin& origin) {
  if (capturing_)
    graph_error(name, "graph_begin '" + name + "' while graph '" + current_.name + "' is being captured",
                "end the current capture first", origin);
  if (name.empty()) graph_error(name, "graph_begin without a graph name", "name the graph", origin);
  current_ = CapturedGraph{name, stream, {}};
  capturing_ = true;
}

void GraphRecorder::end(const std::string& name, const Origin& origin) {
  if (!capturing_ || current_.name != name)
    graph_error(name, "graph_end '" + name + "' but " + (capturing_ ? "'" + current_.name + "' is being captured" : std::string("no capture is open")),
                "pair each graph_begin with a graph_end of the same name", origin);
  graphs_[name] = std::move(current_);
  current_ = CapturedGraph{};
  capturing_ = false;
}

const CapturedGraph& GraphRecorder::find(const std::string& name, const Origin& origin) const {
  auto it = graphs_.find(name);
  if (it == graphs_.end()) {
    std::vector<std::string> known;
    for (const auto& entry : graphs_) known.push_back(entry.first);
    graph_error(name, "replay of unknown graph '" + name + "'" + did_you_mean(name, known),
                "capture it first (graph_begin ... graph_end)", origin);
  }
  return it->second;
}

}  // namespace npusim::device
