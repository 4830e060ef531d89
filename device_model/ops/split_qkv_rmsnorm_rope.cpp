// SplitQkvRmsnormRope (sgl-kernel-npu split_qkv_rmsnorm_rope): split a fused
// [T, Q + 2*KV] projection into q, k, v; per-head RMSNorm of q and k when eps is
// given (weight, then bias if given); rope on the first rotary_dim dims of q, k.
#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/rms_norm.h"
#include "device_model/kernels/rotary.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// Vector ops per element: RMSNorm squares, sums, scales, multiplies by the
// weight and adds the bias; rope multiplies twice and adds.
constexpr double kNormOpsPerElement = 5;
constexpr double kRopeOpsPerElement = 3;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* in = add_slot_facts(f, call, "input");
  const TensorRef* cos = add_slot_facts(f, call, "cos");
  add_slot_facts(f, call, "sin");
  for (const char* slot : {"q_weight", "k_weight", "q_bias", "k_bias"}) {
    const TensorRef* t = add_slot_facts(f, call, slot);
    if (t) f.set(std::string(slot) + "_width", t->numel());
  }
  for (const char* attr : {"q_hidden_size", "kv_hidden_size", "head_dim", "rotary_dim"})
    set_if(f, attr, call.attrs.get_int(attr));
  const bool norm = !call.attrs.is_null("eps");
  f.set("norm", norm);
  if (norm) f.set("eps", call.attrs.double_or("eps", 0));
  const int64_t q = call.attrs.int_or("q_hidden_size", 0), kv = call.attrs.int_or("kv_hidden_size", 0);
  f.set("input_width_expected", q + 2 * kv);
  f.set("rotary_dim_spare", call.attrs.int_or("head_dim", 0) - call.attrs.int_or("rotary_dim", 0));
  set_if(f, "input_width", dim(in, -1));
  set_if(f, "tokens", rows(in));
  set_if(f, "cos_tokens", rows(cos));
  set_if(f, "cos_width", dim(cos, -1));
  const struct { const char* slot; int64_t width; } outs[] = {{"q", q}, {"k", kv}, {"v", kv}};
  for (const auto& o : outs) {
    const TensorRef* t = add_output_facts(f, call, o.slot);
    if (t) f.set(std::string(o.slot) + "_numel", t->numel());
    if (in && rows(in)) f.set(std::string(o.slot) + "_numel_expected", *rows(in) * o.width);
  }
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* in = call.input("input");
  const TensorRef* cos = call.input("cos");
  const double tokens = rows(in).value_or(0);
  const double qk = call.attrs.int_or("q_hidden_size", 0) + call.attrs.int_or("kv_hidden_size", 0);
  const double head_dim = std::max<int64_t>(1, call.attrs.int_or("head_dim", 1));
  const double rotary = call.attrs.int_or("rotary_dim", 0);
  const bool norm = !call.attrs.is_null("eps");
  const double ops = tokens * qk * (norm ? kNormOpsPerElement : 0) + tokens * qk / head_dim * rotary * kRopeOpsPerElement;
  const double in_bytes = in ? in->bytes() : 0;
  return vector_work("rope", ops, 1, in_bytes + 2.0 * (cos ? cos->bytes() : 0), in_bytes, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto x = io.load("input");
  const auto cos = io.load("cos"), sin = io.load("sin");
  const int64_t q_size = call.attrs.int_or("q_hidden_size", 0), kv_size = call.attrs.int_or("kv_hidden_size", 0);
  const int64_t head_dim = call.attrs.int_or("head_dim", 0), rotary = call.attrs.int_or("rotary_dim", 0);
  const int64_t width = q_size + 2 * kv_size;
  io.require(head_dim > 0 && q_size % head_dim == 0 && kv_size % head_dim == 0, "head_dim",
             "hidden sizes must be multiples of head_dim");
  io.require(width > 0 && static_cast<int64_t>(x.size()) % width == 0, "input", "input is not [T, Q + 2*KV]");
  const int64_t tokens = static_cast<int64_t>(x.size()) / width;
  io.require(rotary <= head_dim && static_cast<int64_t>(cos.size()) >= tokens * rotary && sin.size() == cos.size(),
             "cos", "cos/sin smaller than [T, rotary_dim]");
  const int64_t cos_width = static_cast<int64_t>(cos.size()) / tokens;
  const bool norm = !call.attrs.is_null("eps");
  const double eps = call.attrs.double_or("eps", 0);
  const bool neox = call.attrs.bool_or("is_neox_style", true);
  std::optional<std::vector<float>> weight[2] = {io.load_optional("q_weight"), io.load_optional("k_weight")};
  std::optional<std::vector<float>> bias[2] = {io.load_optional("q_bias"), io.load_optional("k_bias")};
  for (int part = 0; part < 2; ++part)
    for (const auto* v : {&weight[part], &bias[part]})
      io.require(!*v || static_cast<int64_t>((*v)->size()) == head_dim, "q_weight", "norm parameters must be [head_dim]");
  std::vector<float> q(tokens * q_size), k(tokens * kv_size), v(tokens * kv_size);
  for (int64_t t = 0; t < tokens; ++t) {
    const float* row = &x[t * width];
    std::copy_n(row, q_size, &q[t * q_size]);
    std::copy_n(row + q_size, kv_size, &k[t * kv_size]);
    std::copy_n(row + q_size + kv_size, kv_size, &v[t * kv_size]);
    std::vector<float>* parts[2] = {&q, &k};
    const int64_t sizes[2] = {q_size, kv_size};
    for (int part = 0; part < 2; ++part)
      for (int64_t h = 0; h < sizes[part] / head_dim; ++h) {
        float* head = &(*parts[part])[t * sizes[part] + h * head_dim];
        if (norm)
          rms_norm_row(head, head_dim, eps, weight[part] ? weight[part]->data() : nullptr,
                       bias[part] ? bias[part]->data() : nullptr);
        rotate_head(head, &cos[t * cos_width], &sin[t * cos_width], rotary, neox);
      }
  }
  io.store("q", q);
  io.store("k", k);
  io.store("v", v);
}
}  // namespace

OpDefinition split_qkv_rmsnorm_rope_op() {
  return {"SplitQkvRmsnormRope", "rope", "fused split of qkv, optional per-head RMSNorm of q/k, and rope",
          facts, work, compute};
}

}  // namespace npusim::device
