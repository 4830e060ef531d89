// Cost models: an op's work can never be cheaper than its roofline floor, and
// large matmuls sit near it (padding waste is real but bounded).
#include <gtest/gtest.h>

#include "device_model/config/hardware_spec.h"
#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

const HardwareSpec& spec() {
  static const HardwareSpec s = HardwareSpec::from_config(default_config());
  return s;
}

OpWork work_of(const OpCall& call) { return default_library().find(call.op)->work(call, spec()); }

// Cycles the device needs if every core of the op's kind is busy all the time.
double compute_floor_cycles(const OpWork& w) {
  const int cores = w.core == CoreKind::cube ? spec().cube_cores : spec().vector_cores;
  const double per_core = std::max<double>(1, static_cast<double>(w.tiles) / cores);
  return per_core * w.compute_cycles_per_tile;
}

OpCall matmul(int64_t m, int64_t n, int64_t k, DType dtype = DType::bf16) {
  return op_call("MatMul", {{"x", tensor(1, {m, k}, dtype)}, {"weight", tensor(2, {n, k}, dtype)}},
                 {{"y", tensor(3, {m, n}, DType::bf16)}});
}

class MatMulCost : public ::testing::TestWithParam<std::array<int64_t, 3>> {};

TEST_P(MatMulCost, NeverBeatsTheRooflineFloor) {
  const auto [m, n, k] = GetParam();
  const OpWork w = work_of(matmul(m, n, k));
  EXPECT_EQ(w.core, CoreKind::cube);
  EXPECT_DOUBLE_EQ(w.flops, 2.0 * m * n * k);
  const double macs = spec().cube_macs_per_cycle(DType::bf16);
  EXPECT_GE(w.tiles * w.compute_cycles_per_tile * macs * 2, w.flops);
  EXPECT_GE(w.tiles * (w.load_bytes_per_tile + w.store_bytes_per_tile), w.bytes * 0.999);
  EXPECT_DOUBLE_EQ(w.bytes, 2.0 * (m * k + n * k + m * n));
  const double floor_s = std::max(w.flops / spec().peak_cube_flops(DType::bf16), w.bytes / spec().hbm_bytes_per_s());
  EXPECT_GE(spec().cycles_to_ns(compute_floor_cycles(w)) * 1e-9 * 1.0001 +
                w.bytes / spec().hbm_bytes_per_s(),
            floor_s);
}

INSTANTIATE_TEST_SUITE_P(Shapes, MatMulCost,
                         ::testing::Values(std::array<int64_t, 3>{1, 4096, 4096},
                                           std::array<int64_t, 3>{20, 512, 192},
                                           std::array<int64_t, 3>{4096, 4096, 4096},
                                           std::array<int64_t, 3>{8192, 12288, 4096}));

TEST(MatMulCostModel, LargeMatMulComputeIsWithinFractalWasteOfPeak) {
  const OpWork w = work_of(matmul(8192, 12288, 4096));
  const double ideal = w.flops / (2 * spec().cube_macs_per_cycle(DType::bf16) * spec().cube_cores);
  EXPECT_LT(compute_floor_cycles(w), ideal * 1.5);
  EXPECT_GE(w.tiles, spec().cube_cores);
}

TEST(MatMulCostModel, PaddingToTheFractalCostsRealCycles) {
  // M = 20 pads to 32 rows: the same cube cycles as M = 32, more than M = 16.
  const OpWork m20 = work_of(matmul(20, 512, 512)), m32 = work_of(matmul(32, 512, 512)),
               m16 = work_of(matmul(16, 512, 512));
  EXPECT_DOUBLE_EQ(m20.tiles * m20.compute_cycles_per_tile, m32.tiles * m32.compute_cycles_per_tile);
  EXPECT_GT(m20.tiles * m20.compute_cycles_per_tile, m16.tiles * m16.compute_cycles_per_tile);
  EXPECT_LT(m20.flops, m32.flops);
}

TEST(MatMulCostModel, Int8DoublesKPerCycle) {
  const OpWork bf = work_of(matmul(256, 256, 1024, DType::bf16));
  OpCall q = matmul(256, 256, 1024, DType::i8);
  const OpWork i8 = work_of(q);
  EXPECT_DOUBLE_EQ(bf.tiles * bf.compute_cycles_per_tile, 2 * i8.tiles * i8.compute_cycles_per_tile);
}

TEST(ElementwiseCostModel, RunsOnVectorCoresAndCountsUniqueBytes) {
  OpCall call = op_call("Elementwise", {{"x", tensor(1, {1024, 4096})}, {"other", tensor(2, {1024, 4096})}},
                        {{"y", tensor(3, {1024, 4096})}}, {{"fn", std::string("add")}});
  const OpWork w = work_of(call);
  EXPECT_EQ(w.core, CoreKind::vector);
  EXPECT_DOUBLE_EQ(w.bytes, 3.0 * 1024 * 4096 * 2);
  EXPECT_GE(w.tiles, spec().vector_cores);
  EXPECT_LE(w.load_bytes_per_tile + w.store_bytes_per_tile, spec().ub_bytes / 2 + 1);
  EXPECT_NEAR(w.tiles * (w.load_bytes_per_tile + w.store_bytes_per_tile), w.bytes, 1.0);
}

}  // namespace
}  // namespace npusim::device
