#include "device_model/timing/systemc/memory_subsystem.h"

#include <algorithm>
#include <limits>

#include "device_model/timing/systemc/memory_request.h"
#include "device_model/timing/systemc/sim_clock.h"

namespace npusim::device {

MemorySubsystem::MemorySubsystem(sc_core::sc_module_name name, const HardwareSpec& spec, const TimingParams& params)
    : sc_core::sc_module(name),
      socket("socket"),
      l2_bytes_per_ns_(spec.l2_bandwidth_GBps),  // GB/s == bytes/ns
      hbm_bytes_per_ns_(spec.hbm_bandwidth_GBps),
      l2_(l2_bytes_per_ns_, params.bandwidth_bucket_ns),
      hbm_(hbm_bytes_per_ns_, params.bandwidth_bucket_ns) {
  socket.register_b_transport(this, &MemorySubsystem::b_transport);
}

void MemorySubsystem::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const double now = now_ns();
  const double request = now + to_ns(delay);
  const double bytes = trans.get_data_length();
  MemoryRequest* req = trans.get_extension<MemoryRequest>();
  const double fraction = req ? req->hbm_fraction : 1.0;
  const double port = req ? req->port_bytes_per_ns : std::numeric_limits<double>::infinity();
  const double sharers = req ? std::max(1, req->sharers) : 1.0;
  const double lockstep = req ? std::max(1, req->lockstep) : 1.0;
  // A fair share of each link per core, capped by the core's port; the
  // calendars then hold the sum of all requesters to the links' bandwidth.
  const double rate = lockstep * std::min({port, l2_bytes_per_ns_ / sharers,
                                           fraction > 0 ? hbm_bytes_per_ns_ / (sharers * fraction) : port});
  const double done = std::max(l2_.reserve(request, bytes, rate),
                               hbm_.reserve(request, bytes * fraction, rate * fraction));
  // Initiators never request before the current simulation time.
  l2_.forget_before(now);
  hbm_.forget_before(now);
  delay = ns_time(done - now);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace npusim::device
