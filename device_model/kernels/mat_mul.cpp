#include "device_model/kernels/mat_mul.h"

#include <Eigen/Dense>

namespace npusim::device {
namespace {
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
}  // namespace

void mat_mul(const float* x, const float* w, WeightLayout layout, int64_t m, int64_t n, int64_t k, float* y) {
  Eigen::Map<const RowMatrix> xm(x, m, k);
  Eigen::Map<RowMatrix> ym(y, m, n);
  // lazyProduct: a dot product per coefficient, never cache-blocked.
  if (layout == WeightLayout::n_by_k)
    ym.noalias() = xm.lazyProduct(Eigen::Map<const RowMatrix>(w, n, k).transpose());
  else
    ym.noalias() = xm.lazyProduct(Eigen::Map<const RowMatrix>(w, k, n));
}

}  // namespace npusim::device
