// Seeded synthetic tensor values shared by the device (`fill` records) and the
// engine's fp32 reference, so both see the same weights without moving data.
//
// Algorithm (documented so any implementation can reproduce it):
//   u(j)    = splitmix64 output number j (0-based) of the stream started at `seed`:
//             state_j = seed + (j + 1) * 0x9E3779B97F4A7C15, then the splitmix64 mix
//             (xor-shift 30, * 0xBF58476D1CE4E5B9, xor-shift 27, * 0x94D049BB133111EB,
//             xor-shift 31); as a double: (u >> 11) * 2^-53, in [0, 1).
//   normal  : element i = scale * sqrt(-2 ln(1 - u(2i))) * cos(2 pi u(2i+1))  (Box-Muller)
//   uniform : element i = scale * (2 u(i) - 1), in [-scale, scale)
//   zeros   : 0;  ones: scale;  arange: i * scale
// Computed in double and rounded to float once, so results do not depend on the
// platform's float evaluation.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace npusim {

// Throws FailureError{kind="input", parameter="init"} for an unknown init.
std::vector<float> seeded_fill(const std::string& init, uint64_t seed, double scale, int64_t count);
bool is_seeded_fill_init(const std::string& init);

}  // namespace npusim
