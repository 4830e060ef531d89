#include "op_stream/failure.h"

namespace npusim {

std::string Failure::to_string() const {
  std::string out = kind + " error";
  if (!op.empty()) out += " in " + op;
  if (!where.empty()) out += " at " + where;
  out += ": " + message;
  if (!parameter.empty()) out += " [" + parameter + "=" + value + "]";
  if (!rule.empty()) out += " (rule " + rule + ")";
  if (!hint.empty()) out += "; hint: " + hint;
  return out;
}

FailureError::FailureError(Failure failure)
    : std::runtime_error(failure.to_string()), failure_(std::move(failure)) {}

}  // namespace npusim
