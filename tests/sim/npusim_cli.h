// Runs the npusim binary (NPUSIM_BINARY) the way a user or CI does and
// captures its exit code and output, for end-to-end tests.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace npusim::testing {

struct CliRun {
  int exit_code;       // -1 if the process did not exit normally
  std::string output;  // stdout and stderr together
};

inline CliRun run_npusim(const std::string& args) {
  const std::string command = std::string(NPUSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace npusim::testing
