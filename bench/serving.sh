#!/usr/bin/env bash
# Serving benchmark: the server jar as its own process (embedded PostgreSQL, embedded worker, a
# ComfyUI stand-in that takes no time) against anchors measured in the same run: nginx serving the
# same image files (wrk -t2 -c32 -d8s), the same workflow sent straight to the stand-in, and the
# credit ledger alone. Prints one table with the goals (figures recorded in docs/BENCHMARKS.md).
# The server runs with ./run.sh's JVM options (scripts/jvm-options.sh); set T2I_JVM_OPTIONS to
# compare others (T2I_JVM_OPTIONS= for none). Installs nginx-light and wrk when missing (Debian).
# Takes about 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
. scripts/jvm-options.sh
export T2I_JVM_OPTIONS
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $SUDO apt-get install -y nginx-light wrk >/dev/null
  # The package starts the system nginx where an init system runs; this benchmark starts its own.
  if [ -f /run/nginx.pid ]; then $SUDO nginx -s stop || true; fi
fi
./mvnw -q -B -DskipTests package
./mvnw -q -B -pl server -am test -Dtest=ServingBenchmark -Dsurefire.failIfNoSpecifiedTests=false
cat server/target/benchmarks/serving.md
