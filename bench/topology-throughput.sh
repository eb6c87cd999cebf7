#!/usr/bin/env bash
# The topology's catch-up on EVENTS realistic exception events (default 20,000; 1,000 fingerprints) pre-loaded on
# tocsin.errors with PARTITIONS partitions (default 3), with THREADS stream threads (default 1), next to the ceiling:
# a plain consumer reading and parsing the same topic on the same embedded broker. See TopologyThroughput.
# DUMPS=N (environment, default 0) prints N thread dumps of the stream threads spread over the catch-up;
# BENCH_JAVA_OPTS adds JVM options, e.g. -Dbench.app.kafka.commit.interval.ms=1000 to set an app configuration key.
# Builds this checkout in place (reactor build, nothing installed into the local Maven repository).
# Usage: bench/topology-throughput.sh [EVENTS] [PARTITIONS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-20000}
partitions=${2:-3}
threads=${3:-1}
mvn -B -o -q -pl streams-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
java -Xmx2g -Dbench.dumps="${DUMPS:-0}" ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" \
  io.tocsin.bench.TopologyThroughput "$events" "$partitions" "$threads"
