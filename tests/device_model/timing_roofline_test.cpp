// No op is faster than its roofline floor, max(FLOPs / peak, bytes / HBM
// bandwidth), and large matmuls come within 1.5x of it.
#include <gtest/gtest.h>

#include "device_model/config/hardware_spec.h"
#include "tests/device_model/timing_test_streams.h"

namespace npusim::device {
namespace {
using namespace test_records;

struct Shape3 {
  int64_t m, n, k;
};

double floor_ns(const TimedOp& op, const HardwareSpec& spec) {
  const double memory_ns = op.work().bytes / spec.hbm_bandwidth_GBps;  // GB/s == bytes/ns
  const double compute_ns = op.work().cube_work ? op.work().flops / spec.peak_cube_flops(DType::bf16) * 1e9 : 0;
  return std::max(memory_ns, compute_ns);
}

const std::vector<Shape3> kMatmuls{{1, 4096, 4096},    {8, 12288, 4096},   {64, 4096, 4096},
                                   {256, 2048, 7168},  {1024, 4096, 4096}, {4096, 4096, 4096},
                                   {8192, 8192, 8192}, {4096, 12288, 4096}};
const std::vector<int64_t> kElementwise{1024, 65536, 1 << 20, 1 << 24, 1 << 26};

// `near_floor`: also require large matmuls within 1.5x of the floor. Not on the
// H100 preset: its tiles are L2-bandwidth-bound (no cluster multicast is
// modelled and its L2 figure is an assumption), about 1.8x the 989 TFLOPS floor.
void expect_roofline(const char* preset, Fidelity fidelity, bool near_floor) {
  const DeviceConfig config = DeviceConfig::load(preset);
  const HardwareSpec spec = HardwareSpec::from_config(config);
  StreamBuilder s;
  std::vector<size_t> matmuls, vector_ops;
  // A synchronize between ops: each op runs alone, as the floor assumes.
  for (const auto& sh : kMatmuls) {
    matmuls.push_back(s.matmul(sh.m, sh.n, sh.k));
    s.call(RecordKind::synchronize);
  }
  for (int64_t n : kElementwise) {
    vector_ops.push_back(s.add_op(n));
    s.call(RecordKind::synchronize);
    vector_ops.push_back(s.silu_mul(n / 1024 + 1, 1024));
    s.call(RecordKind::synchronize);
  }
  const TimingResult r = simulate_timing(s.records, config, fidelity);
  for (size_t i = 0; i < matmuls.size(); ++i) {
    const TimedOp& op = timed(r, matmuls[i]);
    const double duration = op.end_ns - op.start_ns, floor = floor_ns(op, spec);
    const Shape3& sh = kMatmuls[i];
    SCOPED_TRACE(std::string(preset) + " matmul " + std::to_string(sh.m) + "x" + std::to_string(sh.n) + "x" +
                 std::to_string(sh.k));
    EXPECT_GE(duration, floor * (1 - 1e-9));
    if (near_floor && sh.m >= 4096) {
      EXPECT_LE(duration, 1.5 * floor);
    }
  }
  for (size_t index : vector_ops) {
    const TimedOp& op = timed(r, index);
    SCOPED_TRACE(std::string(preset) + " elementwise of " + std::to_string(op.work().bytes) + " bytes");
    EXPECT_GE(op.end_ns - op.start_ns, floor_ns(op, spec) * (1 - 1e-9));
  }
}

TEST(TimingRoofline, AnalyticOpsRespectFloorOnAscend910b) { expect_roofline("ascend910b", Fidelity::analytic, true); }
TEST(TimingRoofline, AnalyticOpsRespectFloorOnH100) { expect_roofline("h100_sxm", Fidelity::analytic, false); }
TEST(TimingRoofline, SystemcOpsRespectFloorOnAscend910b) { expect_roofline("ascend910b", Fidelity::systemc, true); }

TEST(TimingRoofline, SmallMGemmIsBandwidthBoundAndLargeMComputeBound) {
  for (const char* preset : {"ascend910b", "h100_sxm"}) {
    SCOPED_TRACE(preset);
    const DeviceConfig config = DeviceConfig::load(preset);
    const HardwareSpec spec = HardwareSpec::from_config(config);
    StreamBuilder s;
    const size_t small = s.matmul(4, 4096, 4096);
    s.call(RecordKind::synchronize);
    const size_t large = s.matmul(4096, 4096, 4096);
    const TimingResult r = simulate_timing(s.records, config, Fidelity::analytic);
    const TimedOp &a = timed(r, small), &b = timed(r, large);
    auto memory_floor = [&](const TimedOp& op) { return op.work().bytes / spec.hbm_bandwidth_GBps; };
    auto compute_floor = [&](const TimedOp& op) { return op.work().flops / spec.peak_cube_flops(DType::bf16) * 1e9; };
    // Which floor is higher is the shapes' arithmetic intensity; that the
    // timed op spends most of its time at that floor is the model's.
    EXPECT_GT(memory_floor(a), compute_floor(a));
    EXPECT_GT(memory_floor(a), 0.5 * (a.end_ns - a.start_ns));
    EXPECT_GT(compute_floor(b), memory_floor(b));
    EXPECT_GT(compute_floor(b), 0.5 * (b.end_ns - b.start_ns));
  }
}

}  // namespace
}  // namespace npusim::device
