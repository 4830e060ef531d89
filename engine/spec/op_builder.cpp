#include "engine/spec/op_builder.h"

#include <memory>
#include <utility>

namespace npusim::engine::spec {

TensorRef OpBuilder::alloc(const std::string& name, const Shape& shape, DType dtype) {
  TensorRef tensor;
  tensor.buffer = next_buffer_++;
  tensor.shape = shape;
  tensor.dtype = dtype;
  OpCall call;
  call.kind = RecordKind::alloc;
  call.buffer = tensor.buffer;
  call.bytes = tensor.bytes();
  call.name = name;
  call.origin = origin_;
  issue(std::move(call));
  return tensor;
}

void OpBuilder::fill(const TensorRef& tensor, const std::string& init, uint64_t seed,
                     double scale) {
  OpCall call;
  call.kind = RecordKind::fill;
  call.outputs = {slot("dst", tensor)};
  call.attrs = Attrs{{"init", init}, {"seed", static_cast<int64_t>(seed)}, {"scale", scale}};
  call.origin = origin_;
  issue(std::move(call));
}

void OpBuilder::write(const TensorRef& tensor, std::vector<float> values) {
  OpCall call;
  call.kind = RecordKind::write;
  call.outputs = {slot("dst", tensor)};
  if (sink_.functional()) call.data = std::make_shared<const std::vector<float>>(std::move(values));
  call.origin = origin_;
  issue(std::move(call));
}

void OpBuilder::op(const std::string& name, std::vector<NamedTensor> inputs,
                   std::vector<NamedTensor> outputs, Attrs attrs) {
  OpCall call;
  call.kind = RecordKind::op;
  call.op = name;
  call.inputs = std::move(inputs);
  call.outputs = std::move(outputs);
  call.attrs = std::move(attrs);
  call.origin = origin_;
  issue(std::move(call));
}

std::optional<std::vector<float>> OpBuilder::read(const TensorRef& tensor) {
  ++issued_;
  return sink_.read(tensor, origin_);
}

void OpBuilder::issue(OpCall call) {
  sink_.issue(std::move(call));
  ++issued_;
}

void OpBuilder::synchronize(const std::string& step_kind, int64_t step) {
  OpCall call;
  call.kind = RecordKind::synchronize;
  call.name = step_kind;
  call.attrs = Attrs{{"step", step}};
  call.origin = origin_;
  issue(std::move(call));
}

void OpBuilder::graph(RecordKind kind, const std::string& graph_name) {
  OpCall call;
  call.kind = kind;
  call.name = graph_name;
  call.origin = origin_;
  issue(std::move(call));
}

TensorRef view(const TensorRef& base, int64_t offset_elements, const Shape& shape) {
  TensorRef result = base;
  result.offset_bytes = base.offset_bytes + offset_elements * dtype_size_bytes(base.dtype);
  result.shape = shape;
  return result;
}

NamedTensor slot(const std::string& name, const TensorRef& tensor) { return {name, tensor}; }
NamedTensor none_slot(const std::string& name) { return {name, std::nullopt}; }

}  // namespace npusim::engine::spec
