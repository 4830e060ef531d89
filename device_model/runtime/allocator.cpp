#include "device_model/runtime/allocator.h"

#include <algorithm>
#include <cstdio>

#include "op_stream/failure.h"

namespace npusim::device {
namespace {
// How many holders an OOM message lists: enough to spot the culprit, short
// enough to read.
constexpr size_t kHoldersInMessage = 5;
}  // namespace

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
  return buf;
}

void Allocator::allocate(BufferId buffer, int64_t bytes, const std::string& name, const Origin& origin) {
  if (buffer < 0 || buffers_.count(buffer) || bytes < 0) {
    const std::string what = bytes < 0 ? "negative size" : buffer < 0 ? "negative buffer id" : "buffer id already allocated";
    throw FailureError({"runtime", "alloc", "buffer", std::to_string(buffer), "runtime.alloc",
                        "cannot allocate buffer " + std::to_string(buffer) + " (" + name + "): " + what,
                        "use a fresh non-negative buffer id and a size >= 0", origin.to_string()});
  }
  if (bytes > capacity_bytes_ - in_use_bytes_) {
    std::string message = "out of device memory: requested " + format_bytes(bytes) + " for '" + name + "' with " +
                          format_bytes(capacity_bytes_ - in_use_bytes_) + " free of " + format_bytes(capacity_bytes_) +
                          "; largest holders:";
    const auto top = holders();
    for (size_t i = 0; i < top.size() && i < kHoldersInMessage; ++i)
      message += (i ? ", " : " ") + top[i].name + " " + format_bytes(static_cast<double>(top[i].bytes));
    if (top.empty()) message += " none";
    throw FailureError({"oom", "alloc", name, std::to_string(bytes), "memory.hbm_bytes", message,
                        "reduce the batch, context or KV-cache size, shard the model (tp), or free buffers",
                        origin.to_string()});
  }
  buffers_[buffer] = MemoryHolder{buffer, name, bytes};
  in_use_bytes_ += bytes;
  peak_bytes_ = std::max(peak_bytes_, in_use_bytes_);
}

void Allocator::release(BufferId buffer, const Origin& origin) {
  auto it = buffers_.find(buffer);
  if (it == buffers_.end())
    throw FailureError({"runtime", "free", "buffer", std::to_string(buffer), "runtime.free",
                        "free of buffer " + std::to_string(buffer) + " that is not allocated",
                        "free each allocated buffer once", origin.to_string()});
  in_use_bytes_ -= it->second.bytes;
  buffers_.erase(it);
}

int64_t Allocator::size_bytes(BufferId buffer) const {
  auto it = buffers_.find(buffer);
  return it == buffers_.end() ? 0 : it->second.bytes;
}

std::vector<MemoryHolder> Allocator::holders() const {
  std::vector<MemoryHolder> out;
  out.reserve(buffers_.size());
  for (const auto& entry : buffers_) out.push_back(entry.second);
  std::stable_sort(out.begin(), out.end(), [](const MemoryHolder& a, const MemoryHolder& b) { return a.bytes > b.bytes; });
  return out;
}

}  // namespace npusim::device
