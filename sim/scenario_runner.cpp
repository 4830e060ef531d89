#include "sim/scenario_runner.h"

#include <chrono>
#include <cmath>
#include <filesystem>

#include "device_model/config/device_config.h"
#include "device_model/config/hardware_spec.h"
#include "device_model/runtime/device.h"
#include "device_model/runtime/fault_injecting_sink.h"
#include "device_model/timing/timing_model.h"
#include "engine/engine.h"
#include "reports/atomic_file.h"
#include "reports/report_writers.h"
#include "sim/accuracy.h"
#include "sim/expectations.h"
#include "sim/run_metrics.h"
#include "sim/stream_execution.h"
#include "sim/workload_settings.h"

namespace npusim::sim {
namespace {
using reports::RunResult;

engine::PatchSet patches_of(const scenarios::Variant& variant) {
  engine::PatchSet patches;
  for (const auto& [id, on] : variant.patches) {
    try {
      patches.set(id, on);
    } catch (const FailureError& e) {
      Failure f = e.failure();
      f.where = variant.mark.to_string();
      throw FailureError(f);
    }
  }
  return patches;
}

device::DeviceConfig device_of(const scenarios::Variant& variant) {
  try {
    return device::DeviceConfig::load(variant.device, variant.device_overrides);
  } catch (const FailureError& e) {
    Failure f = e.failure();
    f.message += " (in " + variant.mark.to_string() + ")";
    throw FailureError(f);
  }
}

RunResult blank_result(const scenarios::Scenario& scenario, const scenarios::Variant& variant, const std::string& mode) {
  RunResult r;
  r.scenario = scenario.id;
  r.upstream = scenario.upstream;
  r.variant = variant.name;
  r.mode = mode;
  r.model = std::filesystem::path(scenario.model).stem().string();
  r.device = variant.device;
  r.overrides = variant.device_overrides;
  engine::PatchSet defaults;
  for (const auto& [id, on] : defaults.states()) r.patches[id] = on;
  for (const auto& [id, on] : variant.patches) r.patches[id] = on;
  return r;
}

double decode_tokens_per_sequence(const engine::EngineResult& result) {
  if (result.tokens.empty()) return 0;
  double total = 0;
  for (const auto& seq : result.tokens) total += seq.empty() ? 0 : static_cast<double>(seq.size()) - 1;
  return total / static_cast<double>(result.tokens.size());
}

void record_spec_metrics(const engine::EngineResult& result, RunResult& run) {
  run.metrics["acceptance_length"] = result.spec.mean_acceptance_length;
  run.metrics["verify_steps"] = static_cast<double>(result.spec.verify_steps);
  run.metrics["failed_requests"] = static_cast<double>(result.spec.failed_requests.size());
  run.metrics["leaked_env_requests"] = static_cast<double>(result.spec.leaked_env.size());
}

struct ModeRun {
  RunResult run;
  std::optional<engine::EngineResult> engine_result;
};

// Runs the engine on a fresh device; a refusal becomes the run's failure.
template <typename AfterEngine>
ModeRun run_mode(const scenarios::Scenario& scenario, const scenarios::Variant& variant, const std::string& mode,
                 const engine::ModelConfig& model, const engine::Workload& workload, AfterEngine&& after) {
  ModeRun out{blank_result(scenario, variant, mode), std::nullopt};
  const auto start = std::chrono::steady_clock::now();
  const auto config = device_of(variant);
  device::Device dev(config, mode == "functional");
  std::vector<device::InjectedFault> faults;
  for (const auto& f : variant.faults) faults.push_back({f.phase, f.op, f.occurrence, f.mark.to_string()});
  device::FaultInjectingSink sink(dev, faults);
  try {
    out.engine_result = engine::run_engine(model, workload, patches_of(variant), sink);
    out.run.outcome = "ok";
  } catch (const FailureError& e) {
    out.run.outcome = "failed";
    out.run.failure = e.failure();
  }
  out.run.metrics["memory_peak_gib"] = static_cast<double>(dev.memory_peak_bytes()) / (1024.0 * 1024 * 1024);
  if (sink.injected()) out.run.metrics["injected_faults"] = sink.injected();
  if (out.engine_result) out.run.weights = out.engine_result->weights;
  if (out.engine_result && workload.spec.method != "none") record_spec_metrics(*out.engine_result, out.run);
  after(dev, config, out);
  out.run.host_info["wall_s"] = std::to_string(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return out;
}

engine::Workload timing_workload_of(const scenarios::Variant& variant) {
  scenarios::Settings merged = variant.workload;
  for (const auto& [key, setting] : variant.timing_workload) merged[key] = setting;
  return workload_from_settings(merged);
}

std::vector<int64_t> measured_acceptance(const engine::EngineResult& functional) {
  std::vector<int64_t> out;
  for (double a : functional.spec.acceptance_lengths) out.push_back(static_cast<int64_t>(std::lround(a)));
  return out;
}
}  // namespace

void validate_variant(const scenarios::Scenario& scenario, const scenarios::Variant& variant) {
  workload_from_settings(variant.workload);
  timing_workload_of(variant);
  patches_of(variant);
  device_of(variant);
  engine::load_model_config(scenario.model);
}

std::vector<RunResult> run_variant(const scenarios::Scenario& scenario, const scenarios::Variant& variant,
                                   const RunOptions& options) {
  const engine::Workload workload = workload_from_settings(variant.workload);
  const engine::ModelConfig model = engine::load_model_config(scenario.model);
  std::vector<RunResult> runs;
  std::optional<engine::EngineResult> functional_result;

  for (const auto& mode : variant.modes) {
    if (mode == "functional") {
      const engine::ModelConfig tiny = engine::tiny_variant(model);
      ModeRun m = run_mode(scenario, variant, mode, tiny, workload,
                           [&](device::Device&, const device::DeviceConfig& config, ModeRun& r) {
                             if (r.engine_result)
                               add_accuracy_metrics(tiny, workload, patches_of(variant), config, *r.engine_result, r.run);
                           });
      functional_result = m.engine_result;
      runs.push_back(std::move(m.run));
      continue;
    }
    engine::Workload timed = timing_workload_of(variant);
    if (timed.spec.method != "none" && timed.spec.accepted_per_step.empty() && functional_result)
      timed.spec.accepted_per_step = measured_acceptance(*functional_result);
    const std::string fidelity_name = options.fidelity_override.empty() ? scenario.fidelity : options.fidelity_override;
    ModeRun m = run_mode(scenario, variant, mode, model, timed,
                         [&](device::Device& dev, const device::DeviceConfig& config, ModeRun& r) {
                           const auto timing = device::simulate_timing(dev.records(), config, *parse_fidelity(fidelity_name));
                           const double decode_tokens = r.engine_result ? decode_tokens_per_sequence(*r.engine_result) : 0;
                           fill_timing_metrics(dev.records(), timing, device::HardwareSpec::from_config(config),
                                               decode_tokens, static_cast<int>(timed.batch), r.run);
                         });
    if (!options.report_dir.empty() && !m.run.timeline.empty()) {
      m.run.trace_file = reports::write_trace(m.run, options.report_dir);
      m.run.timeline.clear();  // the trace file holds it; results travel to the parent without it
    }
    runs.push_back(std::move(m.run));
  }
  check_expectations(variant, runs);
  return runs;
}

std::vector<RunResult> crashed_variant(const scenarios::Scenario& scenario, const scenarios::Variant& variant,
                                       const std::string& outcome, const std::string& detail) {
  std::vector<RunResult> runs;
  for (const auto& mode : variant.modes) {
    RunResult r = blank_result(scenario, variant, mode);
    r.outcome = outcome;
    Failure f;
    f.kind = outcome;
    f.message = detail;
    r.failure = f;
    runs.push_back(std::move(r));
  }
  check_expectations(variant, runs);
  return runs;
}

}  // namespace npusim::sim
