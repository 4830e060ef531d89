#include "device_model/timing/bandwidth_calendar.h"

#include <algorithm>
#include <cmath>

namespace npusim::device {
namespace {
// Transfers below this many bytes count as done (floating-point residue).
constexpr double kResidueBytes = 1e-6;
}  // namespace

BandwidthCalendar::BandwidthCalendar(double bytes_per_ns, double bucket_ns)
    : bytes_per_ns_(bytes_per_ns), bucket_ns_(bucket_ns), bucket_capacity_(bytes_per_ns * bucket_ns) {}

double& BandwidthCalendar::used(int64_t bucket) {
  const size_t index = head_ + static_cast<size_t>(bucket - first_bucket_);
  if (index >= used_.size()) used_.resize(index + 1 + used_.size() / 2, 0.0);
  return used_[index];
}

double BandwidthCalendar::reserve(double request_ns, double bytes, double max_bytes_per_ns) {
  if (bytes <= kResidueBytes) return request_ns;
  bytes_moved_ += bytes;
  double t = std::max(request_ns, static_cast<double>(first_bucket_) * bucket_ns_);
  int64_t bucket = std::max(first_bucket_, static_cast<int64_t>(std::floor(t / bucket_ns_)));
  double remaining = bytes;
  const double port_rate = std::min(max_bytes_per_ns, bytes_per_ns_);
  for (;; ++bucket) {
    const double bucket_end = static_cast<double>(bucket + 1) * bucket_ns_;
    t = std::max(t, static_cast<double>(bucket) * bucket_ns_);
    const double span = bucket_end - t;
    if (span <= 0) continue;
    double& in_bucket = used(bucket);
    // What is left of this bucket, spread evenly over it, and what the port
    // can move in the part of the bucket still ahead of t.
    const double link_left = std::min(bucket_capacity_ - in_bucket, bytes_per_ns_ * span);
    const double can_take = std::max(0.0, std::min(link_left, port_rate * span));
    const double take = std::min(remaining, can_take);
    in_bucket += take;
    remaining -= take;
    if (remaining <= kResidueBytes) return t + span * (take / can_take);
  }
}

void BandwidthCalendar::forget_before(double ns) {
  const int64_t bucket = static_cast<int64_t>(std::floor(ns / bucket_ns_));
  if (bucket <= first_bucket_) return;
  head_ += static_cast<size_t>(bucket - first_bucket_);
  first_bucket_ = bucket;
  if (head_ >= used_.size()) {
    used_.clear();
    head_ = 0;
  } else if (head_ > used_.size() / 2) {
    used_.erase(used_.begin(), used_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

}  // namespace npusim::device
