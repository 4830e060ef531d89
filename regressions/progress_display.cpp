#include "regressions/progress_display.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace npusim::regressions {

ProgressDisplay::ProgressDisplay(size_t total)
    : total_(total),
      interactive_(::isatty(STDOUT_FILENO) && std::getenv("CI") == nullptr),
      start_(std::chrono::steady_clock::now()) {}

void ProgressDisplay::started(const std::string& item) {
  ++started_;
  last_started_ = item;
  if (interactive_) redraw();
}

void ProgressDisplay::finished(const std::string& item, const std::string& status, double wall_s) {
  ++finished_;
  if (interactive_) std::printf("\r\033[K");
  std::printf("[%zu/%zu] %-60s %s (%.1f s)\n", finished_, total_, item.c_str(), status.c_str(), wall_s);
  if (interactive_) redraw();
  std::fflush(stdout);
}

void ProgressDisplay::redraw() {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::printf("\r\033[K  running %zu, done %zu/%zu, %.0f s  (latest: %s)", started_ - finished_, finished_, total_,
              elapsed, last_started_.c_str());
  std::fflush(stdout);
}

void ProgressDisplay::done() {
  if (interactive_) std::printf("\r\033[K");
  std::fflush(stdout);
}

}  // namespace npusim::regressions
