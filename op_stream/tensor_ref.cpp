#include "op_stream/tensor_ref.h"

namespace npusim {

int64_t TensorRef::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool TensorRef::operator==(const TensorRef& other) const {
  return buffer == other.buffer && offset_bytes == other.offset_bytes && shape == other.shape &&
         dtype == other.dtype && layout == other.layout;
}

std::string shape_string(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

}  // namespace npusim
