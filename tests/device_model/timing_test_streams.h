// Op streams for the timing tests: whole-op records with their allocations,
// built from shapes only (timing mode needs no data).
#pragma once
#include <algorithm>
#include <vector>

#include "device_model/timing/timing_model.h"
#include "tests/device_model/runtime_test_records.h"

namespace npusim::device::test_records {

class StreamBuilder {
 public:
  TensorRef new_tensor(Shape shape, DType dtype = DType::bf16) {
    const TensorRef t = tensor(next_buffer_++, std::move(shape), dtype);
    records.push_back(alloc_for(t, "t" + std::to_string(t.buffer)));
    return t;
  }
  // y = x * w^T with x [m, k], w [n, k]; returns the op's record index.
  size_t matmul(int64_t m, int64_t n, int64_t k, int stream = 0) {
    const TensorRef x = new_tensor({m, k}), w = new_tensor({n, k}), y = new_tensor({m, n});
    return add(test_records::matmul(x, w, y, stream));
  }
  size_t add_op(int64_t elements, int stream = 0) {
    const TensorRef x = new_tensor({elements}), o = new_tensor({elements}), y = new_tensor({elements});
    return add(op("Elementwise", {{"x", x}, {"other", o}}, {{"y", y}}, {{"fn", std::string("add")}}, stream));
  }
  size_t silu_mul(int64_t rows, int64_t width, int stream = 0) {
    const TensorRef x = new_tensor({rows, 2 * width}), y = new_tensor({rows, width});
    return add(op("Elementwise", {{"x", x}}, {{"y", y}}, {{"fn", std::string("silu_mul")}}, stream));
  }
  // MLA decode attention as the ascend backend issues it: BSND, one query
  // token, paged latent KV (kv_lora 512 + rope 64), sparse_mode 0.
  size_t mla_decode_attention(int64_t heads, int64_t batch, int64_t kv_len) {
    const int64_t block = 128, blocks = batch * ((kv_len + block - 1) / block);
    const TensorRef kv = new_tensor({blocks, block, 512}), kr = new_tensor({blocks, block, 64});
    Attrs a{{"num_heads", heads}, {"num_key_value_heads", int64_t{1}}, {"input_layout", std::string("BSND")},
            {"sparse_mode", int64_t{0}}, {"block_size", block},
            {"actual_seq_lengths_kv", std::vector<int64_t>(batch, kv_len)}};
    return add(op("FusedInferAttentionScore",
                  {{"query", new_tensor({batch, 1, heads, 512})}, {"key", kv}, {"value", kv},
                   {"query_rope", new_tensor({batch, 1, heads, 64})}, {"key_rope", kr},
                   {"block_table", new_tensor({batch, blocks}, DType::i32)}},
                  {{"attention_out", new_tensor({batch, 1, heads, 512})}}, a));
  }
  // GQA / MHA decode attention as the ascend backend issues it (gqa_decode):
  // BSND query of one token per sequence, paged KV cache [blocks, block,
  // kv_heads x head_dim], sparse_mode 0. kv_heads == heads is MHA.
  size_t gqa_decode_attention(int64_t heads, int64_t kv_heads, int64_t batch, int64_t kv_len, int64_t head_dim = 128) {
    const int64_t block = 128, blocks = batch * ((kv_len + block - 1) / block);
    const TensorRef kv = new_tensor({blocks, block, kv_heads * head_dim});
    Attrs a{{"num_heads", heads}, {"num_key_value_heads", kv_heads}, {"input_layout", std::string("BSND")},
            {"sparse_mode", int64_t{0}}, {"block_size", block},
            {"actual_seq_lengths_kv", std::vector<int64_t>(batch, kv_len)}};
    return add(op("FusedInferAttentionScore",
                  {{"query", new_tensor({batch, 1, heads, head_dim})}, {"key", kv}, {"value", new_tensor(kv.shape)},
                   {"block_table", new_tensor({batch, blocks}, DType::i32)}},
                  {{"attention_out", new_tensor({batch, 1, heads, head_dim})}}, a));
  }
  // GQA prefill attention of one `seq`-token sequence (TND, 32/8 heads of
  // 128): sparse_mode 0 without a mask attends to every token (non-causal),
  // sparse_mode 3 with the 2048x2048 mask is causal.
  size_t gqa_prefill_attention(int64_t seq, bool causal) {
    Attrs a{{"num_heads", int64_t{32}}, {"num_key_value_heads", int64_t{8}}, {"input_layout", std::string("TND")},
            {"sparse_mode", int64_t{causal ? 3 : 0}}, {"block_size", int64_t{0}},
            {"actual_seq_lengths", std::vector<int64_t>{seq}}, {"actual_seq_lengths_kv", std::vector<int64_t>{seq}}};
    std::vector<NamedTensor> in{{"query", new_tensor({seq, 32, 128})}, {"key", new_tensor({seq, 8, 128})},
                                {"value", new_tensor({seq, 8, 128})}};
    if (causal) in.push_back({"atten_mask", new_tensor({2048, 2048}, DType::i8)});
    return add(op("FusedInferAttentionScore", in, {{"attention_out", new_tensor({seq, 32, 128})}}, a));
  }
  size_t add(OpCall call) {
    records.push_back(std::move(call));
    return records.size() - 1;
  }
  void call(RecordKind kind, const std::string& name = "", int stream = 0) {
    records.push_back(runtime_call(kind, name, stream));
  }

  std::vector<OpCall> records;

 private:
  BufferId next_buffer_ = 1;
};

// The timed op of record `index` (eager launches only).
inline const TimedOp& timed(const TimingResult& r, size_t index) {
  for (const auto& op : r.ops)
    if (op.record == index && op.graph().empty()) return op;
  throw std::runtime_error("no timed op for record " + std::to_string(index));
}

inline double span_ns(const TimingResult& r, const std::vector<size_t>& indices) {
  double start = 1e300, end = 0;
  for (size_t i : indices) {
    start = std::min(start, timed(r, i).start_ns);
    end = std::max(end, timed(r, i).end_ns);
  }
  return end - start;
}

}  // namespace npusim::device::test_records
