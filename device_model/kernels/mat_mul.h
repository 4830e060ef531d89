// The fp32 product under MatMul, QuantMatMul, GroupedMatMul and BatchMatMul.
// Every y(i, j) sums its K products in one order fixed by this build, whatever
// the host: Eigen's blocked GEMM splits K by the host CPU's cache sizes, so the
// same op summed in a different order on another CI machine, and after bf16
// rounding a batched DFlash run accepted 3.59 tokens per step on one machine
// and 3.47 on another.
#pragma once
#include <cstdint>

namespace npusim::device {

enum class WeightLayout { n_by_k, k_by_n };  // [N, K] as torch Linear stores it, or [K, N]

// y [M, N] = x [M, K] times w, all row-major; y is written, not added to.
void mat_mul(const float* x, const float* w, WeightLayout layout, int64_t m, int64_t n, int64_t k, float* y);

}  // namespace npusim::device
