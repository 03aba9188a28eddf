#!/usr/bin/env bash
# Fleet benchmark: 4 workers, ComfyUI stand-ins at 1 s per image, one server on embedded PostgreSQL.
# Prints a results table (figures recorded in docs/BENCHMARKS.md). Takes about 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
./mvnw -q -B -pl worker -am install -DskipTests
./mvnw -q -B -pl server test -Dtest=FleetBenchmark -Dsurefire.failIfNoSpecifiedTests=false
cat server/target/benchmarks/fleet.md
