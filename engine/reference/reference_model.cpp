#include "engine/reference/reference_model.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace npusim::engine {
namespace {
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;

class Weights {
 public:
  explicit Weights(const Checkpoint& c) : checkpoint_(c) {}
  bool has(const std::string& name) const { return checkpoint_.tensors.count(name) != 0; }
  const std::vector<float>& raw(const std::string& name) const {
    auto it = cache_.find(name);
    if (it == cache_.end()) it = cache_.emplace(name, checkpoint_.values(name)).first;
    return it->second;
  }
  // A [rows, cols] view of the tensor starting at row `first`.
  Eigen::Map<const Matrix> matrix(const std::string& name, int64_t rows, int64_t cols, int64_t first = 0) const {
    return Eigen::Map<const Matrix>(raw(name).data() + first * cols, rows, cols);
  }
  Eigen::Map<const Vector> vector(const std::string& name, int64_t size) const {
    return Eigen::Map<const Vector>(raw(name).data(), size);
  }
  // y = W x (+ b), dequantizing w8a8 weights with their per-channel scale.
  Vector linear(const std::string& prefix, const Vector& x) const {
    const auto& w = checkpoint_.tensors.at(prefix + ".weight");
    Vector y = matrix(prefix + ".weight", w.shape[0], w.shape[1]) * x;
    if (has(prefix + ".weight_scale")) y.array() *= vector(prefix + ".weight_scale", w.shape[0]).array();
    if (has(prefix + ".bias")) y += vector(prefix + ".bias", w.shape[0]);
    return y;
  }

 private:
  const Checkpoint& checkpoint_;
  mutable std::map<std::string, std::vector<float>> cache_;
};

Vector rms_norm(const Vector& x, const Vector& gamma, double eps) {
  const double mean_square = x.squaredNorm() / static_cast<double>(x.size());
  return (x.array() / static_cast<float>(std::sqrt(mean_square + eps))).matrix().cwiseProduct(gamma);
}

float silu(float v) { return v / (1.0f + std::exp(-v)); }

Vector swiglu(const Weights& w, const std::string& prefix, const Vector& x) {
  const Vector gate_up = w.linear(prefix + "gate_up_proj", x);
  const int64_t width = gate_up.size() / 2;
  Vector act(width);
  for (int64_t i = 0; i < width; ++i) act[i] = silu(gate_up[i]) * gate_up[width + i];
  return w.linear(prefix + "down_proj", act);
}

// Rotates the first `rotary` dims of one head at `position`.
void rope(float* head, int64_t rotary, int64_t position, double theta, bool neox) {
  const int64_t half = rotary / 2;
  for (int64_t i = 0; i < half; ++i) {
    const double angle = static_cast<double>(position) * std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(rotary));
    const float c = static_cast<float>(std::cos(angle)), s = static_cast<float>(std::sin(angle));
    float& a = neox ? head[i] : head[2 * i];
    float& b = neox ? head[i + half] : head[2 * i + 1];
    const float x1 = a, x2 = b;
    a = x1 * c - x2 * s;
    b = x2 * c + x1 * s;
  }
}

// Causal softmax attention of per-token per-head q/k/v: q[t] is [heads, dq].
std::vector<Vector> attend(const std::vector<Matrix>& q, const std::vector<Matrix>& k, const std::vector<Matrix>& v,
                           double scale) {
  const int64_t tokens = static_cast<int64_t>(q.size()), heads = q[0].rows(), kv_heads = k[0].rows();
  const int64_t dv = v[0].cols();
  std::vector<Vector> out(tokens, Vector::Zero(heads * dv));
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t kh = h / (heads / kv_heads);
      std::vector<double> scores(t + 1);
      double max_score = -std::numeric_limits<double>::infinity();
      for (int64_t s = 0; s <= t; ++s) {
        scores[s] = static_cast<double>(q[t].row(h).dot(k[s].row(kh))) * scale;
        max_score = std::max(max_score, scores[s]);
      }
      double total = 0;
      for (double& sc : scores) total += (sc = std::exp(sc - max_score));
      for (int64_t s = 0; s <= t; ++s)
        out[t].segment(h * dv, dv) += static_cast<float>(scores[s] / total) * v[s].row(kh).transpose();
    }
  return out;
}

class ReferenceModel {
 public:
  ReferenceModel(const ModelConfig& c, const Checkpoint& checkpoint) : c_(c), w_(checkpoint) {}

  // Logits of the last token of `tokens` (full recompute: no cache).
  Vector last_logits(const std::vector<int32_t>& tokens) const {
    const int64_t n = static_cast<int64_t>(tokens.size()), h = c_.hidden_size;
    std::vector<Vector> residual(n);
    for (int64_t t = 0; t < n; ++t) residual[t] = w_.matrix("model.embed_tokens.weight", 1, h, tokens[t]).transpose();
    for (int64_t l = 0; l < c_.num_hidden_layers; ++l) {
      const std::string p = "model.layers." + std::to_string(l) + ".";
      std::vector<Vector> x(n);
      for (int64_t t = 0; t < n; ++t) x[t] = rms_norm(residual[t], w_.vector(p + "input_layernorm.weight", h), c_.rms_norm_eps);
      const std::vector<Vector> attn = c_.mla ? mla(p + "self_attn.", x) : gqa(p + "self_attn.", x);
      for (int64_t t = 0; t < n; ++t) {
        residual[t] += attn[t];
        const Vector y = rms_norm(residual[t], w_.vector(p + "post_attention_layernorm.weight", h), c_.rms_norm_eps);
        residual[t] += c_.is_moe_layer(l) ? moe(p + "mlp.", y) : swiglu(w_, p + "mlp.", y);
      }
    }
    const Vector final_hidden = rms_norm(residual[n - 1], w_.vector("model.norm.weight", h), c_.rms_norm_eps);
    const std::string head = w_.has("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight";
    return w_.matrix(head, c_.vocab_size, h) * final_hidden;
  }

 private:
  std::vector<Vector> gqa(const std::string& p, const std::vector<Vector>& x) const {
    const int64_t nq = c_.num_attention_heads, nkv = c_.num_key_value_heads, d = c_.head_dim;
    std::vector<Matrix> q, k, v;
    for (size_t t = 0; t < x.size(); ++t) {
      const Vector qkv = w_.linear(p + "qkv_proj", x[t]);
      Matrix qt = Eigen::Map<const Matrix>(qkv.data(), nq, d);
      Matrix kt = Eigen::Map<const Matrix>(qkv.data() + nq * d, nkv, d);
      Matrix vt = Eigen::Map<const Matrix>(qkv.data() + (nq + nkv) * d, nkv, d);
      if (c_.use_qk_norm) {
        for (int64_t i = 0; i < nq; ++i) qt.row(i) = rms_norm(qt.row(i).transpose(), w_.vector(p + "q_norm.weight", d), c_.rms_norm_eps);
        for (int64_t i = 0; i < nkv; ++i) kt.row(i) = rms_norm(kt.row(i).transpose(), w_.vector(p + "k_norm.weight", d), c_.rms_norm_eps);
      }
      for (int64_t i = 0; i < nq; ++i) rope(qt.row(i).data(), c_.rotary_dim(), static_cast<int64_t>(t), c_.rope_theta, true);
      for (int64_t i = 0; i < nkv; ++i) rope(kt.row(i).data(), c_.rotary_dim(), static_cast<int64_t>(t), c_.rope_theta, true);
      q.push_back(qt);
      k.push_back(kt);
      v.push_back(vt);
    }
    std::vector<Vector> out = attend(q, k, v, 1.0 / std::sqrt(static_cast<double>(d)));
    for (auto& o : out) o = w_.linear(p + "o_proj", o);
    return out;
  }

  std::vector<Vector> mla(const std::string& p, const std::vector<Vector>& x) const {
    const MlaDims& m = *c_.mla;
    const int64_t heads = c_.num_attention_heads, dqk = m.qk_nope_head_dim + m.qk_rope_head_dim;
    std::vector<Matrix> q, k, v;
    for (size_t t = 0; t < x.size(); ++t) {
      const Vector qa = rms_norm(w_.linear(p + "q_a_proj", x[t]), w_.vector(p + "q_a_layernorm.weight", m.q_lora_rank), c_.rms_norm_eps);
      Matrix qt = Eigen::Map<const Matrix>(w_.linear(p + "q_b_proj", qa).eval().data(), heads, dqk);
      const Vector kv_a = w_.linear(p + "kv_a_proj_with_mqa", x[t]);
      const Vector latent = rms_norm(kv_a.head(m.kv_lora_rank), w_.vector(p + "kv_a_layernorm.weight", m.kv_lora_rank), c_.rms_norm_eps);
      Vector k_pe = kv_a.tail(m.qk_rope_head_dim);
      rope(k_pe.data(), m.qk_rope_head_dim, static_cast<int64_t>(t), c_.rope_theta, false);
      const Vector kv = w_.linear(p + "kv_b_proj", latent);
      Matrix kt(heads, dqk), vt(heads, m.v_head_dim);
      for (int64_t h = 0; h < heads; ++h) {
        float* qrow = qt.row(h).data();
        rope(qrow + m.qk_nope_head_dim, m.qk_rope_head_dim, static_cast<int64_t>(t), c_.rope_theta, false);
        const int64_t base = h * (m.qk_nope_head_dim + m.v_head_dim);
        kt.row(h).head(m.qk_nope_head_dim) = kv.segment(base, m.qk_nope_head_dim).transpose();
        kt.row(h).tail(m.qk_rope_head_dim) = k_pe.transpose();
        vt.row(h) = kv.segment(base + m.qk_nope_head_dim, m.v_head_dim).transpose();
      }
      q.push_back(qt);
      k.push_back(kt);
      v.push_back(vt);
    }
    std::vector<Vector> out = attend(q, k, v, 1.0 / std::sqrt(static_cast<double>(dqk)));
    for (auto& o : out) o = w_.linear(p + "o_proj", o);
    return out;
  }

  Vector moe(const std::string& p, const Vector& x) const {
    const MoeDims& m = *c_.moe;
    const int64_t e = m.n_routed_experts, h = c_.hidden_size, inter = m.moe_intermediate_size;
    const Vector logits = w_.matrix(p + "gate.weight", e, h) * x;
    Vector scores(e);
    if (m.scoring_func == "sigmoid") {
      for (int64_t i = 0; i < e; ++i) scores[i] = 1.0f / (1.0f + std::exp(-logits[i]));
    } else {
      scores = (logits.array() - logits.maxCoeff()).exp();
      scores /= scores.sum();
    }
    Vector choice = scores;
    if (w_.has(p + "gate.e_score_correction_bias")) choice += w_.vector(p + "gate.e_score_correction_bias", e);
    std::vector<int64_t> order(e);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return choice[a] > choice[b]; });
    order.resize(m.num_experts_per_tok);
    double total = 0;
    for (int64_t i : order) total += scores[i];
    Vector out = Vector::Zero(h);
    for (int64_t i : order) {
      double weight = scores[i];
      if (m.norm_topk_prob) weight /= total;
      weight *= m.routed_scaling_factor;
      const Vector gate_up = w_.matrix(p + "experts.w13_weight", 2 * inter, h, i * 2 * inter) * x;
      Vector act(inter);
      for (int64_t j = 0; j < inter; ++j) act[j] = silu(gate_up[j]) * gate_up[inter + j];
      out += static_cast<float>(weight) * (w_.matrix(p + "experts.w2_weight", h, inter, i * h) * act);
    }
    if (m.n_shared_experts > 0) out += swiglu(w_, p + "shared_experts.", x);
    return out;
  }

  const ModelConfig& c_;
  Weights w_;
};

int32_t argmax(const Vector& logits) {
  Eigen::Index best = 0;
  logits.maxCoeff(&best);
  return static_cast<int32_t>(best);
}
}  // namespace

ReferenceResult reference_generate(const ModelConfig& config, const Checkpoint& checkpoint,
                                   const std::vector<std::vector<int32_t>>& prompts, int64_t decode_steps) {
  const ReferenceModel model(config, checkpoint);
  ReferenceResult result;
  for (const auto& prompt : prompts) {
    std::vector<int32_t> tokens = prompt;
    std::vector<int32_t> generated;
    Vector logits;
    for (int64_t step = 0; step <= decode_steps; ++step) {
      logits = model.last_logits(tokens);
      generated.push_back(argmax(logits));
      tokens.push_back(generated.back());
    }
    result.tokens.push_back(generated);
    result.final_logits.insert(result.final_logits.end(), logits.data(), logits.data() + logits.size());
  }
  return result;
}

}  // namespace npusim::engine
