// Issues the engine's records into an OpSink: buffer ids, origins, scratch
// frames (activations freed at the end of their frame, or kept in the graph's
// memory pool while a graph is captured) and record counting for step marks.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "op_stream/attrs.h"
#include "op_stream/op_call.h"
#include "op_stream/op_sink.h"

namespace npusim::engine {

// Input/output slots of an op, in OPS.md's names; a nullopt tensor is an explicit None.
using Slots = std::vector<NamedTensor>;

class Emitter {
 public:
  explicit Emitter(OpSink& sink) : sink_(sink) {}
  // Numbers new buffers from `first_buffer` on: for a stream that extends one
  // whose buffers are already numbered (the aten import).
  Emitter(OpSink& sink, BufferId first_buffer) : sink_(sink), next_buffer_(first_buffer) {}

  bool functional() const { return sink_.functional(); }
  const OpCapabilities& capabilities() const { return sink_.capabilities(); }
  int64_t records_issued() const { return records_; }

  // Origin of the records issued from now on.
  void set_phase(const std::string& phase) { origin_.phase = phase; }
  const std::string& phase() const { return origin_.phase; }
  void set_module(int layer, const std::string& module) { origin_.layer = layer; origin_.module = module; }
  void set_origin(const Origin& origin) { origin_ = origin; }
  const Origin& origin() const { return origin_; }

  // A buffer that lives until free() (weights, caches, static graph buffers).
  TensorRef alloc(const Shape& shape, DType dtype, const std::string& name);
  void free(const TensorRef& tensor);
  // A scratch buffer owned by the innermost frame.
  TensorRef temp(const Shape& shape, DType dtype, const std::string& name);
  void push_frame();
  size_t frame_depth() const { return frames_.size(); }
  // A scratch buffer owned by frame `frame` (0 = outermost): outputs that outlive inner frames.
  TensorRef temp_in(size_t frame, const Shape& shape, DType dtype, const std::string& name);
  // Frees the frame's buffers; while a graph is captured they stay allocated
  // for good (the graph's memory pool: every replay uses them).
  void pop_frame();
  // Pops the frame under the innermost one: a layer's scratch is released once
  // the next layer has consumed its outputs.
  void pop_frame_below_top();

  // `seed` must be below 2^63: the fill record carries it as an int64 attribute.
  void fill(const TensorRef& tensor, const std::string& init, uint64_t seed, double scale);
  // Host-to-device copy; `data` is used only in functional mode.
  void write(const TensorRef& tensor, const std::vector<float>& data);
  std::optional<std::vector<float>> read(const TensorRef& tensor);
  void op(const std::string& name, Slots inputs, Slots outputs, Attrs attrs = {});
  void synchronize(const std::string& step_kind, int64_t step);

  void graph_begin(const std::string& name);
  void graph_end(const std::string& name);
  // Host-side update of the captured `attrs["op"]` nodes' other attrs (graph task update).
  void graph_update(const std::string& name, Attrs attrs);
  void graph_replay(const std::string& name);

 private:
  void issue(OpCall call);
  void release_frame(size_t index);

  OpSink& sink_;
  Origin origin_;
  BufferId next_buffer_ = 1;
  int64_t records_ = 0;
  bool capturing_ = false;
  std::vector<std::vector<TensorRef>> frames_;
};

// Free views of contiguous tensors (OPS.md: reshape and leading-dim slicing are views).
TensorRef reshaped(const TensorRef& tensor, const Shape& shape);
TensorRef leading_rows(const TensorRef& tensor, int64_t start, int64_t count);
// The contiguous view `shape` starting `offset_elements` elements into `base`.
TensorRef view(const TensorRef& base, int64_t offset_elements, const Shape& shape);

}  // namespace npusim::engine
