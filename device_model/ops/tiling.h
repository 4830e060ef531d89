// Cost models the ops share: how matmul-like work tiles onto cube cores and
// streaming work onto vector cores. Only HardwareSpec figures enter; an op's
// file says what its work is (shapes, passes), these say what it costs.
#pragma once
#include <cstdint>
#include <string>

#include "device_model/config/hardware_spec.h"
#include "device_model/timing/op_work.h"

namespace npusim::device {

// `batch` independent [m, k] x [k, n] products in `dtype` (int8 doubles k per cycle).
struct CubeProblem {
  int64_t batch = 1;
  int64_t m = 0, n = 0, k = 0;
  DType dtype = DType::bf16;
  double out_bytes_per_element = 2;
};

inline int64_t ceil_div(int64_t a, int64_t b) { return b <= 0 ? a : (a + b - 1) / b; }

// Cube cycles of one m x n x k product, each dimension padded up to the
// fractal (fractal steps per dimension). Inline: attention costs call it
// twice per score tile, thousands of times per prefill op.
inline double cube_cycles(int64_t m, int64_t n, int64_t k, DType dtype, const HardwareSpec& spec) {
  const int64_t k_step = dtype == DType::i8 ? spec.cube_k * spec.cube_int8_k_multiplier : spec.cube_k;
  return static_cast<double>(ceil_div(m, spec.cube_m)) * static_cast<double>(ceil_div(n, spec.cube_n)) *
         static_cast<double>(ceil_div(k, k_step));
}

// Output tiles sized so an fp32 accumulator tile fits half of L0C (double
// buffering), shrunk until every cube core has a tile. `unique_bytes`: GM bytes
// read + written once (flops and bytes are the unpadded useful figures).
OpWork matmul_work(const std::string& op_class, const CubeProblem& problem, double unique_bytes,
                   const HardwareSpec& spec);

// Streaming work on vector cores: `elements` processed with `ops_per_element`
// fp32 vector operations each; tiles sized to half the UB (double buffering)
// and spread over the vector cores.
OpWork vector_work(const std::string& op_class, double elements, double ops_per_element,
                   double load_bytes, double store_bytes, const HardwareSpec& spec);

int64_t round_up(int64_t value, int64_t multiple);

}  // namespace npusim::device
