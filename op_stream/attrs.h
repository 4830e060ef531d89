// Typed operator attributes (num_heads, sparse_mode, eps, ...), ordered by name
// so that serialisation is deterministic.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace npusim {

using AttrValue =
    std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<int64_t>>;

class Attrs {
 public:
  Attrs() = default;
  Attrs(std::initializer_list<std::pair<const std::string, AttrValue>> init) : values_(init) {}

  Attrs& set(const std::string& name, AttrValue value);
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // True when the attribute is absent or explicitly null (None).
  bool is_null(const std::string& name) const;

  std::optional<int64_t> get_int(const std::string& name) const;
  std::optional<double> get_double(const std::string& name) const;  // ints widen
  std::optional<bool> get_bool(const std::string& name) const;
  std::optional<std::string> get_string(const std::string& name) const;
  std::optional<std::vector<int64_t>> get_ints(const std::string& name) const;

  int64_t int_or(const std::string& name, int64_t fallback) const;
  double double_or(const std::string& name, double fallback) const;
  bool bool_or(const std::string& name, bool fallback) const;
  std::string string_or(const std::string& name, const std::string& fallback) const;

  const std::map<std::string, AttrValue>& values() const { return values_; }
  bool operator==(const Attrs& other) const { return values_ == other.values_; }

 private:
  std::map<std::string, AttrValue> values_;
};

std::string attr_to_string(const AttrValue& value);

}  // namespace npusim
