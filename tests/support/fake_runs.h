// Fake run records for the report and expectation tests: two scenarios with
// bug/fix variants, a failure with its signature, metrics, unmet checks and a
// timeline. Shared by tests/reports and tests/sim, so it lives in neither.
#pragma once
#include "reports/suite_result.h"

namespace npusim::reports::testing {

inline Failure fia_heads_failure() {
  Failure f;
  f.kind = "constraint";
  f.op = "FusedInferAttentionScore";
  f.parameter = "num_heads";
  f.value = "20";
  f.rule = "fia.mla.num_heads_power_of_two";
  f.message = "MLA query head count must be a power of two <= 128";
  f.hint = "pad query heads to 32";
  f.where = "layer 0 model.layers.0.self_attn (decode)";
  return f;
}

inline std::vector<TimelineSpan> fake_timeline() {
  return {
      {"launch MatMul", "launch", "host", 0, 3000, 0, "decode"},
      {"launch FusedInferAttentionScore", "launch", "host", 3000, 3000, 0, "decode"},
      {"MatMul", "matmul", "stream 0", 3000, 9000, 0, "decode"},
      {"FusedInferAttentionScore", "attention", "stream 0", 12000, 20000, 0, "decode"},
      {"MatMul", "matmul", "cube cores", 3500, 8000, 0, "decode"},
      // Overlaps the span above without nesting: needs a second cube lane.
      {"MatMul draft", "matmul", "cube cores", 10000, 4000, 0, "draft"},
      {"FusedInferAttentionScore", "attention", "vector cores", 12500, 19000, 0, "decode"},
      {"Softmax", "softmax", "vector cores", 14000, 2000, 0, "decode"},  // nested in FIA's span
      {"MatMul", "matmul", "stream 10", 40000, 1000, 1, "decode"},
      {"MatMul", "matmul", "stream 2", 42000, 1000, 1, "decode"},
  };
}

inline RunResult base_run(const std::string& scenario, const std::string& upstream, const std::string& variant,
                          const std::string& mode, const std::string& outcome) {
  RunResult run;
  run.scenario = scenario;
  run.upstream = upstream;
  run.variant = variant;
  run.mode = mode;
  run.outcome = outcome;
  run.model = "GLM-4.7-Flash";
  run.device = "ascend-910b2";
  run.host_info = {{"wall_s", "0.25"}, {"host", "ci-runner"}};
  return run;
}

// A run of the FIA heads scenario, the one fia_heads_failure() comes from.
inline RunResult heads_run(const std::string& variant, const std::string& mode, const std::string& outcome) {
  return base_run("sglang-21408-glm47-flash-heads", "sglang#21408", variant, mode, outcome);
}

inline SuiteResult fake_suite() {
  SuiteResult suite;
  suite.name = "seed";
  suite.host_info = {{"generated_at", "2026-11-23T09:00:00Z"}, {"host", "ci-runner"}};

  RunResult heads_bug = heads_run("bug", "timing", "failed");
  heads_bug.patches = {{"sglang#21408", false}};
  heads_bug.failure = fia_heads_failure();
  heads_bug.expectations = {{"fails: constraint FusedInferAttentionScore num_heads", true, "failed as expected"}};
  suite.runs.push_back(heads_bug);

  RunResult heads_fix = heads_run("fix", "functional", "ok");
  heads_fix.patches = {{"sglang#21408", true}};
  heads_fix.overrides = {"device.hbm_bandwidth_GBps=1600"};
  heads_fix.metrics = {{"ttft_ms", 12.5},          {"tpot_ms", 3.25},         {"tokens_per_s", 307.7},
                       {"max_abs_error", 0.0012},  {"cosine_similarity", 0.99998}, {"token_agreement", 1.0},
                       {"cube_utilisation", 0.41}, {"memory_peak_gib", 3.5},
                       {"padding_overhead_pct", 4.2}};
  heads_fix.time_by_op_class_ns = {{"attention", 1.2e6}, {"matmul", 2.0e6}, {"norm", 0.3e6}, {"launch", 0.2e6}};
  heads_fix.weights = {{"target", "seeded (untrained) from workload seed 7"}};
  heads_fix.timeline = fake_timeline();
  heads_fix.expectations = {{"succeeds", true, "ok"}, {"cosine similarity >= 0.999", true, "0.99998"}};
  heads_fix.baselines = {{"tpot_ms", 3.2, 3.25, 0.05, true}};
  suite.runs.push_back(heads_fix);

  // The fp16 fix variant trips the dtype rule it is expected to pass: unmet.
  RunResult heads_fp16 = heads_run("fix-fp16", "functional", "failed");
  heads_fp16.failure = fia_heads_failure();
  heads_fp16.failure->parameter = "query_padding.dtype";
  heads_fp16.failure->value = "bf16";
  heads_fp16.failure->rule = "fia.dtype.query_matches";
  heads_fp16.expectations = {{"succeeds", false, "failed: constraint FusedInferAttentionScore"}};
  suite.runs.push_back(heads_fp16);

  RunResult spec_bug = base_run("sglang-23122-qwen3-dflash", "sglang#23122", "bug-stale-embeds", "timing", "ok");
  spec_bug.model = "Qwen3-8B";
  spec_bug.metrics = {{"acceptance_length", 1.05}, {"speedup", 0.82}, {"tpot_ms", 9.1}};
  spec_bug.time_by_op_class_ns = {{"attention", 4.0e6}, {"matmul", 5.0e6}, {"graph", 0.1e6}};
  spec_bug.expectations = {{"acceptance_length < 1.5", true, "1.05"}};
  suite.runs.push_back(spec_bug);

  // Unmet, and its text holds every character XML must escape plus a control
  // character XML cannot carry.
  RunResult spec_fix = base_run("sglang-23122-qwen3-dflash", "sglang#23122", "fix", "timing", "ok");
  spec_fix.model = "Qwen3-8B";
  spec_fix.metrics = {{"acceptance_length", 3.4}, {"speedup", 1.9}, {"tpot_ms", 3.9}, {"ttft_ms", 40.0}};
  spec_fix.time_by_op_class_ns = {{"attention", 1.5e6}, {"matmul", 2.2e6}, {"graph", 0.05e6}};
  spec_fix.expectations = {{"speedup >= 2 & <\"3\" 'x'", false, "1.9 <\x01 2>"},
                           {"acceptance_length > 2", true, "3.4"}};
  suite.runs.push_back(spec_fix);
  return suite;
}

}  // namespace npusim::reports::testing
