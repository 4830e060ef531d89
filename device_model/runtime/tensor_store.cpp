#include "device_model/runtime/tensor_store.h"

#include <algorithm>

#include "op_stream/failure.h"

namespace npusim::device {
namespace {

[[noreturn]] void runtime_error(const std::string& parameter, const std::string& value,
                                const std::string& message) {
  Failure f;
  f.kind = "runtime";
  f.op = "TensorStore";
  f.parameter = parameter;
  f.value = value;
  f.message = message;
  throw FailureError(f);
}

std::string view_text(const TensorRef& t) {
  return "buffer " + std::to_string(t.buffer) + " offset " + std::to_string(t.offset_bytes) +
         " shape " + shape_string(t.shape) + " " + std::string(dtype_name(t.dtype));
}

// Checks that the view lies inside its buffer; returns the element stride in slots.
int64_t checked_stride(const std::unordered_map<BufferId, int64_t>& capacity,
                              const TensorRef& t) {
  auto it = capacity.find(t.buffer);
  if (it == capacity.end())
    runtime_error("buffer", std::to_string(t.buffer), "tensor view refers to an unknown buffer");
  for (int64_t d : t.shape)
    if (d < 0) runtime_error("shape", shape_string(t.shape), "tensor view has a negative dimension");
  if (t.offset_bytes < 0 || t.offset_bytes + t.bytes() > it->second)
    runtime_error("view", view_text(t),
                  "tensor view lies outside its buffer of " + std::to_string(it->second) + " bytes");
  return dtype_size_bytes(t.dtype);
}

}  // namespace

void TensorStore::create(BufferId buffer, int64_t bytes) {
  if (bytes < 0) runtime_error("bytes", std::to_string(bytes), "buffer size must not be negative");
  buffers_[buffer].clear();
  capacity_bytes_[buffer] = bytes;
}

void TensorStore::destroy(BufferId buffer) {
  buffers_.erase(buffer);
  capacity_bytes_.erase(buffer);
}

std::vector<float> TensorStore::load(const TensorRef& tensor) const {
  const int64_t stride = checked_stride(capacity_bytes_, tensor);
  const auto& slots = buffers_.at(tensor.buffer);
  const int64_t n = tensor.numel();
  std::vector<float> out(static_cast<size_t>(n), 0.0f);  // never-written memory reads as zero
  const int64_t written = static_cast<int64_t>(slots.size()) - tensor.offset_bytes;
  const int64_t readable = std::min(n, written > 0 ? (written + stride - 1) / stride : 0);
  for (int64_t i = 0; i < readable; ++i) out[i] = slots[tensor.offset_bytes + i * stride];
  return out;
}

void TensorStore::store(const TensorRef& tensor, const std::vector<float>& values) {
  const int64_t stride = checked_stride(capacity_bytes_, tensor);
  const int64_t n = tensor.numel();
  if (static_cast<int64_t>(values.size()) != n)
    runtime_error("values", std::to_string(values.size()),
                  "store of " + std::to_string(n) + " elements into " + view_text(tensor) +
                      " got a different number of values");
  auto& slots = buffers_[tensor.buffer];
  const int64_t end = tensor.offset_bytes + tensor.bytes();
  if (static_cast<int64_t>(slots.size()) < end) slots.resize(static_cast<size_t>(end), 0.0f);
  float* first = slots.data() + tensor.offset_bytes;
  for (int64_t i = 0; i < n; ++i) first[i * stride] = values[i];
  round_to_dtype(first, n, stride, tensor.dtype);
}

}  // namespace npusim::device
