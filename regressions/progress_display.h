// Progress of a long suite run on the terminal: a status line redrawn in place
// on a TTY, plain lines when output is a file, a pipe, or CI.
#pragma once
#include <chrono>
#include <string>

namespace npusim::regressions {

class ProgressDisplay {
 public:
  explicit ProgressDisplay(size_t total);
  void started(const std::string& item);
  void finished(const std::string& item, const std::string& status, double wall_s);
  void done();

 private:
  void redraw();
  size_t total_;
  size_t started_ = 0;
  size_t finished_ = 0;
  bool interactive_;
  std::string last_started_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace npusim::regressions
