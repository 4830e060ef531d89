// One operator's constraint table: its rules as data (ops/constraints/<op>.yaml),
// checked in table order against the facts a call yields. The table knows no
// operator; every rule names a fact, a condition under which it applies (`when`)
// and one check from a small vocabulary (see docs in the YAML files).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "device_model/ops/op_definition.h"
#include "op_stream/failure.h"

namespace npusim::device {

enum class CheckKind {
  one_of,        // integer fact in a list (also rank_in)
  string_in,     // string fact in a list (also dtype_in)
  min,           // numeric fact >= limit
  max,           // numeric fact <= limit
  multiple_of,   // integer fact a multiple of limit
  power_of_two,  // integer fact a power of two
  divides,       // integer fact divides another fact
  divisible_by,  // integer fact divisible by another fact
  same_as,       // fact equals another fact
  required,      // fact must be present (slot or attribute given)
};

struct ConstraintRule {
  std::string id;
  std::string parameter;
  // Each listed fact must be present and equal one of its values.
  std::vector<std::pair<std::string, std::vector<AttrValue>>> when;
  CheckKind check = CheckKind::required;
  std::string check_name;            // as written in the YAML (dtype_in, rank_in, ...)
  std::vector<int64_t> ints;         // one_of
  std::vector<std::string> strings;  // string_in
  double limit = 0;                  // min, max, multiple_of
  std::string other_fact;            // divides, divisible_by, same_as
  std::string message;
  std::string hint;
  std::string source;
  bool enabled = true;
};

class ConstraintTable {
 public:
  // Throws FailureError{kind="config", where="FILE:LINE"} on a malformed table.
  static ConstraintTable load(const std::string& op, const std::string& path);

  const std::string& op() const { return op_; }
  const std::vector<ConstraintRule>& rules() const { return rules_; }
  std::vector<ConstraintRule>& rules() { return rules_; }

  // The first enabled rule that applies to `facts` and fails; nullptr if none.
  const ConstraintRule* first_violation(const Facts& facts) const;
  // Throws FailureError{kind="constraint"} for the first violation.
  void check(const Facts& facts, const std::string& where) const;
  // Intersection of the values the enabled rules on `parameter` enumerate (one_of,
  // power_of_two bounded by a max rule), filtered by that parameter's bounds.
  // A fact the rule's `when` names but `facts` lacks counts as matching: the
  // caller asks before it knows every fact, and must respect the strictest case.
  std::optional<std::vector<int64_t>> allowed_values(const std::string& parameter,
                                                     const Facts& facts) const;

 private:
  std::string op_;
  std::vector<ConstraintRule> rules_;
};

// Human text of a rule's condition, e.g. "num_heads one of {1, 2, 4} when mla=true".
std::string rule_condition_text(const ConstraintRule& rule);
// Folder holding the constraint tables (derived from NPUSIM_PRESET_DIR).
std::string constraints_dir();

}  // namespace npusim::device
