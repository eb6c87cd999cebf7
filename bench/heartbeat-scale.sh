#!/usr/bin/env bash
# Heartbeat monitoring at fleet scale: INSTANCES instances (default 100,000) over SERVICES services (default 1,000)
# beating every INTERVAL_S seconds (default 3) for DURATION_S seconds (default 300) into a real app on an embedded
# broker, with one instance (alone in its service) going silent every DEATH_EVERY seconds (default 3) after WARMUP
# seconds (default 30, or a quarter of the duration if less): offered against achieved heartbeat rate, the app's lag, its CPU (process and stream threads),
# and each death's detection latency (last acknowledged heartbeat to the INSTANCE_DOWN on tocsin.alerts, and to the
# Slack stand-in's receipt of the post). See HeartbeatScale.
# PRODUCER=fork runs the heartbeat producer in a JVM of its own (default: in the benchmark's JVM);
# BENCH_JAVA_OPTS adds JVM options, e.g. -Dbench.app.heartbeat.timeout=20s to set an app configuration key.
# Builds this checkout in place (reactor build, nothing installed into the local Maven repository).
# Usage: bench/heartbeat-scale.sh [INSTANCES] [INTERVAL_S] [DURATION_S]     small run: bench/heartbeat-scale.sh 2000 3 60
set -euo pipefail
cd "$(dirname "$0")/.."
instances=${1:-100000}
interval=${2:-3}
duration=${3:-300}
mvn -B -o -q -pl streams-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
source bench/lib.sh
bench_classpath
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
java -Xmx2g -Dbench.producer="${PRODUCER:-inproc}" -Dbench.services="${SERVICES:-1000}" -Dbench.deathEvery="${DEATH_EVERY:-3}" \
  ${WARMUP:+-Dbench.warmup=$WARMUP} ${BENCH_JAVA_OPTS:-} -cp "$BENCH_CP" \
  io.tocsin.bench.HeartbeatScale "$instances" "$interval" "$duration"
