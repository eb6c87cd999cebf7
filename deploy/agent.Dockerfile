# The producer agent's CLI (the URL prober, `send`). Build the jar first (mvn -B -DskipTests package), then from the
# repo root:
#   docker build -f deploy/agent.Dockerfile -t tocsin/agent .
#   docker run --rm tocsin/agent probe --url http://shop:8080/health --service shop --bootstrap-servers kafka:9092
FROM eclipse-temurin:17.0.19_10-jre-noble

RUN groupadd --system --gid 10001 tocsin \
 && useradd --system --uid 10001 --gid tocsin --no-create-home tocsin

COPY producer-agent/target/producer-agent.jar /opt/tocsin/producer-agent.jar

USER tocsin

# The prober serves nothing to check; its own health is the heartbeats it sends, which Tocsin watches.
HEALTHCHECK NONE

ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/tocsin/producer-agent.jar"]
CMD ["--help"]
