// Reports are replaced atomically: a reader, or a run killed mid-write, sees
// the old file or the new one, never a mix or a truncated file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "op_stream/failure.h"
#include "reports/atomic_file.h"

namespace npusim::reports {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("npusim_reports_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AtomicFile, CreatesParentsReplacesContentAndLeavesNoTemporary) {
  fs::path dir = fresh_dir("replace");
  fs::path file = dir / "sub" / "report.json";
  write_file_atomically(file, "first");
  write_file_atomically(file, "second, longer");
  EXPECT_EQ(slurp(file), "second, longer");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "sub"), fs::directory_iterator{}), 1);
  fs::remove_all(dir);
}

TEST(AtomicFile, FailureIsAnErrorValueAndKeepsTheOldFile) {
  fs::path dir = fresh_dir("fail");
  fs::path file = dir / "report.json";
  write_file_atomically(file, "old");
  fs::create_directory(dir / "blocker.json");  // a directory where the file should go
  try {
    write_file_atomically(dir / "blocker.json", "new");
    ADD_FAILURE() << "renaming over a directory succeeded";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "runtime");
    EXPECT_EQ(e.failure().value, (dir / "blocker.json").string());
  }
  EXPECT_EQ(slurp(file), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 2) << "temporary left behind";
  fs::remove_all(dir);
}

TEST(AtomicFile, KilledWriterLeavesTheOldOrTheNewFileWhole) {
  fs::path dir = fresh_dir("kill");
  fs::path file = dir / "report.json";
  constexpr size_t kSize = 8u << 20;  // large enough that a write takes a while
  const std::string a(kSize, 'a');
  const std::string b(kSize, 'b');
  write_file_atomically(file, a);
  for (int delay_ms : {5, 20, 60}) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // Never return into the test runner from the child.
      try {
        for (int i = 0;; ++i) write_file_atomically(file, i % 2 == 0 ? b : a);
      } catch (...) {
        ::_exit(1);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status));
    std::string seen = slurp(file);
    ASSERT_EQ(seen.size(), kSize) << "after " << delay_ms << " ms";
    EXPECT_TRUE(seen == a || seen == b) << "mixed content after " << delay_ms << " ms";
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace npusim::reports
