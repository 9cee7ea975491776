#!/bin/sh
# oobwatch launcher: runs the oobwatch jar on the JVM in $JAVA_HOME, else the first java on PATH.
# JAVA_OPTS is passed to the JVM (the systemd unit sets heap size and exit-on-OOM there).
# exec: under systemd the JVM itself is the service's main process, which sends READY=1.
JAR="${OOBWATCH_JAR:-@JAR@}"
if [ -n "${JAVA_HOME:-}" ]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA=java
fi
if ! command -v "$JAVA" >/dev/null 2>&1; then
  echo "oobwatch: no Java found; install Java 17 or newer (Debian/Ubuntu: apt install openjdk-17-jre-headless) or set JAVA_HOME" >&2
  exit 127
fi
# shellcheck disable=SC2086  # JAVA_OPTS holds several flags on purpose
exec "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" "$@"
