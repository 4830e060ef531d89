// A shared link (L2 or HBM) as a calendar of time buckets, each able to carry
// bandwidth x bucket width bytes. A transfer fills the capacity that earlier
// reservations left, from its request time on, no faster than the requester's
// own port. Unlike a single "next free time", requests may arrive out of time
// order (temporally decoupled initiators) and still backfill idle bandwidth.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace npusim::device {

class BandwidthCalendar {
 public:
  BandwidthCalendar(double bytes_per_ns, double bucket_ns);

  // Returns the completion time of `bytes` requested at request_ns.
  double reserve(double request_ns, double bytes, double max_bytes_per_ns);
  // Buckets ending before `ns` can no longer be requested (simulation time
  // passed them): drop them.
  void forget_before(double ns);
  double bytes_moved() const { return bytes_moved_; }

 private:
  double& used(int64_t bucket);

  double bytes_per_ns_;
  double bucket_ns_;
  double bucket_capacity_;
  int64_t first_bucket_ = 0;
  // Bytes reserved in bucket first_bucket_ + i - head_; entries before head_
  // are forgotten and compacted away in chunks (cheaper than a deque).
  std::vector<double> used_;
  size_t head_ = 0;
  double bytes_moved_ = 0;
};

}  // namespace npusim::device
