// Writes a report so that readers see the old file or the new one, never a
// partial one, even if the process is killed mid-write (issue 6).
#pragma once
#include <filesystem>
#include <string_view>

namespace npusim::reports {

// Writes `content` to a temporary file beside `file`, syncs it and renames it
// over `file`; creates missing parent directories. Throws FailureError
// (kind "runtime", op "reports") naming the path on any I/O error.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

}  // namespace npusim::reports
