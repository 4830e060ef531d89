#include "engine/runtime_env/scoped_env_override.h"

#include <utility>

namespace npusim::engine {

ScopedEnvOverride::ScopedEnvOverride(RuntimeEnv& env, std::string name, bool value)
    : env_(env), name_(std::move(name)), previous_(env.explicit_value(name_)) {
  env_.set(name_, value);
}

ScopedEnvOverride::~ScopedEnvOverride() {
  if (previous_) {
    env_.set(name_, *previous_);
  } else {
    env_.reset(name_);
  }
}

}  // namespace npusim::engine
