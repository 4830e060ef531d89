// What MatMul, QuantMatMul and GroupedMatMul share: an x [..., K] whose rows
// are M, a weight holding N in one dimension and K in its last, and a y
// [..., N]. Their facts and their cube problem start the same way; each op's
// file adds only its own slots (bias, scales, group list, experts).
#pragma once

#include "device_model/ops/call_facts.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {

struct MatmulOperands {
  const TensorRef* x = nullptr;
  const TensorRef* weight = nullptr;
  const TensorRef* y = nullptr;
  int weight_n_dim = 0;  // weight's N dimension: 0 for [N, K], 1 for [E, N, K]
};

// The slots, nullptr when missing or None.
MatmulOperands matmul_operands(const OpCall& call, int weight_n_dim);

// Slot facts of x, weight and y, and x_k, x_rows, weight_k, weight_n, y_n,
// y_rows where known.
MatmulOperands add_matmul_facts(Facts& facts, const OpCall& call, int weight_n_dim);

// One [M, K] x [K, N] product: M = x's rows, K = x's last dimension, N =
// weight's N dimension, x's dtype (bf16 when x is missing), y's element size
// out (2 bytes when y is missing).
CubeProblem matmul_problem(const MatmulOperands& operands);

// Bytes of a slot's tensor, 0 when missing or None.
double slot_bytes(const TensorRef* tensor);

}  // namespace npusim::device
