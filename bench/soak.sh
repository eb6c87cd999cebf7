#!/usr/bin/env bash
# Constant load and cardinality for DURATION_S seconds (default 600): ERRORS_PER_S small exception events (default 200)
# over FINGERPRINTS fingerprints (default 1,000) and INSTANCES instances (default 2,000) heartbeating every INTERVAL_S
# seconds (default 3), into a real app on an embedded broker, all in one JVM. Samples heap used, heap after GC, RSS,
# RocksDB memory and the app's lag every 10 s; prints whether heap-after-GC and RSS are flat; writes docs/img/soak.csv,
# docs/img/soak-memory.svg and docs/img/soak-lag.svg. See Soak.
# BENCH_JAVA_OPTS adds JVM options, e.g. -Dbench.app.rocksdb.memory=128m to set an app configuration key.
# Builds this checkout in place (reactor build, nothing installed into the local Maven repository).
# Usage: bench/soak.sh [DURATION_S] [ERRORS_PER_S] [FINGERPRINTS] [INSTANCES] [INTERVAL_S]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q -pl streams-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" io.tocsin.bench.Soak "${1:-600}" "${2:-200}" "${3:-1000}" "${4:-2000}" "${5:-3}"
