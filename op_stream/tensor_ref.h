// A view of device memory as a typed tensor: which buffer, where, what shape.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "op_stream/dtype.h"

namespace npusim {

using BufferId = int64_t;
using Shape = std::vector<int64_t>;

struct TensorRef {
  BufferId buffer = -1;
  int64_t offset_bytes = 0;
  Shape shape;
  DType dtype = DType::f32;
  std::string layout;  // e.g. "BSND"; empty when the op does not care

  int64_t numel() const;
  int64_t bytes() const { return numel() * dtype_size_bytes(dtype); }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  bool operator==(const TensorRef& other) const;
};

// An operator argument slot. A slot that exists with no tensor is an explicit
// None (for example SplitQkvRmsnormRope's q_weight on a model without QK-norm).
struct NamedTensor {
  std::string name;
  std::optional<TensorRef> tensor;
  bool operator==(const NamedTensor& other) const {
    return name == other.name && tensor == other.tensor;
  }
};

std::string shape_string(const Shape& shape);

}  // namespace npusim
