#include "sim/constraint_check.h"

#include <algorithm>
#include <limits>

#include "device_model/config/hardware_spec.h"
#include "device_model/runtime/device.h"
#include "device_model/timing/timing_model.h"
#include "sim/run_metrics.h"

namespace npusim::sim {
namespace {

constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;
// The scan judges constraints only; memory is judged by the fixed engine's run
// on the real device. 2^62 bytes: exact as a double, no overflow in the allocator.
constexpr int64_t kUnlimitedMemoryBytes = int64_t{1} << 62;
constexpr const char* kMemoryKey = "memory.hbm_bytes";

std::optional<int64_t> parse_int(const std::string& text) {
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size()) return static_cast<int64_t>(v);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// The sink the engine issues into during the scan: a device that enumerates no
// limits (so the engine's workarounds that read them stay off), a collector
// that judges each op, and a device without rules that keeps buffers, graphs
// and records so the stream runs to its end.
class CheckingSink : public OpSink, public OpCapabilities {
 public:
  CheckingSink(ConstraintCollector& collector, device::Device& device) : collector_(collector), device_(device) {}

  void issue(OpCall call) override {
    collector_.check(call);
    try {
      device_.issue(std::move(call));
    } catch (const FailureError& e) {
      // The collector has it already; the device keeps going without the op.
      if (e.failure().kind != "unsupported_op") throw;
    }
  }
  std::optional<std::vector<float>> read(const TensorRef& tensor, const Origin& origin) override {
    return device_.read(tensor, origin);
  }
  bool functional() const override { return false; }
  const OpCapabilities& capabilities() const override { return *this; }
  std::optional<std::vector<int64_t>> allowed_values(const std::string&, const std::string&,
                                                     const Attrs&) const override {
    return std::nullopt;
  }
  std::string platform() const override { return device_.platform(); }

 private:
  ConstraintCollector& collector_;
  device::Device& device_;
};

// Per-step time of the run's steps of `phase` (decode: TPOT, prefill: TTFT).
std::optional<double> step_ms(const std::vector<OpCall>& records, const device::DeviceConfig& config,
                              const engine::Workload& workload) {
  const auto timing = device::simulate_timing(records, config, device::Fidelity::analytic);
  reports::RunResult run;
  fill_timing_metrics(records, timing, device::HardwareSpec::from_config(config),
                      static_cast<double>(workload.decode_steps), static_cast<int>(workload.batch), run);
  const auto it = run.metrics.find(workload.phase == "decode" ? "tpot_ms" : "ttft_ms");
  if (it == run.metrics.end()) return std::nullopt;
  return it->second;
}

// `config` with the rules the violations name switched off: the device on which
// the model's own stream runs, the reference point of the fix's cost.
device::DeviceConfig without_rules(device::DeviceConfig config, const std::vector<Violation>& violations) {
  for (const auto& v : violations)
    if (!v.failure.rule.empty()) config.set("constraints." + v.failure.rule + ".enabled", "false");
  return config;
}

engine::PatchSet patch_set(const std::vector<std::string>& assignments) {
  engine::PatchSet patches;
  for (const auto& a : assignments) patches.apply(a);
  return patches;
}

}  // namespace

ConstraintCollector::ConstraintCollector(const device::DeviceConfig& config) : config_(config) {}
ConstraintCollector::~ConstraintCollector() = default;

const device::OpLibrary& ConstraintCollector::library_without(const std::set<std::string>& disabled_rules) {
  auto& library = libraries_[disabled_rules];
  if (!library) {
    device::DeviceConfig config = config_;
    for (const auto& rule : disabled_rules) config.set("constraints." + rule + ".enabled", "false");
    library = std::make_unique<device::OpLibrary>(config);
  }
  return *library;
}

void ConstraintCollector::check(const OpCall& call) {
  if (call.kind != RecordKind::op) return;
  // The library reports the first violated rule; switching each reported rule
  // off and checking again finds the op's other violations.
  std::set<std::string> disabled;
  for (;;) {
    try {
      library_without(disabled).check(call);
      return;
    } catch (const FailureError& e) {
      add(e.failure(), call);
      if (e.failure().rule.empty() || !disabled.insert(e.failure().rule).second) return;
    }
  }
}

void ConstraintCollector::add(const Failure& failure, const OpCall& call) {
  const std::string key = failure.op + "|" + failure.rule + "|" + failure.parameter + "|" + failure.value;
  auto [it, inserted] = index_.emplace(key, violations_.size());
  if (!inserted) {
    ++violations_[it->second].occurrences;
    return;
  }
  Violation v{failure, call.origin.phase, 1, std::nullopt};
  const device::OpLibrary& library = library_without({});
  const auto value = parse_int(failure.value);
  const auto* def = library.find(call.op);
  if (value && def) {
    if (const auto allowed = library.allowed_values(call.op, failure.parameter, def->facts(call))) {
      for (int64_t a : *allowed)
        if (a > *value && (!v.suggested_value || a < *v.suggested_value)) v.suggested_value = a;
    }
  }
  violations_.push_back(std::move(v));
}

device::DeviceConfig without_constraints(device::DeviceConfig config) {
  for (const auto& [key, value] : device::OpLibrary::declared_config_keys())
    if (std::holds_alternative<bool>(value)) config.set(key, "false");
  return config;
}

std::vector<CheckCell> check_compatibility(const engine::ModelConfig& model, const CheckOptions& options) {
  const auto config = device::DeviceConfig::load(options.device, options.overrides);
  const engine::PatchSet fixes = patch_set(options.patches);
  device::DeviceConfig scan_config = without_constraints(config);
  scan_config.set(kMemoryKey, std::to_string(kUnlimitedMemoryBytes));

  std::vector<CheckCell> cells;
  for (int64_t tp : options.tps)
    for (const auto& phase : options.phases) {
      CheckCell cell;
      cell.tp = tp;
      cell.phase = phase;
      cell.memory_capacity_gib = config.number(kMemoryKey) / kBytesPerGiB;
      engine::Workload w = options.workload;
      w.tp = tp;
      w.phase = phase;
      w.validate();

      ConstraintCollector collector(config);
      device::Device scan_device(scan_config, false);
      CheckingSink sink(collector, scan_device);
      try {
        engine::run_engine(model, w, fixes, sink);
      } catch (const FailureError& e) {
        cell.scan_failure = e.failure();
      }
      cell.violations = collector.violations();
      cell.memory_peak_gib = static_cast<double>(scan_device.memory_peak_bytes()) / kBytesPerGiB;

      device::Device fixed_device(config, false);
      try {
        engine::run_engine(model, w, fixes, fixed_device);
        cell.fixed_outcome = "ok";
      } catch (const FailureError& e) {
        cell.fixed_outcome = "failed";
        cell.fixed_failure = e.failure();
      }
      if (!cell.violations.empty() && !cell.scan_failure && cell.fixed_outcome == "ok") {
        cell.fixed_step_ms = step_ms(fixed_device.records(), config, w);
        cell.unfixed_step_ms = step_ms(scan_device.records(), without_rules(config, cell.violations), w);
      }
      cells.push_back(std::move(cell));
    }
  return cells;
}

CheckCell check_stream(const std::vector<OpCall>& records, const CheckOptions& options) {
  const auto config = device::DeviceConfig::load(options.device, options.overrides);
  CheckCell cell;
  cell.phase = "stream";
  cell.tp = 0;
  cell.memory_capacity_gib = config.number(kMemoryKey) / kBytesPerGiB;
  ConstraintCollector collector(config);
  for (const auto& r : records) collector.check(r);
  cell.violations = collector.violations();

  device::Device dev(without_constraints(config), false);
  cell.fixed_outcome = "ok";
  for (const auto& r : records) {
    try {
      dev.issue(r);
    } catch (const FailureError& e) {
      if (e.failure().kind == "unsupported_op") continue;  // collected above
      cell.fixed_outcome = "failed";
      cell.fixed_failure = e.failure();
      break;
    }
  }
  cell.memory_peak_gib = static_cast<double>(dev.memory_peak_bytes()) / kBytesPerGiB;
  return cell;
}

}  // namespace npusim::sim
