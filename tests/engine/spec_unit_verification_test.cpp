// Greedy verification, acceptance statistics and the ridge readout fit: the
// pure parts of speculative decoding, without a device.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/spec/acceptance_stats.h"
#include "engine/spec/greedy_verification.h"
#include "engine/spec/ridge_readout.h"
#include "op_stream/failure.h"

namespace npusim::engine::spec {
namespace {

TEST(VerifyGreedy, AcceptsTheLongestMatchingPrefixPlusTheBonus) {
  auto result = verify_greedy({5, 6, 9, 8}, {5, 6, 7, 8, 1});
  EXPECT_EQ(result.accepted_drafts, 2);
  EXPECT_EQ(result.emitted_tokens, (std::vector<int32_t>{5, 6, 7}));
}

TEST(VerifyGreedy, AllDraftsAcceptedEmitsTheBonusToo) {
  auto result = verify_greedy({1, 2}, {1, 2, 3});
  EXPECT_EQ(result.accepted_drafts, 2);
  EXPECT_EQ(result.emitted_tokens, (std::vector<int32_t>{1, 2, 3}));
}

TEST(VerifyGreedy, FirstMismatchStillEmitsTheTargetToken) {
  auto result = verify_greedy({4, 2}, {1, 2, 3});
  EXPECT_EQ(result.accepted_drafts, 0);
  EXPECT_EQ(result.emitted_tokens, (std::vector<int32_t>{1}));
}

TEST(VerifyGreedy, RejectsATargetRowCountThatDoesNotCoverTheBonus) {
  EXPECT_THROW(verify_greedy({1, 2}, {1, 2}), FailureError);
}

TEST(AcceptanceStats, AcceptanceLengthIsTheMeanEmittedPerStep) {
  AcceptanceStats stats;
  EXPECT_EQ(stats.acceptance_length(), 0.0);
  stats.record(3);
  stats.record(0);
  EXPECT_EQ(stats.emitted_per_step, (std::vector<int>{4, 1}));
  EXPECT_DOUBLE_EQ(stats.acceptance_length(), 2.5);
}

TEST(RidgeReadout, RecoversSeparableClassesFromTheirFeatures) {
  // Three classes on three axes plus a small deterministic perturbation.
  RidgeProblem problem;
  problem.feature_dim = 4;
  problem.num_classes = 3;
  problem.lambda = 1e-3;
  for (int s = 0; s < 30; ++s) {
    int label = s % 3;
    for (int d = 0; d < 4; ++d) {
      float value = (d == label ? 1.0f : 0.0f) + 0.05f * std::sin(static_cast<float>(s * 4 + d));
      problem.features.push_back(value);
    }
    problem.labels.push_back(label);
  }
  auto w = fit_ridge_readout(problem);
  ASSERT_EQ(w.size(), 12u);
  for (int s = 0; s < 30; ++s) {
    int best = 0;
    float best_score = -1e30f;
    for (int c = 0; c < 3; ++c) {
      float score = 0;
      for (int d = 0; d < 4; ++d) score += w[c * 4 + d] * problem.features[s * 4 + d];
      if (score > best_score) best_score = score, best = c;
    }
    EXPECT_EQ(best, problem.labels[s]) << "sample " << s;
  }
}

TEST(RidgeReadout, RejectsLabelsOutsideTheClassRange) {
  RidgeProblem problem{2, 2, {1.0f, 0.0f}, {2}, 1e-2};
  EXPECT_THROW(fit_ridge_readout(problem), FailureError);
}

}  // namespace
}  // namespace npusim::engine::spec
