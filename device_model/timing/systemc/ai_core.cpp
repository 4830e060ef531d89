#include "device_model/timing/systemc/ai_core.h"

#include <algorithm>

#include "device_model/timing/systemc/memory_request.h"
#include "device_model/timing/systemc/sim_clock.h"

namespace npusim::device {

AiCore::AiCore(sc_core::sc_module_name name) : sc_core::sc_module(name), socket("socket") {
  trans_.set_extension(new MemoryRequest);  // owned by the payload
  trans_.set_address(0);
  trans_.set_data_ptr(nullptr);  // timing only: no data travels
  SC_HAS_PROCESS(AiCore);
  SC_THREAD(run);
}

void AiCore::assign(const CoreJob& job) {
  jobs_.push_back(job);
  work_.notify(sc_core::SC_ZERO_TIME);
}

double AiCore::transfer(double request_ns, double bytes, const CoreJob& job) {
  if (bytes <= 0) return request_ns;
  // Loosely timed: run ahead of simulation time by at most one quantum, so the
  // cores' requests reach the shared memory roughly in time order.
  quantum_.set(ns_time(request_ns - now_ns()));
  if (quantum_.need_sync()) quantum_.sync();
  MemoryRequest* req = trans_.get_extension<MemoryRequest>();
  req->hbm_fraction = job.costs.hbm_fraction;
  req->port_bytes_per_ns = job.costs.port_bytes_per_ns;
  req->sharers = *job.active_cores;
  trans_.set_command(tlm::TLM_READ_COMMAND);
  trans_.set_data_length(static_cast<unsigned int>(bytes));
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const double now = now_ns();
  sc_core::sc_time delay = ns_time(request_ns - now);
  socket->b_transport(trans_, delay);
  return now + to_ns(delay);
}

void AiCore::run() {
  while (true) {
    while (jobs_.empty()) sc_core::wait(work_);
    const CoreJob job = jobs_.front();
    jobs_.pop_front();
    const double start = std::max({job.start_ns, free_ns_, now_ns()});
    free_ns_ = run_core_tiles(job.tiles, start, job.costs,
                              [&](double request, double bytes) { return transfer(request, bytes, job); });
    busy_ns_ += static_cast<double>(job.tiles) * job.costs.compute_ns;
    --*job.active_cores;
    job.completion->core_finished(free_ns_);
    quantum_.set(ns_time(free_ns_ - now_ns()));
    if (quantum_.need_sync()) quantum_.sync();
  }
}

}  // namespace npusim::device
