#include "device_model/kernels/rotary.h"

namespace npusim::device {

void rotate_head(float* head, const float* cos, const float* sin, int64_t rotary_dim, bool neox) {
  const int64_t half = rotary_dim / 2;
  for (int64_t i = 0; i < half; ++i) {
    // neox pairs element i with i + R/2; interleaved pairs 2i with 2i + 1.
    const int64_t a = neox ? i : 2 * i, b = neox ? i + half : 2 * i + 1;
    const float x = head[a], y = head[b];
    head[a] = x * cos[a] - y * sin[a];
    head[b] = y * cos[b] + x * sin[b];
  }
}

}  // namespace npusim::device
