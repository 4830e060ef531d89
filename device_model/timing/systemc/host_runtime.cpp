#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "device_model/timing/systemc/host_runtime.h"

#include <algorithm>

#include "device_model/timing/systemc/sim_clock.h"

namespace npusim::device {

HostRuntime::HostRuntime(sc_core::sc_module_name name, const LaunchPlan& plan, const HardwareSpec& spec, std::vector<AiCore*> cube_cores, std::vector<AiCore*> vector_cores)
    : sc_core::sc_module(name),
      plan_(plan),
      spec_(spec),
      cube_(std::move(cube_cores)),
      vector_(std::move(vector_cores)),
      ops_(plan.launches.size()),
      ready_ns_(plan.launches.size(), 0.0),
      done_(plan.launches.size(), 0) {
  for (const PlannedLaunch& p : plan_.launches) streams_.emplace(p.stream, nullptr);
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
  Stream& s = *streams_.at(plan_.launches[index].stream);
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
  for (size_t i = 0; i < plan_.launches.size(); ++i) {
    const PlannedLaunch& p = plan_.launches[i];
    TimedOp& t = ops_[i];
    t = timed_op_for(p, plan_.tables);
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

int HostRuntime::cores_busy_at(double ns) const {
  int busy = 0;
  for (const auto* pool : {&cube_, &vector_})
    for (const AiCore* core : *pool) busy += core->free_ns() > ns;
  return busy;
}

double HostRuntime::dispatch(const OpWork& work, double start_ns, int& cores) {
  const bool cube = work.core == CoreKind::cube;
  std::vector<AiCore*>& pool = cube ? cube_ : vector_;
  size_t& next = cube ? next_cube_ : next_vector_;
  cores = cores_used(work, spec_);
  if (cores == 0) return start_ns;
  CoreJob job{0, start_ns, tile_costs(work, spec_), 0, 1};
  // Cores still busy with other streams' ops share the links with this op's.
  int own_busy = 0;
  for (int j = 0; j < cores; ++j) own_busy += pool[(next + j) % pool.size()]->free_ns() > start_ns;
  job.sharers = cores_busy_at(start_ns) - own_busy + cores;
  // Consecutive cores with the same tile count and start run in lockstep.
  auto core = [&](int j) { return pool[(next + j) % pool.size()]; };
  auto start_of = [&](int j) { return std::max(start_ns, core(j)->free_ns()); };
  double end_ns = start_ns;
  for (int j = 0; j < cores;) {
    job.tiles = tiles_on_core(work, spec_, j);
    job.start_ns = start_of(j);
    int k = j + 1;
    while (k < cores && tiles_on_core(work, spec_, k) == job.tiles && start_of(k) == job.start_ns) ++k;
    job.lockstep = k - j;
    const double group_end = core(j)->run(job);
    for (int m = j + 1; m < k; ++m) core(m)->follow(job, group_end);
    end_ns = std::max(end_ns, group_end);
    j = k;
  }
  next = (next + cores) % pool.size();
  return end_ns;
}

void HostRuntime::stream_worker(int id) {
  Stream& s = *streams_.at(id);
  while (true) {
    while (s.queue.empty()) sc_core::wait(s.arrived);
    const size_t i = s.queue.front();
    s.queue.pop_front();
    s.busy = true;
    const PlannedLaunch& p = plan_.launches[i];
    TimedOp& t = ops_[i];
    t.start_ns = std::max(ready_ns_[i], s.free_ns);
    // Yield once this stream is a quantum ahead, so the cores and links see
    // the streams' work roughly in simulation-time order.
    s.quantum.set(ns_time(t.start_ns - now_ns()));
    if (s.quantum.need_sync()) s.quantum.sync();
    const double fixed_end = t.start_ns + p.device_fixed_ns;
    t.end_ns = p.has_work() ? dispatch(plan_.work_of(p), fixed_end, t.cores_used) : fixed_end;
    s.free_ns = t.end_ns;
    s.busy = false;
    done_[i] = 1;
    s.progressed.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace npusim::device
