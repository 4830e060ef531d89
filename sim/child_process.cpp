#include "sim/child_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace npusim::sim {
namespace {
using Clock = std::chrono::steady_clock;

struct Running {
  size_t index;
  pid_t pid;
  int fd;
  Clock::time_point start;
  std::string reply;
  bool timed_out = false;
};

void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

Running start_child(size_t index, const ChildWork& work) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    int status = 0;
    try {
      write_all(fds[1], work());
    } catch (const std::exception& e) {
      write_all(fds[1], e.what());
      status = 3;
    } catch (...) {
      status = 4;
    }
    ::close(fds[1]);
    std::fflush(nullptr);
    ::_exit(status);
  }
  ::close(fds[1]);
  return Running{index, pid, fds[0], Clock::now(), "", false};
}

ChildOutcome finish_child(Running& child) {
  ::close(child.fd);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  ChildOutcome out;
  out.wall_s = std::chrono::duration<double>(Clock::now() - child.start).count();
  out.timed_out = child.timed_out;
  if (WIFEXITED(status)) {
    out.exit_code = WEXITSTATUS(status);
    out.finished = out.exit_code == 0 && !child.timed_out;
    if (out.finished)
      out.reply = std::move(child.reply);
    else
      out.error = "child exited with status " + std::to_string(out.exit_code) +
                  (child.reply.empty() ? "" : ": " + child.reply);
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
    out.error = child.timed_out ? "time limit exceeded, killed"
                                : std::string("crashed with signal ") + std::to_string(out.signal) +
                                      " (" + strsignal(out.signal) + ")";
  }
  return out;
}
}  // namespace

void run_in_children(const std::vector<ChildWork>& work, int jobs, double time_limit_s,
                     const std::function<void(size_t, const ChildOutcome&)>& on_done,
                     const std::function<void(size_t)>& on_start) {
  if (jobs < 1) jobs = 1;
  std::vector<Running> running;
  size_t next = 0;
  while (next < work.size() || !running.empty()) {
    while (next < work.size() && static_cast<int>(running.size()) < jobs) {
      if (on_start) on_start(next);
      running.push_back(start_child(next, work[next]));
      ++next;
    }
    std::vector<pollfd> fds;
    for (const auto& r : running) fds.push_back({r.fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), 100);
    for (size_t i = 0; i < running.size();) {
      Running& r = running[i];
      bool closed = false;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buffer[65536];
        ssize_t n = ::read(r.fd, buffer, sizeof buffer);
        if (n > 0)
          r.reply.append(buffer, static_cast<size_t>(n));
        else if (n == 0 || errno != EINTR)
          closed = true;
      }
      const double elapsed = std::chrono::duration<double>(Clock::now() - r.start).count();
      if (!closed && time_limit_s > 0 && elapsed > time_limit_s) {
        r.timed_out = true;
        ::kill(r.pid, SIGKILL);
        closed = true;
      }
      if (closed) {
        ChildOutcome outcome = finish_child(r);
        const size_t index = r.index;
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i));
        on_done(index, outcome);
      } else {
        ++i;
      }
    }
  }
}

ChildOutcome run_in_child(const ChildWork& work, double time_limit_s) {
  ChildOutcome result;
  run_in_children({work}, 1, time_limit_s, [&](size_t, const ChildOutcome& o) { result = o; });
  return result;
}

}  // namespace npusim::sim
