#include "reports/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "op_stream/failure.h"

namespace npusim::reports {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what, int err) {
  Failure f;
  f.kind = "runtime";
  f.op = "reports";
  f.parameter = "path";
  f.value = file.string();
  f.rule = "reports.write";
  f.message = what + ": " + std::strerror(err);
  f.hint = "check that the report directory is writable and has free space";
  throw FailureError(std::move(f));
}

void write_all(int fd, std::string_view content, const std::filesystem::path& tmp) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(tmp, "cannot write", errno);
    content.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& file, std::string_view content) {
  std::filesystem::path dir = file.parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail(dir, "cannot create directory", ec.value());
  }
  // Same directory, so rename() stays within one file system and is atomic;
  // the pid keeps two concurrent writers from sharing a temporary.
  std::filesystem::path tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "cannot create", errno);
  try {
    write_all(fd, content, tmp);
    // Sync before rename: after a crash the new name must not point at
    // blocks that never reached the disk.
    if (::fsync(fd) != 0) fail(tmp, "cannot sync", errno);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(tmp, "cannot close", err);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(file, "cannot rename temporary over", err);
  }
}

}  // namespace npusim::reports
