#!/usr/bin/env bash
# Needlestack against s3proxy, side by side, on this machine (127.0.0.1 only).
#
#   bench/run-side-by-side.sh [options]
#
# Builds what is missing (the bench jar, the Needlestack distribution, the s3proxy 4.1.0 jar from
# Maven Central), starts an all-in-one Needlestack node (bin/needlestack start, fsync on, data in
# a temporary directory) and s3proxy (filesystem-nio2 back-end, SigV4, same credentials), then runs
# needlestack-bench once against both: same client, same sizes and phases, rounds alternating
# between the two servers. Prints both tables and the ratios against the issue's goals and writes
# JSON. Everything it started is stopped on exit, Ctrl-C included.
#
# Options (defaults in brackets):
#   --threads N [8]  --duration D [10s]  --warmup D [5s]  --rounds N [2]
#   --sizes LIST [4KiB,64KiB,1MiB,64MiB]  --phases LIST [put,get,mixed,list,delete]
#   --out DIR        results (main.txt/json, extras.json, logs) [bench/target/side-by-side-TIME]
#   --work DIR       servers' data [a new temporary directory, removed at the end]
#   --xmx SIZE       heap of the Needlestack node and of s3proxy [384m / 512m]
#   --jfr            record a JFR profile of the node (OUT/node.jfr)
#   --prewarm D [10s] untimed load on each server in turn before the timed rounds, from the main
#                    run's own client JVM (servers' and client's JIT warm-up; 0: none)
# Extras, each run when asked and when its tools exist (--extras: all of them):
#   --wrk            wrk on a presigned 4 KiB GET on both servers, and on nginx serving the same
#                    file (the ceiling), when nginx exists
#   --rss64          node RSS during 64 concurrent 64 MiB PUTs then GETs (goal: < 1 GiB)
#   --startup        start-up of the node against a bare Payara Micro with a one-resource WAR,
#                    as shipped and with its own CDS archive (like the node's start-up archive)
#   --cluster        4 KiB PUT on a local three-node cluster (N=3, W=2) against the single node
#   --million        a million objects stored in the node (1 KiB PUTs, then GET and LIST over them,
#                    then a restart and 4 KiB PUT, GET and LIST): RSS throughout (goal: < 1 GiB).
#                    Not part of --extras: at about 1,000 PUTs/s it takes 20 minutes or more
#   --install-tools  apt-get install wrk and nginx-light when missing (needs root)
#   --wrk-duration D [10s] --rss64-duration D [10s] --cluster-duration D [--duration]
#   --million-objects N [1000000] --million-duration D [30s] (GET, LIST and the runs after the restart)
#   --cluster-prewarm D [120s] untimed 4 KiB PUTs on the cluster before its timed run, from the
#                    timed run's JVM: three fresh JVMs share the two cores, and their JIT compilers
#                    only settle after about three minutes of load (0: the single node's --prewarm)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
NEEDLESTACK=$REPO_DIR/server-config/bin/needlestack
BENCH_JAR=$BENCH_DIR/target/needlestack-bench.jar
S3PROXY_VERSION=4.1.0
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

THREADS=8 DURATION=10s WARMUP=5s ROUNDS=2 SIZES=4KiB,64KiB,1MiB,64MiB PHASES=put,get,mixed,list,delete
OUT="" WORK="" XMX=384m PEER_XMX=512m JFR=0 PREWARM=10s
DO_WRK=0 DO_RSS64=0 DO_STARTUP=0 DO_CLUSTER=0 DO_MILLION=0 INSTALL=0
MILLION_OBJECTS=1000000 MILLION_DURATION=30s
WRK_DURATION=10s RSS64_DURATION=10s CLUSTER_DURATION="" CLUSTER_PREWARM=120s

die() { echo "side-by-side: $*" >&2; exit 1; }
say() { echo "side-by-side: $*" >&2; }

while (( $# )); do
  case $1 in
    --threads) THREADS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --phases) PHASES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --xmx) XMX=$2; PEER_XMX=$2; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --prewarm) PREWARM=$2; shift 2 ;;
    --wrk) DO_WRK=1; shift ;;
    --rss64) DO_RSS64=1; shift ;;
    --startup) DO_STARTUP=1; shift ;;
    --cluster) DO_CLUSTER=1; shift ;;
    --extras) DO_WRK=1 DO_RSS64=1 DO_STARTUP=1 DO_CLUSTER=1; shift ;;
    --million) DO_MILLION=1; shift ;;
    --million-objects) MILLION_OBJECTS=$2; shift 2 ;;
    --million-duration) MILLION_DURATION=$2; shift 2 ;;
    --install-tools) INSTALL=1; shift ;;
    --wrk-duration) WRK_DURATION=$2; shift 2 ;;
    --rss64-duration) RSS64_DURATION=$2; shift 2 ;;
    --cluster-duration) CLUSTER_DURATION=$2; shift 2 ;;
    --cluster-prewarm) CLUSTER_PREWARM=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
CLUSTER_DURATION=${CLUSTER_DURATION:-$DURATION}
OUT=${OUT:-$BENCH_DIR/target/side-by-side-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
OWN_WORK=0
if [[ -z $WORK ]]; then WORK=$(mktemp -d "${TMPDIR:-/tmp}/needlestack-bench.XXXXXX"); OWN_WORK=1; fi
mkdir -p "$WORK"

# --- clean-up: everything started is stopped, whatever happens ------------------------------------

PIDS=()          # plain processes we started (s3proxy, nginx, bare Payara Micro)
NODE_DATAS=()    # data directories of nodes started with bin/needlestack start
CLUSTER_DATA=""  # a cluster started with bin/needlestack cluster up

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local d p
  for d in "${NODE_DATAS[@]}"; do
    [[ -f $d/node.pid ]] && NEEDLESTACK_NO_BUILD=1 "$NEEDLESTACK" stop --data "$d" --timeout 30 >/dev/null 2>&1 || true
  done
  if [[ -n $CLUSTER_DATA ]]; then
    NEEDLESTACK_NO_BUILD=1 "$NEEDLESTACK" cluster down --data "$CLUSTER_DATA" --timeout 30 >/dev/null 2>&1 || true
  fi
  for p in "${PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$p" 2>/dev/null || true
    fi
  done
  if (( OWN_WORK )); then rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# --- tools and builds ----------------------------------------------------------------------------

if (( INSTALL )); then
  missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
  if (( ${#missing[@]} )); then
    say "installing ${missing[*]} (apt-get)"
    apt-get install -y -q "${missing[@]}" >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } \
      || say "could not install ${missing[*]}"
  fi
fi
NGINX=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)

mvn_q() { # offline first (the shared local repository usually has everything), then online
  (cd "$REPO_DIR" && mvn -q -o "$@") 2>/dev/null || (cd "$REPO_DIR" && mvn -q "$@")
}

if [[ ! -f $BENCH_JAR ]] || [[ -n $(find "$BENCH_DIR/src/main" "$BENCH_DIR/pom.xml" -newer "$BENCH_JAR" -type f -print -quit) ]]; then
  say "building the bench jar"
  mvn_q -pl bench -DskipTests package || die "bench build failed"
fi
TOOLS=$BENCH_DIR/target/tools
S3PROXY_JAR=$TOOLS/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
if [[ ! -f $S3PROXY_JAR ]]; then
  say "fetching s3proxy $S3PROXY_VERSION"
  mvn_q dependency:copy -Dartifact=org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies \
    -DoutputDirectory="$TOOLS" || die "cannot fetch s3proxy"
fi

# --- helpers -------------------------------------------------------------------------------------

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A base port P with P, P+1000 and P+2000 free (a node's HTTP, Hazelcast and internal ports), and
# with the next $2 ports free as well (a cluster's nodes).
free_base() {
  local span=${1:-1} p i ok
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 20000)); ok=1
    for ((i = 0; i < span; i++)); do
      port_free $((p + i)) && port_free $((p + i + 1000)) && port_free $((p + i + 2000)) || { ok=0; break; }
    done
    (( ok )) && { echo "$p"; return; }
  done
  die "no free port found"
}
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
now_ms() { date +%s%3N; }
json_get() { # $1 = JSON file, $2 = python expression over j
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}
json_rss_mib() { # $1 = bench JSON: the highest RSS sampled in any phase, MiB (0 when unreadable)
  json_get "$1" 'max((r["max_rss_bytes"] or 0) for r in j["results"]) // 1048576' 2>/dev/null || echo 0
}
json_errors() { # $1 = bench JSON: failed operations in all phases ("?" when unreadable)
  json_get "$1" 'sum(r["errors"] for r in j["results"])' 2>/dev/null || echo "?"
}
bench() { "$JAVA" -Xmx1g -jar "$BENCH_JAR" "$@"; }

ACCESS_KEY=AKIABENCH$(head -c 64 /dev/urandom | LC_ALL=C tr -dc 'A-Z0-9' | head -c 11)
SECRET_KEY=$(head -c 256 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | head -c 40)
export NEEDLESTACK_ROOT_ACCESS_KEY=$ACCESS_KEY NEEDLESTACK_ROOT_SECRET_KEY=$SECRET_KEY
export AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY

start_node() { # $1 = data dir, $2 = port, $3 = name; prints nothing, sets NODE_PID
  NODE_DATAS+=("$1")
  "$NEEDLESTACK" start --name "$3" --port "$2" --data "$1" --xmx "$XMX" > "$OUT/$3.start.txt" 2>&1 \
    || { cat "$OUT/$3.start.txt" >&2; die "node $3 did not start"; }
  NODE_PID=$(cat "$1/node.pid")
}

start_s3proxy() { # $1 = port
  mkdir -p "$WORK/s3proxy/data" "$WORK/s3proxy/tmp"
  cat > "$WORK/s3proxy/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$1
s3proxy.authorization=aws-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$WORK/s3proxy/data
EOF
  "$JAVA" -Xmx"$PEER_XMX" -Djava.io.tmpdir="$WORK/s3proxy/tmp" -jar "$S3PROXY_JAR" \
    --properties "$WORK/s3proxy/s3proxy.properties" > "$OUT/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  PIDS+=("$S3PROXY_PID")
  for _ in $(seq 1 300); do
    kill -0 "$S3PROXY_PID" 2>/dev/null || { tail -20 "$OUT/s3proxy.log" >&2; die "s3proxy exited"; }
    [[ $(http_code "http://127.0.0.1:$1/") != 000 ]] && return
    sleep 0.2
  done
  die "s3proxy did not answer within 60 s"
}

EXTRAS=()  # JSON members of extras.json
SUMMARY=() # lines printed at the end

# --- the main comparison -------------------------------------------------------------------------

NODE_PORT=$(free_base 1)
if (( JFR )); then
  export NEEDLESTACK_JAVA_OPTS="${NEEDLESTACK_JAVA_OPTS:-} -XX:StartFlightRecording=filename=$OUT/node.jfr,settings=profile,dumponexit=true"
fi
say "starting Needlestack on 127.0.0.1:$NODE_PORT (data $WORK/node)"
start_node "$WORK/node" "$NODE_PORT" bench
MAIN_NODE_PID=$NODE_PID
unset NEEDLESTACK_JAVA_OPTS
PEER_PORT=$(free_base 1)
say "starting s3proxy $S3PROXY_VERSION on 127.0.0.1:$PEER_PORT (data $WORK/s3proxy)"
start_s3proxy "$PEER_PORT"

# Both JVMs start cold: Payara Micro has far more code to compile than s3proxy, and a fresh node
# spends a quarter of its CPU in the JIT compiler for its first minute under load. The client
# starts cold too: the AWS SDK's request path took 30 % of the client's CPU in C2 after 9 s, and
# 4 KiB PUTs on one server ran at 1,294 ops/s in a run's first round and 2,394 in its fourth.
# So the main run itself (one JVM) first puts the same untimed load on both servers in turn
# (--prewarm), and the timed rounds compare servers rather than compilers.
if [[ $PREWARM != 0 && $PREWARM != 0s ]]; then
  say "pre-warm in the main run, before its timed rounds: each server in turn, sizes up to 1 MiB, put, get, mixed, $PREWARM each (untimed)"
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "running the load: $THREADS threads, sizes $SIZES, phases $PHASES, $DURATION per phase, $ROUNDS rounds"
bench run --target "needlestack=http://127.0.0.1:$NODE_PORT@$MAIN_NODE_PID" \
  --target "s3proxy=http://127.0.0.1:$PEER_PORT@$S3PROXY_PID" \
  --threads "$THREADS" --sizes "$SIZES" --phases "$PHASES" --duration "$DURATION" \
  --warmup "$WARMUP" --prewarm "$PREWARM" --rounds "$ROUNDS" --json "$OUT/main.json" \
  2> "$OUT/main.progress.txt" | tee "$OUT/main.txt"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
SUMMARY+=("load average of the machine ($(nproc) cores) before the main run: $LOAD_BEFORE, after: $LOAD_AFTER")
EXTRAS+=("\"loadavg\": {\"before\": \"$LOAD_BEFORE\", \"after\": \"$LOAD_AFTER\", \"cores\": $(nproc)}")
NODE_PUT4K=$(json_get "$OUT/main.json" 'next((r["ops_per_s"] for r in j["results"] if r["target"]=="needlestack" and r["phase"]=="put" and r["size"]==4096), 0)')

# --- wrk on a presigned 4 KiB GET ----------------------------------------------------------------

wrk_rate() { # $1 = URL, $2 = name; prints requests/s (empty when any answer was not 2xx)
  wrk -t2 -c"$THREADS" -d"$WRK_DURATION" --latency "$1" > "$OUT/wrk-$2.txt" 2>&1 || true
  if grep -q 'Non-2xx' "$OUT/wrk-$2.txt"; then
    say "wrk on $2: answers other than 2xx (see $OUT/wrk-$2.txt); its rate is not counted"
    return
  fi
  awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-$2.txt"
}
wrk_p99() { awk '$1 == "99%" {print $2}' "$OUT/wrk-$1.txt"; }

if (( DO_WRK )); then
  if ! command -v wrk >/dev/null; then
    say "wrk not installed: skipping the presigned GET comparison (--install-tools installs it)"
    SUMMARY+=("wrk: skipped (wrk not installed)")
  else
    NS_URL=$(bench presign --target "http://127.0.0.1:$NODE_PORT" --sizes 4KiB --key wrk/object-4k 2>>"$OUT/presign.log")
    PEER_URL=$(bench presign --target "http://127.0.0.1:$PEER_PORT" --sizes 4KiB --key wrk/object-4k 2>>"$OUT/presign.log")
    [[ $(http_code "$NS_URL") == 200 ]] || die "the presigned URL of Needlestack does not answer 200: $NS_URL"
    [[ $(http_code "$PEER_URL") == 200 ]] || die "the presigned URL of s3proxy does not answer 200: $PEER_URL"
    say "wrk on presigned 4 KiB GETs ($WRK_DURATION, $THREADS connections)"
    NS_WRK=$(wrk_rate "$NS_URL" needlestack)
    PEER_WRK=$(wrk_rate "$PEER_URL" s3proxy)
    NGINX_WRK=""
    if [[ -n $NGINX ]]; then
      NGINX_PORT=$(free_base 1)
      mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
      curl -s -o "$WORK/nginx/www/object-4k" "$NS_URL"
      # nginx workers run as an unprivileged user when started as root: let them read the file.
      chmod 755 "$WORK" "$WORK/nginx" "$WORK/nginx/www"; chmod 644 "$WORK/nginx/www/object-4k"
      cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp; uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  sendfile on;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/www; }
}
EOF
      "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" > "$OUT/nginx.log" 2>&1 &
      PIDS+=($!)
      for _ in $(seq 1 50); do [[ $(http_code "http://127.0.0.1:$NGINX_PORT/object-4k") == 200 ]] && break; sleep 0.2; done
      NGINX_WRK=$(wrk_rate "http://127.0.0.1:$NGINX_PORT/object-4k" nginx)
    fi
    SUMMARY+=("wrk presigned 4 KiB GET req/s: needlestack ${NS_WRK:-?} (p99 $(wrk_p99 needlestack)), s3proxy ${PEER_WRK:-?} (p99 $(wrk_p99 s3proxy))${NGINX_WRK:+, nginx $NGINX_WRK (p99 $(wrk_p99 nginx))}")
    SUMMARY+=("$(python3 - "$NS_WRK" "$PEER_WRK" "${NGINX_WRK:-0}" <<'EOF'
import sys
ns, peer, ng = (float(x or 0) for x in sys.argv[1:4])
def v(r, g): return "OK" if r >= g else "SHORT"
out = "  ratio needlestack/s3proxy %.2fx (goal >= 3.0 %s)" % (ns / peer, v(ns / peer, 3.0)) if peer else "  s3proxy: no rate"
if ng:
    out += "; needlestack/nginx %.1f%% (goal >= 25%% %s)" % (100 * ns / ng, v(ns / ng, 0.25))
print(out)
EOF
)")
    EXTRAS+=("\"wrk_presigned_get_4k\": {\"needlestack_rps\": ${NS_WRK:-null}, \"s3proxy_rps\": ${PEER_WRK:-null}, \"nginx_rps\": ${NGINX_WRK:-null}}")
  fi
fi

# --- RSS at 64 concurrent 64 MiB uploads and downloads -------------------------------------------

if (( DO_RSS64 )); then
  say "RSS of the node during 64 concurrent 64 MiB PUTs then GETs ($RSS64_DURATION each)"
  bench run --target "needlestack=http://127.0.0.1:$NODE_PORT@$MAIN_NODE_PID" --threads 64 \
    --sizes 64MiB --phases put,get --duration "$RSS64_DURATION" --warmup 0 \
    --json "$OUT/rss64.json" 2> "$OUT/rss64.progress.txt" > "$OUT/rss64.txt" || say "the rss64 run failed (see $OUT/rss64.txt)"
  RSS64=$(json_rss_mib "$OUT/rss64.json")
  ERR64=$(json_errors "$OUT/rss64.json")
  SUMMARY+=("RSS at 64 x 64 MiB PUT+GET: max ${RSS64} MiB, errors $ERR64 (goal < 1024 MiB with every transfer done: $([[ $RSS64 -gt 0 && $RSS64 -lt 1024 && $ERR64 == 0 ]] && echo OK || echo SHORT))")
  EXTRAS+=("\"rss64\": {\"max_rss_mib\": $RSS64, \"errors\": $ERR64}")
fi

# The comparisons below start servers of their own: the main pair is stopped first.
NEEDLESTACK_NO_BUILD=1 "$NEEDLESTACK" stop --data "$WORK/node" --timeout 30 >/dev/null 2>&1 || true
kill "$S3PROXY_PID" 2>/dev/null || true

# --- start-up: the node against a bare Payara Micro with a one-resource WAR ----------------------

wait_http() { # $1 = URL, $2 = pid; waits for an answer other than 000/404/503; prints ms waited
  local t0; t0=$(now_ms)
  for _ in $(seq 1 3000); do
    kill -0 "$2" 2>/dev/null || { echo -1; return; }
    case $(http_code "$1") in 000|404|503) sleep 0.1 ;; *) echo $(( $(now_ms) - t0 )); return ;; esac
  done
  echo -1
}

if (( DO_STARTUP )); then
  say "start-up: bare Payara Micro with a one-resource WAR, then the all-in-one node"
  JAXRS=$(find ~/.m2/repository/jakarta/ws/rs/jakarta.ws.rs-api/3.1.0 -name 'jakarta.ws.rs-api-3.1.0.jar' 2>/dev/null | head -1)
  [[ -n $JAXRS ]] || { mvn_q dependency:get -Dartifact=jakarta.ws.rs:jakarta.ws.rs-api:3.1.0 >/dev/null; JAXRS=$(find ~/.m2/repository/jakarta/ws/rs/jakarta.ws.rs-api/3.1.0 -name '*.jar' | head -1); }
  HELLO=$WORK/hello
  mkdir -p "$HELLO/WEB-INF/classes" "$HELLO/tmp"
  javac -nowarn --release 17 -cp "$JAXRS" -d "$HELLO/WEB-INF/classes" \
    $(find "$BENCH_DIR/src/startup-war/java" -name '*.java') 2>&1 | grep -v '^warning' >&2 || true
  (cd "$HELLO" && jar --create --file "$WORK/hello.war" WEB-INF)
  MICRO_JAR=$REPO_DIR/server-config/target/dist/payara-micro.jar
  # Gigabytes written by the runs before may still be on their way to the disk: a node's first
  # fsyncs (new containers, the index, H2) would wait behind them (25 s instead of 10 once).
  sync
  P=$(free_base 1)
  # The same JVM and Payara flags as bin/needlestack gives a node, minus the Needlestack parts.
  BARE_JVM=("$JAVA" -Xmx"$XMX" -XX:+UseSerialGC -Djava.io.tmpdir="$HELLO/tmp" -Dhazelcast.socket.bind.any=false)
  BARE_FLAGS=(--name hello --port "$P" --nohostaware --interfaces 127.0.0.1 --startport $((P + 1000))
    --clustername bench-hello --clustermode "tcpip:127.0.0.1:$((P + 1000))" --disablephonehome
    --deploy "$WORK/hello.war:/hello")
  t0=$(now_ms)
  "${BARE_JVM[@]}" -jar "$MICRO_JAR" --rootdir "$HELLO/payara" "${BARE_FLAGS[@]}" > "$OUT/payara-bare.log" 2>&1 &
  BARE_PID=$!
  PIDS+=("$BARE_PID")
  BARE_MS=$(wait_http "http://127.0.0.1:$P/hello/ping" "$BARE_PID")
  (( BARE_MS >= 0 )) && BARE_MS=$(( $(now_ms) - t0 ))
  BARE_RSS=$(rss_kib "$BARE_PID")
  kill "$BARE_PID" 2>/dev/null; wait "$BARE_PID" 2>/dev/null || true

  # The same bare Payara Micro given what the node has (bin/needlestack warmup): Payara's flat
  # class-path runtime (--outputlauncher) and a CDS archive of a --warmup boot. Like for like.
  rm -rf "$HELLO/root" "$HELLO/hello.jsa"
  "$JAVA" -jar "$MICRO_JAR" --rootdir "$HELLO/root" --outputlauncher > "$OUT/payara-bare-cds.log" 2>&1
  "${BARE_JVM[@]}" -XX:ArchiveClassesAtExit="$HELLO/hello.jsa" -jar "$HELLO/root/launch-micro.jar" "${BARE_FLAGS[@]}" --warmup \
    >> "$OUT/payara-bare-cds.log" 2>&1 || true
  BARE_CDS_MS=-1
  if [[ -s $HELLO/hello.jsa ]]; then
    sync
    t0=$(now_ms)
    "${BARE_JVM[@]}" -XX:SharedArchiveFile="$HELLO/hello.jsa" -jar "$HELLO/root/launch-micro.jar" "${BARE_FLAGS[@]}" \
      >> "$OUT/payara-bare-cds.log" 2>&1 &
    BARE_PID=$!
    PIDS+=("$BARE_PID")
    BARE_CDS_MS=$(wait_http "http://127.0.0.1:$P/hello/ping" "$BARE_PID")
    (( BARE_CDS_MS >= 0 )) && BARE_CDS_MS=$(( $(now_ms) - t0 ))
    kill "$BARE_PID" 2>/dev/null; wait "$BARE_PID" 2>/dev/null || true
  fi

  sync
  P=$(free_base 1)
  NODE_DATAS+=("$WORK/startup-node")
  t0=$(now_ms)
  "$NEEDLESTACK" start --name startup --port "$P" --data "$WORK/startup-node" --xmx "$XMX" > "$OUT/startup-node.txt" 2>&1 &
  START_PID=$!
  for _ in $(seq 1 600); do [[ -f $WORK/startup-node/node.pid ]] && break; sleep 0.05; done
  NODE_MS=$(wait_http "http://127.0.0.1:$P/_health" "$(cat "$WORK/startup-node/node.pid" 2>/dev/null || echo 0)")
  (( NODE_MS >= 0 )) && NODE_MS=$(( $(now_ms) - t0 ))
  NODE_RSS=$(rss_kib "$(cat "$WORK/startup-node/node.pid" 2>/dev/null || echo 0)")
  wait "$START_PID" || true
  NEEDLESTACK_NO_BUILD=1 "$NEEDLESTACK" stop --data "$WORK/startup-node" --timeout 30 >/dev/null 2>&1 || true
  SUMMARY+=("start-up to first answer: needlestack node ${NODE_MS} ms (RSS $((NODE_RSS / 1024)) MiB), bare Payara Micro + one-resource WAR ${BARE_MS} ms (RSS $((BARE_RSS / 1024)) MiB)")
  SUMMARY+=("$(python3 -c 'import sys; n,b=float(sys.argv[1]),float(sys.argv[2]); print("  ratio %.2fx (goal <= 1.5 %s)" % (n/b, "OK" if 0 < n/b <= 1.5 else "SHORT") if n > 0 and b > 0 else "  start-up: a server did not come up")' "$NODE_MS" "$BARE_MS")")
  SUMMARY+=("$(python3 -c 'import sys; n,b=float(sys.argv[1]),float(sys.argv[2]); print("  like for like, bare Payara Micro with its own CDS archive %d ms: ratio %.2fx" % (b, n/b) if n > 0 and b > 0 else "  bare Payara Micro with a CDS archive: did not come up")' "$NODE_MS" "$BARE_CDS_MS")")
  EXTRAS+=("\"startup\": {\"needlestack_ms\": $NODE_MS, \"payara_bare_ms\": $BARE_MS, \"payara_bare_cds_ms\": $BARE_CDS_MS, \"needlestack_rss_kib\": $NODE_RSS, \"payara_bare_rss_kib\": $BARE_RSS, \"needlestack_cds\": $([[ -s $REPO_DIR/server-config/target/dist/startup/needlestack.jsa ]] && echo true || echo false)}")
fi

# --- a three-node cluster (N=3, W=2): 4 KiB PUT ------------------------------------------------

if (( DO_CLUSTER )); then
  C=$(free_base 3)
  CLUSTER_DATA=$WORK/cluster
  say "three-node cluster (N=3, W=2) on ports $C..$((C + 2)): 4 KiB PUT, $THREADS threads, $CLUSTER_DURATION"
  if "$NEEDLESTACK" cluster up --nodes 3 --data "$CLUSTER_DATA" --port "$C" --xmx "$XMX" > "$OUT/cluster-up.txt" 2>&1; then
    # Three fresh JVMs compile on the same two cores: measured with jstat, their compile time
    # still grows by seconds per 15 s of load after two minutes, so a short pre-warm measures
    # the compilers more than the cluster. The pre-warm runs in the timed run's own JVM
    # (--prewarm): the client competes with three nodes for the cores here, and a client that had
    # pre-warmed the cluster from another JVM started cold and needed about a minute more (4 KiB
    # PUTs by 20 s round on a warm cluster: 396, 585, 737, 877 ops/s).
    if [[ $CLUSTER_PREWARM != 0 && $CLUSTER_PREWARM != 0s ]]; then
      say "pre-warm of the cluster, in the timed run: 4KiB put, $CLUSTER_PREWARM (untimed)"
      CLUSTER_PREWARM_ARGS=(--prewarm "$CLUSTER_PREWARM" --prewarm-phases put)
    else
      CLUSTER_PREWARM_ARGS=(--prewarm "$PREWARM")
    fi
    bench run --target "cluster=http://127.0.0.1:$C" --threads "$THREADS" --sizes 4KiB --phases put \
      --duration "$CLUSTER_DURATION" --warmup "$WARMUP" "${CLUSTER_PREWARM_ARGS[@]}" --json "$OUT/cluster.json" \
      2> "$OUT/cluster.progress.txt" > "$OUT/cluster.txt" || say "the cluster run failed (see $OUT/cluster.txt)"
    CL_PUT=$(json_get "$OUT/cluster.json" 'j["results"][0]["ops_per_s"]' 2>/dev/null || echo 0)
    CL_ERR=$(json_get "$OUT/cluster.json" 'j["results"][0]["errors"]' 2>/dev/null || echo "?")
    SUMMARY+=("$(python3 -c 'import sys; c,s=float(sys.argv[1]),float(sys.argv[2]); print("cluster N=3,W=2 4 KiB PUT %.1f ops/s (errors %s), single node %.1f: %.0f%% (goal >= 40%% %s)" % (c, sys.argv[3], s, 100*c/s if s else 0, "OK" if s and c/s >= 0.4 else "SHORT"))' "$CL_PUT" "$NODE_PUT4K" "$CL_ERR")")
    EXTRAS+=("\"cluster_put_4k\": {\"cluster_ops_per_s\": $CL_PUT, \"single_ops_per_s\": $NODE_PUT4K, \"errors\": \"$CL_ERR\"}")
  else
    say "cluster up failed (see $OUT/cluster-up.txt)"
    SUMMARY+=("cluster: did not come up (see $OUT/cluster-up.txt)")
  fi
  NEEDLESTACK_NO_BUILD=1 "$NEEDLESTACK" cluster down --data "$CLUSTER_DATA" --timeout 30 >/dev/null 2>&1 || true
  CLUSTER_DATA=""
fi

# --- a million objects stored: RSS while writing, reading and listing them, and after a restart --

if (( DO_MILLION )); then
  say "a million objects: $MILLION_OBJECTS PUTs of 1 KiB into a fresh node, then GET and LIST over them ($MILLION_DURATION each); RSS sampled"
  M_PORT=$(free_base 1)
  start_node "$WORK/million-node" "$M_PORT" million
  bench run --target "needlestack=http://127.0.0.1:$M_PORT@$NODE_PID" --threads "$THREADS" \
    --sizes 1KiB --phases put,get,list --objects "$MILLION_OBJECTS" --duration "$MILLION_DURATION" \
    --warmup 0 --keep --json "$OUT/million.json" 2> "$OUT/million.progress.txt" > "$OUT/million.txt" \
    || say "the million run failed (see $OUT/million.txt)"
  M_RSS=$(json_rss_mib "$OUT/million.json")
  M_ERR=$(json_errors "$OUT/million.json")
  M_PUTS=$(json_get "$OUT/million.json" 'sum(r["ops"] for r in j["results"] if r["phase"] == "put")' 2>/dev/null || echo 0)
  M_RATE=$(json_get "$OUT/million.json" 'round(sum(r["ops_per_s"] for r in j["results"] if r["phase"] == "put"))' 2>/dev/null || echo 0)
  # The restart reopens the index with every object in it (and shows what a node holding them
  # needs when it has just started, before any load).
  say "restarting the node that holds them"
  NEEDLESTACK_NO_BUILD=1 "$NEEDLESTACK" stop --data "$WORK/million-node" --timeout 60 >/dev/null 2>&1 || say "the node did not stop cleanly"
  # Anything of the run still in the page cache is flushed first and timed on its own, so that
  # the restart's time is the node's alone (one restart took 84 s, never explained; the next,
  # after a 5 ms flush, 14 s). The node's log is kept for the same reason.
  t0=$(now_ms)
  sync
  M_SYNC_MS=$(( $(now_ms) - t0 ))
  t0=$(now_ms)
  start_node "$WORK/million-node" "$M_PORT" million
  M_START_MS=$(( $(now_ms) - t0 ))
  M_RSS_IDLE=$(( $(rss_kib "$NODE_PID") / 1024 ))
  bench run --target "needlestack=http://127.0.0.1:$M_PORT@$NODE_PID" --threads "$THREADS" \
    --sizes 4KiB --phases put,get,list --duration "$MILLION_DURATION" --warmup 0 \
    --json "$OUT/million-restarted.json" 2> "$OUT/million-restarted.progress.txt" > "$OUT/million-restarted.txt" \
    || say "the run after the restart failed (see $OUT/million-restarted.txt)"
  NEEDLESTACK_NO_BUILD=1 "$NEEDLESTACK" stop --data "$WORK/million-node" --timeout 60 >/dev/null 2>&1 || true
  cp "$WORK/million-node/node.log" "$OUT/million-node.log" 2>/dev/null || true
  M_RSS2=$(json_rss_mib "$OUT/million-restarted.json")
  M_ERR2=$(json_errors "$OUT/million-restarted.json")
  M_OK=$([[ $M_PUTS -ge $MILLION_OBJECTS && $M_RSS -gt 0 && $M_RSS -lt 1024 && $M_RSS2 -gt 0 && $M_RSS2 -lt 1024 && $M_ERR == 0 && $M_ERR2 == 0 ]] && echo OK || echo SHORT)
  SUMMARY+=("$M_PUTS objects stored (1 KiB PUTs, $M_RATE/s): RSS max $M_RSS MiB while writing, reading and listing them; flushed to disk in $M_SYNC_MS ms, restarted in $M_START_MS ms, RSS $M_RSS_IDLE MiB idle, max $M_RSS2 MiB under 4 KiB PUT, GET and LIST; errors $M_ERR and $M_ERR2 (goal < 1024 MiB: $M_OK)")
  EXTRAS+=("\"million\": {\"objects\": $M_PUTS, \"put_ops_per_s\": $M_RATE, \"max_rss_mib\": $M_RSS, \"errors\": \"$M_ERR\", \"sync_ms\": $M_SYNC_MS, \"restart_ms\": $M_START_MS, \"restarted_idle_rss_mib\": $M_RSS_IDLE, \"restarted_max_rss_mib\": $M_RSS2, \"restarted_errors\": \"$M_ERR2\"}")
fi

# --- summary -------------------------------------------------------------------------------------

{
  printf '{'
  for i in "${!EXTRAS[@]}"; do (( i )) && printf ', '; printf '%s' "${EXTRAS[$i]}"; done
  printf '}\n'
} > "$OUT/extras.json"
if (( ${#SUMMARY[@]} )); then
  echo
  echo "Extras:"
  printf '  %s\n' "${SUMMARY[@]}"
fi
echo
echo "Results in $OUT (main.txt, main.json, extras.json, logs)"
(( JFR )) && echo "JFR profile of the node: $OUT/node.jfr (jfr print --events jdk.ExecutionSample ...)"
exit 0
