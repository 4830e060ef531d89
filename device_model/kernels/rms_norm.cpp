#include "device_model/kernels/rms_norm.h"

#include <cmath>

namespace npusim::device {

void rms_norm_row(float* row, int64_t width, double eps, const float* gamma, const float* beta) {
  double sum_squares = 0;
  for (int64_t i = 0; i < width; ++i) sum_squares += static_cast<double>(row[i]) * row[i];
  const double inv = 1.0 / std::sqrt(sum_squares / static_cast<double>(width) + eps);
  for (int64_t i = 0; i < width; ++i) {
    double v = row[i] * inv;
    if (gamma) v *= gamma[i];
    if (beta) v += beta[i];
    row[i] = static_cast<float>(v);
  }
}

}  // namespace npusim::device
