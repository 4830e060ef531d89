// Host launch costs: eager small-op streams are launch-bound; a replayed graph
// pays one launch plus a small per-node cost and is several times faster.
#include <gtest/gtest.h>

#include "device_model/config/hardware_spec.h"
#include "tests/device_model/timing_test_streams.h"

namespace npusim::device {
namespace {
using namespace test_records;
constexpr int kSmallOps = 200;

TimingResult run(bool as_graph, const char* preset) {
  StreamBuilder s;
  const TensorRef x = s.new_tensor({4096}), y = s.new_tensor({4096});
  if (as_graph) s.call(RecordKind::graph_begin, "g");
  for (int i = 0; i < kSmallOps; ++i) s.add(elementwise("scale", x, y));
  if (as_graph) {
    s.call(RecordKind::graph_end, "g");
    s.call(RecordKind::synchronize);
    s.call(RecordKind::graph_replay, "g");
  }
  s.call(RecordKind::synchronize);
  return simulate_timing(s.records, DeviceConfig::load(preset), Fidelity::analytic);
}

// Time from the first device-facing launch to the end (capture excluded).
double run_ns(const TimingResult& r, bool as_graph) {
  double start = 0;
  for (const auto& op : r.ops)
    if (as_graph && op.op() == "graph_replay") start = op.host_start_ns;
  return r.total_ns - start;
}

void expect_graph_beats_eager(const char* preset) {
  const TimingResult eager = run(false, preset), graph = run(true, preset);
  double device_ns = 0;
  for (const auto& op : eager.ops) device_ns += op.end_ns - op.start_ns;
  EXPECT_GT(eager.host_launch_ns, 0.9 * eager.total_ns) << "eager small ops are launch-bound";
  EXPECT_LT(device_ns, 0.25 * eager.total_ns);
  int nodes = 0;
  for (const auto& op : graph.ops) nodes += op.graph() == "g" && op.op() == "Elementwise";
  EXPECT_EQ(nodes, kSmallOps);
  const double speedup = run_ns(eager, false) / run_ns(graph, true);
  testing::Test::RecordProperty(std::string(preset) + "_eager_over_graph", std::to_string(speedup));
  // Eager pays kernel_launch_us per op, a replay graph_node_us per node (10x
  // and 12.5x less on the presets); the ops' own device time, paid by both,
  // dilutes that to 7.2x (ascend910b) and 8.8x (h100_sxm).
  EXPECT_GT(speedup, 5.0) << preset;
}

TEST(TimingLaunch, EagerSmallOpsAreLaunchBoundAndGraphReplayIsSeveralTimesFaster) {
  expect_graph_beats_eager("ascend910b");
  expect_graph_beats_eager("h100_sxm");
}

TEST(TimingLaunch, DeviceOpCannotStartBeforeItsLaunchReturns) {
  StreamBuilder s;
  const size_t first = s.add_op(1024);
  const TimingResult r = simulate_timing(s.records, DeviceConfig::load("ascend910b", {"host.kernel_launch_us=7"}),
                                         Fidelity::analytic);
  EXPECT_DOUBLE_EQ(timed(r, first).host_end_ns, 7000);
  EXPECT_GE(timed(r, first).start_ns, 7000);
}

TEST(TimingLaunch, CopiesBlockTheHostForBytesOverHostBandwidth) {
  StreamBuilder s;
  const TensorRef x = s.new_tensor({1 << 20}, DType::f32);  // 4 MiB
  const size_t w = s.add(write(x, {}));
  const TimingResult r = simulate_timing(s.records, DeviceConfig::load("ascend910b", {"host.h2d_bandwidth_GBps=4"}),
                                         Fidelity::analytic);
  EXPECT_NEAR(timed(r, w).end_ns - timed(r, w).start_ns, 4.0 * (1 << 20) / 4, 1e-6);
  EXPECT_DOUBLE_EQ(timed(r, w).host_end_ns, timed(r, w).end_ns);
}

// A graph_update re-costs the nodes it changes from the next replay on (longer
// KV, longer attention); nodes with the same shapes share one cost (the plan
// costs each distinct shape once), and an updated node costs exactly what the
// same op issued fresh would.
TEST(TimingLaunch, GraphUpdateRecostsChangedNodesFromTheNextReplayOn) {
  StreamBuilder s;
  s.call(RecordKind::graph_begin, "g");
  const size_t fia_a = s.gqa_decode_attention(32, 8, 8, 1024), fia_b = s.gqa_decode_attention(32, 8, 8, 1024);
  const size_t fia_c = s.gqa_decode_attention(16, 4, 8, 1024);  // another shape, updated too
  const size_t mm = s.matmul(8, 4096, 4096);
  s.call(RecordKind::graph_end, "g");
  s.call(RecordKind::graph_replay, "g");
  s.call(RecordKind::synchronize);
  OpCall update = runtime_call(RecordKind::graph_update, "g");
  update.attrs = Attrs{{"op", std::string("FusedInferAttentionScore")},
                       {"actual_seq_lengths_kv", std::vector<int64_t>(8, 4096)}};
  s.add(std::move(update));
  s.call(RecordKind::graph_replay, "g");
  s.call(RecordKind::synchronize);
  const size_t fresh = s.gqa_decode_attention(32, 8, 8, 4096);
  s.call(RecordKind::synchronize);
  const size_t fresh_c = s.gqa_decode_attention(16, 4, 8, 4096);
  s.call(RecordKind::synchronize);
  const TimingResult r = simulate_timing(s.records, DeviceConfig::load("ascend910b"), Fidelity::analytic);

  // The graph nodes of record `index`, one per replay, in replay order.
  auto node_ns = [&](size_t index) {
    std::vector<double> ns;
    for (const auto& op : r.ops)
      if (op.record == index && op.graph() == "g") ns.push_back(op.end_ns - op.start_ns);
    return ns;
  };
  const std::vector<double> a = node_ns(fia_a), b = node_ns(fia_b), c = node_ns(fia_c), m = node_ns(mm);
  ASSERT_EQ(c.size(), 2u);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  ASSERT_EQ(m.size(), 2u);
  // Durations are end - start at different absolute times: equal up to rounding.
  constexpr double kNs = 1e-6;
  EXPECT_NEAR(a[0], b[0], kNs);
  EXPECT_NEAR(a[1], b[1], kNs);
  EXPECT_GT(a[1], 2.0 * a[0]) << "4x the KV on a KV-bound op";
  EXPECT_NEAR(m[0], m[1], kNs) << "the update names FIA only";
  const double graph_node_ns = HardwareSpec::from_config(DeviceConfig::load("ascend910b")).graph_node_us * 1e3;
  auto eager_ns = [&](size_t index) { return timed(r, index).end_ns - timed(r, index).start_ns; };
  EXPECT_NEAR(a[1], eager_ns(fresh) + graph_node_ns, kNs);
  EXPECT_NEAR(c[1], eager_ns(fresh_c) + graph_node_ns, kNs);
  EXPECT_LT(c[1], 0.75 * a[1]) << "half the KV heads: not merged with the other shape";
}

}  // namespace
}  // namespace npusim::device
