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

OpCall mla_decode(int64_t heads, int64_t batch, int64_t kv_len) {
  const int64_t block = 128, blocks = batch * ((kv_len + block - 1) / block);
  Attrs a{{"num_heads", heads}, {"num_key_value_heads", int64_t{1}}, {"input_layout", std::string("BSND")},
          {"sparse_mode", int64_t{0}}, {"block_size", block},
          {"actual_seq_lengths_kv", std::vector<int64_t>(batch, kv_len)}};
  return op_call("FusedInferAttentionScore",
                 {{"query", tensor(1, {batch, 1, heads, 512})}, {"key", tensor(2, {blocks, block, 512})},
                  {"value", tensor(2, {blocks, block, 512})}, {"query_rope", tensor(3, {batch, 1, heads, 64})},
                  {"key_rope", tensor(4, {blocks, block, 64})}, {"block_table", tensor(5, {batch, blocks}, DType::i32)}},
                 {{"attention_out", tensor(6, {batch, 1, heads, 512})}}, a);
}

OpCall tnd_prefill(int64_t seq, int64_t mode) {
  Attrs a{{"num_heads", int64_t{32}}, {"num_key_value_heads", int64_t{8}}, {"input_layout", std::string("TND")},
          {"sparse_mode", mode}, {"block_size", int64_t{0}},
          {"actual_seq_lengths", std::vector<int64_t>{seq}}, {"actual_seq_lengths_kv", std::vector<int64_t>{seq}}};
  std::vector<NamedTensor> in{{"query", tensor(1, {seq, 32, 128})}, {"key", tensor(2, {seq, 8, 128})},
                              {"value", tensor(3, {seq, 8, 128})}};
  if (mode == 3) in.push_back({"atten_mask", tensor(4, {2048, 2048}, DType::i8)});
  return op_call("FusedInferAttentionScore", in, {{"attention_out", tensor(5, {seq, 32, 128})}}, a);
}

double total_cycles(const OpWork& w) { return w.tiles * w.compute_cycles_per_tile; }
double total_bytes_moved(const OpWork& w) { return w.tiles * (w.load_bytes_per_tile + w.store_bytes_per_tile); }

TEST(FiaCostModel, DecodeMovesAtLeastTheKvCacheAndIsBandwidthBound) {
  const OpWork w = work_of(mla_decode(32, 8, 4096));
  const double kv_bytes = 8.0 * 4096 * (512 + 64) * 2;
  EXPECT_GE(w.bytes, kv_bytes);
  EXPECT_GE(total_bytes_moved(w), w.bytes * 0.999);
  EXPECT_GE(total_cycles(w) * 2 * spec().cube_macs_per_cycle(DType::bf16), w.flops);
  // Memory time dominates compute time at the device's own peak figures.
  EXPECT_GT(w.bytes / spec().hbm_bytes_per_s(), w.flops / spec().peak_cube_flops(DType::bf16));
  EXPECT_GE(w.tiles, spec().cube_cores);  // KV split so every cube core works
}

TEST(FiaCostModel, PaddingMlaHeadsCostsWhatTheFractalCosts) {
  // 20 heads already pad to 32 rows of the 16-row fractal: the padded call adds
  // query/output bytes, not cube cycles; 16 heads are cheaper than both.
  const OpWork h20 = work_of(mla_decode(20, 4, 2048)), h32 = work_of(mla_decode(32, 4, 2048)),
               h16 = work_of(mla_decode(16, 4, 2048));
  EXPECT_DOUBLE_EQ(total_cycles(h20), total_cycles(h32));
  EXPECT_GT(h32.bytes, h20.bytes);
  EXPECT_LT(total_cycles(h16), total_cycles(h20));
  EXPECT_NEAR(h32.flops / h20.flops, 32.0 / 20.0, 1e-9);
}

TEST(FiaCostModel, CausalPrefillCostsLessThanFullAttention) {
  const OpWork causal = work_of(tnd_prefill(4096, 3)), full = work_of(tnd_prefill(4096, 0));
  EXPECT_LT(causal.flops, full.flops * 0.55);
  EXPECT_LT(total_cycles(causal), total_cycles(full) * 0.6);
  EXPECT_GE(total_cycles(causal) * 2 * spec().cube_macs_per_cycle(DType::bf16), causal.flops);
}

}  // namespace
}  // namespace npusim::device
