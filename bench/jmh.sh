#!/usr/bin/env bash
# Runs JMH benchmarks from a module's test sources: bench/jmh.sh [MODULE] [JMH ARGS...]
# e.g. bench/jmh.sh streams-app Fingerprint        bench/jmh.sh producer-agent Capture -prof gc
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:-streams-app}
shift || true
mvn -B -q install -DskipTests >/dev/null
mvn -B -q -pl "$module" test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec java -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.cp")" org.openjdk.jmh.Main "$@"
