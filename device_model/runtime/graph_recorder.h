// NPUGraph-style capture: between graph_begin and graph_end, op records are
// kept with the exact tensor views they used instead of being executed; a
// replay re-runs them against whatever those buffers hold at replay time.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "op_stream/op_call.h"

namespace npusim::device {

struct CapturedGraph {
  std::string name;
  int stream = 0;
  std::vector<OpCall> nodes;
};

class GraphRecorder {
 public:
  // Each throws FailureError{kind="graph"} and changes nothing on misuse:
  // nested capture, ending a graph that is not being captured, unknown names.
  void begin(const std::string& name, int stream, const Origin& origin);
  void end(const std::string& name, const Origin& origin);
  bool capturing() const { return capturing_; }
  void capture(const OpCall& call) { current_.nodes.push_back(call); }
  const CapturedGraph& find(const std::string& name, const Origin& origin) const;
  // Replaces the graph's nodes (after a graph_update was applied and checked).
  void replace_nodes(const std::string& name, std::vector<OpCall> nodes) { graphs_.at(name).nodes = std::move(nodes); }

 private:
  bool capturing_ = false;
  CapturedGraph current_;
  std::map<std::string, CapturedGraph> graphs_;
};

}  // namespace npusim::device
