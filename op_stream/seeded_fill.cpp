#include "op_stream/seeded_fill.h"

#include <cmath>

#include "op_stream/failure.h"

namespace npusim {
namespace {
constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;

uint64_t splitmix64(uint64_t seed, uint64_t index) {
  uint64_t z = seed + (index + 1) * kGamma;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double unit(uint64_t seed, uint64_t index) {
  return static_cast<double>(splitmix64(seed, index) >> 11) * 0x1.0p-53;
}

const char* const kInits[] = {"normal", "uniform", "zeros", "ones", "arange"};
}  // namespace

bool is_seeded_fill_init(const std::string& init) {
  for (const char* name : kInits)
    if (init == name) return true;
  return false;
}

std::vector<float> seeded_fill(const std::string& init, uint64_t seed, double scale, int64_t count) {
  if (!is_seeded_fill_init(init))
    throw FailureError({"input", "fill", "init", init, "", "unknown fill init '" + init + "'",
                        "use normal, uniform, zeros, ones or arange", ""});
  std::vector<float> out(static_cast<size_t>(count < 0 ? 0 : count));
  const double two_pi = 2.0 * std::acos(-1.0);
  for (size_t i = 0; i < out.size(); ++i) {
    double v = 0;
    if (init == "normal") {
      v = scale * std::sqrt(-2.0 * std::log(1.0 - unit(seed, 2 * i))) * std::cos(two_pi * unit(seed, 2 * i + 1));
    } else if (init == "uniform") {
      v = scale * (2.0 * unit(seed, i) - 1.0);
    } else if (init == "ones") {
      v = scale;
    } else if (init == "arange") {
      v = static_cast<double>(i) * scale;
    }
    out[i] = static_cast<float>(v);
  }
  return out;
}

}  // namespace npusim
