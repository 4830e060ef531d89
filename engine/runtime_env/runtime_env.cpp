#include "engine/runtime_env/runtime_env.h"

#include <algorithm>

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::engine {

namespace {

const EnvVariable* find_variable(const std::string& name) {
  const auto& all = RuntimeEnv::declared();
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const EnvVariable& v) { return v.name == name; });
  return it == all.end() ? nullptr : &*it;
}

const EnvVariable& require_variable(const std::string& name) {
  if (const EnvVariable* variable = find_variable(name)) return *variable;
  std::vector<std::string> known;
  for (const auto& v : RuntimeEnv::declared()) known.push_back(v.name);
  throw FailureError(Failure{"config", "runtime_env", name, name, "runtime_env.declared",
                             "unknown runtime environment variable '" + name + "'" +
                                 did_you_mean(name, known),
                             "use a variable declared in engine/runtime_env", "runtime_env"});
}

}  // namespace

RuntimeEnv& RuntimeEnv::process() {
  static RuntimeEnv instance;
  return instance;
}

const std::vector<EnvVariable>& RuntimeEnv::declared() {
  // Both are set around the unquantized NextN/MTP draft forward on NPU when the
  // target is quantized (sglang#25524 glm4_moe_nextn.py forward; the same pair in
  // qwen3_next_mtp.py, sglang#20918). The deployment scripts quoted in
  // sglang#22588 export DEEPEP_NORMAL_MODE_USE_INT8_QUANT=1 for w8a8 GLM-4.7.
  static const std::vector<EnvVariable> variables = {
      {"SGLANG_DEEPEP_BF16_DISPATCH", false,
       "MoE tokens are dispatched to the experts in bf16 instead of int8",
       "sglang#25524 python/sglang/srt/models/glm4_moe_nextn.py"},
      {"DEEP_NORMAL_MODE_USE_INT8_QUANT", true,
       "w8a8 MoE layers quantize the dispatched tokens to int8 (DynamicQuant) before the "
       "experts' grouped matmul",
       "sglang#25524 python/sglang/srt/models/glm4_moe_nextn.py"},
  };
  return variables;
}

bool RuntimeEnv::flag(const std::string& name) const {
  const EnvVariable& variable = require_variable(name);
  auto it = explicit_values_.find(name);
  return it == explicit_values_.end() ? variable.default_value : it->second;
}

void RuntimeEnv::set(const std::string& name, bool value) {
  require_variable(name);
  explicit_values_[name] = value;
}

void RuntimeEnv::reset(const std::string& name) {
  require_variable(name);
  explicit_values_.erase(name);
}

std::optional<bool> RuntimeEnv::explicit_value(const std::string& name) const {
  require_variable(name);
  auto it = explicit_values_.find(name);
  if (it == explicit_values_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, bool> RuntimeEnv::changed() const {
  std::map<std::string, bool> result;
  for (const auto& variable : declared()) {
    bool value = flag(variable.name);
    if (value != variable.default_value) result[variable.name] = value;
  }
  return result;
}

}  // namespace npusim::engine
