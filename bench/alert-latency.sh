#!/usr/bin/env bash
# Alert latency through a real app: error sent → Slack POST received, at two constant rates, LOW_PCT (default 10) and
# HIGH_PCT (default 80) of MAX_RATE events/s, SECONDS each (default 60), NEW_SHARE (default 0.1) of the events the first
# of a new fingerprint. MAX_RATE defaults to the Tocsin rate (from RUNNING) that the last bench/redis-baseline.sh wrote
# to streams-app/target/redis-baseline.rate. See AlertLatency.
# BENCH_JAVA_OPTS adds JVM options, e.g. -Dbench.app.slack.route.interval=0s to set an app configuration key.
# Builds this checkout in place (reactor build, nothing installed into the local Maven repository).
# Usage: bench/alert-latency.sh [MAX_RATE] [SECONDS] [LOW_PCT] [HIGH_PCT] [NEW_SHARE]
set -euo pipefail
cd "$(dirname "$0")/.."
rate_file=streams-app/target/redis-baseline.rate
if [[ -n "${1:-}" ]]; then
  max_rate=$1
elif [[ -s "$rate_file" ]]; then
  max_rate=$(cat "$rate_file")
  echo "max rate $max_rate events/s: Tocsin's rate from RUNNING in the last bench/redis-baseline.sh ($rate_file)"
else
  echo "no MAX_RATE given and no $rate_file: run bench/redis-baseline.sh first or pass MAX_RATE" >&2
  exit 2
fi
mvn -B -o -q -pl streams-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" \
  io.tocsin.bench.AlertLatency "$max_rate" "${2:-60}" "${3:-10}" "${4:-80}" "${5:-0.1}"
