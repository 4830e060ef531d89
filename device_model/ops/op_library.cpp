#include "device_model/ops/op_library.h"

#include <cctype>

#include "device_model/ops/constraint_table.h"
#include "device_model/ops/op_registry.h"
#include "op_stream/did_you_mean.h"

namespace npusim::device {
namespace {

// "FusedInferAttentionScore" -> "fused_infer_attention_score": the table's file name.
std::string snake_case(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

ConstraintTable load_table(const std::string& op) {
  return ConstraintTable::load(op, constraints_dir() + "/" + snake_case(op) + ".yaml");
}

std::string enabled_key(const ConstraintRule& rule) { return "constraints." + rule.id + ".enabled"; }
std::string one_of_key(const ConstraintRule& rule) { return "constraints." + rule.id + ".one_of"; }

}  // namespace

OpLibrary::OpLibrary(const DeviceConfig& config) {
  for (auto& def : builtin_op_definitions()) {
    auto table = std::make_unique<ConstraintTable>(load_table(def.name));
    for (auto& rule : table->rules()) {
      rule.enabled = config.flag_or(enabled_key(rule), true);
      if (rule.check == CheckKind::one_of && config.has(one_of_key(rule))) {
        rule.ints.clear();
        for (double v : config.numbers(one_of_key(rule))) rule.ints.push_back(static_cast<int64_t>(v));
      }
    }
    tables_.emplace(def.name, std::move(table));
    const std::string name = def.name;
    ops_.emplace(name, std::move(def));
  }
}

OpLibrary::~OpLibrary() = default;

const OpDefinition* OpLibrary::find(const std::string& op) const {
  auto it = ops_.find(op);
  return it == ops_.end() ? nullptr : &it->second;
}

std::vector<std::string> OpLibrary::op_names() const {
  std::vector<std::string> names;
  for (const auto& [name, def] : ops_) names.push_back(name);
  return names;
}

std::vector<RuleSummary> OpLibrary::rules(const std::string& op) const {
  std::vector<RuleSummary> out;
  auto it = tables_.find(op);
  if (it == tables_.end()) return out;
  for (const auto& rule : it->second->rules())
    out.push_back({rule.id, rule.parameter, rule_condition_text(rule), rule.source, rule.enabled});
  return out;
}

void OpLibrary::check(const OpCall& call) const {
  const OpDefinition* def = find(call.op);
  if (!def) {
    Failure f;
    f.kind = "unsupported_op";
    f.op = call.op;
    f.parameter = "op";
    f.value = call.op;
    f.message = "the device's operator library has no operator '" + call.op + "'" +
                did_you_mean(call.op, op_names());
    f.hint = "run `npusim ops` for the operators this device provides";
    f.where = call.origin.to_string();
    throw FailureError(f);
  }
  tables_.at(call.op)->check(def->facts(call), call.origin.to_string());
}

std::optional<std::vector<int64_t>> OpLibrary::allowed_values(const std::string& op,
                                                              const std::string& parameter,
                                                              const Facts& facts) const {
  auto it = tables_.find(op);
  if (it == tables_.end()) return std::nullopt;
  return it->second->allowed_values(parameter, facts);
}

std::map<std::string, ConfigValue> OpLibrary::declared_config_keys() {
  std::map<std::string, ConfigValue> keys;
  for (const auto& def : builtin_op_definitions()) {
    const ConstraintTable table = load_table(def.name);
    for (const auto& rule : table.rules()) {
      keys.emplace(enabled_key(rule), true);
      if (rule.check == CheckKind::one_of)
        keys.emplace(one_of_key(rule), std::vector<double>(rule.ints.begin(), rule.ints.end()));
    }
  }
  return keys;
}

}  // namespace npusim::device
