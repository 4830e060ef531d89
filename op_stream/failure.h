// A simulated failure as a value: what broke, where, under which rule, and what
// to do about it. Shaped like the real stack's errors so scenarios can match on
// (kind, op, parameter, rule).
#pragma once
#include <stdexcept>
#include <string>

namespace npusim {

struct Failure {
  std::string kind;       // constraint, oom, graph, import, attribute, load, config, input, runtime
  std::string op;         // operator or component that raised it
  std::string parameter;  // offending parameter or tensor name
  std::string value;      // the value it had
  std::string rule;       // rule id, e.g. "fia.mla.num_heads_power_of_two"
  std::string message;    // what is wrong, in words
  std::string hint;       // what would fix it
  std::string where;      // origin: "layer 3 model.layers.3.self_attn (decode)" or FILE:LINE

  std::string to_string() const;
};

class FailureError : public std::runtime_error {
 public:
  explicit FailureError(Failure failure);
  const Failure& failure() const { return failure_; }

 private:
  Failure failure_;
};

}  // namespace npusim
