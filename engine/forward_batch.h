// One forward pass's inputs: device tensors (ids, positions, cache slots) and
// the host-side lengths the attention backend passes to FIA as attributes.
#pragma once
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "op_stream/tensor_ref.h"

namespace npusim::engine {

struct ForwardBatch {
  // extend: query_lens[b] new tokens after kv_lens[b] - query_lens[b] cached ones (prefill, verify);
  // decode: one token per sequence.
  std::string mode = "extend";
  std::vector<int64_t> query_lens;  // per sequence
  std::vector<int64_t> kv_lens;     // per sequence, including this forward's tokens
  TensorRef input_ids;     // int32 [T]
  TensorRef positions;     // int32 [T]
  TensorRef slot_mapping;  // int32 [T]
  TensorRef block_table;   // int32 [B, max_blocks]
  std::optional<TensorRef> logits_indices;  // int32 [R]: rows that reach the LM head; nullopt: all
  std::optional<TensorRef> input_embeds;    // [T, H]: used instead of embedding input_ids

  int64_t batch() const { return static_cast<int64_t>(query_lens.size()); }
  int64_t tokens() const { return std::accumulate(query_lens.begin(), query_lens.end(), int64_t{0}); }
  bool prefix_free() const { return query_lens == kv_lens; }
};

}  // namespace npusim::engine
