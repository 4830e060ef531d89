#!/usr/bin/env bash
# Installs what is missing, builds the tests with warnings as errors and runs
# them with ctest, then checks that the tests really ran: libsystemc.so defines
# main(), and a test binary that picks it up runs zero tests and exits 0
# (DESIGN.md section 7). Set NPUSIM_SANITIZE_TESTS=1 to also run the suite
# under ASan+UBSan.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install_deps.sh

run_suite() {
  local preset="$1"
  bash scripts/build.sh "$preset"
  local log="build/$preset/ctest.log"
  SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ctest --test-dir "build/$preset" -j "$(nproc)" \
    --output-on-failure --timeout 600 2>&1 | tee "$log"
  bash scripts/check_test_count.sh "build/$preset" "$log"
}

run_suite ci
if [ "${NPUSIM_SANITIZE_TESTS:-0}" = "1" ]; then
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_suite asan
fi
