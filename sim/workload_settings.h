// A scenario's workload settings (dotted keys with FILE:LINE marks) as the
// engine's Workload; a bad key or value is reported where it was written.
#pragma once
#include "engine/engine.h"
#include "scenarios/scenario.h"

namespace npusim::sim {

engine::Workload workload_from_settings(const scenarios::Settings& settings);

}  // namespace npusim::sim
