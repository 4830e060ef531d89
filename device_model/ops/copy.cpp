// Copy: dst = src (same element count; differing dtypes cast).
#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// A cast is one vector conversion per element; a same-dtype copy is pure data movement.
constexpr double kCastOpsPerElement = 1;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* src = add_slot_facts(f, call, "src");
  const TensorRef* dst = add_output_facts(f, call, "dst");
  if (src) f.set("src_numel", src->numel());
  if (dst) f.set("dst_numel", dst->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* src = call.input("src");
  const TensorRef* dst = call.output("dst");
  const double n = src ? src->numel() : 0;
  const bool cast = src && dst && src->dtype != dst->dtype;
  return vector_work("copy", n, cast ? kCastOpsPerElement : 0, src ? src->bytes() : 0,
                     dst ? dst->bytes() : 0, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  io.require(io.input("src").numel() == io.output("dst").numel(), "dst", "dst and src differ in size");
  io.store("dst", io.load("src"));
}
}  // namespace

OpDefinition copy_op() {
  return {"Copy", "copy", "dst = src, casting when the dtypes differ", facts, work, compute};
}

}  // namespace npusim::device
