#include "device_model/timing/analytic_timing.h"

#include <algorithm>
#include <map>

#include "device_model/timing/tile_pipeline.h"

namespace npusim::device {

TimingResult simulate_analytic(std::vector<PlannedLaunch> plan, const HardwareSpec& spec) {
  TimingResult r;
  r.cube_cores = spec.cube_cores;
  r.vector_cores = spec.vector_cores;
  r.ops.reserve(plan.size());
  double host = 0;
  std::map<int, double> stream_free;
  auto all_streams_done = [&] {
    double t = 0;
    for (const auto& entry : stream_free) t = std::max(t, entry.second);
    return t;
  };
  for (PlannedLaunch& p : plan) {
    const OpTime op = p.has_work ? analytic_op_time(p.work, spec) : OpTime{};
    const CoreKind core = p.work.core;
    const LaunchKind kind = p.kind;
    const double host_ns = p.host_ns, fixed_ns = p.device_fixed_ns;
    double& free = stream_free[p.stream];
    TimedOp t = timed_op_for(std::move(p));
    t.host_start_ns = host;
    switch (kind) {
      case LaunchKind::kernel:
      case LaunchKind::graph_node: {
        host += host_ns;
        t.start_ns = std::max(host, free);
        t.end_ns = t.start_ns + fixed_ns + op.duration_ns;
        t.cores_used = op.cores;
        free = t.end_ns;
        (core == CoreKind::cube ? r.cube_busy_ns : r.vector_busy_ns) += op.busy_ns;
        r.hbm_bytes += op.hbm_bytes;
        break;
      }
      case LaunchKind::capture:
      case LaunchKind::graph_launch:
      case LaunchKind::host_call:
        host += host_ns;
        t.start_ns = t.end_ns = host;
        break;
      case LaunchKind::copy:
        t.start_ns = std::max(host, free);
        t.end_ns = t.start_ns + fixed_ns;
        free = host = t.end_ns;  // blocking copy: the host waits for it
        break;
      case LaunchKind::synchronize:
        t.start_ns = t.end_ns = std::max(host, all_streams_done());
        host = t.end_ns + host_ns;
        break;
    }
    if (kind != LaunchKind::copy && kind != LaunchKind::synchronize) r.host_launch_ns += host_ns;
    t.host_end_ns = host;
    r.ops.push_back(std::move(t));
  }
  r.total_ns = std::max(host, all_streams_done());
  return r;
}

}  // namespace npusim::device
