#!/usr/bin/env bash
# Load test (Gatling, bench/gatling): two server instances on one PostgreSQL behind nginx, each with
# its embedded worker driving its own ComfyUI stand-in that takes no time, against one instance alone
# and an anchor measured in the same run (nginx serving a static PNG of the image's size). Prints one
# table: requests/s, p50/p95/p99 per request kind, errors, and the ratios to the anchor (figures
# recorded in docs/BENCHMARKS.md, "Two instances behind nginx (Gatling)").
#
# In order: builds the worker (installed: its test-jar carries the stand-in) and the server jar, and
# runs a copy of the jar (rebuilding must not replace a running instance's jar, docs/DEPLOYMENT.md);
# starts a PostgreSQL cluster on loopback (Debian's postgresql), server-1 (which migrates), then
# server-2, and nginx with deploy/nginx/compose.conf's locations (its upstream and port moved to
# loopback); registers the users and creates their API keys through the pages; then runs the
# simulation, after a 20 s warm-up through nginx that is not measured, three times: through nginx
# to both instances, straight to server-1 with server-2
# stopped (so its worker takes no jobs), and against the anchor. Stops everything it started on exit.
#
# Settings (environment): LOAD_CONCURRENCY (virtual users at the top, 8), LOAD_RAMP (s, 10),
# LOAD_HOLD (s, 30), LOAD_JOBS_PER_USER (jobs per sign-in, 4), LOAD_PORT_BASE (8490: nginx 8490,
# servers 8491 and 8492, the anchor 8493, PostgreSQL 55490), T2I_JVM_OPTIONS (the servers', as
# ./run.sh). Installs postgresql, nginx-light and jq when missing (Debian); needs python3 for the
# table (bench/load-table.py). Takes about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
. scripts/java-home.sh
. scripts/jvm-options.sh
JAVA="$JAVA_HOME/bin/java"

CONCURRENCY=${LOAD_CONCURRENCY:-8}
RAMP=${LOAD_RAMP:-10}
HOLD=${LOAD_HOLD:-30}
JOBS=${LOAD_JOBS_PER_USER:-4}
P=${LOAD_PORT_BASE:-8490}
NGINX_PORT=$P; S1_PORT=$((P + 1)); S2_PORT=$((P + 2)); ANCHOR_PORT=$((P + 3)); PG_PORT=$((P + 47000))
PASSWORD='Load-Test-Horse-9'
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)

if ! command -v nginx >/dev/null || ! command -v jq >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  $SUDO apt-get install -y postgresql nginx-light jq >/dev/null
  # The packages start the system services where an init system runs; this test starts its own.
  if [ -f /run/nginx.pid ]; then $SUDO nginx -s stop || true; fi
fi
PGB=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
for port in $NGINX_PORT $S1_PORT $S2_PORT $ANCHOR_PORT $PG_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "port $port is in use; set LOAD_PORT_BASE" >&2; exit 1
  fi
done

WORK=$(mktemp -d /tmp/t2i-load.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  [ -f "$WORK/nginx.pid" ] && nginx -p "$WORK" -c "$WORK/nginx.conf" -s quit 2>/dev/null
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  if [ -f "$WORK/pg/postmaster.pid" ]; then pg "$PGB/pg_ctl -D $WORK/pg -m fast stop" >/dev/null; fi
  # The logs outlive the run: servers, stand-ins, Gatling, nginx.
  mkdir -p "$REPO/bench/gatling/target/load-logs" && cp "$WORK"/*.log "$REPO/bench/gatling/target/load-logs/" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# PostgreSQL's tools refuse to run as root: as root they run as the postgres user.
pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi; }

echo "== build"
./mvnw -q -B -pl worker -am install -DskipTests
./mvnw -q -B -pl server package -DskipTests
cp server/target/text2image-server.jar "$WORK/load-server.jar"
./mvnw -q -B -f bench/gatling/pom.xml test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath" -Dmdep.includeScope=test
BENCH_CP="$REPO/bench/gatling/target/test-classes:$(cat "$WORK/classpath")"

echo "== ComfyUI stand-ins"
for n in 1 2; do
  "$JAVA" -Xmx128m -cp "$BENCH_CP" org.text2image.bench.StandInMain "$WORK/comfyui-$n.port" > "$WORK/comfyui-$n.log" 2>&1 &
  PIDS+=($!)
done
for n in 1 2; do
  for _ in $(seq 100); do [ -f "$WORK/comfyui-$n.port" ] && break; sleep 0.2; done
done

echo "== PostgreSQL on 127.0.0.1:$PG_PORT"
mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WORK/pg"
pg "$PGB/initdb -D $WORK/pg -U postgres --auth=trust -E UTF8" >/dev/null
pg "$PGB/pg_ctl -D $WORK/pg -o '-p $PG_PORT -c listen_addresses=127.0.0.1 -k $WORK/pg' -l $WORK/pg/log -w start" >/dev/null
psql -q -h 127.0.0.1 -p $PG_PORT -U postgres -c "CREATE ROLE text2image LOGIN PASSWORD 'load-test'" \
     -c "CREATE DATABASE text2image OWNER text2image"

# Both instances' settings: the same database, image folder, signing key and worker token. Rate limits
# off (the users here are one client IP submitting hundreds of jobs a minute), credits and queue
# limits raised and the Free plan's weekly image limit lifted, so that no submit is refused for them.
cat > "$WORK/env" <<END
SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/text2image
SPRING_DATASOURCE_USERNAME=text2image
SPRING_DATASOURCE_PASSWORD=load-test
TEXT2IMAGE_IMAGES_SIGNINGKEY=load-test-signing-key-0123456789abcdef
T2I_WORKER_TOKEN=load-test-worker-token
TEXT2IMAGE_PUBLICURL=http://127.0.0.1:$NGINX_PORT
TEXT2IMAGE_STORAGE_LOCALFOLDER=$WORK/images
TEXT2IMAGE_RATELIMITS_ENABLED=false
TEXT2IMAGE_ACCOUNTS_SIGNUPCREDITS=1000000
TEXT2IMAGE_GENERATION_MAXQUEUEDJOBSPERUSER=1000
TEXT2IMAGE_EMBEDDEDWORKER_ENABLED=true
TEXT2IMAGE_PLANS_FILE=$WORK/plans.json
LOGGING_LEVEL_ORG_TEXT2IMAGE=WARN
END
# config/plans.json with the Free plan's weekly 50 images of sd15 lifted (the users here make hundreds).
jq '(.plans[] | select(.id == "free") | .model_access) |= map_values("full")' config/plans.json > "$WORK/plans.json"
start_server() { # n port
  ( set -a; . "$WORK/env"; set +a
    export SERVER_PORT=$2 TEXT2IMAGE_EMBEDDEDWORKER_NAME=load-$1
    export TEXT2IMAGE_EMBEDDEDWORKER_COMFYUIURL="http://127.0.0.1:$(cat "$WORK/comfyui-$1.port")"
    # shellcheck disable=SC2086
    exec "$JAVA" $T2I_JVM_OPTIONS -jar "$WORK/load-server.jar" > "$WORK/server-$1.log" 2>&1 ) &
  PIDS+=($!)
  eval "SERVER_$1_PID=$!"
  for _ in $(seq 240); do
    if curl -sf "http://127.0.0.1:$2/actuator/health/readiness" >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "server-$1 did not become ready:" >&2; tail -30 "$WORK/server-$1.log" >&2; exit 1
}
echo "== server-1 on :$S1_PORT (migrates), then server-2 on :$S2_PORT"
start_server 1 $S1_PORT
start_server 2 $S2_PORT

echo "== nginx on :$NGINX_PORT (deploy/nginx/compose.conf), anchor on :$ANCHOR_PORT"
mkdir -p "$WORK/www"
sed -e "s/server server-1:8080/server 127.0.0.1:$S1_PORT/" -e "s/server server-2:8080/server 127.0.0.1:$S2_PORT/" \
    -e "s/listen 80;/listen 127.0.0.1:$NGINX_PORT;/" deploy/nginx/compose.conf > "$WORK/compose.local.conf"
cat > "$WORK/nginx.conf" <<END
$([ "$(id -u)" -eq 0 ] && echo "user www-data;")
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    log_format up '\$request \$status upstream=\$upstream_addr';
    access_log $WORK/nginx-access.log up;
    client_body_temp_path $WORK/nginx-body;
    proxy_temp_path $WORK/nginx-proxy;
    fastcgi_temp_path $WORK/nginx-fastcgi;
    uwsgi_temp_path $WORK/nginx-uwsgi;
    scgi_temp_path $WORK/nginx-scgi;
    keepalive_requests 100000;
    include $WORK/compose.local.conf;
    # The anchor: the same PNG as a static file, with sendfile.
    server {
        listen 127.0.0.1:$ANCHOR_PORT;
        access_log off;
        sendfile on;
        tcp_nopush on;
        types { image/png png; }
        root $WORK/www;
    }
}
END
nginx -p "$WORK" -c "$WORK/nginx.conf" -t 2>/dev/null
nginx -p "$WORK" -c "$WORK/nginx.conf"

echo "== $CONCURRENCY users with API keys (through the pages, on server-1)"
B=http://127.0.0.1:$S1_PORT
csrf_of() { grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//'; }
echo "email,password,key" > "$WORK/users.csv"
for i in $(seq "$CONCURRENCY"); do
  J="$WORK/cookies-$i"; email="load-$i@example.com"
  csrf=$(curl -sf -c "$J" -b "$J" $B/register | csrf_of)
  curl -sf -c "$J" -b "$J" -o /dev/null --data-urlencode "email=$email" --data-urlencode "password=$PASSWORD" \
      --data-urlencode "_csrf=$csrf" $B/register
  csrf=$(curl -sf -c "$J" -b "$J" $B/login | csrf_of)
  curl -sf -c "$J" -b "$J" -o /dev/null --data-urlencode "username=$email" --data-urlencode "password=$PASSWORD" \
      --data-urlencode "_csrf=$csrf" $B/login
  page=$(curl -sf -c "$J" -b "$J" $B/developers)
  csrf=$(csrf_of <<< "$page")
  form_key=$(grep -o 'name="formKey" value="[^"]*"' <<< "$page" | sed 's/.*value="//;s/"//')
  curl -sf -c "$J" -b "$J" -o /dev/null --data-urlencode "name=load test" --data-urlencode "scopes=generate" \
      --data-urlencode "scopes=read" --data-urlencode "formKey=$form_key" --data-urlencode "_csrf=$csrf" $B/developers/keys
  key=$(curl -sf -c "$J" -b "$J" $B/developers | grep -o 'id="new-key-secret"[^>]*' | grep -o 'value="[^"]*"' | sed 's/value="//;s/"//')
  [ -n "$key" ] || { echo "no API key for $email" >&2; exit 1; }
  echo "$email,$PASSWORD,$key" >> "$WORK/users.csv"
done

echo "== one job to size the anchor"
key=$(sed -n 2p "$WORK/users.csv" | cut -d, -f3)
job=$(curl -sf -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
    -d '{"model": "sd15", "prompt": "the anchor image", "width": 512, "height": 512}' $B/api/v1/jobs | jq -r .id)
for _ in $(seq 100); do
  url=$(curl -sf -H "Authorization: Bearer $key" $B/api/v1/jobs/"$job" | jq -r '.images[0].url // empty')
  [ -n "$url" ] && break; sleep 0.2
done
curl -sf -o "$WORK/www/anchor.png" "$B/i/${url#*/i/}"
chmod 644 "$WORK/www/anchor.png"
IMAGE_BYTES=$(stat -c %s "$WORK/www/anchor.png")
echo "image: $IMAGE_BYTES bytes"

run() { # label base-url mode [ramp-s hold-s]
  echo "== Gatling: $1 ($2)"
  ./mvnw -q -B -f bench/gatling/pom.xml gatling:test \
      -Dt2i.baseUrl="$2" -Dt2i.mode="$3" -Dt2i.users="$WORK/users.csv" -Dt2i.concurrency="$CONCURRENCY" \
      -Dt2i.rampSeconds="${4:-$RAMP}" -Dt2i.holdSeconds="${5:-$HOLD}" -Dt2i.jobsPerUser="$JOBS" -Dt2i.imageBytes="$IMAGE_BYTES" \
      > "$WORK/gatling-$1.log" 2>&1 || { echo "(Gatling reported failures: see its summary below)"; }
  sed -n '/Global Information/,/^=====*$/p' "$WORK/gatling-$1.log" | head -40
  report=$(ls -td bench/gatling/target/gatling/loadsimulation-*/ | head -1)
  echo "report: $report"
  cp "${report}index.html" "$WORK/report-$1.html"
}
# Warm-up through nginx, not measured: both JVMs compile their hot paths first, as on servers that
# have been up a while (otherwise the first run pays for it and the single instance, run second, not).
run warm-up "http://127.0.0.1:$NGINX_PORT" site 5 15
: > "$WORK/nginx-access.log"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
JOBS_BEFORE=$(psql -h 127.0.0.1 -p $PG_PORT -U postgres -d text2image -tAc "select coalesce(max(created_at), now()) from generation_job")
run two "http://127.0.0.1:$NGINX_PORT" site
UPSTREAMS=$(grep -c 'upstream=127.0.0.1:' "$WORK/nginx-access.log" || true)
BY_S1=$(grep -c "upstream=127.0.0.1:$S1_PORT" "$WORK/nginx-access.log" || true)
JOBS_BY=$(psql -h 127.0.0.1 -p $PG_PORT -U postgres -d text2image -tA -F' ' -c \
    "select coalesce(worker_name, '?'), count(*) from generation_job where status = 'SUCCEEDED'
     and created_at > '$JOBS_BEFORE' group by 1 order by 1" 2>/dev/null || true)
kill "$SERVER_2_PID"; wait "$SERVER_2_PID" 2>/dev/null || true
run one "http://127.0.0.1:$S1_PORT" site
run anchor "http://127.0.0.1:$ANCHOR_PORT" anchor

echo
echo "$(date -u '+%F %H:%M') UTC, $(nproc) cores; load average before the runs: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Requests nginx passed to the servers in the first run: $UPSTREAMS, of which to server-1: $BY_S1"
[ -z "$JOBS_BY" ] || echo "Succeeded jobs per worker in the first run: $(tr '\n' ';' <<< "$JOBS_BY")"
python3 bench/load-table.py "$WORK/report-two.html" "$WORK/report-one.html" "$WORK/report-anchor.html" \
    "$CONCURRENCY" "$RAMP" "$HOLD" "$JOBS" "$IMAGE_BYTES" | tee "$REPO/bench/gatling/target/load.md"
