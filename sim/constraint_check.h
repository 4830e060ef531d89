// Will a model hit an operator constraint on a device? Checks op records
// against the device's declared constraint tables and collects every
// violation (distinct by op, rule, parameter and value) instead of stopping at
// the first, as the device does. `npusim check` builds its tp x phase matrix
// from check_compatibility.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "device_model/config/device_config.h"
#include "device_model/ops/op_library.h"
#include "engine/engine.h"
#include "op_stream/failure.h"
#include "op_stream/op_call.h"

namespace npusim::sim {

struct Violation {
  Failure failure;       // first occurrence: op, parameter, value, rule, message, hint, where
  std::string phase;     // origin phase of the first occurrence
  int occurrences = 0;   // records violating it
  // The smallest accepted value above the offending one, when the rule
  // enumerates its values (FIA MLA heads 20 -> 32); the hint says the rest.
  std::optional<int64_t> suggested_value;
};

// Collects violations of the declared constraints of `config` (its own rule
// switches apply: a rule disabled with --set is not checked).
class ConstraintCollector {
 public:
  explicit ConstraintCollector(const device::DeviceConfig& config);
  ~ConstraintCollector();
  // Checks an `op` record against every enabled rule of its op; other records
  // are ignored. Never throws for a violation.
  void check(const OpCall& call);
  const std::vector<Violation>& violations() const { return violations_; }

 private:
  const device::OpLibrary& library_without(const std::set<std::string>& disabled_rules);
  void add(const Failure& failure, const OpCall& call);

  device::DeviceConfig config_;
  std::map<std::set<std::string>, std::unique_ptr<device::OpLibrary>> libraries_;
  std::vector<Violation> violations_;
  std::map<std::string, size_t> index_;  // "op|rule|parameter|value" -> violations_
};

// `config` with every declared constraint rule switched off: the device on
// which a stream runs to the end while a collector judges it.
device::DeviceConfig without_constraints(device::DeviceConfig config);

struct CheckOptions {
  std::vector<int64_t> tps = {1, 2, 4, 8, 16};
  std::vector<std::string> phases = {"prefill", "decode"};
  std::string device = "ascend910b";
  std::vector<std::string> overrides;  // KEY=VALUE on the preset
  std::vector<std::string> patches;    // ID=on|off for the fixed engine
  engine::Workload workload;           // tp and phase are set per cell
};

// One tp x phase cell of the matrix.
struct CheckCell {
  int64_t tp = 1;
  std::string phase;
  // The model's own stream (the engine sees a device that accepts any value,
  // so workarounds that read the device's limits stay off) against the
  // declared constraints; memory is not limited in this scan.
  std::vector<Violation> violations;
  std::optional<Failure> scan_failure;  // the scan stopped early (engine error)
  // The engine with its fixes on the real device, memory limit included.
  std::string fixed_outcome;            // ok | failed
  std::optional<Failure> fixed_failure;  // e.g. a simulated OOM
  double memory_peak_gib = 0;            // of the scan (what the workload needs)
  double memory_capacity_gib = 0;
  // Analytic step time (decode: TPOT, prefill: TTFT) of the fixed stream and of
  // the model's own stream on a device without the violated rules: the fix's cost.
  std::optional<double> fixed_step_ms;
  std::optional<double> unfixed_step_ms;

  bool constraint_ok() const { return violations.empty() && !scan_failure; }
};

std::vector<CheckCell> check_compatibility(const engine::ModelConfig& model, const CheckOptions& options);

// A recorded stream (JSON Lines) against the declared constraints; memory and
// runtime failures of the stream come back as the cell's fixed_failure.
CheckCell check_stream(const std::vector<OpCall>& records, const CheckOptions& options);

}  // namespace npusim::sim
