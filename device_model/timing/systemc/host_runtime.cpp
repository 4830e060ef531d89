#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "device_model/timing/systemc/host_runtime.h"

#include <algorithm>

#include "device_model/timing/systemc/sim_clock.h"

namespace npusim::device {

HostRuntime::HostRuntime(sc_core::sc_module_name name, const std::vector<PlannedLaunch>& plan,
                         const HardwareSpec& spec, std::vector<AiCore*> cube_cores, std::vector<AiCore*> vector_cores)
    : sc_core::sc_module(name),
      plan_(plan),
      spec_(spec),
      cube_(std::move(cube_cores)),
      vector_(std::move(vector_cores)),
      ops_(plan.size()),
      ready_ns_(plan.size(), 0.0),
      done_(plan.size(), 0) {
  for (const PlannedLaunch& p : plan_) streams_.emplace(p.stream, nullptr);
  for (auto& [id, stream] : streams_) {
    stream = std::make_unique<Stream>();
    sc_core::sc_spawn(sc_bind(&HostRuntime::stream_worker, this, id));
  }
  SC_HAS_PROCESS(HostRuntime);
  SC_THREAD(host);
}

double HostRuntime::streams_done_ns() const {
  double t = 0;
  for (const auto& entry : streams_) t = std::max(t, entry.second->free_ns);
  return t;
}

void HostRuntime::enqueue(size_t index, double ready_ns) {
  Stream& s = *streams_.at(plan_[index].stream);
  ready_ns_[index] = ready_ns;
  s.queue.push_back(index);
  s.arrived.notify(sc_core::SC_ZERO_TIME);
}

void HostRuntime::wait_until_idle(Stream& stream) {
  while (!stream.queue.empty() || stream.busy) sc_core::wait(stream.progressed);
}

// Launches never block the host (they are asynchronous); copies and
// synchronize do, so only they make the host wait for the simulation.
void HostRuntime::host() {
  for (size_t i = 0; i < plan_.size(); ++i) {
    const PlannedLaunch& p = plan_[i];
    TimedOp& t = ops_[i];
    t = timed_op_for(p);
    t.host_start_ns = host_ns_;
    switch (p.kind) {
      case LaunchKind::kernel:
      case LaunchKind::graph_node:
        host_ns_ += p.host_ns;
        enqueue(i, host_ns_);
        break;
      case LaunchKind::capture:
      case LaunchKind::graph_launch:
      case LaunchKind::host_call:
        host_ns_ += p.host_ns;
        t.start_ns = t.end_ns = host_ns_;
        break;
      case LaunchKind::copy: {
        enqueue(i, host_ns_);
        Stream& s = *streams_.at(p.stream);
        while (!done_[i]) sc_core::wait(s.progressed);
        host_ns_ = t.end_ns;
        break;
      }
      case LaunchKind::synchronize:
        for (auto& entry : streams_) wait_until_idle(*entry.second);
        t.start_ns = t.end_ns = std::max(host_ns_, streams_done_ns());
        host_ns_ = t.end_ns + p.host_ns;
        break;
    }
    if (p.kind != LaunchKind::copy && p.kind != LaunchKind::synchronize) host_launch_ns_ += p.host_ns;
    t.host_end_ns = host_ns_;
  }
}

double HostRuntime::dispatch(const PlannedLaunch& p, double start_ns, Stream& stream, int& cores) {
  const bool cube = p.work.core == CoreKind::cube;
  std::vector<AiCore*>& pool = cube ? cube_ : vector_;
  size_t& next = cube ? next_cube_ : next_vector_;
  cores = cores_used(p.work, spec_);
  if (cores == 0) return start_ns;
  const TileCosts costs = tile_costs(p.work, spec_);
  stream.completion.expect(cores);
  active_cores_ += cores;
  for (int j = 0; j < cores; ++j)
    pool[(next + j) % pool.size()]->assign(
        CoreJob{tiles_on_core(p.work, spec_, j), start_ns, costs, &stream.completion, &active_cores_});
  next = (next + cores) % pool.size();
  sc_core::wait(stream.completion.done);
  return stream.completion.end_ns();
}

void HostRuntime::stream_worker(int id) {
  Stream& s = *streams_.at(id);
  while (true) {
    while (s.queue.empty()) sc_core::wait(s.arrived);
    const size_t i = s.queue.front();
    s.queue.pop_front();
    s.busy = true;
    const PlannedLaunch& p = plan_[i];
    TimedOp& t = ops_[i];
    t.start_ns = std::max(ready_ns_[i], s.free_ns);
    // Start in simulation-time order so cores see other streams' work in order.
    if (t.start_ns > now_ns()) sc_core::wait(ns_time(t.start_ns - now_ns()));
    const double fixed_end = t.start_ns + p.device_fixed_ns;
    t.end_ns = p.has_work ? dispatch(p, fixed_end, s, t.cores_used) : fixed_end;
    s.free_ns = t.end_ns;
    s.busy = false;
    done_[i] = 1;
    s.progressed.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace npusim::device
