#!/usr/bin/env bash
# Runs the whole suite RUNS times (default 3) on a machine made busy on purpose: HOGS busy loops (default 2, one per
# core of our CI machines) and one process rewriting a file with fdatasync, so the broker's disk is contended too.
# Prints each run's result and wall time; logs go to target/busy-suite/. Usage: bench/busy-suite.sh [RUNS] [HOGS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
hogs=${2:-2}
out=target/busy-suite
mkdir -p "$out"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -f "$out/disk-hog.bin"; }
trap cleanup EXIT
for _ in $(seq "$hogs"); do
  ( while :; do :; done ) &
  pids+=($!)
done
( while :; do dd if=/dev/zero of="$out/disk-hog.bin" bs=1M count=64 conv=fdatasync status=none; done ) &
pids+=($!)
status=0
for i in $(seq "$runs"); do
  start=$(date +%s)
  if mvn -B verify > "$out/run-$i.log" 2>&1; then result=passed; else result=FAILED; status=1; fi
  echo "run $i: $result in $(( $(date +%s) - start )) s, $(grep -o "slowness factor [0-9.]*" "$out/run-$i.log" | tail -1)," \
       "load $(cut -d' ' -f1-3 /proc/loadavg) (log: $out/run-$i.log)"
done
exit $status
