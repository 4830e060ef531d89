// Rotary position embedding of one head, shared by RotaryEmbedding and
// SplitQkvRmsnormRope. `cos`/`sin` hold rotary_dim values: R/2 distinct angles
// duplicated as [a, a] halves (neox) or [a0, a0, a1, a1, ...] pairs (interleaved).
#pragma once
#include <cstdint>

namespace npusim::device {

// Rotates the first `rotary_dim` values of `head` in place; the rest pass through.
void rotate_head(float* head, const float* cos, const float* sin, int64_t rotary_dim, bool neox);

}  // namespace npusim::device
