#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (clang, ASan+UBSan) and runs each for a
# bounded time, seeded from scenarios/, tests/sim/data/, engine/models/ and the
# exported op streams and a small safetensors file in fuzz/seeds/. Fails on any crash, leak, timeout or
# out-of-memory: libFuzzer exits non-zero and leaves the input in artifacts/.
# A FailureError is a reader's clean refusal and never counts as a finding.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
#   NPUSIM_FUZZ_BUILD_DIR  build directory (default build/fuzz); the grown
#                          corpus is kept in it, so later runs start further.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
bash "$root/scripts/install_deps.sh"
build="${NPUSIM_FUZZ_BUILD_DIR:-$root/build/fuzz}"
targets=(op_stream_reader scenario_reader model_config_reader safetensors_reader)

cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNPUSIM_FUZZ=ON -DNPUSIM_BUILD_TESTS=OFF -DNPUSIM_BUILD_BENCH=OFF > "$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

seeds_of() {
  case "$1" in
    op_stream_reader) ls "$root"/fuzz/seeds/op_stream/*.jsonl "$root"/tests/sim/data/*.jsonl ;;
    scenario_reader) ls "$root"/scenarios/*.yaml "$root"/tests/sim/data/*.yaml ;;
    model_config_reader) ls "$root"/engine/models/*.json ;;
    safetensors_reader) ls "$root"/fuzz/seeds/safetensors/*.safetensors ;;
  esac
}

summary=""
status=0
for t in "${targets[@]}"; do
  seeds="$build/seeds/$t" corpus="$build/corpus/$t" artifacts="$build/artifacts/$t"
  rm -rf "$seeds" && mkdir -p "$seeds" "$corpus" "$artifacts"
  seeds_of "$t" | xargs cp -t "$seeds"
  log="$build/$t.log"
  echo "== fuzz_$t for ${seconds}s (log: $log)"
  set +e
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$seeds" > "$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$rc" -ne 0 ]; then
    status=1
    tail -n 40 "$log"
    summary+="fuzz_$t: FAILED (exit $rc) after ${execs:-?} executions; inputs in $artifacts"$'\n'
  else
    summary+="fuzz_$t: clean, ${execs:-?} executions in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs"$'\n'
  fi
done
printf '%s' "$summary"
exit "$status"
