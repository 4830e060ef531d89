// Measured acceptance of a speculative run: tokens emitted per target verify
// step (accepted drafts + bonus). The per-step list is what a timing-mode run
// at full size replays (SpecSettings::accepted_per_step).
#pragma once
#include <vector>

namespace npusim::engine::spec {

struct AcceptanceStats {
  std::vector<int> emitted_per_step;  // accepted drafts + 1, one entry per verify step

  void record(int accepted_drafts) { emitted_per_step.push_back(accepted_drafts + 1); }
  int steps() const { return static_cast<int>(emitted_per_step.size()); }
  // Mean tokens per verify step ("acceptance length" as SGLang reports it);
  // 0 when no step ran.
  double acceptance_length() const;
};

}  // namespace npusim::engine::spec
