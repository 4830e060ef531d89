// The analytic and SystemC fidelities share the per-op tile pipeline, so on a
// single stream (no contention to model) they agree within 10%.
#include <gtest/gtest.h>

#include "tests/device_model/timing_test_streams.h"

namespace npusim::device {
namespace {
using namespace test_records;

TEST(TimingFidelity, AnalyticAndSystemcAgreeWithinTenPercentOnOneStream) {
  StreamBuilder s;
  // A decode-like layer mix and a prefill-like one, eager.
  for (int layer = 0; layer < 4; ++layer) {
    s.matmul(8, 6144, 4096);
    s.add_op(8 * 4096);
    s.matmul(8, 24576, 4096);
    s.silu_mul(8, 12288);
    s.matmul(8, 4096, 12288);
  }
  s.call(RecordKind::synchronize);
  for (int layer = 0; layer < 2; ++layer) {
    s.matmul(2048, 6144, 4096);
    s.add_op(2048 * 4096);
    s.silu_mul(2048, 12288);
    s.matmul(2048, 4096, 12288);
  }
  s.call(RecordKind::synchronize);
  const DeviceConfig config = DeviceConfig::load("ascend910b");
  const TimingResult analytic = simulate_timing(s.records, config, Fidelity::analytic);
  const TimingResult systemc = simulate_timing(s.records, config, Fidelity::systemc);
  RecordProperty("analytic_ns", std::to_string(analytic.total_ns));
  RecordProperty("systemc_ns", std::to_string(systemc.total_ns));
  EXPECT_NEAR(systemc.total_ns / analytic.total_ns, 1.0, 0.10);
  EXPECT_NEAR(systemc.hbm_bytes / analytic.hbm_bytes, 1.0, 0.01);
  EXPECT_NEAR(systemc.cube_busy_ns / analytic.cube_busy_ns, 1.0, 1e-6);
  ASSERT_EQ(systemc.ops.size(), analytic.ops.size());
}

}  // namespace
}  // namespace npusim::device
