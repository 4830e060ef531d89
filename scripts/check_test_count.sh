#!/usr/bin/env bash
# Fails unless ctest ran every test the sources declare and every test binary
# lists the tests its sources declare (a binary that fell into SystemC's main()
# lists none).
set -euo pipefail
build_dir="$1"
log="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
declared=$(grep -rhoE '^\s*TEST(_F|_P)?\s*\(' "$root/tests" --include='*_test.cpp' | wc -l)
ran=$(sed -nE 's/.*tests passed, [0-9]+ tests failed out of ([0-9]+).*/\1/p' "$log" | tail -n 1)
if [ -z "$ran" ]; then
  echo "check_test_count: ctest printed no summary line" >&2
  exit 1
fi
listed=0
for bin in "$build_dir"/tests/test_*; do
  [ -x "$bin" ] || continue
  n=$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$bin" --gtest_list_tests | grep -cE '^  ')
  if [ "$n" -eq 0 ]; then
    echo "check_test_count: $(basename "$bin") lists no tests (did it link SystemC's main?)" >&2
    exit 1
  fi
  listed=$((listed + n))
done
registered=$(ctest --test-dir "$build_dir" -N | sed -nE 's/^Total Tests: ([0-9]+)/\1/p')
echo "check_test_count: $declared TEST macros in sources, $listed gtest tests listed by binaries," \
  "$registered registered with ctest, $ran run"
if [ "$listed" -lt "$declared" ] || [ "$registered" -lt "$listed" ] || [ "$ran" -ne "$registered" ]; then
  echo "check_test_count: expected every registered test ($registered >= $listed listed >= $declared declared) to run; $ran ran" >&2
  exit 1
fi
