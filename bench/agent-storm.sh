#!/usr/bin/env bash
# Agent heap during a storm with the broker down, and spool replay rate: see AgentStormAndReplay.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests >/dev/null
mvn -B -q -pl streams-app test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
exec java -Xmx256m -cp "streams-app/target/test-classes:streams-app/target/classes:$(cat streams-app/target/bench.cp)" io.tocsin.bench.AgentStormAndReplay
