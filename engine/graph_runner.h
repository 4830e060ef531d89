// The NPU graph runner: decode is captured once per capture batch size against
// static input buffers; a step's batch is padded to the next capture size
// (padded rows use the KV cache's padding block), its inputs are copied into
// the static buffers, the captured FIA's actual_seq_lengths_kv is updated (in
// the real runner a host-side graph-task update; here a graph_update
// record), the graph replays and the outputs are sliced back to
// the real rows. Whatever is not copied in is read stale by the replay.
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

// Batch sizes decode graphs are captured for (powers of two up to 256; SGLang's
// default list is finer above 8, which changes only how much padding a batch gets).
int64_t capture_batch_size(int64_t batch);

// Emits a decode step's inputs as device tensors (in the current frame) and the batch over them.
ForwardBatch decode_batch(Emitter& em, const KvCache& cache, const DecodeInputs& in);
// ArgMax of logits [R, V] into a new int32 [R] tensor in the current frame.
TensorRef greedy_sample(Emitter& em, const TensorRef& logits);

class GraphRunner {
 public:
  explicit GraphRunner(ModelRunner& runner) : runner_(runner) {}

  bool captured(int64_t batch) const { return graphs_.count(capture_batch_size(batch)) != 0; }
  // Captures the decode graph of `in`'s capture batch size (shapes from `in`, values irrelevant).
  void capture(const DecodeInputs& in);
  // Copies `in` (padded) into the static buffers and replays; returns the static
  // buffers with logits and next_ids sliced to `in`'s rows.
  StaticDecodeBuffers replay(const DecodeInputs& in);
  static std::string graph_name(int64_t batch) { return "decode_bs" + std::to_string(batch); }

 private:
  DecodeInputs padded(const DecodeInputs& in) const;

  ModelRunner& runner_;
  std::map<int64_t, StaticDecodeBuffers> graphs_;
};

}  // namespace npusim::engine
