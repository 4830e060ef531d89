// RotaryEmbedding: rotate the first rotary_dim dims of every head of query and
// key ([T, heads * head_dim]); the rest of each head passes through.
#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/rotary.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// Per rotated element: two multiplies and one add.
constexpr double kRopeOpsPerElement = 3;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* q = add_slot_facts(f, call, "query");
  const TensorRef* k = add_slot_facts(f, call, "key");
  const TensorRef* cos = add_slot_facts(f, call, "cos");
  const TensorRef* sin = add_slot_facts(f, call, "sin");
  const TensorRef* qo = add_output_facts(f, call, "query_out");
  const TensorRef* ko = add_output_facts(f, call, "key_out");
  set_if(f, "head_dim", call.attrs.get_int("head_dim"));
  set_if(f, "rotary_dim", call.attrs.get_int("rotary_dim"));
  const int64_t head_dim = call.attrs.int_or("head_dim", 0), rotary = call.attrs.int_or("rotary_dim", 0);
  f.set("rotary_dim_spare", head_dim - rotary);
  if (q && q->rank() == 2) f.set("query_width", q->shape[1]), f.set("tokens", q->shape[0]);
  if (k && k->rank() == 2) f.set("key_width", k->shape[1]), f.set("key_tokens", k->shape[0]);
  set_if(f, "cos_width", dim(cos, -1));
  set_if(f, "sin_width", dim(sin, -1));
  set_if(f, "cos_tokens", rows(cos));
  if (q && qo) f.set("query_numel", q->numel()), f.set("query_out_numel", qo->numel());
  if (k && ko) f.set("key_numel", k->numel()), f.set("key_out_numel", ko->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* q = call.input("query");
  const TensorRef* k = call.input("key");
  const TensorRef* cos = call.input("cos");
  const int64_t head_dim = std::max<int64_t>(1, call.attrs.int_or("head_dim", 1));
  const double rotary = call.attrs.int_or("rotary_dim", 0);
  const double heads = ((q ? q->numel() : 0) + (k ? k->numel() : 0)) / static_cast<double>(head_dim);
  const double qk_bytes = (q ? q->bytes() : 0) + (k ? k->bytes() : 0);
  return vector_work("rope", heads * rotary, kRopeOpsPerElement, qk_bytes + 2.0 * (cos ? cos->bytes() : 0),
                     qk_bytes, spec);
}

void rotate_all(KernelIo& io, const std::string& in, const std::string& out, const std::vector<float>& cos,
                const std::vector<float>& sin, int64_t tokens) {
  auto x = io.load(in);
  const int64_t head_dim = io.attrs().int_or("head_dim", 0), rotary = io.attrs().int_or("rotary_dim", 0);
  const bool neox = io.attrs().bool_or("is_neox_style", true);
  io.require(head_dim > 0 && rotary >= 0 && rotary <= head_dim && rotary % 2 == 0, "rotary_dim",
             "rotary_dim must be even and at most head_dim");
  io.require(static_cast<int64_t>(x.size()) % (tokens * head_dim) == 0, in, "width is not heads * head_dim");
  io.require(static_cast<int64_t>(cos.size()) >= tokens * rotary && sin.size() == cos.size(), "cos",
             "cos/sin smaller than [T, rotary_dim]");
  const int64_t heads = static_cast<int64_t>(x.size()) / (tokens * head_dim);
  const int64_t cos_width = static_cast<int64_t>(cos.size()) / tokens;
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t h = 0; h < heads; ++h)
      rotate_head(&x[(t * heads + h) * head_dim], &cos[t * cos_width], &sin[t * cos_width], rotary, neox);
  io.store(out, x);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const int64_t tokens = dim(&io.input("query"), 0).value_or(0);
  io.require(tokens > 0, "query", "query has no tokens");
  const auto cos = io.load("cos"), sin = io.load("sin");
  rotate_all(io, "query", "query_out", cos, sin, tokens);
  rotate_all(io, "key", "key_out", cos, sin, tokens);
}
}  // namespace

OpDefinition rotary_embedding_op() {
  return {"RotaryEmbedding", "rope", "rotary position embedding of 2-D [T, heads*dim] query and key",
          facts, work, compute};
}

}  // namespace npusim::device
