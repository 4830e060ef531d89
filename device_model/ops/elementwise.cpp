// Elementwise: add, sub, mul (with broadcast over leading dims), scale, cast and
// the gated activations silu_mul / gelu_tanh_mul ([.., 2I] -> [.., I]).
#include <cmath>
#include <map>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {

bool gated(const std::string& fn) { return fn == "silu_mul" || fn == "gelu_tanh_mul"; }

// fp32 vector instructions per output element (exp, divide, tanh count as one each).
double ops_per_element(const std::string& fn) {
  static const std::map<std::string, double> ops{{"add", 1}, {"sub", 1}, {"mul", 1},
                                                 {"scale", 1}, {"cast", 1}, {"silu_mul", 5},
                                                 {"gelu_tanh_mul", 9}};
  auto it = ops.find(fn);
  return it == ops.end() ? 1 : it->second;
}

// True when `other` has x's shape or a suffix of it (broadcast over leading dims).
bool broadcasts(const TensorRef& x, const TensorRef& other) {
  if (other.rank() > x.rank()) return false;
  const int64_t lead = x.rank() - other.rank();
  for (int64_t i = 0; i < other.rank(); ++i)
    if (other.shape[i] != x.shape[lead + i]) return false;
  return true;
}

Facts facts(const OpCall& call) {
  Facts f;
  if (auto fn = call.attrs.get_string("fn")) f.set("fn", *fn);
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* other = add_slot_facts(f, call, "other");
  const TensorRef* y = add_output_facts(f, call, "y");
  if (x && other) f.set("other_broadcasts", broadcasts(*x, *other));
  if (x) f.set("x_numel", x->numel());
  if (y) f.set("y_numel", y->numel());
  const auto x_last = dim(x, -1);
  set_if(f, "x_last", x_last);
  set_if(f, "y_last", dim(y, -1));
  if (x_last) f.set("x_last_half", *x_last / 2);
  set_if(f, "x_rows", rows(x));
  set_if(f, "y_rows", rows(y));
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* other = call.input("other");
  const TensorRef* y = call.output("y");
  const double load = (x ? x->bytes() : 0) + (other ? other->bytes() : 0);
  return vector_work("elementwise", y ? y->numel() : 0, ops_per_element(call.attrs.string_or("fn", "")),
                     load, y ? y->bytes() : 0, spec);
}

float silu(float v) { return v / (1.0f + std::exp(-v)); }
float gelu_tanh(float v) {
  const float kSqrt2OverPi = 0.7978845608f;  // sqrt(2/pi), the tanh approximation's constant
  return 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const std::string fn = call.attrs.string_or("fn", "");
  const auto x = io.load("x");
  const TensorRef& yt = io.output("y");
  std::vector<float> y(static_cast<size_t>(yt.numel()));
  if (gated(fn)) {
    const int64_t width = dim(&io.input("x"), -1).value_or(0);
    const int64_t half = width / 2;
    io.require(half > 0 && yt.numel() * 2 == static_cast<int64_t>(x.size()), "y",
               "gated output must be half of x's last dim");
    for (size_t i = 0; i < y.size(); ++i) {
      const int64_t row = static_cast<int64_t>(i) / half, col = static_cast<int64_t>(i) % half;
      const float gate = x[row * width + col], up = x[row * width + half + col];
      y[i] = (fn == "silu_mul" ? silu(gate) : gelu_tanh(gate)) * up;
    }
    io.store("y", y);
    return;
  }
  io.require(y.size() == x.size(), "y", "output size differs from x");
  const auto other = io.load_optional("other");
  const bool binary = fn == "add" || fn == "sub" || fn == "mul";
  io.require(!binary || (other && !other->empty()), "other", fn + " needs `other`");
  const double alpha = call.attrs.double_or("alpha", 1.0);
  for (size_t i = 0; i < y.size(); ++i) {
    const float b = binary ? (*other)[i % other->size()] : 0.0f;
    if (fn == "add") y[i] = x[i] + b;
    else if (fn == "sub") y[i] = x[i] - b;
    else if (fn == "mul") y[i] = x[i] * b;
    else if (fn == "scale") y[i] = static_cast<float>(x[i] * alpha);
    else if (fn == "cast") y[i] = x[i];
    else io.fail("fn", "unknown elementwise function '" + fn + "'");
  }
  io.store("y", y);
}
}  // namespace

OpDefinition elementwise_op() {
  return {"Elementwise", "elementwise", "add/sub/mul/scale/cast and gated activations on vector cores",
          facts, work, compute};
}

}  // namespace npusim::device
