// Platform kernel registry: each kernel library declares the platforms it is
// built for and the kernels it provides (data in kernel_libraries.cpp).
// Resolving a kernel from a library absent on the platform fails the way a
// Python import of that library does.
#pragma once
#include <string>
#include <vector>

namespace npusim::engine {

struct KernelLibrary {
  std::string name;                    // Python module, e.g. "sgl_kernel"
  std::vector<std::string> platforms;  // cuda | rocm | npu
  std::vector<std::string> kernels;
  std::string source;                  // where the library comes from
};

const std::vector<KernelLibrary>& kernel_libraries();

// The kernel's name as the op stream calls it. Throws
// FailureError{kind="import", op=library, parameter=kernel, value=platform}.
std::string resolve_kernel(const std::string& library, const std::string& kernel, const std::string& platform);

}  // namespace npusim::engine
