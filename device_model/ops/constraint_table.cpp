#include "device_model/ops/constraint_table.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "op_stream/did_you_mean.h"

namespace npusim::device {
namespace {

const std::map<std::string, CheckKind>& check_names() {
  static const std::map<std::string, CheckKind> names{
      {"one_of", CheckKind::one_of},          {"rank_in", CheckKind::one_of},
      {"string_in", CheckKind::string_in},    {"dtype_in", CheckKind::string_in},
      {"min", CheckKind::min},                {"max", CheckKind::max},
      {"multiple_of", CheckKind::multiple_of}, {"power_of_two", CheckKind::power_of_two},
      {"divides", CheckKind::divides},        {"divisible_by", CheckKind::divisible_by},
      {"same_as", CheckKind::same_as},        {"required", CheckKind::required},
  };
  return names;
}

const std::vector<std::string>& rule_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k{"id", "parameter", "when", "message", "hint", "source"};
    for (const auto& [name, kind] : check_names()) k.push_back(name);
    return k;
  }();
  return keys;
}

[[noreturn]] void table_error(const std::string& path, const YAML::Mark& mark,
                              const std::string& message, const std::string& hint = "") {
  Failure f;
  f.kind = "config";
  f.op = "constraint table";
  f.message = message;
  f.hint = hint;
  f.where = mark.line >= 0 ? path + ":" + std::to_string(mark.line + 1) : path;
  throw FailureError(f);
}

AttrValue scalar_value(const YAML::Node& node) {
  int64_t i;
  double d;
  bool b;
  if (YAML::convert<int64_t>::decode(node, i)) return i;
  if (YAML::convert<double>::decode(node, d)) return d;
  if (YAML::convert<bool>::decode(node, b)) return b;
  return node.as<std::string>();
}

std::optional<double> numeric(const AttrValue& value) {
  if (auto i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  if (auto d = std::get_if<double>(&value)) return *d;
  if (auto b = std::get_if<bool>(&value)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

bool same_value(const AttrValue& a, const AttrValue& b) {
  const auto na = numeric(a), nb = numeric(b);
  if (na && nb) return *na == *nb;
  return a == b;
}

const AttrValue* fact(const Facts& facts, const std::string& name) {
  auto it = facts.values().find(name);
  if (it == facts.values().end() || std::holds_alternative<std::monostate>(it->second)) return nullptr;
  return &it->second;
}

// `lenient`: a missing fact matches (allowed_values); otherwise it does not (check).
bool when_matches(const ConstraintRule& rule, const Facts& facts, bool lenient) {
  for (const auto& [name, accepted] : rule.when) {
    const AttrValue* value = fact(facts, name);
    if (!value) {
      if (lenient) continue;
      return false;
    }
    if (std::none_of(accepted.begin(), accepted.end(),
                     [&](const AttrValue& a) { return same_value(a, *value); }))
      return false;
  }
  return true;
}

bool is_power_of_two(double v) {
  if (v < 1 || v != std::floor(v)) return false;
  const auto i = static_cast<int64_t>(v);
  return (i & (i - 1)) == 0;
}

// True when the rule holds (or does not apply for lack of facts).
bool holds(const ConstraintRule& rule, const Facts& facts) {
  const AttrValue* value = fact(facts, rule.parameter);
  if (rule.check == CheckKind::required) return value != nullptr;
  if (!value) return true;
  const auto number = numeric(*value);
  const AttrValue* other = rule.other_fact.empty() ? nullptr : fact(facts, rule.other_fact);
  const auto other_number = other ? numeric(*other) : std::nullopt;
  switch (rule.check) {
    case CheckKind::one_of:
      return number && std::find(rule.ints.begin(), rule.ints.end(),
                                 static_cast<int64_t>(*number)) != rule.ints.end() &&
             *number == std::floor(*number);
    case CheckKind::string_in: {
      auto text = std::get_if<std::string>(value);
      return text && std::find(rule.strings.begin(), rule.strings.end(), *text) != rule.strings.end();
    }
    case CheckKind::min: return number && *number >= rule.limit;
    case CheckKind::max: return number && *number <= rule.limit;
    case CheckKind::multiple_of: return number && std::fmod(*number, rule.limit) == 0;
    case CheckKind::power_of_two: return number && is_power_of_two(*number);
    case CheckKind::divides:
      if (!other) return true;
      return number && other_number && *number != 0 && std::fmod(*other_number, *number) == 0;
    case CheckKind::divisible_by:
      if (!other) return true;
      return number && other_number && *other_number != 0 && std::fmod(*number, *other_number) == 0;
    case CheckKind::same_as: return !other || same_value(*value, *other);
    case CheckKind::required: return true;
  }
  return true;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::string format_number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e15) return std::to_string(static_cast<int64_t>(v));
  return attr_to_string(v);
}

std::string allowed_text(const ConstraintRule& rule) {
  std::vector<std::string> items;
  for (int64_t v : rule.ints) items.push_back(std::to_string(v));
  for (const auto& s : rule.strings) items.push_back(s);
  return "{" + join(items) + "}";
}

// The smallest value >= the actual one that the rule accepts ("" if none).
std::string suggestion(const ConstraintRule& rule, const AttrValue* value) {
  const auto number = value ? numeric(*value) : std::nullopt;
  switch (rule.check) {
    case CheckKind::one_of: {
      if (!number) return "";
      std::vector<int64_t> sorted = rule.ints;
      std::sort(sorted.begin(), sorted.end());
      for (int64_t v : sorted)
        if (v >= *number) return std::to_string(v);
      return "";
    }
    case CheckKind::power_of_two: {
      if (!number) return "";
      int64_t p = 1;
      while (p < *number) p *= 2;
      return std::to_string(p);
    }
    case CheckKind::min:
    case CheckKind::max: return format_number(rule.limit);
    case CheckKind::multiple_of:
      if (!number) return "";
      return format_number(std::ceil(*number / rule.limit) * rule.limit);
    default: return "";
  }
}

void replace_all(std::string& text, const std::string& key, const std::string& with) {
  for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + with.size()))
    text.replace(pos, key.size(), with);
}

std::string fill(std::string text, const ConstraintRule& rule, const Facts& facts) {
  const AttrValue* value = fact(facts, rule.parameter);
  const AttrValue* other = rule.other_fact.empty() ? nullptr : fact(facts, rule.other_fact);
  replace_all(text, "{parameter}", rule.parameter);
  replace_all(text, "{value}", value ? attr_to_string(*value) : "None");
  replace_all(text, "{suggestion}", suggestion(rule, value));
  replace_all(text, "{allowed}", allowed_text(rule));
  replace_all(text, "{limit}", format_number(rule.limit));
  replace_all(text, "{other}", other ? attr_to_string(*other) : "None");
  replace_all(text, "{other_fact}", rule.other_fact);
  return text;
}

std::string default_hint(const ConstraintRule& rule) {
  switch (rule.check) {
    case CheckKind::one_of:
    case CheckKind::power_of_two:
    case CheckKind::min:
    case CheckKind::max:
    case CheckKind::multiple_of: return "use {parameter} = {suggestion}";
    case CheckKind::string_in: return "use one of {allowed}";
    default: return "";
  }
}

ConstraintRule parse_rule(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) table_error(path, node.Mark(), "a rule must be a map");
  ConstraintRule rule;
  int checks = 0;
  for (const auto& entry : node) {
    const auto key = entry.first.as<std::string>();
    const auto& known = rule_keys();
    if (std::find(known.begin(), known.end(), key) == known.end())
      table_error(path, entry.first.Mark(), "unknown rule key '" + key + "'" + did_you_mean(key, known));
    auto check = check_names().find(key);
    if (check == check_names().end()) continue;
    ++checks;
    rule.check = check->second;
    rule.check_name = key;
    const YAML::Node& arg = entry.second;
    switch (rule.check) {
      case CheckKind::one_of:
        if (!arg.IsSequence()) table_error(path, arg.Mark(), key + " takes a list of integers");
        for (const auto& v : arg) rule.ints.push_back(v.as<int64_t>());
        break;
      case CheckKind::string_in:
        if (!arg.IsSequence()) table_error(path, arg.Mark(), key + " takes a list of names");
        for (const auto& v : arg) {
          std::string name = v.as<std::string>();
          if (key == "dtype_in") {
            auto dtype = parse_dtype(name);
            if (!dtype) table_error(path, v.Mark(), "unknown dtype '" + name + "'");
            name = std::string(dtype_name(*dtype));
          }
          rule.strings.push_back(name);
        }
        break;
      case CheckKind::min:
      case CheckKind::max:
      case CheckKind::multiple_of:
        rule.limit = arg.as<double>();
        if (rule.check == CheckKind::multiple_of && rule.limit <= 0)
          table_error(path, arg.Mark(), "multiple_of needs a positive number");
        break;
      case CheckKind::divides:
      case CheckKind::divisible_by:
      case CheckKind::same_as: rule.other_fact = arg.as<std::string>(); break;
      case CheckKind::power_of_two:
      case CheckKind::required:
        if (!arg.as<bool>()) table_error(path, arg.Mark(), key + " must be true when given");
        break;
    }
  }
  if (checks != 1) table_error(path, node.Mark(), "a rule needs exactly one check", "one of: one_of, min, max, ...");
  for (const char* required : {"id", "parameter", "message", "source"})
    if (!node[required]) table_error(path, node.Mark(), std::string("rule lacks '") + required + "'");
  rule.id = node["id"].as<std::string>();
  rule.parameter = node["parameter"].as<std::string>();
  rule.message = node["message"].as<std::string>();
  rule.source = node["source"].as<std::string>();
  rule.hint = node["hint"] ? node["hint"].as<std::string>() : default_hint(rule);
  if (const auto when = node["when"]) {
    if (!when.IsMap()) table_error(path, when.Mark(), "'when' must map facts to values");
    for (const auto& cond : when) {
      std::vector<AttrValue> accepted;
      if (cond.second.IsSequence())
        for (const auto& v : cond.second) accepted.push_back(scalar_value(v));
      else
        accepted.push_back(scalar_value(cond.second));
      rule.when.emplace_back(cond.first.as<std::string>(), std::move(accepted));
    }
  }
  return rule;
}

}  // namespace

ConstraintTable ConstraintTable::load(const std::string& op, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    table_error(path, YAML::Mark::null_mark(), "constraint table of " + op + " not found");
  } catch (const YAML::Exception& e) {
    table_error(path, e.mark, e.msg);
  }
  ConstraintTable table;
  table.op_ = op;
  try {
    if (!root["op"] || root["op"].as<std::string>() != op)
      table_error(path, root.Mark(), "table must declare 'op: " + op + "'");
    const auto rules = root["rules"];
    if (!rules || !rules.IsSequence()) table_error(path, root.Mark(), "table needs a 'rules' list");
    for (const auto& node : rules) {
      table.rules_.push_back(parse_rule(node, path));
      for (size_t i = 0; i + 1 < table.rules_.size(); ++i)
        if (table.rules_[i].id == table.rules_.back().id)
          table_error(path, node.Mark(), "duplicate rule id '" + table.rules_.back().id + "'");
    }
  } catch (const YAML::Exception& e) {
    table_error(path, e.mark, e.msg);
  }
  return table;
}

const ConstraintRule* ConstraintTable::first_violation(const Facts& facts) const {
  for (const auto& rule : rules_)
    if (rule.enabled && when_matches(rule, facts, false) && !holds(rule, facts)) return &rule;
  return nullptr;
}

void ConstraintTable::check(const Facts& facts, const std::string& where) const {
  const ConstraintRule* rule = first_violation(facts);
  if (!rule) return;
  const AttrValue* value = fact(facts, rule->parameter);
  Failure f;
  f.kind = "constraint";
  f.op = op_;
  f.parameter = rule->parameter;
  f.value = value ? attr_to_string(*value) : "None";
  f.rule = rule->id;
  f.message = fill(rule->message, *rule, facts);
  f.hint = fill(rule->hint, *rule, facts);
  f.where = where;
  throw FailureError(f);
}

std::optional<std::vector<int64_t>> ConstraintTable::allowed_values(const std::string& parameter,
                                                                    const Facts& facts) const {
  std::vector<const ConstraintRule*> applicable;
  for (const auto& rule : rules_)
    if (rule.enabled && rule.parameter == parameter && when_matches(rule, facts, true))
      applicable.push_back(&rule);
  std::optional<double> upper;
  for (const auto* rule : applicable)
    if (rule->check == CheckKind::max) upper = upper ? std::min(*upper, rule->limit) : rule->limit;
  std::optional<std::vector<int64_t>> values;
  auto intersect = [&values](std::vector<int64_t> candidates) {
    std::sort(candidates.begin(), candidates.end());
    if (!values) {
      values = std::move(candidates);
      return;
    }
    std::vector<int64_t> both;
    std::set_intersection(values->begin(), values->end(), candidates.begin(), candidates.end(),
                          std::back_inserter(both));
    values = std::move(both);
  };
  for (const auto* rule : applicable) {
    if (rule->check == CheckKind::one_of) intersect(rule->ints);
    if (rule->check == CheckKind::power_of_two && upper) {
      std::vector<int64_t> powers;
      for (int64_t p = 1; p <= *upper; p *= 2) powers.push_back(p);
      intersect(powers);
    }
  }
  if (!values) return std::nullopt;
  // Bounds of the other applicable rules narrow the enumeration.
  Facts probe = facts;
  std::vector<int64_t> kept;
  for (int64_t v : *values) {
    probe.set(parameter, v);
    const bool ok = std::all_of(applicable.begin(), applicable.end(), [&](const ConstraintRule* r) {
      const bool scalar = r->check == CheckKind::min || r->check == CheckKind::max ||
                          r->check == CheckKind::multiple_of;
      return !scalar || holds(*r, probe);
    });
    if (ok) kept.push_back(v);
  }
  return kept;
}

std::string rule_condition_text(const ConstraintRule& rule) {
  std::string text = rule.parameter + " ";
  switch (rule.check) {
    case CheckKind::one_of:
    case CheckKind::string_in: text += "in " + allowed_text(rule); break;
    case CheckKind::min: text += ">= " + format_number(rule.limit); break;
    case CheckKind::max: text += "<= " + format_number(rule.limit); break;
    case CheckKind::multiple_of: text += "multiple of " + format_number(rule.limit); break;
    case CheckKind::power_of_two: text += "a power of two"; break;
    case CheckKind::divides: text += "divides " + rule.other_fact; break;
    case CheckKind::divisible_by: text += "divisible by " + rule.other_fact; break;
    case CheckKind::same_as: text += "equals " + rule.other_fact; break;
    case CheckKind::required: text += "given"; break;
  }
  if (!rule.when.empty()) {
    std::vector<std::string> conds;
    for (const auto& [name, accepted] : rule.when) {
      std::vector<std::string> values;
      for (const auto& v : accepted) values.push_back(attr_to_string(v));
      conds.push_back(name + "=" + (values.size() == 1 ? values[0] : "{" + join(values) + "}"));
    }
    text += " when " + join(conds);
  }
  return text;
}

std::string constraints_dir() {
  // Tables live beside the presets in the source tree: device_model/ops/constraints.
  return (std::filesystem::path(NPUSIM_PRESET_DIR).parent_path() / "ops" / "constraints").string();
}

}  // namespace npusim::device
