// What one operator launch asks of the hardware, in hardware terms. Op cost
// functions produce it from shapes; timing models (analytic or SystemC) turn it
// into time. Tiles are the independent units an op is split into across cores.
#pragma once
#include <cstdint>
#include <string>

namespace npusim::device {

enum class CoreKind { cube, vector };

struct OpWork {
  std::string op_class;            // matmul, attention, norm, rope, elementwise, routing, copy, sampling
  CoreKind core = CoreKind::vector;  // which core type runs the tiles
  int64_t tiles = 1;               // independent tiles spread over the cores of that kind
  double compute_cycles_per_tile = 0;  // cube or vector cycles, including fractal padding waste
  double load_bytes_per_tile = 0;      // GM -> local (MTE2)
  double store_bytes_per_tile = 0;     // local -> GM (MTE3 / FixPipe)
  // Useful work for rooflines and reports (not padded):
  double flops = 0;
  double bytes = 0;                // unique bytes read + written in GM
  bool cube_work = false;          // flops are matrix (cube) work rather than vector work
};

}  // namespace npusim::device
