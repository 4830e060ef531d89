// Issues op-stream records for the speculative-decoding code: buffers (alloc),
// seeded weights (fill), host inputs (write), operator launches and reads, all
// tagged with the current Origin. Buffer ids start at kSpecBufferBase so they
// never collide with the ids the target's forward allocates in the same sink.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "op_stream/op_sink.h"

namespace npusim::engine::spec {

constexpr BufferId kSpecBufferBase = 1'000'000'000;

class OpBuilder {
 public:
  explicit OpBuilder(OpSink& sink) : sink_(sink) {}

  OpSink& sink() { return sink_; }
  bool functional() const { return sink_.functional(); }
  void set_origin(Origin origin) { origin_ = std::move(origin); }
  const Origin& origin() const { return origin_; }

  // A new buffer holding one contiguous tensor.
  TensorRef alloc(const std::string& name, const Shape& shape, DType dtype);
  void fill(const TensorRef& tensor, const std::string& init, uint64_t seed, double scale);
  // Timing mode issues the record without values (the copy still costs time).
  void write(const TensorRef& tensor, std::vector<float> values);
  void op(const std::string& name, std::vector<NamedTensor> inputs,
          std::vector<NamedTensor> outputs, Attrs attrs = {});
  std::optional<std::vector<float>> read(const TensorRef& tensor);
  void synchronize(const std::string& step_kind, int64_t step);
  void graph(RecordKind kind, const std::string& graph_name);
  // Records issued through this builder so far (reads included).
  int64_t issued() const { return issued_; }

 private:
  void issue(OpCall call);

  OpSink& sink_;
  Origin origin_;
  BufferId next_buffer_ = kSpecBufferBase;
  int64_t issued_ = 0;
};

// A contiguous view `shape` starting `offset_elements` elements into `base`.
TensorRef view(const TensorRef& base, int64_t offset_elements, const Shape& shape);
NamedTensor slot(const std::string& name, const TensorRef& tensor);
NamedTensor none_slot(const std::string& name);

}  // namespace npusim::engine::spec
