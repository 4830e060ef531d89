// The analytic timing caches one cost entry per distinct op shape
// (docs/TIMING_MODEL.md): an op's work may depend on its name, shapes, dtypes
// and attributes, never on which buffers it reads, where in them, its stream
// or its origin. This checks that rule on every op of the shipped example
// stream, so a cost function that starts reading any of those fails here.
#include <gtest/gtest.h>

#include <set>

#include "device_model/config/hardware_spec.h"
#include "op_stream/op_stream.h"
#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

void move_tensors(std::vector<NamedTensor>& slots, BufferId buffer_shift) {
  for (NamedTensor& slot : slots) {
    if (!slot.tensor) continue;
    slot.tensor->buffer += buffer_shift;
    slot.tensor->offset_bytes += 4096 * dtype_size_bytes(slot.tensor->dtype);
  }
}

void expect_same_work(const OpWork& a, const OpWork& b) {
  EXPECT_EQ(a.op_class, b.op_class);
  EXPECT_EQ(a.core, b.core);
  EXPECT_EQ(a.tiles, b.tiles);
  EXPECT_EQ(a.compute_cycles_per_tile, b.compute_cycles_per_tile);
  EXPECT_EQ(a.load_bytes_per_tile, b.load_bytes_per_tile);
  EXPECT_EQ(a.store_bytes_per_tile, b.store_bytes_per_tile);
  EXPECT_EQ(a.flops, b.flops);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.cube_work, b.cube_work);
}

TEST(OpWorkIdentity, WorkDependsOnShapesAndAttributesOnlyNotOnBuffersOffsetsStreamOrOrigin) {
  const OpStream stream =
      read_op_stream_file(std::string(NPUSIM_SOURCE_DIR) + "/scenarios/streams/example_qwen3_8b_decode.jsonl");
  const HardwareSpec spec = HardwareSpec::from_config(default_config());
  std::set<std::string> ops_checked;
  for (const OpCall& call : stream.records) {
    if (call.kind != RecordKind::op) continue;
    const OpDefinition* definition = default_library().find(call.op);
    ASSERT_NE(definition, nullptr) << call.op;
    OpCall moved = call;
    move_tensors(moved.inputs, 1'000'000);
    move_tensors(moved.outputs, 1'000'000);
    moved.stream = call.stream + 1;
    moved.origin = Origin{99, "elsewhere", "prefill"};
    SCOPED_TRACE(call.op);
    expect_same_work(definition->work(call, spec), definition->work(moved, spec));
    ops_checked.insert(call.op);
  }
  // The stream must exercise the ops the cache matters for, or this checks nothing.
  for (const char* op : {"MatMul", "FusedInferAttentionScore", "RmsNorm"})
    EXPECT_EQ(ops_checked.count(op), 1u) << op << " is not in the example stream";
  RecordProperty("distinct_ops_checked", static_cast<int>(ops_checked.size()));
}

}  // namespace
}  // namespace npusim::device
