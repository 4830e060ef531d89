#include "engine/spec/ridge_readout.h"

#include <Eigen/Dense>
#include <string>

#include "op_stream/failure.h"

namespace npusim::engine::spec {

namespace {

[[noreturn]] void bad_input(const std::string& parameter, const std::string& value,
                            const std::string& message) {
  throw FailureError(Failure{"input", "fit_ridge_readout", parameter, value, "spec.ridge.sizes",
                             message, "pass features [samples, dim] and one label per sample",
                             "engine/spec"});
}

}  // namespace

std::vector<float> fit_ridge_readout(const RidgeProblem& problem) {
  const int dim = problem.feature_dim;
  const int samples = static_cast<int>(problem.labels.size());
  if (dim <= 0 || problem.num_classes <= 0 || samples == 0) {
    bad_input("feature_dim", std::to_string(dim), "empty ridge problem");
  }
  if (problem.features.size() != static_cast<size_t>(samples) * dim) {
    bad_input("features", std::to_string(problem.features.size()),
              "features do not hold samples x feature_dim values");
  }
  Eigen::MatrixXd x(samples, dim);
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(samples, problem.num_classes);
  for (int s = 0; s < samples; ++s) {
    int label = problem.labels[s];
    if (label < 0 || label >= problem.num_classes) {
      bad_input("labels", std::to_string(label), "label outside [0, num_classes)");
    }
    y(s, label) = 1.0;
    for (int d = 0; d < dim; ++d) x(s, d) = problem.features[static_cast<size_t>(s) * dim + d];
  }
  Eigen::MatrixXd gram = x.transpose() * x;
  // Scale the penalty with the features' energy so lambda means the same at
  // any hidden size.
  double penalty = problem.lambda * std::max(gram.trace() / dim, 1e-12);
  gram.diagonal().array() += penalty;
  Eigen::MatrixXd w = gram.ldlt().solve(x.transpose() * y);  // [dim, classes]
  std::vector<float> out(static_cast<size_t>(problem.num_classes) * dim);
  for (int c = 0; c < problem.num_classes; ++c) {
    for (int d = 0; d < dim; ++d) out[static_cast<size_t>(c) * dim + d] = static_cast<float>(w(d, c));
  }
  return out;
}

}  // namespace npusim::engine::spec
