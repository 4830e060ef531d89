// The NPU graph runner: decode is captured once per batch size against static
// input buffers; each step copies its inputs into those buffers, updates the
// captured FIA's actual_seq_lengths_kv (in the real runner a host-side
// graph-task update; here attrs of the graph_replay record) and replays.
// Whatever is not copied in is read stale by the replay, as on the device.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/model_runner.h"

namespace npusim::engine {

// One decode step's inputs as host values.
struct DecodeInputs {
  std::vector<float> input_ids;     // [B]
  std::vector<float> positions;     // [B]
  std::vector<float> slot_mapping;  // [B]
  std::vector<float> block_table;   // [B * blocks_per_sequence]
  std::vector<int64_t> kv_lens;     // [B], including this step's token
};

struct StaticDecodeBuffers {
  TensorRef input_ids, positions, slot_mapping, block_table;
  TensorRef logits;   // [B, vocab per rank], written by the replay
  TensorRef next_ids; // int32 [B]: ArgMax of logits
};

// Emits a decode step's inputs as device tensors (in the current frame) and the batch over them.
ForwardBatch decode_batch(Emitter& em, const KvCache& cache, const DecodeInputs& in);
// ArgMax of logits [R, V] into a new int32 [R] tensor in the current frame.
TensorRef greedy_sample(Emitter& em, const TensorRef& logits);

class GraphRunner {
 public:
  explicit GraphRunner(ModelRunner& runner) : runner_(runner) {}

  bool captured(int64_t batch) const { return graphs_.count(batch) != 0; }
  // Captures the decode graph for `in`'s batch size (shapes from `in`, values irrelevant).
  void capture(const DecodeInputs& in);
  // Copies `in` into the static buffers and replays; the outputs are the static buffers.
  const StaticDecodeBuffers& replay(const DecodeInputs& in);
  static std::string graph_name(int64_t batch) { return "decode_bs" + std::to_string(batch); }

 private:
  ModelRunner& runner_;
  std::map<int64_t, StaticDecodeBuffers> graphs_;
};

}  // namespace npusim::engine
