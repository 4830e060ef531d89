// NPUGraph-style execution of one forward for the speculative runner. The
// first run of a graph name executes the forward eagerly (warm-up: workspaces
// get allocated, as in SGLang's capture warm-up); every run then captures the
// forward against the same static buffers and replays it, so whatever the
// caller did not copy into those buffers is read stale. Capturing again per run
// stands in for the real runner's graph-task update of FIA's host-side
// actual_seq_lengths_kv (a capture is recorded, not executed).
#pragma once
#include <functional>
#include <set>
#include <string>

#include "engine/emitter.h"

namespace npusim::engine::spec {

class StepGraph {
 public:
  explicit StepGraph(bool enabled) : enabled_(enabled) {}
  void run(Emitter& em, const std::string& name, const std::function<void()>& forward);

 private:
  bool enabled_;
  std::set<std::string> warmed_up_;
};

}  // namespace npusim::engine::spec
