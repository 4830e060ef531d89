#include "engine/spec/step_graph.h"

namespace npusim::engine::spec {

void StepGraph::run(Emitter& em, const std::string& name,
                    const std::function<void()>& forward) {
  if (!enabled_) {
    forward();
    return;
  }
  if (warmed_up_.insert(name).second) {
    Origin saved = em.origin();
    em.set_origin(Origin{saved.layer, saved.module, "capture"});
    forward();
    em.set_origin(saved);
  }
  em.graph_begin(name);
  forward();
  em.graph_end(name);
  em.graph_replay(name);
}

}  // namespace npusim::engine::spec
