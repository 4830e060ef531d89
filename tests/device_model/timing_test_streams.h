// Op streams for the timing tests: whole-op records with their allocations,
// built from shapes only (timing mode needs no data).
#pragma once
#include <algorithm>
#include <vector>

#include "device_model/timing/timing_model.h"
#include "tests/device_model/runtime_test_records.h"

namespace npusim::device::test_records {

class StreamBuilder {
 public:
  TensorRef new_tensor(Shape shape, DType dtype = DType::bf16) {
    const TensorRef t = tensor(next_buffer_++, std::move(shape), dtype);
    records.push_back(alloc_for(t, "t" + std::to_string(t.buffer)));
    return t;
  }
  // y = x * w^T with x [m, k], w [n, k]; returns the op's record index.
  size_t matmul(int64_t m, int64_t n, int64_t k, int stream = 0) {
    const TensorRef x = new_tensor({m, k}), w = new_tensor({n, k}), y = new_tensor({m, n});
    return add(test_records::matmul(x, w, y, stream));
  }
  size_t add_op(int64_t elements, int stream = 0) {
    const TensorRef x = new_tensor({elements}), o = new_tensor({elements}), y = new_tensor({elements});
    return add(op("Elementwise", {{"x", x}, {"other", o}}, {{"y", y}}, {{"fn", std::string("add")}}, stream));
  }
  size_t silu_mul(int64_t rows, int64_t width, int stream = 0) {
    const TensorRef x = new_tensor({rows, 2 * width}), y = new_tensor({rows, width});
    return add(op("Elementwise", {{"x", x}}, {{"y", y}}, {{"fn", std::string("silu_mul")}}, stream));
  }
  size_t add(OpCall call) {
    records.push_back(std::move(call));
    return records.size() - 1;
  }
  void call(RecordKind kind, const std::string& name = "", int stream = 0) {
    records.push_back(runtime_call(kind, name, stream));
  }

  std::vector<OpCall> records;

 private:
  BufferId next_buffer_ = 1;
};

// The timed op of record `index` (eager launches only).
inline const TimedOp& timed(const TimingResult& r, size_t index) {
  for (const auto& op : r.ops)
    if (op.record == index && op.graph.empty()) return op;
  throw std::runtime_error("no timed op for record " + std::to_string(index));
}

inline double span_ns(const TimingResult& r, const std::vector<size_t>& indices) {
  double start = 1e300, end = 0;
  for (size_t i : indices) {
    start = std::min(start, timed(r, i).start_ns);
    end = std::max(end, timed(r, i).end_ns);
  }
  return end - start;
}

}  // namespace npusim::device::test_records
