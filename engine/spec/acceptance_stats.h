// Measured acceptance of a speculative run: tokens emitted per target verify
// step (accepted drafts + bonus). The per-step list is what a timing-mode run
// at full size replays (SpecSettings::accepted_per_step).
#pragma once
#include <cstdint>
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

// Timing mode cannot verify drafts (no data): a speculative run there needs
// the emitted-per-step lengths a functional run measured. Throws
// FailureError{kind="input", parameter="spec.accepted_per_step"} before any
// record is issued when they are missing.
void require_measured_acceptance(const std::vector<int64_t>& accepted_per_step, bool functional);
// Drafts accepted at the `index`-th sequence verification of a timing run: the
// measured emitted count minus the bonus token, clamped to [0, max_drafts].
// Counts are in the order a functional run recorded them (step-major, one per
// sequence still generating), and cycle when shorter.
int measured_accepted_drafts(const std::vector<int64_t>& accepted_per_step, int64_t index,
                             int64_t max_drafts);

}  // namespace npusim::engine::spec
