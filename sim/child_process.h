// Runs work in forked child processes. SystemC elaborates once per process, so
// every simulation runs in a child; a child that crashes or runs past its time
// limit becomes that run's failure, and the caller goes on.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace npusim::sim {

struct ChildOutcome {
  bool finished = false;     // the child exited normally with status 0 and sent a reply
  int exit_code = -1;
  int signal = 0;            // terminating signal, 0 if none
  bool timed_out = false;
  std::string reply;         // what the work returned (finished only)
  std::string error;         // human text when not finished
  double wall_s = 0;
};

using ChildWork = std::function<std::string()>;

// Runs each work item in its own child, at most `jobs` at a time. `on_done`
// is called in the parent, in completion order, with the item's index.
void run_in_children(const std::vector<ChildWork>& work, int jobs, double time_limit_s,
                     const std::function<void(size_t, const ChildOutcome&)>& on_done,
                     const std::function<void(size_t)>& on_start = {});

ChildOutcome run_in_child(const ChildWork& work, double time_limit_s);

}  // namespace npusim::sim
