#!/usr/bin/env bash
# Fails unless ctest ran every test the sources declare and every test binary
# lists the tests its sources declare (a binary that fell into SystemC's main()
# lists none). An optional third argument is the regex of tests the run
# excluded on purpose (ctest -E): those are subtracted, nothing else may be missing.
# Usage: scripts/check_test_count.sh BUILD_DIR CTEST_LOG [EXCLUDED_REGEX]
set -euo pipefail
build_dir="$1"
log="$2"
excluded_regex="${3:-}"
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
excluded=0
if [ -n "$excluded_regex" ]; then
  excluded=$(ctest --test-dir "$build_dir" -N -R "$excluded_regex" | sed -nE 's/^Total Tests: ([0-9]+)/\1/p')
fi
expected=$((registered - excluded))
echo "check_test_count: $declared TEST macros in sources, $listed gtest tests listed by binaries," \
  "$registered registered with ctest, $excluded excluded on purpose, $ran run"
if [ "$listed" -lt "$declared" ] || [ "$registered" -lt "$listed" ] || [ "$ran" -ne "$expected" ]; then
  echo "check_test_count: expected every registered test but the $excluded excluded ($registered >= $listed listed >= $declared declared) to run; $ran ran" >&2
  exit 1
fi
