#include "device_model/timing/work_cache.h"

#include <cstring>
#include <type_traits>
#include <variant>

namespace npusim::device {
namespace {

// Appends raw bytes to a buffer that only grows (no per-byte bookkeeping of
// std::string::append, which dominated the lookup).
class KeyWriter {
 public:
  explicit KeyWriter(std::string& buffer) : buffer_(buffer) {}
  std::string_view key() const { return {buffer_.data(), size_}; }

  void bytes(const void* data, size_t length) {
    if (length == 0) return;
    if (size_ + length > buffer_.size()) buffer_.resize(2 * (size_ + length));
    std::memcpy(&buffer_[size_], data, length);
    size_ += length;
  }
  template <typename T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&value, sizeof(T));
  }
  // Length-prefixed, so that no two different calls give the same bytes.
  void put_string(const std::string& s) {
    put(s.size());
    bytes(s.data(), s.size());
  }
  void put_slots(const std::vector<NamedTensor>& slots) {
    put(slots.size());
    for (const NamedTensor& slot : slots) {
      put_string(slot.name);
      put(slot.tensor.has_value());
      if (!slot.tensor) continue;
      put(slot.tensor->dtype);
      put(slot.tensor->shape.size());
      bytes(slot.tensor->shape.data(), slot.tensor->shape.size() * sizeof(int64_t));
      put_string(slot.tensor->layout);
    }
  }

 private:
  std::string& buffer_;
  size_t size_ = 0;
};

// Everything a cost function may read (see work_cache.h), nothing else.
std::string_view cost_key(const OpCall& call, std::string& buffer) {
  KeyWriter w(buffer);
  w.put_string(call.op);
  w.put_slots(call.inputs);
  w.put_slots(call.outputs);
  w.put(call.attrs.values().size());
  for (const auto& [name, value] : call.attrs.values()) {
    w.put_string(name);
    w.put(value.index());
    std::visit(
        [&w](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            w.put_string(v);
          } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
            w.put(v.size());
            w.bytes(v.data(), v.size() * sizeof(int64_t));
          } else if constexpr (!std::is_same_v<T, std::monostate>) {
            w.put(v);
          }
        },
        value);
  }
  return w.key();
}

}  // namespace

int64_t WorkCache::find_or_add(const OpCall& call, const std::function<int64_t()>& add_work) {
  const std::string_view key = cost_key(call, buffer_);
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second;
  const int64_t work = add_work();
  entries_.emplace(keys_.emplace_back(key), work);
  return work;
}

}  // namespace npusim::device
