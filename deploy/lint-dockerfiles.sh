#!/usr/bin/env bash
# Checks our Dockerfiles against the rules of our images (hadolint is not installable from the registries our
# machines reach):
#   - every base image has a pinned tag, never :latest (a rebuild must not change the JVM under us);
#   - the final stage switches to a non-root USER before its ENTRYPOINT;
#   - the final stage has a HEALTHCHECK (HEALTHCHECK NONE counts: it says the image has nothing to check);
#   - ENTRYPOINT and CMD are in exec form, so SIGTERM reaches java rather than a shell;
#   - no ADD of a URL (unverified downloads at build time);
#   - a final stage that runs java sets -XX:MaxRAMPercentage and -XX:+ExitOnOutOfMemoryError.
# Usage: deploy/lint-dockerfiles.sh [DOCKERFILE...]   (default: deploy/*.Dockerfile)
#        deploy/lint-dockerfiles.sh --self-test        (proves each rule can fail)
set -euo pipefail

# Prints "line<TAB>INSTRUCTION<TAB>arguments" per instruction: comments dropped, continuation lines joined.
instructions() {
    awk '
        /^[[:space:]]*#/ { next }
        {
            line = $0
            if (!cont) { start = NR; text = "" }
            if (sub(/\\[[:space:]]*$/, "", line)) { text = text line " "; cont = 1; next }
            text = text line; cont = 0
            if (text ~ /^[[:space:]]*$/) next
            sub(/^[[:space:]]+/, "", text)
            split(text, parts, /[[:space:]]+/)
            keyword = toupper(parts[1])
            rest = substr(text, length(parts[1]) + 1)
            sub(/^[[:space:]]+/, "", rest)
            printf "%d\t%s\t%s\n", start, keyword, rest
        }' "$1"
}

lint() {
    local file=$1 problems=0 stages=" " final_start=0 line keyword args
    report() { echo "$file:$1: $2"; problems=$((problems + 1)); }

    while IFS=$'\t' read -r line keyword args; do
        case $keyword in
            FROM)
                local image stage
                image=$(awk '{ for (i = 1; i <= NF; i++) if ($i !~ /^--/) { print $i; exit } }' <<<"$args")
                stage=$(awk 'tolower($(NF-1)) == "as" { print tolower($NF) }' <<<"$args")
                final_start=$line
                if [[ $stages == *" ${image,,} "* || $image == scratch ]]; then
                    :
                elif [[ $image != *@sha256:* && ${image##*/} != *:* ]]; then
                    report "$line" "base image '$image' has no tag: pin one"
                elif [[ $image == *:latest || $image == *:latest@* ]]; then
                    report "$line" "base image '$image' uses latest: pin a version"
                fi
                [[ -n $stage ]] && stages+="$stage "
                ;;
            ADD)
                if grep -Eq '(^|[[:space:]])(https?|ftp)://|(^|[[:space:]])git@' <<<"$args"; then
                    report "$line" "ADD of a URL: download in a RUN step with a checksum, or COPY a verified file"
                fi
                ;;
            ENTRYPOINT | CMD)
                if [[ $args != \[* ]]; then
                    report "$line" "$keyword in shell form: use exec form [\"java\", ...] so the process gets SIGTERM"
                fi
                ;;
        esac
    done < <(instructions "$file")

    # Rules about the image that runs: the final stage only.
    local final
    final=$(instructions "$file" | awk -F'\t' -v s="$final_start" '$1 >= s')
    local user_line entry_line user
    user_line=$(awk -F'\t' '$2 == "USER" { n = $1; u = $3 } END { if (n) print n "\t" u }' <<<"$final")
    entry_line=$(awk -F'\t' '$2 == "ENTRYPOINT" { n = $1 } END { print n }' <<<"$final")
    user=${user_line#*$'\t'}
    user=${user%%:*}
    if [[ -z $user_line ]]; then
        report "$final_start" "final stage never sets USER: it would run as root"
    elif [[ $user == root || $user == 0 ]]; then
        report "${user_line%%$'\t'*}" "final stage runs as root: set a non-root USER"
    elif [[ -n $entry_line && ${user_line%%$'\t'*} -gt $entry_line ]]; then
        report "${user_line%%$'\t'*}" "USER comes after ENTRYPOINT: set it before"
    fi
    if ! awk -F'\t' '$2 == "HEALTHCHECK" { found = 1 } END { exit !found }' <<<"$final"; then
        report "$final_start" "final stage has no HEALTHCHECK (write HEALTHCHECK NONE if there is nothing to check)"
    fi
    if awk -F'\t' '($2 == "ENTRYPOINT" || $2 == "CMD") && $3 ~ /"java"/ { found = 1 } END { exit !found }' <<<"$final"; then
        grep -q -- '-XX:MaxRAMPercentage=' <<<"$final" \
            || report "$final_start" "java runs without -XX:MaxRAMPercentage: the heap would ignore the container's memory limit"
        grep -q -- '-XX:+ExitOnOutOfMemoryError' <<<"$final" \
            || report "$final_start" "java runs without -XX:+ExitOnOutOfMemoryError: an OOM would leave a half-dead process"
    fi
    return $((problems > 0))
}

self_test() {
    local dir
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' RETURN
    # One file breaking every rule; each rule must be reported.
    cat >"$dir/broken.Dockerfile" <<'EOF'
FROM eclipse-temurin AS build
FROM eclipse-temurin:latest
ADD https://example.invalid/app.jar /app.jar
USER root
ENTRYPOINT java -jar /app.jar
CMD run
EOF
    local out expected missing=0
    out=$(lint "$dir/broken.Dockerfile" || true)
    for expected in "has no tag" "uses latest" "ADD of a URL" "runs as root" "ENTRYPOINT in shell form" \
        "CMD in shell form" "no HEALTHCHECK"; do
        grep -q "$expected" <<<"$out" || { echo "self-test: rule '$expected' was not reported"; missing=1; }
    done
    cat >"$dir/late-user.Dockerfile" <<'EOF'
FROM eclipse-temurin:17.0.19_10-jre-noble
HEALTHCHECK NONE
ENTRYPOINT ["java", "-jar", "/app.jar"]
USER app
EOF
    out=$(lint "$dir/late-user.Dockerfile" || true)
    for expected in "USER comes after ENTRYPOINT" "MaxRAMPercentage" "ExitOnOutOfMemoryError"; do
        grep -q "$expected" <<<"$out" || { echo "self-test: rule '$expected' was not reported"; missing=1; }
    done
    ((missing == 0)) && echo "lint-dockerfiles self-test: every rule fails when broken"
    return $missing
}

if [[ ${1:-} == --self-test ]]; then
    self_test
    exit
fi
files=("$@")
((${#files[@]})) || files=("$(dirname "$0")"/*.Dockerfile)
status=0
for f in "${files[@]}"; do
    lint "$f" || status=1
done
((status == 0)) && echo "lint-dockerfiles: ${#files[@]} Dockerfile(s) pass"
exit $status
