// Device memory bookkeeping: capacity, what each buffer is for, in-use and peak
// bytes. Exceeding the capacity is a simulated OOM (FailureError{kind="oom"})
// that names the largest holders, raised before any host memory is touched.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "device_model/runtime/device.h"

namespace npusim::device {

class Allocator {
 public:
  explicit Allocator(int64_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  // Throws oom when the buffer does not fit, runtime for a reused id or a
  // negative size; the allocator is unchanged on a throw.
  void allocate(BufferId buffer, int64_t bytes, const std::string& name, const Origin& origin);
  void release(BufferId buffer, const Origin& origin);  // runtime error for an unknown buffer
  bool contains(BufferId buffer) const { return buffers_.count(buffer) != 0; }
  int64_t size_bytes(BufferId buffer) const;  // 0 for an unknown buffer

  int64_t capacity_bytes() const { return capacity_bytes_; }
  int64_t in_use_bytes() const { return in_use_bytes_; }
  int64_t peak_bytes() const { return peak_bytes_; }
  std::vector<MemoryHolder> holders() const;  // largest first

 private:
  int64_t capacity_bytes_;
  int64_t in_use_bytes_ = 0;
  int64_t peak_bytes_ = 0;
  std::map<BufferId, MemoryHolder> buffers_;
};

// "1.50 GiB"-style size for messages.
std::string format_bytes(double bytes);

}  // namespace npusim::device
