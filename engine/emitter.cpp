#include "engine/emitter.h"

#include "op_stream/failure.h"

namespace npusim::engine {

void Emitter::issue(OpCall call) {
  call.origin = origin_;
  sink_.issue(std::move(call));
  ++records_;
}

TensorRef Emitter::alloc(const Shape& shape, DType dtype, const std::string& name) {
  TensorRef t;
  t.buffer = next_buffer_++;
  t.shape = shape;
  t.dtype = dtype;
  OpCall call;
  call.kind = RecordKind::alloc;
  call.buffer = t.buffer;
  call.bytes = t.bytes();
  call.name = name;
  issue(std::move(call));
  return t;
}

void Emitter::free(const TensorRef& tensor) {
  OpCall call;
  call.kind = RecordKind::free;
  call.buffer = tensor.buffer;
  issue(std::move(call));
}

TensorRef Emitter::temp(const Shape& shape, DType dtype, const std::string& name) {
  if (frames_.empty()) throw std::logic_error("Emitter::temp outside a frame");
  TensorRef t = alloc(shape, dtype, name);
  frames_.back().push_back(t);
  return t;
}

TensorRef Emitter::temp_in(size_t frame, const Shape& shape, DType dtype, const std::string& name) {
  TensorRef t = alloc(shape, dtype, name);
  frames_.at(frame).push_back(t);
  return t;
}

void Emitter::push_frame() { frames_.emplace_back(); }

void Emitter::pop_frame() { release_frame(frames_.size() - 1); }

void Emitter::pop_frame_below_top() { release_frame(frames_.size() - 2); }

void Emitter::release_frame(size_t index) {
  std::vector<TensorRef> frame = std::move(frames_.at(index));
  frames_.erase(frames_.begin() + static_cast<std::ptrdiff_t>(index));
  if (capturing_) return;  // the captured graph keeps using these buffers
  for (const auto& t : frame) free(t);
}

void Emitter::fill(const TensorRef& tensor, const std::string& init, uint64_t seed, double scale) {
  OpCall call;
  call.kind = RecordKind::fill;
  call.outputs = {{"dst", tensor}};
  call.attrs = {{"init", init}, {"seed", static_cast<int64_t>(seed)}, {"scale", scale}};
  issue(std::move(call));
}

void Emitter::write(const TensorRef& tensor, const std::vector<float>& data) {
  OpCall call;
  call.kind = RecordKind::write;
  call.outputs = {{"dst", tensor}};
  if (functional()) call.data = std::make_shared<const std::vector<float>>(data);
  issue(std::move(call));
}

std::optional<std::vector<float>> Emitter::read(const TensorRef& tensor) {
  auto values = sink_.read(tensor, origin_);
  ++records_;  // the sink records a `read` in both modes
  return values;
}

void Emitter::op(const std::string& name, Slots inputs, Slots outputs, Attrs attrs) {
  OpCall call;
  call.kind = RecordKind::op;
  call.op = name;
  call.inputs = std::move(inputs);
  call.outputs = std::move(outputs);
  call.attrs = std::move(attrs);
  issue(std::move(call));
}

void Emitter::synchronize(const std::string& step_kind, int64_t step) {
  OpCall call;
  call.kind = RecordKind::synchronize;
  call.name = step_kind;
  call.attrs = {{"step", step}};
  issue(std::move(call));
}

void Emitter::graph_begin(const std::string& name) {
  OpCall call;
  call.kind = RecordKind::graph_begin;
  call.name = name;
  issue(std::move(call));
  capturing_ = true;
}

void Emitter::graph_end(const std::string& name) {
  OpCall call;
  call.kind = RecordKind::graph_end;
  call.name = name;
  issue(std::move(call));
  capturing_ = false;
}

void Emitter::graph_update(const std::string& name, Attrs attrs) {
  OpCall call;
  call.kind = RecordKind::graph_update;
  call.name = name;
  call.attrs = std::move(attrs);
  issue(std::move(call));
}

void Emitter::graph_replay(const std::string& name) {
  OpCall call;
  call.kind = RecordKind::graph_replay;
  call.name = name;
  issue(std::move(call));
}

TensorRef reshaped(const TensorRef& tensor, const Shape& shape) {
  TensorRef out = tensor;
  out.shape = shape;
  if (out.numel() != tensor.numel())
    throw std::logic_error("reshape " + shape_string(tensor.shape) + " -> " + shape_string(shape));
  return out;
}

TensorRef leading_rows(const TensorRef& tensor, int64_t start, int64_t count) {
  TensorRef out = tensor;
  const int64_t row_bytes = tensor.bytes() / tensor.shape[0];
  out.offset_bytes += start * row_bytes;
  out.shape[0] = count;
  return out;
}

TensorRef view(const TensorRef& base, int64_t offset_elements, const Shape& shape) {
  TensorRef out = base;
  out.offset_bytes += offset_elements * dtype_size_bytes(base.dtype);
  out.shape = shape;
  return out;
}

}  // namespace npusim::engine

