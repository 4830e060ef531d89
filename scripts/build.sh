#!/usr/bin/env bash
# Configures and builds one CMake preset (release | debug | ci | asan).
# Usage: scripts/build.sh PRESET [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-release}"
shift || true
jobs="${NPUSIM_BUILD_JOBS:-$(nproc)}"
cmake --preset "$preset" -S "$root" >/dev/null
if [ $# -gt 0 ]; then
  for target in "$@"; do cmake --build "$root/build/$preset" --target "$target" -j "$jobs"; done
else
  cmake --build "$root/build/$preset" -j "$jobs"
fi
