#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/engine.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {

std::string write_config(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("npusim_" + name + ".json");
  std::ofstream(path) << text;
  return path.string();
}

Failure load_failure(const std::string& path) {
  try {
    load_model_config(path);
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "loading " << path << " did not fail";
  return {};
}

TEST(ModelConfig, ShipsEverySeedModel) {
  const auto names = model_names();
  for (const char* name : {"glm-4.5v", "glm-4.7", "glm-4.7-flash", "qwen3-8b", "qwen3-8b-dflash-b16"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

TEST(ModelConfig, Glm47FlashIsMlaMoe) {
  const ModelConfig c = load_model("glm-4.7-flash");
  EXPECT_EQ(c.model_type, "glm4_moe_lite");
  EXPECT_EQ(c.hidden_size, 2048);
  EXPECT_EQ(c.num_hidden_layers, 47);
  EXPECT_EQ(c.num_attention_heads, 20);
  ASSERT_TRUE(c.mla);
  EXPECT_EQ(c.mla->q_lora_rank, 768);
  EXPECT_EQ(c.mla->kv_lora_rank, 512);
  EXPECT_EQ(c.mla->qk_nope_head_dim, 192);
  EXPECT_EQ(c.mla->qk_rope_head_dim, 64);
  EXPECT_EQ(c.mla->v_head_dim, 256);
  ASSERT_TRUE(c.moe);
  EXPECT_EQ(c.moe->n_routed_experts, 64);
  EXPECT_EQ(c.moe->num_experts_per_tok, 4);
  EXPECT_EQ(c.moe->first_k_dense_replace, 1);
  EXPECT_DOUBLE_EQ(c.moe->routed_scaling_factor, 1.8);
  EXPECT_EQ(c.vocab_size, 154880);
  EXPECT_EQ(c.num_nextn_predict_layers, 1);
}

TEST(ModelConfig, Glm45vReadsTextConfigWithoutQkNorm) {
  const ModelConfig c = load_model("glm-4.5v");
  EXPECT_EQ(c.model_type, "glm4v_moe_text");
  EXPECT_EQ(c.architecture, "Glm4vMoeForConditionalGeneration");
  EXPECT_EQ(c.hidden_size, 4096);
  EXPECT_EQ(c.num_hidden_layers, 46);
  EXPECT_EQ(c.num_attention_heads, 96);
  EXPECT_EQ(c.num_key_value_heads, 8);
  EXPECT_FALSE(c.use_qk_norm);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_EQ(c.rotary_dim(), 64);
  EXPECT_EQ(c.mrope_section, (std::vector<int64_t>{8, 12, 12}));
  EXPECT_EQ(c.moe->n_routed_experts, 128);
  EXPECT_EQ(c.moe->moe_intermediate_size, 1408);
}

TEST(ModelConfig, Qwen3AndGlm47HaveQkNorm) {
  const ModelConfig q = load_model("qwen3-8b");
  EXPECT_TRUE(q.use_qk_norm);
  EXPECT_FALSE(q.moe);
  EXPECT_EQ(q.intermediate_size, 12288);
  EXPECT_DOUBLE_EQ(q.rope_theta, 1e6);
  const ModelConfig g = load_model("glm-4.7");
  EXPECT_TRUE(g.use_qk_norm);
  EXPECT_EQ(g.num_hidden_layers, 92);
  EXPECT_EQ(g.moe->n_routed_experts, 160);
  EXPECT_EQ(g.moe->first_k_dense_replace, 3);
  EXPECT_EQ(g.num_nextn_predict_layers, 1);
}

TEST(ModelConfig, DflashDraftFields) {
  const ModelConfig d = load_model("qwen3-8b-dflash-b16");
  ASSERT_TRUE(d.dflash);
  EXPECT_EQ(d.dflash->block_size, 16);
  EXPECT_EQ(d.dflash->mask_token_id, 151669);
  EXPECT_EQ(d.dflash->target_layer_ids, (std::vector<int64_t>{1, 9, 17, 25, 33}));
  EXPECT_EQ(d.num_hidden_layers, 5);
}

TEST(ModelConfig, MissingFieldIsNamed) {
  const Failure f = load_failure(write_config(
      "missing", R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 64,
                     "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "rms_norm_eps": 1e-6})"));
  EXPECT_EQ(f.kind, "config");
  EXPECT_EQ(f.parameter, "num_hidden_layers");
  EXPECT_NE(f.where.find("npusim_missing.json"), std::string::npos);
}

TEST(ModelConfig, InvalidFieldIsNamed) {
  const Failure f = load_failure(write_config(
      "invalid", R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": -64,
                     "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128,
                     "vocab_size": 100, "rms_norm_eps": 1e-6})"));
  EXPECT_EQ(f.kind, "config");
  EXPECT_EQ(f.parameter, "hidden_size");
}

TEST(ModelConfig, MlaFieldsRequiredForGlm4MoeLite) {
  const Failure f = load_failure(write_config(
      "mla", R"({"architectures": ["Glm4MoeLiteForCausalLM"], "model_type": "glm4_moe_lite", "hidden_size": 64,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100,
                 "rms_norm_eps": 1e-6, "q_lora_rank": 16, "qk_nope_head_dim": 16, "qk_rope_head_dim": 64,
                 "v_head_dim": 16, "n_routed_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 16})"));
  EXPECT_EQ(f.parameter, "kv_lora_rank");
}

TEST(ModelConfig, NotJsonIsAConfigError) {
  EXPECT_EQ(load_failure(write_config("broken", "{ not json")).kind, "config");
  EXPECT_EQ(load_failure("/nonexistent/config.json").kind, "config");
}

TEST(ModelConfig, TinyVariantKeepsHeadsAndStructure) {
  const ModelConfig c = load_model("glm-4.7-flash");
  const ModelConfig t = tiny_variant(c);
  EXPECT_EQ(t.num_attention_heads, c.num_attention_heads);
  EXPECT_EQ(t.mla->kv_lora_rank, c.mla->kv_lora_rank);
  EXPECT_EQ(t.mla->qk_rope_head_dim, c.mla->qk_rope_head_dim);
  EXPECT_EQ(t.moe->num_experts_per_tok, c.moe->num_experts_per_tok);
  EXPECT_EQ(t.num_hidden_layers, 2);  // one dense, one MoE
  EXPECT_FALSE(t.is_moe_layer(0));
  EXPECT_TRUE(t.is_moe_layer(1));
  EXPECT_LT(t.hidden_size, c.hidden_size);
}

}  // namespace
}  // namespace npusim::engine
