#include "engine/spec/step_graph.h"

namespace npusim::engine::spec {

void StepGraph::run(Emitter& builder, const std::string& name,
                    const std::function<void()>& forward) {
  if (!enabled_) {
    forward();
    return;
  }
  if (warmed_up_.insert(name).second) {
    Origin saved = builder.origin();
    builder.set_origin(Origin{saved.layer, saved.module, "capture"});
    forward();
    builder.set_origin(saved);
  }
  builder.graph_begin(name);
  forward();
  builder.graph_end(name);
  builder.graph_replay(name);
}

}  // namespace npusim::engine::spec
