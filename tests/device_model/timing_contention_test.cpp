// SystemC fidelity: streams that move data at the same time share L2/HBM
// bandwidth, so each is slower than alone, yet cube work on one stream
// overlaps vector work on the other, so together they beat running in turn.
#include <gtest/gtest.h>

#include "op_stream/failure.h"
#include "tests/device_model/timing_test_streams.h"

namespace npusim::device {
namespace {
using namespace test_records;
constexpr int kOpsPerStream = 6;

TEST(TimingContention, TwoStreamsMovingDataTakeLongerThanOneAndLessThanBoth) {
  StreamBuilder s;
  std::vector<size_t> memory_alone, matmul_alone, memory_shared, matmul_shared;
  for (int i = 0; i < kOpsPerStream; ++i) memory_alone.push_back(s.add_op(int64_t{1} << 24, 0));
  s.call(RecordKind::synchronize);
  for (int i = 0; i < kOpsPerStream; ++i) matmul_alone.push_back(s.matmul(512, 8192, 8192, 1));
  s.call(RecordKind::synchronize);
  for (int i = 0; i < kOpsPerStream; ++i) {
    memory_shared.push_back(s.add_op(int64_t{1} << 24, 0));
    matmul_shared.push_back(s.matmul(512, 8192, 8192, 1));
  }
  // With the preset's (assumed) L2 bandwidth these matmul tiles are L2-bound,
  // so both streams would fight over one link and could not overlap at all; a
  // faster L2 makes the matmul cube-bound while it still pulls its operands
  // from HBM, the case where compute overlaps and only HBM is contended.
  const TimingResult r = simulate_timing(
      s.records, DeviceConfig::load("ascend910b", {"memory.l2_bandwidth_GBps=20000"}), Fidelity::systemc);
  const double memory_ns = span_ns(r, memory_alone), matmul_ns = span_ns(r, matmul_alone);
  const double shared_memory_ns = span_ns(r, memory_shared);
  std::vector<size_t> all_shared = memory_shared;
  all_shared.insert(all_shared.end(), matmul_shared.begin(), matmul_shared.end());
  const double together_ns = span_ns(r, all_shared);
  RecordProperty("memory_alone_ns", std::to_string(memory_ns));
  RecordProperty("matmul_alone_ns", std::to_string(matmul_ns));
  RecordProperty("together_ns", std::to_string(together_ns));
  EXPECT_GT(shared_memory_ns, 1.05 * memory_ns) << "the memory-bound stream must feel the matmul's traffic";
  EXPECT_GT(together_ns, std::max(memory_ns, matmul_ns));
  EXPECT_LT(together_ns, memory_ns + matmul_ns) << "cube and vector work must overlap";
}

TEST(TimingContention, AnalyticFidelityHasNoCrossStreamContention) {
  StreamBuilder s;
  const size_t alone = s.add_op(int64_t{1} << 24, 0);
  s.call(RecordKind::synchronize);
  const size_t first = s.add_op(int64_t{1} << 24, 0);
  const size_t second = s.add_op(int64_t{1} << 24, 1);
  const TimingResult r = simulate_timing(s.records, DeviceConfig::load("ascend910b"), Fidelity::analytic);
  const double alone_ns = timed(r, alone).end_ns - timed(r, alone).start_ns;
  EXPECT_DOUBLE_EQ(timed(r, first).end_ns - timed(r, first).start_ns, alone_ns);
  EXPECT_DOUBLE_EQ(timed(r, second).end_ns - timed(r, second).start_ns, alone_ns);
}

TEST(TimingContention, SystemcRunsOncePerProcess) {
  StreamBuilder s;
  s.add_op(1024);
  const DeviceConfig config = DeviceConfig::load("ascend910b");
  simulate_timing(s.records, config, Fidelity::systemc);
  try {
    simulate_timing(s.records, config, Fidelity::systemc);
    FAIL() << "a second SystemC elaboration must be refused";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().rule, "systemc.elaborate_once");
  }
}

}  // namespace
}  // namespace npusim::device
