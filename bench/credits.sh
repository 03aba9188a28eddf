#!/usr/bin/env bash
# Credits benchmark: hold + capture pairs per second, one hot user vs 64 users (docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
./mvnw -q -B -pl worker -am install -DskipTests
./mvnw -q -B -pl server test -Dtest=CreditsBenchmark -Dsurefire.failIfNoSpecifiedTests=false
cat server/target/benchmarks/credits.md
