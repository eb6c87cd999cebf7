#!/usr/bin/env bash
# Throughput of `streams-app.jar replay` on RECORDS records (default 1,000,000) on the embedded broker, next to the
# live pipeline's catch-up on the same records: see ReplayThroughput. LIVE_CAP_SECONDS (default 600) caps the live
# catch-up; when it is hit the live rate is the records committed per second up to the cap.
# SILENCE_MINUTES (default 60, 0 to skip): the cost of the wall-clock stepping alone, a replay across that long without records.
# Usage: bench/replay-throughput.sh [RECORDS] [LIVE_CAP_SECONDS] [SILENCE_MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
cap=${2:-600}
silence=${3:-60}
mvn -B -o -q install -DskipTests >/dev/null
mvn -B -o -q -pl streams-app test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
java -Xmx2g -cp "$BENCH_CP" io.tocsin.bench.ReplayThroughput "$records" "$cap" "$silence"
