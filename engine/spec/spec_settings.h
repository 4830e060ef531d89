// Speculative-decoding settings of a workload and what a speculative run
// measured. Owned by the speculative-decoding engineer, who extends it.
#pragma once
#include <string>
#include <vector>

namespace npusim::engine {

struct SpecSettings {
  std::string method = "none";  // none | dflash | nextn
};

struct SpecStats {
  std::vector<double> acceptance_lengths;  // accepted tokens per verify step
};

}  // namespace npusim::engine
