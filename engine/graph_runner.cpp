#include "engine/graph_runner.h"

#include <algorithm>

#include "engine/layers/basic_ops.h"

namespace npusim::engine {
namespace {
constexpr int64_t kMaxCaptureBatch = 256;

std::vector<int64_t> ones(size_t n) { return std::vector<int64_t>(n, 1); }

void copy(Emitter& em, const TensorRef& src, const TensorRef& dst) {
  em.op("Copy", {{"src", src}}, {{"dst", dst}});
}
}  // namespace

int64_t capture_batch_size(int64_t batch) {
  int64_t size = 1;
  while (size < batch && size < kMaxCaptureBatch) size *= 2;
  return std::max(size, batch);
}

DecodeInputs GraphRunner::padded(const DecodeInputs& in) const {
  const KvCache& cache = runner_.kv_cache();
  DecodeInputs out = in;
  const size_t rows = static_cast<size_t>(capture_batch_size(static_cast<int64_t>(in.kv_lens.size())));
  const float pad_slot = static_cast<float>(cache.padding_block() * cache.block_size());
  out.input_ids.resize(rows, 0.0f);
  out.positions.resize(rows, 0.0f);
  out.slot_mapping.resize(rows, pad_slot);
  out.block_table.resize(rows * static_cast<size_t>(cache.blocks_per_sequence()), static_cast<float>(cache.padding_block()));
  out.kv_lens.resize(rows, 1);
  return out;
}

ForwardBatch decode_batch(Emitter& em, const KvCache& cache, const DecodeInputs& in) {
  const int64_t b = static_cast<int64_t>(in.kv_lens.size());
  ForwardBatch fb;
  fb.mode = "decode";
  fb.query_lens = ones(in.kv_lens.size());
  fb.kv_lens = in.kv_lens;
  fb.input_ids = em.temp({b}, DType::i32, "input_ids");
  fb.positions = em.temp({b}, DType::i32, "positions");
  fb.slot_mapping = em.temp({b}, DType::i32, "slot_mapping");
  fb.block_table = em.temp({b, cache.blocks_per_sequence()}, DType::i32, "block_table");
  em.write(fb.input_ids, in.input_ids);
  em.write(fb.positions, in.positions);
  em.write(fb.slot_mapping, in.slot_mapping);
  em.write(fb.block_table, in.block_table);
  return fb;
}

TensorRef greedy_sample(Emitter& em, const TensorRef& logits) {
  const std::string module = em.origin().module;
  em.set_module(-1, "sampler");
  TensorRef ids = em.temp({logits.shape[0]}, DType::i32, "next_token_ids");
  em.op("ArgMax", {{"x", logits}}, {{"indices", ids}});
  em.set_module(-1, module);
  return ids;
}

void GraphRunner::capture(const DecodeInputs& real) {
  Emitter& em = runner_.emitter();
  const DecodeInputs in = padded(real);
  const int64_t b = static_cast<int64_t>(in.kv_lens.size());
  const std::string name = graph_name(b);
  const std::string phase = em.phase();
  em.set_phase("capture");
  em.set_module(-1, "graph_runner");
  StaticDecodeBuffers s;
  s.input_ids = em.alloc({b}, DType::i32, name + ".input_ids");
  s.positions = em.alloc({b}, DType::i32, name + ".positions");
  s.slot_mapping = em.alloc({b}, DType::i32, name + ".slot_mapping");
  s.block_table = em.alloc({b, runner_.kv_cache().blocks_per_sequence()}, DType::i32, name + ".block_table");
  if (const auto& mla = runner_.config().mla)
    runner_.backend().prepare_mla_padding(b, runner_.dims().q_heads, mla->kv_lora_rank, mla->qk_rope_head_dim);
  ForwardBatch fb;
  fb.mode = "decode";
  fb.query_lens = ones(in.kv_lens.size());
  fb.kv_lens = in.kv_lens;
  fb.input_ids = s.input_ids;
  fb.positions = s.positions;
  fb.slot_mapping = s.slot_mapping;
  fb.block_table = s.block_table;
  em.graph_begin(name);
  em.set_phase(phase);
  em.push_frame();
  const ForwardOutputs out = runner_.forward(fb);
  s.logits = out.logits;
  s.next_ids = greedy_sample(em, out.logits);
  em.pop_frame();  // into the graph's pool: the replays keep using these buffers
  em.set_phase("capture");
  em.set_module(-1, "graph_runner");
  em.graph_end(name);
  em.set_phase(phase);
  graphs_[b] = s;
}

StaticDecodeBuffers GraphRunner::replay(const DecodeInputs& real) {
  Emitter& em = runner_.emitter();
  const DecodeInputs in = padded(real);
  StaticDecodeBuffers s = graphs_.at(static_cast<int64_t>(in.kv_lens.size()));
  em.set_module(-1, "graph_runner");
  const ForwardBatch fresh = decode_batch(em, runner_.kv_cache(), in);
  copy(em, fresh.input_ids, s.input_ids);
  copy(em, fresh.positions, s.positions);
  copy(em, fresh.slot_mapping, s.slot_mapping);
  copy(em, fresh.block_table, s.block_table);
  // actual_seq_lengths_kv is a host-side list baked into the captured FIA task;
  // the NPU runner updates it through a graph-task update before each replay.
  const std::string name = graph_name(static_cast<int64_t>(in.kv_lens.size()));
  em.graph_update(name, {{"op", std::string("FusedInferAttentionScore")}, {"actual_seq_lengths_kv", in.kv_lens}});
  em.graph_replay(name);
  const int64_t rows = static_cast<int64_t>(real.kv_lens.size());
  s.logits = leading_rows(s.logits, 0, rows);
  s.next_ids = leading_rows(s.next_ids, 0, rows);
  return s;
}

}  // namespace npusim::engine
