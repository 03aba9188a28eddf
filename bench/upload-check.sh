#!/usr/bin/env bash
# Upload check benchmark: PngCheck against a full ImageIO decode of the same PNGs (512, 1024 and
# 2048 pixels a side), in one JVM. Prints a table (figures recorded in docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
./mvnw -q -B -pl server -am test -Dtest=UploadCheckBenchmark -Dsurefire.failIfNoSpecifiedTests=false
cat server/target/benchmarks/upload-check.md
