// Builders of op-stream records for the runtime, memory, graph and timing
// tests: one line per record keeps the scenarios readable.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "op_stream/op_call.h"

namespace npusim::device::test_records {

inline TensorRef tensor(BufferId buffer, Shape shape, DType dtype = DType::f32, int64_t offset_bytes = 0) {
  TensorRef t;
  t.buffer = buffer;
  t.shape = std::move(shape);
  t.dtype = dtype;
  t.offset_bytes = offset_bytes;
  return t;
}

inline OpCall alloc(BufferId buffer, int64_t bytes, const std::string& name) {
  OpCall c;
  c.kind = RecordKind::alloc;
  c.buffer = buffer;
  c.bytes = bytes;
  c.name = name;
  return c;
}

inline OpCall alloc_for(const TensorRef& t, const std::string& name) { return alloc(t.buffer, t.bytes(), name); }

inline OpCall free_buffer(BufferId buffer) {
  OpCall c;
  c.kind = RecordKind::free;
  c.buffer = buffer;
  return c;
}

inline OpCall write(const TensorRef& dst, std::vector<float> values, int stream = 0) {
  OpCall c;
  c.kind = RecordKind::write;
  c.outputs = {{"dst", dst}};
  c.data = std::make_shared<const std::vector<float>>(std::move(values));
  c.stream = stream;
  return c;
}

inline OpCall op(const std::string& name, std::vector<NamedTensor> inputs, std::vector<NamedTensor> outputs,
                 Attrs attrs = {}, int stream = 0) {
  OpCall c;
  c.op = name;
  c.inputs = std::move(inputs);
  c.outputs = std::move(outputs);
  c.attrs = std::move(attrs);
  c.stream = stream;
  return c;
}

inline OpCall copy(const TensorRef& src, const TensorRef& dst, int stream = 0) {
  return op("Copy", {{"src", src}}, {{"dst", dst}}, {}, stream);
}

inline OpCall elementwise(const std::string& fn, const TensorRef& x, const TensorRef& y, int stream = 0) {
  return op("Elementwise", {{"x", x}}, {{"y", y}}, {{"fn", fn}, {"alpha", 1.0}}, stream);
}

inline OpCall matmul(const TensorRef& x, const TensorRef& weight, const TensorRef& y, int stream = 0) {
  return op("MatMul", {{"x", x}, {"weight", weight}}, {{"y", y}}, {}, stream);
}

inline OpCall runtime_call(RecordKind kind, const std::string& name = "", int stream = 0) {
  OpCall c;
  c.kind = kind;
  c.name = name;
  c.stream = stream;
  return c;
}

}  // namespace npusim::device::test_records
