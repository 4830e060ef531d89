#include "reports/run_labels.h"

namespace npusim::reports {

std::string failure_signature(const Failure& failure) {
  std::string out = failure.kind;
  if (!failure.op.empty()) out += " " + failure.op;
  if (!failure.parameter.empty()) {
    out += " " + failure.parameter;
    if (!failure.value.empty()) out += "=" + failure.value;
  }
  if (!failure.rule.empty()) out += " [" + failure.rule + "]";
  return out;
}

std::string run_label(const RunResult& run) {
  return run.scenario + " / " + run.variant + " / " + run.mode;
}

std::string variant_label(const RunResult& run) { return run.variant + " (" + run.mode + ")"; }

}  // namespace npusim::reports
