// Upstream fixes as switchable patches. Each id names the upstream pull request
// (a sub-fix caught in review gets "<pr>/<name>"); all are on by default, and a
// patch switched off makes the engine take the code path as it was before it.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace npusim::engine {

struct PatchInfo {
  std::string id;       // e.g. "sglang#21408"
  std::string title;    // one line
  std::string summary;  // what the pre-fix path does differently
};

class PatchSet {
 public:
  PatchSet();  // every catalogued patch on
  static const std::vector<PatchInfo>& catalog();

  // Throws FailureError{kind="input", parameter=id} for an id not in catalog().
  void set(const std::string& id, bool on);
  // "ID=on|off" as given on the command line.
  void apply(const std::string& assignment);
  bool on(const std::string& id) const;  // throws like set() for an unknown id
  const std::map<std::string, bool>& states() const { return states_; }

 private:
  std::map<std::string, bool> states_;
};

}  // namespace npusim::engine
