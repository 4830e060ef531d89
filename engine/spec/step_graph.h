// NPUGraph-style execution of the speculative runner's forwards, as SGLang's
// NPU graph runners do it. At server start each forward is run eagerly once
// (warm-up: workspaces get allocated) and captured against static buffers;
// each step then updates the captured FIA's host-side actual_seq_lengths_kv (a
// graph-task update) and replays. Whatever a step did not copy into those
// buffers is read stale, so a forward must read and write only buffers that
// outlive the graph (the stacks' named workspaces).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "engine/emitter.h"

namespace npusim::engine::spec {

class StepGraph {
 public:
  explicit StepGraph(bool enabled) : enabled_(enabled) {}
  // Server start: warms `forward` up (phase "capture"), captures it as
  // `name`, its nodes in the phase they will replay in, and waits for the
  // device. Nothing when graphs are off.
  void capture(Emitter& em, const std::string& name, const std::string& phase,
               const std::function<void()>& forward) const;
  // One step: updates `name`'s kv lengths and replays it, or runs `forward`
  // eagerly when graphs are off.
  void run(Emitter& em, const std::string& name, const std::vector<int64_t>& kv_lengths,
           const std::function<void()>& forward) const;

 private:
  bool enabled_;
};

}  // namespace npusim::engine::spec
