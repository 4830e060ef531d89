// Closed-form ridge regression (fp32 inputs, double solve) used to fit the
// DFlash draft's output readout on features the draft computes, against the
// target's own greedy tokens: a tiny deterministic distillation, so the
// seeded, untrained draft actually predicts the target.
#pragma once
#include <vector>

namespace npusim::engine::spec {

struct RidgeProblem {
  int feature_dim = 0;
  int num_classes = 0;
  std::vector<float> features;  // row-major [samples, feature_dim]
  std::vector<int> labels;      // class per sample, in [0, num_classes)
  double lambda = 1e-2;         // L2 penalty, relative to mean feature energy
};

// Returns W row-major [num_classes, feature_dim] (torch Linear layout) that
// minimises |X·Wᵀ - onehot(labels)|² + λ'|W|². Throws FailureError{kind="input"}
// on inconsistent sizes or labels out of range.
std::vector<float> fit_ridge_readout(const RidgeProblem& problem);

}  // namespace npusim::engine::spec
