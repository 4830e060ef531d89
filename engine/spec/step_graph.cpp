#include "engine/spec/step_graph.h"

namespace npusim::engine::spec {

void StepGraph::capture(Emitter& em, const std::string& name, const std::string& phase,
                        const std::function<void()>& forward) const {
  if (!enabled_) return;
  const Origin saved = em.origin();
  em.set_origin(Origin{saved.layer, saved.module, "capture"});
  forward();
  em.set_origin(Origin{saved.layer, saved.module, phase});
  em.graph_begin(name);
  forward();
  em.graph_end(name);
  // Start-up finishes before a request arrives: SGLang synchronizes after capture.
  em.set_origin(Origin{saved.layer, saved.module, "capture"});
  em.synchronize("capture", 0);
  em.set_origin(saved);
}

void StepGraph::run(Emitter& em, const std::string& name, const std::vector<int64_t>& kv_lengths,
                    const std::function<void()>& forward) const {
  if (!enabled_) {
    forward();
    return;
  }
  em.graph_update(name, {{"op", std::string("FusedInferAttentionScore")}, {"actual_seq_lengths_kv", kv_lengths}});
  em.graph_replay(name);
}

}  // namespace npusim::engine::spec
