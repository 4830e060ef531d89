// The operator library: every op's definition plus its constraint table
// (ops/constraints/<op>.yaml), with rule switches taken from the DeviceConfig
// (keys "constraints.<rule id>.enabled", declared for every rule).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device_model/config/device_config.h"
#include "device_model/ops/op_definition.h"
#include "op_stream/failure.h"

namespace npusim::device {

class ConstraintTable;

// A rule as `npusim ops` lists it.
struct RuleSummary {
  std::string id;
  std::string parameter;
  std::string condition;  // human text, e.g. "num_heads in {1,2,4,...,128} when mla"
  std::string source;     // where the rule is documented
  bool enabled = true;
};

class OpLibrary {
 public:
  explicit OpLibrary(const DeviceConfig& config);
  ~OpLibrary();

  const OpDefinition* find(const std::string& op) const;
  std::vector<std::string> op_names() const;
  std::vector<RuleSummary> rules(const std::string& op) const;

  // Throws FailureError{kind="constraint", op, parameter, value, rule, hint}
  // for the first violated enabled rule; an unknown op is kind="unsupported_op".
  void check(const OpCall& call) const;
  // Enumerated values `parameter` may take under `facts`; nullopt if unrestricted.
  std::optional<std::vector<int64_t>> allowed_values(const std::string& op,
                                                     const std::string& parameter,
                                                     const Facts& facts) const;

  // Config keys (with defaults) that the constraint tables declare; DeviceConfig
  // declares them before applying overrides so rules can be switched per run.
  static std::map<std::string, ConfigValue> declared_config_keys();

 private:
  std::map<std::string, OpDefinition> ops_;
  std::map<std::string, std::unique_ptr<ConstraintTable>> tables_;
};

}  // namespace npusim::device
