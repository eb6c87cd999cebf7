# Sourced by the benchmark scripts (from the project root). bench_classpath copies streams-app's compiled classes and
# this project's own jars and modules to a temporary directory (removed when the script exits) and sets BENCH_CP to
# run from there: a build in this checkout during a run of minutes must not pull classes from under the running JVM.
# Expects streams-app/target/bench.cp, written by `dependency:build-classpath -Dmdep.outputFile=target/bench.cp`.
bench_classpath() {
  BENCH_SNAPSHOT=$(mktemp -d -t tocsin-bench-cp-XXXXXX)
  trap 'rm -rf "$BENCH_SNAPSHOT"' EXIT
  cp -r streams-app/target/classes "$BENCH_SNAPSHOT/classes"
  cp -r streams-app/target/test-classes "$BENCH_SNAPSHOT/test-classes"
  BENCH_CP="$BENCH_SNAPSHOT/test-classes:$BENCH_SNAPSHOT/classes"
  local entries e copy
  IFS=: read -ra entries < streams-app/target/bench.cp || true  # no newline at the end of the file
  for e in "${entries[@]}"; do
    case "$e" in
      "$PWD"/*) # a sibling module's classes in this checkout (reactor build)
        copy="$BENCH_SNAPSHOT/modules/$(basename "$(dirname "$(dirname "$e")")")"
        mkdir -p "$copy" && cp -r "$e" "$copy/" && e="$copy/$(basename "$e")" ;;
      */io/tocsin/*) # this project's jars from the local repository
        mkdir -p "$BENCH_SNAPSHOT/jars" && cp "$e" "$BENCH_SNAPSHOT/jars/" && e="$BENCH_SNAPSHOT/jars/$(basename "$e")" ;;
    esac
    BENCH_CP="$BENCH_CP:$e"
  done
}
