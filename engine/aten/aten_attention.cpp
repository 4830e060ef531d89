// scaled_dot_product_attention -> FusedInferAttentionScore, issued the way
// SGLang's ascend backend issues it.
//
// Which FIA mode: SDPA's tensors are [B, N, S, D]. With several KV heads, or
// key and value of one head dim, it is MHA/GQA and maps to FIA's plain mode
// (num_heads N, num_key_value_heads Nkv): no FIA rule restricts N there beyond
// N <= 256, so 20 heads pass, as they do on the device. With ONE KV head whose
// key is wider than its value it is the absorbed MLA form (DeepSeek/GLM-4.7-
// Flash: key = [latent | rope], value = latent): the ascend backend passes the
// latent and rope parts separately (query/query_rope, key/key_rope) and FIA runs
// in MLA mode, where the power-of-two head rule applies. The split is made here
// with Slice ops, the cost of a model that concatenated the parts itself.
//
// Layout: BSND, as the ascend backend calls FIA. SDPA's [B, N, S, D] tensors that
// are transposed views of [B, S, N, D] (the usual q.view(b, s, n, d).transpose(1,
// 2)) are used in place; others get a Transpose, and so does the output.
#include <cmath>
#include <limits>

#include "engine/aten/aten_mapper.h"

namespace npusim::engine::aten {
namespace {

constexpr int64_t kNoTokenLimit = std::numeric_limits<int32_t>::max();  // torch_npu default
constexpr int64_t kCompressedMaskSize = 2048;  // FIA sparse_mode 2-4 take this mask
constexpr int64_t kSparseNone = 0;
constexpr int64_t kSparseLeftUpCausal = 2;
constexpr int64_t kSparseRightDownCausal = 3;
const std::vector<int64_t> kBsnd = {0, 2, 1, 3};

Shape permuted(const Shape& shape, const std::vector<int64_t>& perm) {
  Shape out;
  for (int64_t d : perm) out.push_back(shape[static_cast<size_t>(d)]);
  return out;
}

// The slot in `layout` order: the captured storage when it already is, else a
// Transpose into a temporary.
TensorRef in_layout(AtenMapper& m, size_t i, const std::string& slot, const std::vector<int64_t>& perm) {
  const TensorRef& t = m.tensor(i, slot);
  if (m.laid_out_as(i, slot, perm)) {
    TensorRef view = t;
    view.shape = permuted(t.shape, perm);
    return view;
  }
  TensorRef src = m.contiguous_input(i, slot);
  TensorRef dst = m.temp(permuted(t.shape, perm), t.dtype, "attention." + slot);
  m.emit("Transpose", {{"x", src}}, {{"y", dst}}, {{"perm", perm}});
  return dst;
}

TensorRef last_dim_slice(AtenMapper& m, const TensorRef& x, int64_t start, int64_t length, const std::string& name) {
  Shape shape = x.shape;
  shape.back() = length;
  TensorRef y = m.temp(shape, x.dtype, name);
  m.emit("Slice", {{"x", x}}, {{"y", y}}, {{"dim", x.rank() - 1}, {"start", start}, {"length", length}});
  return y;
}

size_t map_sdpa(AtenMapper& m, size_t i) {
  const OpCall& call = m.record(i);
  const TensorRef& q = m.tensor(i, "query");
  const TensorRef& k = m.tensor(i, "key");
  const TensorRef& v = m.tensor(i, "value");
  if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) return 0;  // FIA's BNSD/BSND need [B, N, S, D]
  if (call.attrs.double_or("dropout_p", 0.0) != 0.0) return 0;  // inference op: no dropout
  const auto& perm = kBsnd;
  const int64_t heads = q.shape[1], kv_heads = k.shape[1], s = q.shape[2];
  const int64_t key_dim = k.shape[3], value_dim = v.shape[3];

  std::vector<NamedTensor> inputs;
  TensorRef query = in_layout(m, i, "query", perm), key = in_layout(m, i, "key", perm);
  TensorRef value = in_layout(m, i, "value", perm);
  if (kv_heads == 1 && key_dim > value_dim) {
    const int64_t rope = key_dim - value_dim;
    inputs = {{"query", last_dim_slice(m, query, 0, value_dim, "attention.query_nope")},
              {"key", last_dim_slice(m, key, 0, value_dim, "attention.key_latent")},
              {"value", value},
              {"query_rope", last_dim_slice(m, query, value_dim, rope, "attention.query_rope")},
              {"key_rope", last_dim_slice(m, key, value_dim, rope, "attention.key_rope")}};
  } else {
    inputs = {{"query", query}, {"key", key}, {"value", value}};
  }

  int64_t sparse_mode = kSparseNone;
  if (call.input("attn_mask")) {
    // torch's bool mask marks positions that take part, FIA's marks masked ones:
    // a port passes the inverted mask; shapes, dtype and cost are the same.
    inputs.push_back({"atten_mask", m.contiguous_input(i, "attn_mask")});
  } else if (call.attrs.bool_or("is_causal", false) && s > 1) {
    // torch's is_causal is tril(ones(S, Skv)): top-left aligned, which is FIA's
    // right-down mode only when S == Skv.
    sparse_mode = s == k.shape[2] ? kSparseRightDownCausal : kSparseLeftUpCausal;
    inputs.push_back({"atten_mask", m.constant("attention.causal_mask_2048",
                                               {kCompressedMaskSize, kCompressedMaskSize}, DType::i8)});
  }
  Attrs attrs = {{"num_heads", heads},
                 {"num_key_value_heads", kv_heads},
                 {"input_layout", std::string("BSND")},
                 {"sparse_mode", sparse_mode},
                 {"scale", 1.0 / std::sqrt(static_cast<double>(key_dim))},  // SDPA's default scale
                 {"block_size", int64_t{0}},
                 {"pre_tokens", kNoTokenLimit},
                 {"next_tokens", kNoTokenLimit}};

  const TensorRef& out = m.tensor(i, "out0", true);
  const bool same_memory = !m.record(i).attrs.has("out0.strides") && (out.shape[1] == 1 || out.shape[2] == 1);
  if (same_memory) {  // one head or one token: BSND and SDPA's BNSD are the same bytes
    TensorRef bsnd_view = out;
    bsnd_view.shape = permuted(out.shape, kBsnd);
    m.emit("FusedInferAttentionScore", std::move(inputs), {{"attention_out", bsnd_view}}, std::move(attrs));
    return 1;
  }
  TensorRef fia_out = m.temp(permuted(out.shape, kBsnd), out.dtype, "attention.out_bsnd");
  m.emit("FusedInferAttentionScore", std::move(inputs), {{"attention_out", fia_out}}, std::move(attrs));
  m.emit("Transpose", {{"x", fia_out}}, {{"y", out}}, {{"perm", kBsnd}});
  return 1;
}

}  // namespace

void add_attention_rules(RuleTable& table) {
  table["aten.scaled_dot_product_attention"] = map_sdpa;
  table["aten._scaled_dot_product_attention"] = map_sdpa;
}

}  // namespace npusim::engine::aten
