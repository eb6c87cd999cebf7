# The Tocsin streams app. Build the jar first (mvn -B -DskipTests package), then from the repo root:
#   docker build -f deploy/streams-app.Dockerfile -t tocsin/streams-app .
# Pinned, not latest: a rebuild must not change the JVM under us. Ubuntu-based because RocksDB's JNI library needs
# glibc (no Alpine) and because it has curl for the health check.
FROM eclipse-temurin:17.0.19_10-jre-noble

# A fixed uid, so volume ownership and a Kubernetes runAsUser/fsGroup can name it.
RUN groupadd --system --gid 10001 tocsin \
 && useradd --system --uid 10001 --gid tocsin --home-dir /var/lib/tocsin --no-create-home tocsin \
 && mkdir -p /var/lib/tocsin/state \
 && chown -R tocsin:tocsin /var/lib/tocsin

COPY streams-app/target/streams-app.jar /opt/tocsin/streams-app.jar

# state.dir lives here; an empty named volume mounted on it takes this ownership.
ENV TOCSIN_STATE_DIR=/var/lib/tocsin/state
WORKDIR /var/lib/tocsin
USER tocsin
EXPOSE 8080

# Ready means the streams client is RUNNING and the notifier alive; a rebalance makes it briefly unready, not dead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${TOCSIN_HTTP_PORT:-8080}/health/ready" > /dev/null || exit 1

# Heap gets half the container's memory: RocksDB (rocksdb.memory, 256m by default) and the JVM's own use live
# outside it. An OutOfMemoryError leaves a process that looks alive but is not: exit and let the orchestrator restart.
# Exec form, so java is PID 1 and gets SIGTERM (it then leaves the group and closes its stores). Extra JVM flags:
# JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/tocsin/streams-app.jar"]
CMD ["run"]
