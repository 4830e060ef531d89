#include "engine/spec/acceptance_stats.h"

#include <algorithm>
#include <numeric>

#include "op_stream/failure.h"

namespace npusim::engine::spec {

double AcceptanceStats::acceptance_length() const {
  if (emitted_per_step.empty()) return 0.0;
  double total = std::accumulate(emitted_per_step.begin(), emitted_per_step.end(), 0.0);
  return total / static_cast<double>(emitted_per_step.size());
}

void require_measured_acceptance(const std::vector<int64_t>& accepted_per_step, bool functional) {
  if (functional || !accepted_per_step.empty()) return;
  throw FailureError(Failure{"input", "speculative decoding", "spec.accepted_per_step", "[]",
                             "spec.timing.measured_acceptance",
                             "timing mode cannot verify drafts (no data): it needs the tokens "
                             "emitted per verify step as a functional run measured them",
                             "run the tiny model in functional mode and pass its acceptance_lengths",
                             "engine/spec"});
}

int measured_accepted_drafts(const std::vector<int64_t>& accepted_per_step, int64_t index,
                             int64_t max_drafts) {
  const int64_t emitted = accepted_per_step[static_cast<size_t>(index) % accepted_per_step.size()];
  return static_cast<int>(std::clamp<int64_t>(emitted - 1, 0, max_drafts));
}

}  // namespace npusim::engine::spec
