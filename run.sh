#!/usr/bin/env bash
# Builds and starts Text2Image on http://localhost:8080: embedded PostgreSQL (data in ./data/postgres),
# images in ./data/images, and an embedded worker pointed at ComfyUI on http://127.0.0.1:8188
# (T2I_COMFYUI_URL to change it). Extra arguments go to the server, e.g. --server.port=9090.
# The JVM's memory settings come from scripts/jvm-options.sh (T2I_JVM_OPTIONS to replace them).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-home.sh
. scripts/jvm-options.sh
./mvnw -q -B -DskipTests install
# shellcheck disable=SC2086 # the options are whitespace-separated on purpose
exec "$JAVA_HOME/bin/java" $T2I_JVM_OPTIONS -jar server/target/text2image-server.jar "$@"
