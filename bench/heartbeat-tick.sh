#!/usr/bin/env bash
# What one heartbeat check (a tick of the monitor's punctuation) costs with SIZES instances known (comma-separated,
# default 0,2000,20000,100000): all healthy and beating every 3 s, then 1% of them dying. The real topology under
# TopologyTestDriver with RocksDB stores; see HeartbeatTickCost. BENCH_JAVA_OPTS adds JVM options.
# Builds this checkout in place (reactor build, nothing installed into the local Maven repository).
# Usage: bench/heartbeat-tick.sh [SIZES]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-0,2000,20000,100000}
mvn -B -o -q -pl streams-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" io.tocsin.bench.HeartbeatTickCost "$sizes"
