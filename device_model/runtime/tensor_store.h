// Functional-mode contents of device buffers. Values are held as fp32 but every
// store rounds to the tensor's dtype, so bf16/fp16 storage error is real.
// A tensor is contiguous, row-major, starting at offset_bytes / element size.
#pragma once
#include <unordered_map>
#include <vector>

#include "op_stream/tensor_ref.h"

namespace npusim::device {

class TensorStore {
 public:
  void create(BufferId buffer, int64_t bytes);
  void destroy(BufferId buffer);
  bool contains(BufferId buffer) const { return buffers_.count(buffer) != 0; }
  // Throws FailureError{kind="runtime"} if the tensor lies outside its buffer.
  std::vector<float> load(const TensorRef& tensor) const;
  void store(const TensorRef& tensor, const std::vector<float>& values);  // rounds to dtype

 private:
  // One slot per byte address; an element lives in the slot of its first byte.
  // Slots grow on first write, so a large untouched buffer costs no host memory.
  std::unordered_map<BufferId, std::vector<float>> buffers_;
  std::unordered_map<BufferId, int64_t> capacity_bytes_;
};

}  // namespace npusim::device
