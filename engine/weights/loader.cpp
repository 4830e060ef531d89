#include "engine/weights/loader.h"

#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
[[noreturn]] void load_error(const std::string& name, const std::string& value, const std::string& message,
                             const std::string& hint) {
  throw FailureError({"load", "weight_loader", name, value, "", message, hint, "load"});
}
}  // namespace

LoadedParams load_parameters(Emitter& em, const std::vector<ParamSpec>& expected, const Checkpoint& checkpoint) {
  for (const auto& spec : expected)
    if (!checkpoint.tensors.count(spec.name))
      load_error(spec.name, "missing", "checkpoint has no tensor '" + spec.name + "' that the model expects",
                 "check that the quantization config matches how the checkpoint was saved");
  for (const auto& spec : expected) {
    const CheckpointTensor& t = checkpoint.tensors.at(spec.name);
    if (t.shape != spec.shape)
      load_error(spec.name, shape_string(t.shape),
                 "tensor '" + spec.name + "' has shape " + shape_string(t.shape) + ", the model expects " +
                     shape_string(spec.shape),
                 "check the model config and the tensor-parallel size the checkpoint was sharded for");
    if (t.dtype != spec.dtype)
      load_error(spec.name, std::string(dtype_name(t.dtype)),
                 "tensor '" + spec.name + "' is " + std::string(dtype_name(t.dtype)) + ", the model expects " +
                     std::string(dtype_name(spec.dtype)),
                 "check that the quantization config matches how the checkpoint was saved");
  }
  LoadedParams params;
  const std::string phase = em.phase();
  em.set_phase("load");
  for (const auto& spec : expected) {
    const CheckpointTensor& t = checkpoint.tensors.at(spec.name);
    em.set_module(-1, spec.name);
    TensorRef ref = em.alloc(spec.shape, spec.dtype, spec.name);
    em.fill(ref, t.init, t.seed, t.scale);
    params[spec.name] = ref;
  }
  em.set_phase(phase);
  return params;
}

}  // namespace npusim::engine
