#include "engine/spec/acceptance_stats.h"

#include <numeric>

namespace npusim::engine::spec {

double AcceptanceStats::acceptance_length() const {
  if (emitted_per_step.empty()) return 0.0;
  double total = std::accumulate(emitted_per_step.begin(), emitted_per_step.end(), 0.0);
  return total / static_cast<double>(emitted_per_step.size());
}

}  // namespace npusim::engine::spec
