// FusedInferAttentionScore's declared constraints: a conforming call passes,
// each violation fails naming its rule, switches and allowed_values follow the table.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

struct Fia {
  std::string layout = "BSND";
  int64_t batch = 2, q_len = 1, heads = 32, kv_heads = 1, dim = 512, rope = 64, kv_len = 200;
  bool mla = true, paged = true, mask = false;
  int64_t block_size = 128, sparse_mode = 0, blocks = 8;
  DType query = DType::bf16, key = DType::bf16, query_rope = DType::bf16, key_rope = DType::bf16;
  DType mask_dtype = DType::i8;
  Shape mask_shape = {2048, 2048};

  OpCall call() const {
    const bool tnd = layout == "TND";
    const Shape q = tnd ? Shape{batch * q_len, heads, dim} : Shape{batch, q_len, heads, dim};
    const Shape qr = tnd ? Shape{batch * q_len, heads, rope} : Shape{batch, q_len, heads, rope};
    Shape k = paged ? Shape{blocks, block_size, kv_heads * dim}
                    : tnd ? Shape{batch * kv_len, kv_heads, dim} : Shape{batch, kv_len, kv_heads, dim};
    Shape kr = paged ? Shape{blocks, block_size, rope} : Shape{batch, kv_len, 1, rope};
    std::vector<NamedTensor> in{{"query", tensor(1, q, query)}, {"key", tensor(2, k, key)},
                                {"value", tensor(3, k, key)}};
    if (mla) {
      in.push_back({"query_rope", tensor(4, qr, query_rope)});
      in.push_back({"key_rope", tensor(5, kr, key_rope)});
    }
    in.push_back(mask ? NamedTensor{"atten_mask", tensor(6, mask_shape, mask_dtype)} : none("atten_mask"));
    in.push_back(paged ? NamedTensor{"block_table", tensor(7, {batch, blocks}, DType::i32)} : none("block_table"));
    Attrs attrs{{"num_heads", heads},       {"num_key_value_heads", kv_heads}, {"input_layout", layout},
                {"sparse_mode", sparse_mode}, {"scale", 0.05},                 {"block_size", paged ? block_size : 0}};
    std::vector<int64_t> q_ends, kv_lens(batch, kv_len);
    for (int64_t b = 1; b <= batch; ++b) q_ends.push_back(b * q_len);
    if (tnd) attrs.set("actual_seq_lengths", q_ends);
    if (paged) attrs.set("actual_seq_lengths_kv", kv_lens);
    return op_call("FusedInferAttentionScore", in, {{"attention_out", tensor(8, q, query)}}, attrs);
  }
};

Fia gqa_prefill() {
  Fia f;
  f.layout = "TND";
  f.mla = false;
  f.heads = 32, f.kv_heads = 8, f.dim = 128, f.q_len = 16, f.kv_len = 16;
  f.sparse_mode = 3, f.mask = true;
  return f;
}

TEST(Fia, ConformingMlaDecodePasses) { EXPECT_EQ(violated_rule(Fia{}.call()), ""); }

TEST(Fia, ConformingGqaPagedPrefillPasses) { EXPECT_EQ(violated_rule(gqa_prefill().call()), ""); }

TEST(Fia, RejectsNonPowerOfTwoHeadsInMlaPath) {
  Fia f;
  f.heads = 20;
  try {
    default_library().check(f.call());
    FAIL() << "20 heads accepted in the MLA path";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "constraint");
    EXPECT_EQ(e.failure().op, "FusedInferAttentionScore");
    EXPECT_EQ(e.failure().parameter, "num_heads");
    EXPECT_EQ(e.failure().value, "20");
    EXPECT_EQ(e.failure().rule, "fia.mla.num_heads_power_of_two");
    EXPECT_NE(e.failure().hint.find("(20 -> 32)"), std::string::npos) << e.failure().hint;
  }
}

TEST(Fia, AcceptsNonPowerOfTwoHeadsOutsideMla) {
  Fia f = gqa_prefill();
  f.heads = 24;  // 24 / 8 = 3 per KV head: fine for GQA
  EXPECT_EQ(violated_rule(f.call()), "");
}

TEST(Fia, DisabledPowerOfTwoRuleAcceptsTwentyHeads) {
  const auto config =
      DeviceConfig::load("ascend910b", {"constraints.fia.mla.num_heads_power_of_two.enabled=false"});
  const OpLibrary library(config);
  Fia f;
  f.heads = 20;
  EXPECT_EQ(violated_rule(library, f.call()), "");
}

TEST(Fia, OverriddenHeadListChangesWhatPasses) {
  const auto config = DeviceConfig::load("ascend910b", {"constraints.fia.mla.num_heads_power_of_two.one_of=[20,32]"});
  const OpLibrary library(config);
  Fia f;
  f.heads = 20;
  EXPECT_EQ(violated_rule(library, f.call()), "");
  f.heads = 16;
  EXPECT_EQ(violated_rule(library, f.call()), "fia.mla.num_heads_power_of_two");
}

TEST(Fia, AllowedHeadCountsInMlaModeArePowersOfTwoUpTo128) {
  const auto allowed =
      default_library().allowed_values("FusedInferAttentionScore", "num_heads", Attrs{{"mla", true}});
  ASSERT_TRUE(allowed.has_value());
  EXPECT_EQ(*allowed, (std::vector<int64_t>{1, 2, 4, 8, 16, 32, 64, 128}));
  EXPECT_FALSE(default_library()
                   .allowed_values("FusedInferAttentionScore", "num_heads", Attrs{{"mla", false}})
                   .has_value());
}

TEST(Fia, AllowedHeadCountsAreUnrestrictedWhenTheRuleIsDisabled) {
  const auto config =
      DeviceConfig::load("ascend910b", {"constraints.fia.mla.num_heads_power_of_two.enabled=false"});
  const OpLibrary library(config);
  EXPECT_FALSE(library.allowed_values("FusedInferAttentionScore", "num_heads", Attrs{{"mla", true}}).has_value());
}

// One violation per rule: a conforming call mutated to break exactly that rule.
struct Violation {
  std::string name;
  std::function<OpCall()> make;
  std::string rule;
};

OpCall without(OpCall call, const std::string& slot) {
  for (auto& s : call.inputs)
    if (s.name == slot) s.tensor.reset();
  return call;
}
OpCall with_attr(OpCall call, const std::string& name, AttrValue v) {
  call.attrs.set(name, std::move(v));
  return call;
}
OpCall with_shape(OpCall call, const std::string& slot, Shape shape) {
  for (auto& s : call.inputs)
    if (s.name == slot && s.tensor) s.tensor->shape = std::move(shape);
  return call;
}
template <typename F>
OpCall with(Fia f, F change) {
  change(f);
  return f.call();
}

std::vector<Violation> violations() {
  return {
      {"MissingQuery", [] { return without(Fia{}.call(), "query"); }, "fia.query.required"},
      {"MissingKey", [] { return without(Fia{}.call(), "key"); }, "fia.key.required"},
      {"MissingValue", [] { return without(Fia{}.call(), "value"); }, "fia.value.required"},
      {"Fp32Query", [] { return with(Fia{}, [](Fia& f) { f.query = DType::f32; }); }, "fia.query.dtype"},
      {"Fp32Key", [] { return with(Fia{}, [](Fia& f) { f.key = DType::f32; }); }, "fia.key.dtype"},
      {"ValueDtypeDiffers",
       [] {
         OpCall c = Fia{}.call();
         c.inputs[2].tensor->dtype = DType::f16;
         return c;
       },
       "fia.value.dtype_matches_key"},
      {"Fp16KeyWithBf16Query", [] { return with(Fia{}, [](Fia& f) { f.key = DType::f16; }); },
       "fia.key.float_dtype_matches_query"},
      {"Bf16QueryRopeWithFp16Query",
       [] { return with(Fia{}, [](Fia& f) { f.query = f.key = f.key_rope = DType::f16; }); },
       "fia.mla.query_rope_dtype_matches_query"},
      {"KeyRopeDtypeDiffers", [] { return with(Fia{}, [](Fia& f) { f.key_rope = DType::f16; }); },
       "fia.mla.key_rope_dtype_matches_query"},
      {"OutputDtypeDiffers",
       [] {
         OpCall c = Fia{}.call();
         c.outputs[0].tensor->dtype = DType::f16;
         return c;
       },
       "fia.attention_out.dtype_matches_query"},
      {"UnknownLayout", [] { return with_attr(Fia{}.call(), "input_layout", std::string("SBH")); }, "fia.input_layout"},
      {"UnflattenedQueryForBsh", [] { return with_attr(Fia{}.call(), "input_layout", std::string("BSH")); },
       "fia.query.rank_matches_layout"},
      {"FourDimPagedCache", [] { return with_shape(Fia{}.call(), "key", {8, 128, 1, 512}); },
       "fia.key.rank_matches_layout"},
      {"TndWithoutQueryLengths",
       [] {
         OpCall c = gqa_prefill().call();
         c.attrs = with_attr(c, "actual_seq_lengths", std::vector<int64_t>{}).attrs;
         return c;
       },
       "fia.tnd.needs_actual_seq_lengths"},
      {"ZeroHeads", [] { return with_attr(Fia{}.call(), "num_heads", int64_t{0}); }, "fia.num_heads.min"},
      {"TooManyHeads",
       [] { return with(gqa_prefill(), [](Fia& f) { f.heads = 512, f.kv_heads = 8; }); }, "fia.num_heads.max"},
      {"NumHeadsDisagreesWithQuery", [] { return with_attr(Fia{}.call(), "num_heads", int64_t{64}); },
       "fia.num_heads.matches_query"},
      {"KvHeadsDoNotDivide", [] { return with(gqa_prefill(), [](Fia& f) { f.kv_heads = 6; }); },
       "fia.num_key_value_heads.divides_num_heads"},
      {"GroupLargerThan64", [] { return with(gqa_prefill(), [](Fia& f) { f.heads = 128, f.kv_heads = 1; }); },
       "fia.num_key_value_heads.max_group"},
      {"HeadDimAbove512", [] { return with(gqa_prefill(), [](Fia& f) { f.dim = 576; }); }, "fia.head_dim.max"},
      {"KeyHeadDimDiffers", [] { return with_shape(gqa_prefill().call(), "key", {32, 8, 64}); },
       "fia.key.head_dim_matches_query"},
      {"BatchAbove65536",
       [] { return with(gqa_prefill(), [](Fia& f) { f.batch = 65537, f.q_len = 1, f.kv_len = 1, f.sparse_mode = 0, f.mask = false; }); },
       "fia.batch.max"},
      {"DecodeKvTooLong", [] { return with(Fia{}, [](Fia& f) { f.kv_len = 262145; }); },
       "fia.incremental.max_kv_length"},
      {"SparseModeFive", [] { return with(gqa_prefill(), [](Fia& f) { f.sparse_mode = 5; }); },
       "fia.sparse_mode.supported"},
      {"CausalWithoutMask", [] { return with(gqa_prefill(), [](Fia& f) { f.mask = false; }); },
       "fia.sparse_mode.needs_compressed_mask"},
      {"CausalWithFullSizeMask", [] { return with(gqa_prefill(), [](Fia& f) { f.mask_shape = {16, 16}; }); },
       "fia.sparse_mode.compressed_mask_shape"},
      {"Fp16Mask", [] { return with(gqa_prefill(), [](Fia& f) { f.mask_dtype = DType::f16; }); },
       "fia.atten_mask.dtype"},
      {"BlockTableWithoutBlockSize", [] { return with_attr(Fia{}.call(), "block_size", int64_t{0}); },
       "fia.paged.needs_block_size"},
      {"PagedWithoutKvLengths",
       [] { return with_attr(Fia{}.call(), "actual_seq_lengths_kv", std::vector<int64_t>{}); },
       "fia.paged.needs_actual_seq_lengths_kv"},
      {"PagedKvLengthsForWrongBatch",
       [] { return with_attr(Fia{}.call(), "actual_seq_lengths_kv", std::vector<int64_t>{200}); },
       "fia.paged.actual_seq_lengths_kv_per_batch"},
      {"Int64BlockTable",
       [] {
         OpCall c = Fia{}.call();
         for (auto& s : c.inputs)
           if (s.name == "block_table") s.tensor->dtype = DType::i64;
         return c;
       },
       "fia.paged.block_table_dtype"},
      {"BlockTableRowsDiffer", [] { return with_shape(Fia{}.call(), "block_table", {3, 8}); },
       "fia.paged.block_table_rows"},
      {"PrefillBlockSize64", [] { return with(gqa_prefill(), [](Fia& f) { f.block_size = 64; }); },
       "fia.paged.prefill_block_size_multiple"},
      {"PrefillBlockSize640", [] { return with(gqa_prefill(), [](Fia& f) { f.block_size = 640; }); },
       "fia.paged.prefill_block_size_max"},
      {"DecodeBlockSize1024",
       [] { return with(gqa_prefill(), [](Fia& f) { f.q_len = 1, f.block_size = 1024, f.sparse_mode = 0, f.mask = false; }); },
       "fia.paged.decode_block_size_max"},
      {"QueryRopeWithoutKeyRope", [] { return without(Fia{}.call(), "key_rope"); }, "fia.mla.key_rope_required"},
      {"KeyRopeWithoutQueryRope", [] { return without(Fia{}.call(), "query_rope"); }, "fia.mla.query_rope_required"},
      {"RopeDim32",
       [] {
         OpCall c = Fia{}.call();
         c.inputs[3].tensor->shape.back() = 32;
         return c;
       },
       "fia.mla.rope_dim"},
      {"KeyRopeDim32", [] { return with_shape(Fia{}.call(), "key_rope", {8, 128, 32}); }, "fia.mla.key_rope_dim"},
      {"QueryRopeHeadsUnpadded", [] { return with_shape(Fia{}.call(), "query_rope", {2, 1, 20, 64}); },
       "fia.mla.query_rope_heads"},
      {"MlaHeadDim256", [] { return with(Fia{}, [](Fia& f) { f.dim = 256; }); }, "fia.mla.head_dim"},
      {"MlaTwentyHeads", [] { return with(Fia{}, [](Fia& f) { f.heads = 20; }); }, "fia.mla.num_heads_power_of_two"},
      {"MlaTwoKvHeads", [] { return with(Fia{}, [](Fia& f) { f.kv_heads = 2; }); }, "fia.mla.num_key_value_heads"},
      {"MlaLeftUpCausal", [] { return with(Fia{}, [](Fia& f) { f.sparse_mode = 2, f.mask = true; }); },
       "fia.mla.sparse_mode"},
      {"MlaBlockSize24", [] { return with(Fia{}, [](Fia& f) { f.block_size = 24; }); }, "fia.mla.block_size_multiple"},
      {"MlaBlockSize2048", [] { return with(Fia{}, [](Fia& f) { f.block_size = 2048; }); }, "fia.mla.block_size_max"},
  };
}

// ctest lists parameterised tests with their printed parameter.
void PrintTo(const Violation& v, std::ostream* os) { *os << v.name << " -> " << v.rule; }

class FiaRule : public ::testing::TestWithParam<Violation> {};

TEST_P(FiaRule, ViolationFailsWithItsRule) { EXPECT_EQ(violated_rule(GetParam().make()), GetParam().rule); }

TEST_P(FiaRule, DisablingTheRuleLetsTheViolationPastIt) {
  const auto config = DeviceConfig::load("ascend910b", {"constraints." + GetParam().rule + ".enabled=false"});
  const OpLibrary library(config);
  EXPECT_NE(violated_rule(library, GetParam().make()), GetParam().rule);
}

INSTANTIATE_TEST_SUITE_P(Rules, FiaRule, ::testing::ValuesIn(violations()),
                         [](const auto& info) { return info.param.name; });

TEST(Fia, EveryDeclaredRuleHasAViolatingCase) {
  std::set<std::string> covered;
  for (const auto& v : violations()) covered.insert(v.rule);
  for (const auto& rule : default_library().rules("FusedInferAttentionScore"))
    EXPECT_TRUE(covered.count(rule.id)) << rule.id << " has no violating test case";
}

}  // namespace
}  // namespace npusim::device
