// The graph runner: capture once per batch size, then per step copy inputs into
// the static buffers and replay with the updated KV lengths.
#include <gtest/gtest.h>

#include "engine/graph_runner.h"
#include "engine_test_support.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
using testing::record;
using testing::shipped;

std::vector<const OpCall*> of_kind(const std::vector<OpCall>& records, RecordKind kind) {
  std::vector<const OpCall*> out;
  for (const auto& r : records)
    if (r.kind == kind) out.push_back(&r);
  return out;
}

TEST(GraphRunner, CapturesOnceAndReplaysEachStep) {
  Workload w = testing::decode_workload(4);
  w.use_graph = true;
  w.decode_steps = 3;
  const auto rec = record(shipped("qwen3-8b"), w);
  const auto begins = of_kind(rec.records, RecordKind::graph_begin);
  ASSERT_EQ(begins.size(), 1u);
  EXPECT_EQ(begins[0]->name, GraphRunner::graph_name(4));
  const auto replays = of_kind(rec.records, RecordKind::graph_replay);
  const auto updates = of_kind(rec.records, RecordKind::graph_update);
  ASSERT_EQ(replays.size(), 3u);
  ASSERT_EQ(updates.size(), 3u);
  // prompt 8: the three steps attend over 9, 10, 11 tokens (graph-task update of the captured FIA).
  for (size_t i = 0; i < updates.size(); ++i) {
    EXPECT_EQ(updates[i]->name, replays[i]->name);
    EXPECT_EQ(updates[i]->attrs.get_string("op"), "FusedInferAttentionScore");
    EXPECT_EQ(updates[i]->attrs.get_ints("actual_seq_lengths_kv"), std::vector<int64_t>(4, 9 + static_cast<int64_t>(i)));
  }
  // Between capture and each replay: input_ids, positions, slot_mapping, block_table copied in.
  size_t copies = 0;
  for (const auto& r : rec.records)
    if (r.kind == RecordKind::op && r.op == "Copy" && r.origin.module == "graph_runner") ++copies;
  EXPECT_EQ(copies, 3u * 4);
}

TEST(GraphRunner, BatchPaddedToTheCaptureSizeAndOutputsSlicedBack) {
  EXPECT_EQ(capture_batch_size(3), 4);
  EXPECT_EQ(capture_batch_size(8), 8);
  EXPECT_EQ(capture_batch_size(300), 300);
  Workload w = testing::decode_workload(3);
  w.use_graph = true;
  const auto rec = record(shipped("glm-4.7-flash"), w);
  const auto replays = of_kind(rec.records, RecordKind::graph_replay);
  const auto updates = of_kind(rec.records, RecordKind::graph_update);
  ASSERT_EQ(replays.size(), 1u);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(replays[0]->name, GraphRunner::graph_name(4));
  // The padded row attends over one token of the padding block.
  EXPECT_EQ(updates[0]->attrs.get_ints("actual_seq_lengths_kv"), (std::vector<int64_t>{9, 9, 9, 1}));
  EXPECT_EQ(*testing::find_ops(rec.records, "FusedInferAttentionScore", "decode")[0]->attrs.get_int("num_heads"), 32);
  const auto reads = of_kind(rec.records, RecordKind::read);
  EXPECT_EQ(reads.back()->inputs[0].tensor->shape, (Shape{3}));
  EXPECT_EQ(rec.result.tokens.size(), 3u);
}

TEST(GraphRunner, StepsEndWithNamedSynchronize) {
  Workload w = testing::decode_workload(1);
  w.use_graph = true;
  w.decode_steps = 2;
  const auto rec = record(shipped("glm-4.7-flash"), w);
  const auto syncs = of_kind(rec.records, RecordKind::synchronize);
  ASSERT_EQ(syncs.size(), 3u);
  EXPECT_EQ(syncs[0]->name, "prefill");
  EXPECT_EQ(syncs[1]->name, "decode");
  EXPECT_EQ(syncs[2]->attrs.get_int("step"), 1);
  ASSERT_EQ(rec.result.steps.size(), 3u);
  EXPECT_EQ(rec.result.steps.back().records_end, static_cast<int64_t>(rec.records.size()));
  EXPECT_EQ(rec.records[static_cast<size_t>(rec.result.steps[0].records_end) - 1].kind, RecordKind::synchronize);
}

TEST(GraphRunner, PaddingTensorsAreMadeBeforeCapture) {
  Workload w = testing::decode_workload(2);
  w.use_graph = true;
  const auto rec = record(shipped("glm-4.7-flash"), w);
  size_t begin = 0, padding = 0;
  for (size_t i = 0; i < rec.records.size(); ++i) {
    if (rec.records[i].kind == RecordKind::graph_begin) begin = i;
    if (rec.records[i].kind == RecordKind::alloc && rec.records[i].name == "mla_padding.bs2.nope") padding = i;
  }
  EXPECT_GT(padding, 0u);
  EXPECT_LT(padding, begin);
}

TEST(GraphRunner, TimingModeTokensArePlaceholders) {
  Workload w = testing::decode_workload(2);
  w.decode_steps = 2;
  const auto rec = record(shipped("qwen3-8b"), w);
  EXPECT_EQ(rec.result.tokens[1][2], placeholder_token(w.seed, 2, 1, 151936));
}

TEST(Workload, InvalidFieldsAreInputErrors) {
  const ModelConfig c = shipped("qwen3-8b");
  auto expect_input_error = [&](Workload w, const std::string& field) {
    try {
      record(c, w);
      ADD_FAILURE() << field << " accepted";
    } catch (const FailureError& e) {
      EXPECT_EQ(e.failure().kind, "input") << field;
      EXPECT_EQ(e.failure().parameter, field);
    }
  };
  Workload w = testing::decode_workload();
  w.batch = 0;
  expect_input_error(w, "batch");
  w = testing::decode_workload();
  w.dtype = "float8";
  expect_input_error(w, "dtype");
  w = testing::decode_workload();
  w.prompt_len = 40960;
  expect_input_error(w, "prompt_len");
  w = testing::decode_workload();
  w.tp = 3;
  expect_input_error(w, "tp");
}

}  // namespace
}  // namespace npusim::engine
