// Root-mean-square normalisation of one row, shared by RmsNorm, AddRmsNorm and
// SplitQkvRmsnormRope: x / sqrt(mean(x^2) + eps) * gamma (+ beta), in fp32.
#pragma once
#include <cstdint>

namespace npusim::device {

// In place; `gamma` and `beta` may be null (no scale / no shift).
void rms_norm_row(float* row, int64_t width, double eps, const float* gamma, const float* beta);

}  // namespace npusim::device
