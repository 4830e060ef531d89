#include "device_model/timing/tile_pipeline.h"

namespace npusim::device {

int cores_of_kind(CoreKind kind, const HardwareSpec& spec) {
  return kind == CoreKind::cube ? spec.cube_cores : spec.vector_cores;
}

int cores_used(const OpWork& work, const HardwareSpec& spec) {
  if (work.tiles <= 0) return 0;
  return static_cast<int>(std::min<int64_t>(work.tiles, cores_of_kind(work.core, spec)));
}

int64_t tiles_on_core(const OpWork& work, const HardwareSpec& spec, int core_index) {
  const int64_t cores = cores_of_kind(work.core, spec);
  return work.tiles / cores + (core_index < work.tiles % cores ? 1 : 0);
}

TileCosts tile_costs(const OpWork& work, const HardwareSpec& spec) {
  TileCosts c;
  c.compute_ns = spec.cycles_to_ns(work.compute_cycles_per_tile + spec.tile_fixed_cycles);
  c.load_bytes = work.load_bytes_per_tile;
  c.store_bytes = work.store_bytes_per_tile;
  const double moved = static_cast<double>(work.tiles) * (c.load_bytes + c.store_bytes);
  // Re-reads of shared operands (a matmul's weight panel read by every core)
  // hit L2; only the op's unique bytes come from HBM.
  c.hbm_fraction = moved > 0 ? std::min(1.0, work.bytes / moved) : 1.0;
  c.port_bytes_per_ns = spec.mte_bytes_per_cycle * spec.clock_GHz;
  return c;
}

OpTime analytic_op_time(const OpWork& work, const HardwareSpec& spec) {
  OpTime t;
  t.cores = cores_used(work, spec);
  if (t.cores == 0) return t;
  const TileCosts c = tile_costs(work, spec);
  // GB/s == bytes/ns. Each active core's port gets an equal share.
  double share = std::min(c.port_bytes_per_ns, spec.l2_bandwidth_GBps / t.cores);
  if (c.hbm_fraction > 0) share = std::min(share, spec.hbm_bandwidth_GBps / (t.cores * c.hbm_fraction));
  auto memory = [share](double request_ns, double bytes) { return request_ns + bytes / share; };
  t.duration_ns = run_core_tiles(tiles_on_core(work, spec, 0), 0.0, c, memory);
  t.busy_ns = static_cast<double>(work.tiles) * c.compute_ns;
  t.hbm_bytes = static_cast<double>(work.tiles) * (c.load_bytes + c.store_bytes) * c.hbm_fraction;
  return t;
}

}  // namespace npusim::device
