// The per-op tile pipeline both timing fidelities share. An op's tiles spread
// over the cores of their kind; on each core a tile loads (MTE, GM -> local),
// computes, and stores (local -> GM), double-buffered: the next tile loads
// while the current one computes. Loads and stores of a core share its memory
// port, and all ports share the L2/HBM bandwidth.
#pragma once
#include <algorithm>
#include <cstdint>

#include "device_model/config/hardware_spec.h"
#include "device_model/timing/op_work.h"

namespace npusim::device {

// One tile's demands in time and bytes.
struct TileCosts {
  double compute_ns = 0;      // compute cycles + per-tile fixed cycles
  double load_bytes = 0;
  double store_bytes = 0;
  double hbm_fraction = 1;    // share of moved bytes that comes from HBM (the rest hits L2)
  double port_bytes_per_ns = 0;  // the core's own MTE rate
};

TileCosts tile_costs(const OpWork& work, const HardwareSpec& spec);
int cores_of_kind(CoreKind kind, const HardwareSpec& spec);
int cores_used(const OpWork& work, const HardwareSpec& spec);   // min(tiles, cores of that kind)
int64_t tiles_on_core(const OpWork& work, const HardwareSpec& spec, int core_index);

// Runs `tiles` tiles on one core from `start_ns`. memory(request_ns, bytes)
// returns when a transfer requested at request_ns completes; the analytic
// model passes a fixed share of the bandwidth, the SystemC model a TLM call.
// Returns when the last store completes.
template <typename Memory>
double run_core_tiles(int64_t tiles, double start_ns, const TileCosts& c, Memory&& memory) {
  if (tiles <= 0) return start_ns;
  double port_free = memory(start_ns, c.load_bytes);  // tile 0's load
  double load_done = port_free;
  double compute_end_prev = start_ns;  // compute end of tile i-1 (frees buffer for tile i+1)
  for (int64_t i = 0; i < tiles; ++i) {
    double next_load_done = 0;
    if (i + 1 < tiles) {
      next_load_done = memory(std::max(port_free, compute_end_prev), c.load_bytes);
      port_free = next_load_done;
    }
    const double compute_end = std::max(load_done, compute_end_prev) + c.compute_ns;
    port_free = memory(std::max(compute_end, port_free), c.store_bytes);
    compute_end_prev = compute_end;
    load_done = next_load_done;
  }
  return port_free;
}

// Closed-form time of one op alone on the device (no other stream): every
// active core gets an equal share of L2 and HBM bandwidth, capped by its port.
struct OpTime {
  double duration_ns = 0;
  int cores = 0;
  double busy_ns = 0;    // compute time summed over the op's tiles
  double hbm_bytes = 0;  // bytes through HBM
};
OpTime analytic_op_time(const OpWork& work, const HardwareSpec& spec);

}  // namespace npusim::device
