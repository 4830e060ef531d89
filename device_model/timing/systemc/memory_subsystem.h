// L2 + HBM as one loosely-timed TLM-2.0 target shared by every AI core. A
// transfer's delay is what the bandwidth calendars of both links imply given
// everything other cores already reserved: concurrent requesters slow each
// other down. No wait() here: the delay is annotated on the transaction.
#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "device_model/config/hardware_spec.h"
#include "device_model/timing/bandwidth_calendar.h"
#include "device_model/timing/timing_params.h"

namespace npusim::device {

class MemorySubsystem : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<MemorySubsystem> socket;

  MemorySubsystem(sc_core::sc_module_name name, const HardwareSpec& spec, const TimingParams& params);
  double hbm_bytes() const { return hbm_.bytes_moved(); }

 private:
  void b_transport(int initiator, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  double l2_bytes_per_ns_;
  double hbm_bytes_per_ns_;
  BandwidthCalendar l2_;
  BandwidthCalendar hbm_;
};

}  // namespace npusim::device
