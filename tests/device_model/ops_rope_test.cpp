// Constraints of the rotary ops: RotaryEmbedding's 2-D input rule (seed 1) and
// SplitQkvRmsnormRope's optional-norm contract (seed 2).
#include <gtest/gtest.h>

#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

OpCall rope(Shape q, Shape k, int64_t head_dim = 64, int64_t rotary = 64) {
  const int64_t t = q[0];
  return op_call("RotaryEmbedding",
                 {{"query", tensor(1, q)}, {"key", tensor(2, k)}, {"cos", tensor(3, {t, rotary}, DType::f32)},
                  {"sin", tensor(4, {t, rotary}, DType::f32)}},
                 {{"query_out", tensor(5, q)}, {"key_out", tensor(6, k)}},
                 {{"head_dim", head_dim}, {"rotary_dim", rotary}, {"is_neox_style", true}});
}

TEST(RotaryEmbedding, Flattened2dInputPasses) { EXPECT_EQ(violated_rule(rope({8, 20 * 64}, {8, 64})), ""); }

TEST(RotaryEmbedding, RejectsUnflattened3dQuery) {
  EXPECT_EQ(violated_rule(rope({8, 20, 64}, {8, 64})), "rope.query.rank_2d");
}

TEST(RotaryEmbedding, RejectsUnflattened3dKey) { EXPECT_EQ(violated_rule(rope({8, 64}, {8, 1, 64})), "rope.key.rank_2d"); }

TEST(RotaryEmbedding, RejectsHeadDimOutsideTheKernelsList) {
  EXPECT_EQ(violated_rule(rope({8, 4 * 96}, {8, 96}, 96, 96)), "rope.head_dim");
}

TEST(RotaryEmbedding, PartialRotaryPassesAndOversizedRotaryFails) {
  EXPECT_EQ(violated_rule(rope({8, 4 * 128}, {8, 128}, 128, 64)), "");
  EXPECT_EQ(violated_rule(rope({8, 4 * 128}, {8, 128}, 128, 130)), "rope.rotary_dim.within_head");
}

TEST(RotaryEmbedding, RejectsWidthThatIsNotWholeHeads) {
  EXPECT_EQ(violated_rule(rope({8, 100}, {8, 64})), "rope.query.width_multiple_of_head_dim");
}

struct Split {
  int64_t tokens = 4, q = 1024, kv = 256, head_dim = 128, rotary = 64;
  bool eps = true, q_weight = true, k_weight = true, q_bias = false;
  DType dtype = DType::bf16;
  OpCall call() const {
    std::vector<NamedTensor> in{{"input", tensor(1, {tokens, q + 2 * kv}, dtype)},
                                {"cos", tensor(2, {tokens, rotary}, DType::f32)},
                                {"sin", tensor(3, {tokens, rotary}, DType::f32)}};
    in.push_back(q_weight ? NamedTensor{"q_weight", tensor(4, {head_dim}, dtype)} : none("q_weight"));
    in.push_back(k_weight ? NamedTensor{"k_weight", tensor(5, {head_dim}, dtype)} : none("k_weight"));
    in.push_back(q_bias ? NamedTensor{"q_bias", tensor(6, {head_dim}, dtype)} : none("q_bias"));
    in.push_back(none("k_bias"));
    Attrs a{{"q_hidden_size", q}, {"kv_hidden_size", kv}, {"head_dim", head_dim}, {"rotary_dim", rotary},
            {"is_neox_style", true}};
    a.set("eps", eps ? AttrValue{1e-6} : AttrValue{std::monostate{}});
    return op_call("SplitQkvRmsnormRope", in,
                   {{"q", tensor(7, {tokens, q}, dtype)}, {"k", tensor(8, {tokens, kv}, dtype)},
                    {"v", tensor(9, {tokens, kv}, dtype)}},
                   a);
  }
};

template <typename F>
std::string split_rule(F change) {
  Split s;
  change(s);
  return violated_rule(s.call());
}

TEST(SplitQkvRmsnormRope, QkNormCallPasses) { EXPECT_EQ(split_rule([](Split&) {}), ""); }

TEST(SplitQkvRmsnormRope, NoneEpsAndNoneWeightsSkipTheNormAndPass) {
  EXPECT_EQ(split_rule([](Split& s) { s.eps = s.q_weight = s.k_weight = false; }), "");
}

TEST(SplitQkvRmsnormRope, RejectsEpsWithoutNormWeights) {
  EXPECT_EQ(split_rule([](Split& s) { s.q_weight = s.k_weight = false; }), "split_qkv.norm.q_weight_required");
  EXPECT_EQ(split_rule([](Split& s) { s.k_weight = false; }), "split_qkv.norm.k_weight_required");
}

TEST(SplitQkvRmsnormRope, RejectsNormWeightsWithoutEps) {
  EXPECT_EQ(split_rule([](Split& s) { s.eps = false; }), "split_qkv.norm.eps_required_with_q_weight");
  EXPECT_EQ(split_rule([](Split& s) { s.eps = s.q_weight = false; }), "split_qkv.norm.eps_required_with_k_weight");
  EXPECT_EQ(split_rule([](Split& s) { s.eps = s.q_weight = s.k_weight = false, s.q_bias = true; }),
            "split_qkv.norm.eps_required_with_bias");
}

TEST(SplitQkvRmsnormRope, RejectsNonPowerOfTwoHeadDim) {
  EXPECT_EQ(split_rule([](Split& s) { s.head_dim = 96, s.q = 96 * 8, s.kv = 96 * 2; }),
            "split_qkv.head_dim.power_of_two");
}

TEST(SplitQkvRmsnormRope, RejectsQHiddenNotDivisibleByKvHidden) {
  EXPECT_EQ(split_rule([](Split& s) { s.q = 128 * 6, s.kv = 128 * 4; }), "split_qkv.q_hidden.divisible_by_kv_hidden");
}

TEST(SplitQkvRmsnormRope, RejectsFp32Input) {
  EXPECT_EQ(split_rule([](Split& s) { s.dtype = DType::f32; }), "split_qkv.input.dtype");
}

}  // namespace
}  // namespace npusim::device
