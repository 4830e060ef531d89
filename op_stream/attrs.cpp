#include "op_stream/attrs.h"

namespace npusim {

Attrs& Attrs::set(const std::string& name, AttrValue value) {
  values_[name] = std::move(value);
  return *this;
}

bool Attrs::is_null(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() || std::holds_alternative<std::monostate>(it->second);
}

std::optional<int64_t> Attrs::get_int(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  if (auto v = std::get_if<int64_t>(&it->second)) return *v;
  if (auto b = std::get_if<bool>(&it->second)) return *b ? 1 : 0;
  return std::nullopt;
}

std::optional<double> Attrs::get_double(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  if (auto v = std::get_if<double>(&it->second)) return *v;
  if (auto i = std::get_if<int64_t>(&it->second)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<bool> Attrs::get_bool(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  if (auto v = std::get_if<bool>(&it->second)) return *v;
  return std::nullopt;
}

std::optional<std::string> Attrs::get_string(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  if (auto v = std::get_if<std::string>(&it->second)) return *v;
  return std::nullopt;
}

std::optional<std::vector<int64_t>> Attrs::get_ints(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  if (auto v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  return std::nullopt;
}

int64_t Attrs::int_or(const std::string& name, int64_t fallback) const {
  return get_int(name).value_or(fallback);
}
double Attrs::double_or(const std::string& name, double fallback) const {
  return get_double(name).value_or(fallback);
}
bool Attrs::bool_or(const std::string& name, bool fallback) const {
  return get_bool(name).value_or(fallback);
}
std::string Attrs::string_or(const std::string& name, const std::string& fallback) const {
  return get_string(name).value_or(fallback);
}

std::string attr_to_string(const AttrValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::string s = std::to_string(d);
      return s;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<int64_t>& v) const {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace npusim
