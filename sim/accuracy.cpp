#include "sim/accuracy.h"

#include <algorithm>
#include <cmath>

#include "device_model/config/device_config.h"
#include "device_model/runtime/device.h"
#include "engine/reference/workload_reference.h"
#include "engine/spec/speculative.h"

namespace npusim::sim {
namespace {
void compare_logits(const std::vector<float>& observed, const std::vector<float>& reference, reports::RunResult& run) {
  if (observed.size() != reference.size() || observed.empty()) {
    run.host_info["accuracy_note"] = "logit shapes differ: " + std::to_string(observed.size()) + " vs " +
                                     std::to_string(reference.size());
    return;
  }
  double max_abs = 0, max_ref = 0, dot = 0, norm_o = 0, norm_r = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double o = observed[i], r = reference[i];
    max_abs = std::max(max_abs, std::fabs(o - r));
    max_ref = std::max(max_ref, std::fabs(r));
    dot += o * r;
    norm_o += o * o;
    norm_r += r * r;
  }
  run.metrics["max_abs_error"] = max_abs;
  // Relative to the largest reference logit: per-element relative error blows
  // up on logits near zero and says nothing about the argmax.
  run.metrics["max_rel_error"] = max_ref > 0 ? max_abs / max_ref : 0;
  run.metrics["cosine_similarity"] = norm_o > 0 && norm_r > 0 ? dot / std::sqrt(norm_o * norm_r) : 0;
}
}  // namespace

double token_agreement(const std::vector<std::vector<int32_t>>& a, const std::vector<std::vector<int32_t>>& b) {
  size_t same = 0, total = 0;
  for (size_t s = 0; s < std::min(a.size(), b.size()); ++s) {
    const size_t n = std::min(a[s].size(), b[s].size());
    for (size_t i = 0; i < n; ++i) same += a[s][i] == b[s][i];
    total += n;
  }
  return total ? static_cast<double>(same) / static_cast<double>(total) : 0.0;
}

void add_accuracy_metrics(const engine::ModelConfig& tiny_model, const engine::Workload& workload,
                          const engine::PatchSet& patches, const device::DeviceConfig& device_config,
                          const engine::EngineResult& result, reports::RunResult& run) {
  if (workload.spec.method != "none") {
    // Lossless check: the speculative runner's own target and device without speculation.
    device::Device dev(device_config, true);
    const engine::EngineResult greedy = engine::spec::run_plain_greedy(tiny_model, workload, patches, dev);
    run.metrics["token_agreement_vs_no_spec"] = token_agreement(result.tokens, greedy.tokens);
    return;
  }
  std::string why;
  const auto reference = engine::reference_for_workload(tiny_model, workload, why);
  if (!reference) {
    run.host_info["accuracy_note"] = "no fp32 reference comparison: " + why;
    return;
  }
  compare_logits(result.final_logits, reference->final_logits, run);
  run.metrics["token_agreement"] = token_agreement(result.tokens, reference->tokens);
}

}  // namespace npusim::sim
