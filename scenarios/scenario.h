// A scenario: one documented upstream bug, its variants (bug / fix / what-if),
// and what each variant is expected to do. Loaded from YAML (format documented
// in scenarios/README.md and scenarios/example.yaml).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace npusim::scenarios {

struct SourceMark {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  std::string to_string() const { return line ? file + ":" + std::to_string(line) : file; }
};

// A scalar setting with where it was written, so a bad value can be reported
// as FILE:LINE when the engine or device rejects it.
struct Setting {
  std::string value;
  SourceMark mark;
};
using Settings = std::map<std::string, Setting>;  // dotted keys: "batch", "spec.method"

// Fields a failure must match (kind, op, parameter, parameter_contains, rule,
// phase, message_contains).
using FailureSignature = std::map<std::string, std::string>;

struct MetricBound {
  std::string metric;  // "<mode>.<name>", e.g. "timing.tpot_ms", "functional.token_agreement"
  std::optional<double> min;
  std::optional<double> max;
  SourceMark mark;
};

struct Expectation {
  std::string outcome;  // ok | failed
  std::optional<FailureSignature> failure;
  std::vector<MetricBound> metrics;
};

// A fault the harness injects into the device: the `occurrence`-th op record
// whose origin phase and op name match fails with kind "injected_fault".
struct Fault {
  std::string phase;  // empty: any phase
  std::string op;     // empty: any op
  int occurrence = 1;
  int request = -1;   // -1: any request
  SourceMark mark;
};

struct Variant {
  std::string name;
  std::string description;
  std::map<std::string, bool> patches;      // patch id -> on
  std::string device;                       // preset name or path
  std::vector<std::string> device_overrides;  // KEY=VALUE
  Settings workload;
  // Keys that differ in full-size timing runs (e.g. tp for a model that does
  // not fit one device while its tiny functional variant is checked at tp 1).
  Settings timing_workload;
  std::vector<std::string> modes;           // timing, functional
  std::vector<Fault> faults;
  Expectation expect;
  SourceMark mark;
};

// A relation between two variants' figures, e.g. the padding's cost: the fix's
// tpot over the what-if device's, within bounds; reported as `name`.
struct Comparison {
  std::string name;
  std::string description;
  std::string metric;
  std::string variant;
  std::string baseline_variant;
  std::optional<double> min;
  std::optional<double> max;
  SourceMark mark;
};

struct Scenario {
  std::string id;
  std::string upstream;
  std::string title;
  std::string summary;
  std::string trigger;
  std::string file;
  std::string model;       // HF config.json path, resolved
  std::string fidelity;    // systemc | analytic
  std::vector<Variant> variants;  // each already merged with the scenario's base
  std::vector<Comparison> comparisons;

  const Variant* find_variant(const std::string& name) const;
};

// Throws FailureError{kind="input", where="FILE:LINE"} on bad input.
Scenario load_scenario(const std::string& path);

}  // namespace npusim::scenarios
