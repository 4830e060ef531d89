#include "device_model/timing/work_cache.h"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <variant>

namespace npusim::device {
namespace {

// Appends raw bytes to a buffer that only grows. Room is made once per field
// group and the bytes are then copied without further checks: per-byte
// bookkeeping (std::string::append) dominated the lookup.
class KeyWriter {
 public:
  explicit KeyWriter(std::string& buffer) : buffer_(buffer) {}
  std::string_view key() const { return {buffer_.data(), size_}; }

  void reserve(size_t length) {
    if (size_ + length > buffer_.size()) buffer_.resize(2 * (size_ + length));
  }
  void bytes(const void* data, size_t length) {
    reserve(length);
    raw(data, length);
  }
  template <typename T>
  void put(const T& value) {
    reserve(sizeof(T));
    put_raw(value);
  }
  // Length-prefixed, so that no two different calls give the same bytes.
  void put_string(const std::string& s) {
    reserve(sizeof(size_t) + s.size());
    put_string_raw(s);
  }
  void put_slots(const std::vector<NamedTensor>& slots) {
    put(slots.size());
    for (const NamedTensor& slot : slots) {
      const TensorRef* t = slot.tensor ? &*slot.tensor : nullptr;
      reserve(4 * sizeof(size_t) + slot.name.size() + 2 +
              (t ? t->shape.size() * sizeof(int64_t) + t->layout.size() : 0));
      put_string_raw(slot.name);
      put_raw(t != nullptr);
      if (!t) continue;
      put_raw(static_cast<uint8_t>(t->dtype));
      put_raw(t->shape.size());
      raw(t->shape.data(), t->shape.size() * sizeof(int64_t));
      put_string_raw(t->layout);
    }
  }

 private:
  void raw(const void* data, size_t length) {
    if (length == 0) return;
    std::memcpy(&buffer_[size_], data, length);
    size_ += length;
  }
  template <typename T>
  void put_raw(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(&buffer_[size_], &value, sizeof(T));  // fixed size: inlined
    size_ += sizeof(T);
  }
  void put_string_raw(const std::string& s) {
    put_raw(s.size());
    raw(s.data(), s.size());
  }

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
