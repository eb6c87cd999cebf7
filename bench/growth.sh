#!/usr/bin/env bash
# What the app costs as distinct error groups grow: LEVELS distinct fingerprints (comma-separated, default
# 1000,10000,100000,1000000), small exception events (about 1.3 kB) sent into one app on an embedded broker whose state
# grows level by level. Per level: catch-up rate, heap after a full GC, RSS, RocksDB block cache and memtables (from
# Kafka Streams' RocksDB metrics), state dir size, then restart-to-RUNNING and to-processing times with the state dir
# (a) kept and (b) deleted (changelog restore). Levels that would overrun BUDGET_MIN minutes (default 25) are not run
# and are extrapolated, labelled as such. Writes docs/img/growth.csv and docs/img/growth-*.svg. See Growth.
# REPEATS=N sends each fingerprint N times (default 1); BENCH_JAVA_OPTS adds JVM options, e.g.
# -Dbench.app.rocksdb.memory=128m to set an app configuration key.
# Builds this checkout in place (reactor build, nothing installed into the local Maven repository).
# Usage: bench/growth.sh [LEVELS] [BUDGET_MIN]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q -pl streams-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
java -Xmx2g -Dbench.repeats="${REPEATS:-1}" ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" io.tocsin.bench.Growth \
  "${1:-1000,10000,100000,1000000}" "${2:-25}"
