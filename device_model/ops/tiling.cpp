#include "device_model/ops/tiling.h"

#include <algorithm>
#include <cmath>

namespace npusim::device {
namespace {
constexpr double kAccumulatorBytes = sizeof(float);  // cube accumulates in fp32 (L0C)
constexpr double kVectorLaneBytes = sizeof(float);   // vector math runs in fp32
}  // namespace

int64_t round_up(int64_t value, int64_t multiple) {
  if (multiple <= 0) return value;
  return ceil_div(value, multiple) * multiple;
}

OpWork matmul_work(const std::string& op_class, const CubeProblem& p, double unique_bytes,
                   const HardwareSpec& spec) {
  OpWork work;
  work.op_class = op_class;
  work.core = CoreKind::cube;
  work.cube_work = true;
  work.flops = 2.0 * p.batch * p.m * p.n * p.k;
  work.bytes = unique_bytes;
  const int64_t mp = round_up(std::max<int64_t>(p.m, 1), spec.cube_m);
  const int64_t np = round_up(std::max<int64_t>(p.n, 1), spec.cube_n);
  // Largest square-ish fp32 output tile in half of L0C, then widen along N.
  const double acc_elements = spec.l0c_bytes / 2 / kAccumulatorBytes;
  int64_t tm = std::min(mp, std::max<int64_t>(spec.cube_m, static_cast<int64_t>(std::sqrt(acc_elements)) /
                                                                spec.cube_m * spec.cube_m));
  int64_t tn = std::min(np, std::max<int64_t>(spec.cube_n, static_cast<int64_t>(acc_elements / tm) /
                                                                spec.cube_n * spec.cube_n));
  auto tiles = [&] { return std::max<int64_t>(1, p.batch) * ceil_div(mp, tm) * ceil_div(np, tn); };
  // Real kernels split the output finer rather than leave cores idle.
  while (tiles() < spec.cube_cores && (tm > spec.cube_m || tn > spec.cube_n)) {
    if (tn >= tm && tn > spec.cube_n)
      tn = std::max<int64_t>(spec.cube_n, round_up(tn / 2, spec.cube_n));
    else
      tm = std::max<int64_t>(spec.cube_m, round_up(tm / 2, spec.cube_m));
  }
  work.tiles = tiles();
  const double elem = dtype_size_bytes(p.dtype);
  const double batch = std::max<int64_t>(1, p.batch);
  // A is re-read once per column of tiles, B once per row of tiles.
  const double load = batch * (static_cast<double>(ceil_div(np, tn)) * p.m * p.k +
                               static_cast<double>(ceil_div(mp, tm)) * p.n * p.k) * elem;
  work.compute_cycles_per_tile = batch * cube_cycles(p.m, p.n, p.k, p.dtype, spec) / work.tiles;
  work.load_bytes_per_tile = load / work.tiles;
  work.store_bytes_per_tile = batch * p.m * p.n * p.out_bytes_per_element / work.tiles;
  return work;
}

OpWork vector_work(const std::string& op_class, double elements, double ops_per_element,
                   double load_bytes, double store_bytes, const HardwareSpec& spec) {
  OpWork work;
  work.op_class = op_class;
  work.core = CoreKind::vector;
  work.flops = elements * ops_per_element;
  work.bytes = load_bytes + store_bytes;
  const double total = load_bytes + store_bytes;
  const auto by_ub = static_cast<int64_t>(std::ceil(total / (spec.ub_bytes / 2)));
  const auto by_cores = std::min<int64_t>(
      spec.vector_cores, static_cast<int64_t>(std::ceil(total / spec.vector_bytes_per_cycle)));
  work.tiles = std::max<int64_t>({1, by_ub, by_cores});
  work.compute_cycles_per_tile =
      elements * ops_per_element * kVectorLaneBytes / spec.vector_bytes_per_cycle / work.tiles;
  work.load_bytes_per_tile = load_bytes / work.tiles;
  work.store_bytes_per_tile = store_bytes / work.tiles;
  return work;
}

}  // namespace npusim::device
