// Reads HF config.json files. Required fields are checked one by one so an
// error names the missing or invalid field; model-type-specific facts that HF
// hard-codes in the modeling file (rather than the config) are set here.
#include "engine/model_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
using nlohmann::json;

class ConfigReader {
 public:
  ConfigReader(const json& root, std::string path) : root_(root), path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& value, const std::string& why) const {
    throw FailureError({"config", "config.json", field, value, "", why,
                        "fix the field in the model's config.json", path_});
  }
  const json* find(const std::string& field) const {
    auto it = root_.find(field);
    return it == root_.end() || it->is_null() ? nullptr : &*it;
  }
  int64_t positive(const std::string& field) const {
    const json* v = find(field);
    if (!v) fail(field, "", "required field '" + field + "' is missing");
    if (!v->is_number_integer() || v->get<int64_t>() <= 0)
      fail(field, v->dump(), "field '" + field + "' must be a positive integer");
    return v->get<int64_t>();
  }
  int64_t int_or(const std::string& field, int64_t fallback) const {
    const json* v = find(field);
    if (!v) return fallback;
    if (!v->is_number_integer() || v->get<int64_t>() < 0)
      fail(field, v->dump(), "field '" + field + "' must be a non-negative integer");
    return v->get<int64_t>();
  }
  double number(const std::string& field) const {
    const json* v = find(field);
    if (!v) fail(field, "", "required field '" + field + "' is missing");
    if (!v->is_number() || v->get<double>() <= 0) fail(field, v->dump(), "field '" + field + "' must be a positive number");
    return v->get<double>();
  }
  double number_or(const std::string& field, double fallback) const { return find(field) ? number(field) : fallback; }
  bool flag_or(const std::string& field, bool fallback) const {
    const json* v = find(field);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(field, v->dump(), "field '" + field + "' must be true or false");
    return v->get<bool>();
  }
  std::string text_or(const std::string& field, const std::string& fallback) const {
    const json* v = find(field);
    if (!v) return fallback;
    if (!v->is_string()) fail(field, v->dump(), "field '" + field + "' must be a string");
    return v->get<std::string>();
  }
  std::vector<int64_t> ints(const json& array, const std::string& field) const {
    std::vector<int64_t> out;
    if (!array.is_array()) fail(field, array.dump(), "field '" + field + "' must be a list of integers");
    for (const auto& e : array) {
      if (!e.is_number_integer()) fail(field, array.dump(), "field '" + field + "' must be a list of integers");
      out.push_back(e.get<int64_t>());
    }
    return out;
  }
  const json& root() const { return root_; }

 private:
  const json& root_;
  std::string path_;
};

void read_moe(const ConfigReader& r, ModelConfig& c) {
  MoeDims m;
  m.n_routed_experts = r.positive("n_routed_experts");
  m.num_experts_per_tok = r.positive("num_experts_per_tok");
  m.moe_intermediate_size = r.positive("moe_intermediate_size");
  m.n_shared_experts = r.int_or("n_shared_experts", 0);
  m.first_k_dense_replace = r.int_or("first_k_dense_replace", 0);
  m.n_group = r.int_or("n_group", 1);
  m.topk_group = r.int_or("topk_group", 1);
  // HF's glm4 MoE routers hard-code sigmoid scoring with the correction bias.
  m.scoring_func = r.text_or("scoring_func", "sigmoid");
  m.routed_scaling_factor = r.number_or("routed_scaling_factor", 1.0);
  m.norm_topk_prob = r.flag_or("norm_topk_prob", true);
  m.correction_bias = r.text_or("topk_method", "noaux_tc") == "noaux_tc";
  if (m.scoring_func != "sigmoid" && m.scoring_func != "softmax")
    r.fail("scoring_func", m.scoring_func, "scoring_func must be sigmoid or softmax");
  if (m.num_experts_per_tok > m.n_routed_experts)
    r.fail("num_experts_per_tok", std::to_string(m.num_experts_per_tok), "more experts per token than routed experts");
  if (m.n_group == 0 || m.n_routed_experts % m.n_group != 0)
    r.fail("n_group", std::to_string(m.n_group), "n_group must divide n_routed_experts");
  c.moe = m;
}

void read_rope(const ConfigReader& r, ModelConfig& c) {
  c.rope_theta = r.number_or("rope_theta", 10000.0);
  c.partial_rotary_factor = r.number_or("partial_rotary_factor", 1.0);
  // Newer transformers nest rope fields under rope_parameters / rope_scaling.
  for (const char* key : {"rope_scaling", "rope_parameters"}) {
    const json* rope = r.find(key);
    if (!rope) continue;
    if (!rope->is_object()) r.fail(key, rope->dump(), std::string(key) + " must be an object or null");
    if (auto it = rope->find("rope_theta"); it != rope->end() && it->is_number()) c.rope_theta = it->get<double>();
    if (auto it = rope->find("mrope_section"); it != rope->end()) c.mrope_section = r.ints(*it, "mrope_section");
    const std::string type = rope->value("rope_type", rope->value("type", std::string("default")));
    if (type != "default") r.fail(std::string(key) + ".rope_type", type, "only default RoPE is modelled");
  }
  if (c.partial_rotary_factor > 1.0) r.fail("partial_rotary_factor", std::to_string(c.partial_rotary_factor), "must be <= 1");
}

ModelConfig parse(const json& root_in, const std::string& path) {
  // Vision-language configs keep the language model under text_config.
  const json& root = root_in.contains("text_config") ? root_in["text_config"] : root_in;
  ConfigReader top(root_in, path);
  ConfigReader r(root, path);
  ModelConfig c;
  c.source_path = path;
  c.name = std::filesystem::path(path).stem().string();
  const json* arch = top.find("architectures");
  if (!arch || !arch->is_array() || arch->empty() || !(*arch)[0].is_string())
    top.fail("architectures", arch ? arch->dump() : "", "required field 'architectures' must list the model class");
  c.architecture = (*arch)[0].get<std::string>();
  c.model_type = r.text_or("model_type", "");
  static const std::vector<std::string> kTypes{"glm4_moe_lite", "glm4_moe", "glm4v_moe_text", "qwen3"};
  if (std::find(kTypes.begin(), kTypes.end(), c.model_type) == kTypes.end())
    r.fail("model_type", c.model_type, "model_type '" + c.model_type + "' is not one of glm4_moe_lite, glm4_moe, glm4v_moe_text, qwen3");

  c.hidden_size = r.positive("hidden_size");
  c.num_hidden_layers = r.positive("num_hidden_layers");
  c.num_attention_heads = r.positive("num_attention_heads");
  c.num_key_value_heads = r.int_or("num_key_value_heads", c.num_attention_heads);
  c.intermediate_size = r.positive("intermediate_size");
  c.vocab_size = r.positive("vocab_size");
  c.max_position_embeddings = r.int_or("max_position_embeddings", 4096);
  c.rms_norm_eps = r.number("rms_norm_eps");
  c.attention_bias = r.flag_or("attention_bias", false);
  c.tie_word_embeddings = top.flag_or("tie_word_embeddings", r.flag_or("tie_word_embeddings", false));
  c.torch_dtype = r.text_or("torch_dtype", r.text_or("dtype", "bfloat16"));
  c.num_nextn_predict_layers = r.int_or("num_nextn_predict_layers", 0);
  read_rope(r, c);

  if (c.model_type == "glm4_moe_lite") {
    MlaDims m;
    m.q_lora_rank = r.positive("q_lora_rank");
    m.kv_lora_rank = r.positive("kv_lora_rank");
    m.qk_nope_head_dim = r.positive("qk_nope_head_dim");
    m.qk_rope_head_dim = r.positive("qk_rope_head_dim");
    m.v_head_dim = r.positive("v_head_dim");
    c.mla = m;
    c.head_dim = m.qk_nope_head_dim + m.qk_rope_head_dim;
  } else {
    c.head_dim = r.int_or("head_dim", c.hidden_size / c.num_attention_heads);
    if (c.head_dim <= 0) r.fail("head_dim", std::to_string(c.head_dim), "head_dim must be positive");
    if (c.num_key_value_heads == 0 || c.num_attention_heads % c.num_key_value_heads != 0)
      r.fail("num_key_value_heads", std::to_string(c.num_key_value_heads), "must divide num_attention_heads");
  }
  // Qwen3 always has QK-norm (its modeling file, not its config, says so).
  c.use_qk_norm = c.model_type == "qwen3" ? true : r.flag_or("use_qk_norm", false);
  if (c.model_type != "qwen3") read_moe(r, c);

  if (const json* dflash = r.find("dflash_config")) {
    DraftDims d;
    d.block_size = r.positive("block_size");
    ConfigReader dr(*dflash, path);
    d.mask_token_id = dr.positive("mask_token_id");
    const json* layers = dr.find("target_layer_ids");
    if (!layers) dr.fail("dflash_config.target_layer_ids", "", "required field 'target_layer_ids' is missing");
    d.target_layer_ids = dr.ints(*layers, "dflash_config.target_layer_ids");
    c.dflash = d;
  }
  return c;
}
}  // namespace

int64_t ModelConfig::rotary_dim() const {
  if (mla) return mla->qk_rope_head_dim;
  return static_cast<int64_t>(static_cast<double>(head_dim) * partial_rotary_factor);
}

namespace {
// "FILE:LINE:COL" of a byte offset into the file's text.
std::string where_at(const std::string& path, const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t column = line_start == std::string::npos || offset == 0 ? offset + 1 : offset - line_start;
  return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// nlohmann keeps no positions: a field's error points at the first occurrence
// of its key ("rope_scaling.rope_type" -> "rope_type"), or at the object that
// lacks it.
std::string where_field(const std::string& path, const std::string& text, const std::string& field) {
  const std::string key = "\"" + field.substr(field.rfind('.') == std::string::npos ? 0 : field.rfind('.') + 1) + "\"";
  const size_t at = field.empty() ? std::string::npos : text.find(key);
  return where_at(path, text, at == std::string::npos ? text.find('{') : at);
}
}  // namespace

ModelConfig load_model_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FailureError({"config", "config.json", "path", path, "", "cannot open model config '" + path + "'",
                               "pass a HF config.json or a name from `npusim models`", path});
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    throw FailureError({"config", "config.json", "json", "", "", std::string("not valid JSON: ") + e.what(),
                        "fix the file's syntax", where_at(path, text, e.byte == 0 ? 0 : e.byte - 1)});
  } catch (const json::exception& e) {
    // Not a syntax error but a value JSON cannot hold, e.g. a number that overflows.
    throw FailureError({"config", "config.json", "json", "", "", std::string("not valid JSON: ") + e.what(),
                        "fix the offending value", path});
  }
  if (!root.is_object())
    throw FailureError({"config", "config.json", "json", "", "", "a config.json must be a JSON object", "",
                        where_at(path, text, 0)});
  try {
    return parse(root, path);
  } catch (FailureError& e) {
    Failure f = e.failure();
    f.where = where_field(path, text, f.parameter);
    throw FailureError(f);
  } catch (const json::exception& e) {
    // A field of the wrong JSON type read by a typed accessor.
    throw FailureError({"config", "config.json", "", "", "", std::string("a field has the wrong type: ") + e.what(),
                        "fix the field in the model's config.json", path});
  }
}

}  // namespace npusim::engine
