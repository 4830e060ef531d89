#include "sim/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>

namespace npusim::sim {
namespace {

TEST(ChildProcess, ReturnsTheWorkersReply) {
  const ChildOutcome out = run_in_child([] { return std::string("hello from pid ") + std::to_string(::getpid()); }, 10);
  ASSERT_TRUE(out.finished) << out.error;
  EXPECT_EQ(out.reply.rfind("hello from pid ", 0), 0u);
  EXPECT_NE(out.reply, "hello from pid " + std::to_string(::getpid()));  // ran in another process
}

// SIGABRT, not SIGSEGV: under ASan a SIGSEGV is caught and becomes exit code 1.
TEST(ChildProcess, ACrashIsReportedWithItsSignalAndTheParentGoesOn) {
  const ChildOutcome out = run_in_child([]() -> std::string {
    ::raise(SIGABRT);
    return "unreachable";
  }, 10);
  EXPECT_FALSE(out.finished);
  EXPECT_EQ(out.signal, SIGABRT);
  EXPECT_NE(out.error.find("signal"), std::string::npos);
}

TEST(ChildProcess, AnExceptionInTheWorkerIsAFailureWithItsMessage) {
  const ChildOutcome out = run_in_child([]() -> std::string { throw std::runtime_error("boom"); }, 10);
  EXPECT_FALSE(out.finished);
  EXPECT_NE(out.error.find("boom"), std::string::npos);
}

TEST(ChildProcess, AWorkerPastItsTimeLimitIsKilled) {
  const ChildOutcome out = run_in_child([]() -> std::string {
    ::sleep(30);
    return "late";
  }, 0.3);
  EXPECT_FALSE(out.finished);
  EXPECT_TRUE(out.timed_out);
  EXPECT_LT(out.wall_s, 10.0);
}

TEST(ChildProcess, RunsItemsConcurrentlyUpToTheJobLimit) {
  std::vector<ChildWork> work;
  for (int i = 0; i < 4; ++i)
    work.push_back([i] {
      ::usleep(300000);
      return std::to_string(i);
    });
  std::vector<std::string> replies(4);
  const auto start = std::chrono::steady_clock::now();
  run_in_children(work, 2, 10, [&](size_t i, const ChildOutcome& o) { replies[i] = o.reply; });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(replies, (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_LT(wall, 1.15);  // two waves of 0.3 s, not four
}

}  // namespace
}  // namespace npusim::sim
