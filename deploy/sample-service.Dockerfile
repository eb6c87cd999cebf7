# A sample service with the Tocsin agent attached through -javaagent (it has no code of its own for Tocsin). Build the
# agent jar first (mvn -B -DskipTests package), then from the repo root:
#   docker build -f deploy/sample-service.Dockerfile -t tocsin/sample-service .
FROM eclipse-temurin:17.0.19_10-jdk-noble AS build
COPY deploy/sample-service/SampleService.java /src/
RUN javac --release 17 -d /classes /src/SampleService.java

FROM eclipse-temurin:17.0.19_10-jre-noble

RUN groupadd --system --gid 10001 sample \
 && useradd --system --uid 10001 --gid sample --no-create-home sample \
 && mkdir -p /var/lib/sample/spool \
 && chown -R sample:sample /var/lib/sample

COPY --from=build /classes /opt/sample/classes
COPY producer-agent/target/producer-agent.jar /opt/tocsin/producer-agent.jar

# The agent spools events here while Kafka is away; a volume on it keeps them across a container restart.
ENV TOCSIN_SPOOL_DIR=/var/lib/sample/spool
USER sample
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${SAMPLE_PORT:-8080}/health" > /dev/null || exit 1

# The agent reads service, instance, environment and bootstrap.servers from TOCSIN_* variables.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
            "-javaagent:/opt/tocsin/producer-agent.jar", "-cp", "/opt/sample/classes", "com.example.orders.SampleService"]
