// Greedy verification of a speculative draft by the target (lossless): accept
// the longest prefix where the draft equals the target's argmax, then take the
// target's own next token (the bonus). The emitted tokens are exactly what
// greedy decoding without speculation would produce.
#pragma once
#include <cstdint>
#include <vector>

namespace npusim::engine::spec {

struct VerificationResult {
  int accepted_drafts = 0;              // draft tokens kept
  std::vector<int32_t> emitted_tokens;  // accepted drafts + the bonus token
};

// `target_argmax[i]` is the target's greedy token after the verify block's
// input i (input 0 = last verified token, input i>0 = draft token i-1), so it
// has one more entry than `draft`. Throws FailureError{kind="input"} otherwise.
VerificationResult verify_greedy(const std::vector<int32_t>& draft,
                                 const std::vector<int32_t>& target_argmax);

}  // namespace npusim::engine::spec
