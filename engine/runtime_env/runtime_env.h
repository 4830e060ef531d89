// Process-level settings the engine reads while it emits ops, like SGLang's
// `envs` module (environment variables read at forward time). A value set here
// outlives the request that set it: that is what makes an unscoped override
// leak into later requests (sglang#25524 review point).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace npusim::engine {

struct EnvVariable {
  std::string name;
  bool default_value = false;
  std::string meaning;  // what the engine does differently when it is set
  std::string source;   // where SGLang declares or sets it
};

class RuntimeEnv {
 public:
  // The one instance of the (simulated) serving process.
  static RuntimeEnv& process();
  static const std::vector<EnvVariable>& declared();

  // Throws FailureError{kind="config"} for an undeclared name.
  bool flag(const std::string& name) const;
  void set(const std::string& name, bool value);
  // Back to the declared default (forgets any explicit value).
  void reset(const std::string& name);
  void reset_all() { explicit_values_.clear(); }
  // Explicit value if one is set, for save/restore by scoped guards.
  std::optional<bool> explicit_value(const std::string& name) const;
  // Variables whose current value differs from the default, for reports.
  std::map<std::string, bool> changed() const;

 private:
  std::map<std::string, bool> explicit_values_;
};

}  // namespace npusim::engine
