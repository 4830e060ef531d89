// Greedy verification and acceptance statistics: the pure parts of
// speculative decoding, without a device.
#include <gtest/gtest.h>

#include "engine/spec/acceptance_stats.h"
#include "engine/spec/greedy_verification.h"
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

}  // namespace
}  // namespace npusim::engine::spec
