#!/usr/bin/env bash
# The main job: install what is missing, build npusim (Release), and run the
# seed regression suite, writing every report kind to reports-out/ (or $1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
report_dir="${1:-$root/reports-out}"
bash scripts/install_deps.sh
bash scripts/build.sh release npusim
npusim="$root/build/release/npusim"
echo "== example op stream (Qwen3-8B, batch 4, prompt 256, 2 graph decode steps) on the Ascend-910B preset"
"$npusim" exec scenarios/streams/example_qwen3_8b_decode.jsonl --max-lines 20
echo "== seed regression suite"
status=0
"$npusim" regress regressions/seed_suite.yaml --report-dir "$report_dir" -j "$(nproc)" || status=$?
echo "reports: $report_dir (summary.md, run_results.json, junit.xml, report.html, traces/*.json)"
exit $status
