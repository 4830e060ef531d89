#include "device_model/kernels/kernel_io.h"

#include "op_stream/failure.h"

namespace npusim::device {

const TensorRef& KernelIo::input(const std::string& slot) const {
  const TensorRef* t = call_.input(slot);
  if (!t) fail(slot, "input slot '" + slot + "' is not given");
  return *t;
}

const TensorRef& KernelIo::output(const std::string& slot) const {
  const TensorRef* t = call_.output(slot);
  if (!t) fail(slot, "output slot '" + slot + "' is not given");
  return *t;
}

std::vector<float> KernelIo::load(const std::string& slot) const { return store_.load(input(slot)); }

std::optional<std::vector<float>> KernelIo::load_optional(const std::string& slot) const {
  const TensorRef* t = call_.input(slot);
  if (!t) return std::nullopt;
  return store_.load(*t);
}

void KernelIo::store(const std::string& slot, const std::vector<float>& values) {
  const TensorRef& t = output(slot);
  require(static_cast<int64_t>(values.size()) == t.numel(), slot,
          "kernel produced " + std::to_string(values.size()) + " values for output of shape " +
              shape_string(t.shape));
  store_.store(t, values);
}

void KernelIo::require(bool condition, const std::string& parameter, const std::string& message) const {
  if (!condition) fail(parameter, message);
}

void KernelIo::fail(const std::string& parameter, const std::string& message) const {
  Failure f;
  f.kind = "runtime";
  f.op = call_.op;
  f.parameter = parameter;
  f.message = message + " (the functional kernel cannot compute this call)";
  f.where = call_.origin.to_string();
  throw FailureError(f);
}

}  // namespace npusim::device
