#!/usr/bin/env bash
# Incident 3's design (a Kafka consumer, Redis INCR + EXPIRE per fingerprint, alerts 1..limit) against the Tocsin
# topology and the plain-consumer ceiling, on the same EVENTS realistic exception events (default 20,000; 1,000
# fingerprints) pre-loaded on tocsin.errors with PARTITIONS partitions (default 3), in one JVM and one run. The JVM
# starts a local redis-server on a free port (no persistence) and stops it at the end; Debian's redis-server package
# is installed first if there is none. Writes Tocsin's rate from RUNNING to streams-app/target/redis-baseline.rate,
# which bench/alert-latency.sh takes as its maximum rate. See RedisThrottleBaseline.
# BENCH_JAVA_OPTS adds JVM options, e.g. -Dbench.app.error.alert.limit=3 (applies to both designs).
# Builds this checkout in place (reactor build, nothing installed into the local Maven repository).
# Usage: bench/redis-baseline.sh [EVENTS] [PARTITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-20000}
partitions=${2:-3}
if ! command -v redis-server >/dev/null; then
  apt-get update && apt-get install -y redis-server
fi
mvn -B -o -q -pl streams-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
java -Xmx2g -Dbench.rateFile=streams-app/target/redis-baseline.rate ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" \
  io.tocsin.bench.RedisThrottleBaseline "$events" "$partitions"
