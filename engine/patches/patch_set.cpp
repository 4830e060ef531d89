#include "engine/patches/patch_set.h"

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
std::vector<std::string> known_ids() {
  std::vector<std::string> ids;
  for (const auto& info : PatchSet::catalog()) ids.push_back(info.id);
  return ids;
}

[[noreturn]] void unknown_patch(const std::string& id) {
  throw FailureError({"input", "patches", id, id, "", "unknown patch id '" + id + "'" + did_you_mean(id, known_ids()),
                      "`npusim patches` lists the known ids", ""});
}
}  // namespace

PatchSet::PatchSet() {
  for (const auto& info : catalog()) states_[info.id] = true;
}

void PatchSet::set(const std::string& id, bool on) {
  auto it = states_.find(id);
  if (it == states_.end()) unknown_patch(id);
  it->second = on;
}

void PatchSet::apply(const std::string& assignment) {
  const auto eq = assignment.rfind('=');
  const std::string id = assignment.substr(0, eq);
  const std::string state = eq == std::string::npos ? "" : assignment.substr(eq + 1);
  if (state != "on" && state != "off")
    throw FailureError({"input", "patches", "patch", assignment, "",
                        "patch assignment '" + assignment + "' is not ID=on or ID=off", "e.g. sglang#21408=off", ""});
  set(id, state == "on");
}

bool PatchSet::on(const std::string& id) const {
  auto it = states_.find(id);
  if (it == states_.end()) unknown_patch(id);
  return it->second;
}

}  // namespace npusim::engine
