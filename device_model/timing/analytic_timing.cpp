#include "device_model/timing/analytic_timing.h"

#include <algorithm>
#include <map>

#include "device_model/timing/tile_pipeline.h"

namespace npusim::device {

TimingResult simulate_analytic(const std::vector<OpCall>& records, const HardwareSpec& spec) {
  TimingResult r;
  r.cube_cores = spec.cube_cores;
  r.vector_cores = spec.vector_cores;
  // Graph replays add their nodes: a decode stream plans about twice its records.
  r.ops.reserve(2 * records.size());
  const auto tables = std::make_shared<LaunchTables>();
  // An op alone on the device takes the same time whenever it runs, so each
  // work entry is evaluated once: the nodes of every replay share their
  // captured op's entry until a graph_update re-plans it into a new one, and
  // ops of the same shape share one entry.
  std::vector<OpTime> op_times;
  std::vector<char> timed;
  auto op_time = [&](const PlannedLaunch& p) {
    const size_t w = static_cast<size_t>(p.work);
    if (w >= timed.size()) {
      op_times.resize(tables->works.size());
      timed.resize(tables->works.size(), 0);
    }
    if (!timed[w]) {
      op_times[w] = analytic_op_time(tables->works[w], spec);
      timed[w] = 1;
    }
    return op_times[w];
  };
  double host = 0;
  std::map<int, double> stream_free;
  auto all_streams_done = [&] {
    double t = 0;
    for (const auto& entry : stream_free) t = std::max(t, entry.second);
    return t;
  };
  // Each launch is timed as the plan hands it out: no launch list is kept.
  plan_launches(records, spec, *tables, [&](const PlannedLaunch& p) {
    const OpTime op = p.has_work() ? op_time(p) : OpTime{};
    const LaunchKind kind = p.kind;
    const double host_ns = p.host_ns, fixed_ns = p.device_fixed_ns;
    double& free = stream_free[p.stream];
    TimedOp& t = r.ops.emplace_back();
    init_timed_op(t, p, tables);
    const CoreKind core = t.work().core;
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
  });
  r.total_ns = std::max(host, all_streams_done());
  return r;
}

}  // namespace npusim::device
