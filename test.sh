#!/usr/bin/env bash
# Runs every test: worker (against the ComfyUI stand-in) and server (embedded PostgreSQL, the
# stand-in, MockMvc, and headless Chromium when it is installed; required when CI=true).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-home.sh
exec ./mvnw -B verify "$@"
