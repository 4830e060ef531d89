// RAII override of one RuntimeEnv variable: the previous state comes back when
// the scope ends, also when it ends by an exception (the sglang#25524 fix; the
// pre-fix code set and reset the variables around the draft forward by hand).
#pragma once
#include <optional>
#include <string>

#include "engine/runtime_env/runtime_env.h"

namespace npusim::engine {

class ScopedEnvOverride {
 public:
  ScopedEnvOverride(RuntimeEnv& env, std::string name, bool value);
  ~ScopedEnvOverride();
  ScopedEnvOverride(const ScopedEnvOverride&) = delete;
  ScopedEnvOverride& operator=(const ScopedEnvOverride&) = delete;

 private:
  RuntimeEnv& env_;
  std::string name_;
  std::optional<bool> previous_;  // nullopt: the variable had no explicit value
};

}  // namespace npusim::engine
