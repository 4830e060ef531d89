#include "device_model/timing/systemc/ai_core.h"

#include <algorithm>

#include "device_model/timing/systemc/memory_request.h"
#include "device_model/timing/systemc/sim_clock.h"

namespace npusim::device {

AiCore::AiCore(sc_core::sc_module_name name) : sc_core::sc_module(name), socket("socket") {
  trans_.set_extension(new MemoryRequest);  // owned by the payload
  trans_.set_address(0);
  trans_.set_data_ptr(nullptr);  // timing only: no data travels
  trans_.set_command(tlm::TLM_READ_COMMAND);
}

double AiCore::transfer(double request_ns, double bytes, const CoreJob& job) {
  if (bytes <= 0) return request_ns;
  MemoryRequest* req = trans_.get_extension<MemoryRequest>();
  req->hbm_fraction = job.costs.hbm_fraction;
  req->port_bytes_per_ns = job.costs.port_bytes_per_ns;
  req->sharers = job.sharers;
  req->lockstep = job.lockstep;
  trans_.set_data_length(static_cast<unsigned int>(bytes * job.lockstep));
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // Loosely timed: the request time rides on the transaction as a delay
  // relative to simulation time, and the target annotates its completion.
  const double now = now_ns();
  sc_core::sc_time delay = ns_time(request_ns - now);
  socket->b_transport(trans_, delay);
  return now + to_ns(delay);
}

double AiCore::run(const CoreJob& job) {
  const double start = std::max({job.start_ns, free_ns_, now_ns()});
  free_ns_ = run_core_tiles(job.tiles, start, job.costs,
                            [&](double request, double bytes) { return transfer(request, bytes, job); });
  busy_ns_ += static_cast<double>(job.tiles) * job.costs.compute_ns;
  return free_ns_;
}

void AiCore::follow(const CoreJob& job, double end_ns) {
  free_ns_ = end_ns;
  busy_ns_ += static_cast<double>(job.tiles) * job.costs.compute_ns;
}

}  // namespace npusim::device
