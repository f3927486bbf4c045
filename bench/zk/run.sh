#!/usr/bin/env bash
# Side-by-side benchmark: Apache ZooKeeper 3.8 (standalone JVM) against our
# zookeeper-server, same client (zkbench on the official C client), same
# workload, same run. Prints one markdown table: metric | apache | ours | ratio.
#
#   bench/zk/run.sh [-r N] [--quick] [--apache-only | --ours-only] [--keep]
#                   [--ensemble]
#
# --ensemble: three-node ensembles instead of standalone servers (three
# Apache JVMs, then three of ours; server.N lines + myid, free loopback
# ports, fsync on). Start time = launch of all 3 -> first session via the
# 3-host connect string (includes leader election); zkbench uses that
# string; RSS is summed over the 3 servers (and the largest is shown).
#
# Per repetition and server: fresh temp dataDir and free port, start time
# (launch -> first successful exists("/") via zkbench --wait-ready), RSS right
# after start, the pipelined and the unloaded zkbench configuration, peak RSS
# (VmHWM) after both, stop by PID, remove the temp dir. Medians over -r reps.
#
# Environment overrides: ZKBENCH (zkbench binary), ZK_SERVER (our server),
# OURS_LABEL (what to call its version in the report, default: git state of
# daemon/zookeeper), JAVA (default /usr/bin/java), ZK_JARS (Apache classpath).
set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO" || exit 1

REPS=1
QUICK=0
SERVERS="apache ours"
KEEP=0
ENSEMBLE=0
while [ $# -gt 0 ]; do
  case "$1" in
    -r) REPS="${2:?-r needs a number}"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --apache-only) SERVERS="apache"; shift ;;
    --ours-only) SERVERS="ours"; shift ;;
    --keep) KEEP=1; shift ;;
    --ensemble) ENSEMBLE=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$REPS" in ''|*[!0-9]*|0) echo "run.sh: -r needs a positive number" >&2; exit 2 ;; esac

if [ "$QUICK" = 1 ]; then
  PIPELINED="-k 4 -o 128 -n 2000 -g 400 -w 100 -e 80 -u 500"
  UNLOADED="-k 1 -o 1 -n 400 -g 100 -w 60 -e 20 -u 200"
else
  PIPELINED="-k 4 -o 128 -n 10000 -g 2000 -w 500 -e 400 -u 2000"
  UNLOADED="-k 1 -o 1 -n 2000 -g 500 -w 300 -e 100 -u 1000"
fi

JAVA=${JAVA:-/usr/bin/java}
ZK_JARS=${ZK_JARS:-/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar}
# The optimised outputs, not bazel-bin: that symlink follows the last build's
# configuration (a -c dbg or --config=asan build elsewhere would swap in
# unoptimised binaries).
BIN=$REPO/bazel-out/k8-opt/bin
ZKBENCH=${ZKBENCH:-$BIN/bench/zk/zkbench}
ZK_SERVER=${ZK_SERVER:-$BIN/daemon/zookeeper/zookeeper-server}
PY=/usr/bin/python3
READY_TIMEOUT=60     # s, launch -> first session
BENCH_TIMEOUT=900    # s, one zkbench configuration (8 phases x 60 s + warm-up)

log() { echo "run.sh: $*" >&2; }

if [ ! -x "$ZKBENCH" ]; then
  log "building //bench/zk:zkbench"
  bazel build //bench/zk:zkbench >&2 || { log "zkbench build failed"; exit 1; }
fi

if [[ " $SERVERS " == *" ours "* ]] && [ ! -x "$ZK_SERVER" ]; then
  log "*** our server is not built: $ZK_SERVER does not exist."
  log "*** build it with: bazel build //daemon/zookeeper:zookeeper-server"
  log "*** running Apache ZooKeeper only; the 'ours' column will be n/a."
  SERVERS=${SERVERS//ours/}
fi
if [[ " $SERVERS " == *" apache "* ]] && [ ! -x "$JAVA" ]; then
  log "*** $JAVA not found: skipping Apache ZooKeeper"
  SERVERS=${SERVERS//apache/}
fi
if [ -z "${SERVERS// /}" ]; then log "nothing to run"; exit 1; fi

OUT=$(mktemp -d /tmp/zkbench-results.XXXXXX)
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
# Private copies: bazel-bin is a symlink that follows whatever configuration
# the last build in this workspace used, so the binaries can vanish or change
# under us while we measure.
cp "$ZKBENCH" "$OUT/zkbench" || exit 1
ZKBENCH=$OUT/zkbench

# Servers and temp dirs still alive, for the trap.
declare -A LIVE_PIDS=()
declare -A LIVE_DIRS=()

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 200); do          # up to 10 s for a clean stop
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 10 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  unset "LIVE_PIDS[$pid]"
}

cleanup() {
  local pid d
  for pid in "${!LIVE_PIDS[@]}"; do stop_pid "$pid"; done
  for d in "${!LIVE_DIRS[@]}"; do rm -rf "$d"; done
  LIVE_DIRS=()
  if [ "$KEEP" = 0 ]; then rm -rf "$OUT"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Ctrl-C reaches zkbench through `timeout --foreground`, which exits 130
# instead of dying of the signal, so bash would carry on: stop here.
interrupted() {
  if [ "$1" -eq 130 ] || [ "$1" -eq 143 ]; then log "interrupted"; exit 130; fi
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

kib_field() {  # kib_field PID VmHWM -> value in KiB, or empty
  awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status" 2>/dev/null
}

record() {  # record key=value... (numbers or quoted strings) as one JSON line
  local line="{" sep="" kv
  for kv in "$@"; do
    line+="$sep\"${kv%%=*}\":${kv#*=}"
    sep=","
  done
  echo "$line}" >> "$RESULTS"
}

# run_one SERVER REP: start, measure, stop, clean up.
run_one() {
  local server=$1 rep=$2 dir port pid t0 ready rc cfg_extra
  dir=$(mktemp -d /tmp/zkbench-$server.XXXXXX)
  LIVE_DIRS[$dir]=1
  port=$(free_port)
  mkdir -p "$dir/data"
  cat > "$dir/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=false
EOF
  log "rep $rep: starting $server on 127.0.0.1:$port ($dir)"
  # zkbench --wait-ready starts first and polls, so its own start-up (loading
  # the client library) is not counted; it reports the epoch ns of the first
  # successful exists("/"), and start time = that - launch time.
  timeout --foreground $((READY_TIMEOUT + 10)) "$ZKBENCH" --wait-ready \
    -s "127.0.0.1:$port" --timeout "$READY_TIMEOUT" -l "$server/ready/$rep" \
    > "$dir/ready.json" 2> "$dir/ready.err" &
  local waiter=$!
  LIVE_PIDS[$waiter]=1
  sleep 0.2   # only so the waiter is already polling; not a readiness wait
  t0=$(date +%s%N)
  if [ "$server" = apache ]; then
    "$JAVA" -Xmx1000m -cp "$ZK_JARS" \
      -Dorg.slf4j.simpleLogger.logFile="$dir/server.log" \
      -Dzookeeper.log.dir="$dir" \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" \
      > "$dir/stdout.log" 2>&1 &
  else
    "$ZK_SERVER" "$dir/zoo.cfg" > "$dir/stdout.log" 2> "$dir/server.log" &
  fi
  pid=$!
  LIVE_PIDS[$pid]=1

  # Give up early if the server exits during start-up.
  local died=0
  while kill -0 "$waiter" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "rep $rep: $server exited during start-up"
      died=1
      kill -TERM "$waiter" 2>/dev/null
      break
    fi
    sleep 0.05
  done
  wait "$waiter"
  rc=$?
  unset "LIVE_PIDS[$waiter]"
  if [ $died = 0 ]; then interrupted $rc; fi
  ready=$(grep '^{' "$dir/ready.json")
  if [ $rc -ne 0 ] || [ -z "$ready" ]; then
    log "rep $rep: $server did not become ready (rc $rc); last log lines:"
    tail -n 5 "$dir/server.log" "$dir/stdout.log" >&2 2>/dev/null
    record server="\"$server\"" rep="$rep" failed='"not ready"'
    stop_pid "$pid"; rm -rf "$dir"; unset "LIVE_DIRS[$dir]"
    return 1
  fi
  local start_ms tcp_ms rss0
  read -r start_ms tcp_ms < <("$PY" -c '
import json, sys
j, t0 = json.loads(sys.argv[1]), int(sys.argv[2])
print(round((j["ready_epoch_ns"] - t0) / 1e6, 2), round((j["tcp_epoch_ns"] - t0) / 1e6, 2))' "$ready" "$t0")
  rss0=$(kib_field "$pid" VmRSS)
  log "rep $rep: $server ready after $start_ms ms (port open after $tcp_ms ms), RSS ${rss0:-?} KiB"

  local cfg args
  for cfg in pipelined unloaded; do
    if [ $cfg = pipelined ]; then args=$PIPELINED; else args=$UNLOADED; fi
    log "rep $rep: $server $cfg: zkbench $args"
    # shellcheck disable=SC2086
    timeout --foreground "$BENCH_TIMEOUT" "$ZKBENCH" -s "127.0.0.1:$port" $args \
      --server-pid "$pid" -l "$server/$cfg/$rep" > "$dir/zkbench-$cfg.out" 2> "$dir/zkbench-$cfg.err"
    rc=$?
    interrupted $rc
    grep '^{' "$dir/zkbench-$cfg.out" | while IFS= read -r line; do
      echo "{\"server\":\"$server\",\"config\":\"$cfg\",\"rep\":$rep,${line#\{}"
    done >> "$RESULTS"
    if [ $rc -ne 0 ]; then
      log "rep $rep: $server $cfg: zkbench exit $rc (errors or timeout)"
      tail -n 5 "$dir/zkbench-$cfg.err" >&2
      record server="\"$server\"" rep="$rep" config="\"$cfg\"" bench_rc="$rc"
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "rep $rep: $server died during $cfg; last log lines:"
      tail -n 10 "$dir/server.log" >&2
      break
    fi
  done

  local hwm
  hwm=$(kib_field "$pid" VmHWM)
  record server="\"$server\"" rep="$rep" start_ms="$start_ms" tcp_ms="$tcp_ms" \
    rss_start_kib="${rss0:-null}" hwm_kib="${hwm:-null}"
  if [ "$KEEP" = 1 ]; then cp "$dir"/*.log "$dir"/*.out "$OUT/" 2>/dev/null; fi
  stop_pid "$pid"
  rm -rf "$dir"
  unset "LIVE_DIRS[$dir]"
  # Flush this server's dirty pages now, so the next server's fsyncs (and
  # start time) do not pay for them.
  sync
}

# run_ensemble SERVER REP: three nodes of SERVER on loopback; start all three
# at once, measure, stop, clean up. Like run_one, but RSS is summed (and the
# largest node recorded) and no --server-pid is passed (CPU rows are n/a).
run_ensemble() {
  local server=$1 rep=$2 dir i j rc t0 ready hosts="" servers=""
  local -a cport qport eport pids
  dir=$(mktemp -d /tmp/zkbench-$server-ens.XXXXXX)
  LIVE_DIRS[$dir]=1
  for i in 1 2 3; do
    cport[$i]=$(free_port); qport[$i]=$(free_port); eport[$i]=$(free_port)
  done
  for i in 1 2 3; do
    servers+="server.$i=127.0.0.1:${qport[$i]}:${eport[$i]}"$'\n'
    hosts+="${hosts:+,}127.0.0.1:${cport[$i]}"
  done
  for i in 1 2 3; do
    mkdir -p "$dir/zk$i/data"
    echo "$i" > "$dir/zk$i/data/myid"
    cat > "$dir/zk$i/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir/zk$i/data
clientPort=${cport[$i]}
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=false
$servers
EOF
  done
  log "rep $rep: starting 3-node $server ensemble on $hosts ($dir)"
  timeout --foreground $((READY_TIMEOUT + 10)) "$ZKBENCH" --wait-ready \
    -s "$hosts" --timeout "$READY_TIMEOUT" -l "$server/ready/$rep" \
    > "$dir/ready.json" 2> "$dir/ready.err" &
  local waiter=$!
  LIVE_PIDS[$waiter]=1
  sleep 0.2   # only so the waiter is already polling; not a readiness wait
  t0=$(date +%s%N)
  for i in 1 2 3; do
    if [ "$server" = apache ]; then
      "$JAVA" -Xmx1000m -cp "$ZK_JARS" \
        -Dorg.slf4j.simpleLogger.logFile="$dir/zk$i/server.log" \
        -Dzookeeper.log.dir="$dir/zk$i" \
        org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zk$i/zoo.cfg" \
        > "$dir/zk$i/stdout.log" 2>&1 &
    else
      "$ZK_SERVER" "$dir/zk$i/zoo.cfg" > "$dir/zk$i/stdout.log" 2> "$dir/zk$i/server.log" &
    fi
    pids[$i]=$!
    LIVE_PIDS[${pids[$i]}]=1
  done

  # Give up early if a node exits during start-up.
  local died=0
  while kill -0 "$waiter" 2>/dev/null && [ $died = 0 ]; do
    for i in 1 2 3; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        log "rep $rep: $server node $i exited during start-up"
        died=1
        kill -TERM "$waiter" 2>/dev/null
        break
      fi
    done
    sleep 0.05
  done
  wait "$waiter"
  rc=$?
  unset "LIVE_PIDS[$waiter]"
  if [ $died = 0 ]; then interrupted $rc; fi
  ready=$(grep '^{' "$dir/ready.json")
  if [ $rc -ne 0 ] || [ -z "$ready" ]; then
    log "rep $rep: $server ensemble did not become ready (rc $rc); last log lines:"
    for i in 1 2 3; do tail -n 5 "$dir/zk$i/server.log" "$dir/zk$i/stdout.log" >&2 2>/dev/null; done
    record server="\"$server\"" rep="$rep" failed='"not ready"'
    for i in 1 2 3; do stop_pid "${pids[$i]}"; done
    rm -rf "$dir"; unset "LIVE_DIRS[$dir]"
    return 1
  fi
  local start_ms tcp_ms rss0=0 v
  read -r start_ms tcp_ms < <("$PY" -c '
import json, sys
j, t0 = json.loads(sys.argv[1]), int(sys.argv[2])
print(round((j["ready_epoch_ns"] - t0) / 1e6, 2), round((j["tcp_epoch_ns"] - t0) / 1e6, 2))' "$ready" "$t0")
  for i in 1 2 3; do
    v=$(kib_field "${pids[$i]}" VmRSS); rss0=$((rss0 + ${v:-0}))
  done
  log "rep $rep: $server ensemble ready after $start_ms ms (first port open after $tcp_ms ms), RSS sum $rss0 KiB"

  local cfg args alive
  for cfg in pipelined unloaded; do
    if [ $cfg = pipelined ]; then args=$PIPELINED; else args=$UNLOADED; fi
    log "rep $rep: $server ensemble $cfg: zkbench $args"
    # shellcheck disable=SC2086
    timeout --foreground "$BENCH_TIMEOUT" "$ZKBENCH" -s "$hosts" $args \
      -l "$server/$cfg/$rep" > "$dir/zkbench-$cfg.out" 2> "$dir/zkbench-$cfg.err"
    rc=$?
    interrupted $rc
    grep '^{' "$dir/zkbench-$cfg.out" | while IFS= read -r line; do
      echo "{\"server\":\"$server\",\"config\":\"$cfg\",\"rep\":$rep,${line#\{}"
    done >> "$RESULTS"
    if [ $rc -ne 0 ]; then
      log "rep $rep: $server ensemble $cfg: zkbench exit $rc (errors or timeout)"
      tail -n 5 "$dir/zkbench-$cfg.err" >&2
      record server="\"$server\"" rep="$rep" config="\"$cfg\"" bench_rc="$rc"
    fi
    alive=1
    for i in 1 2 3; do
      if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        log "rep $rep: $server node $i died during $cfg; last log lines:"
        tail -n 10 "$dir/zk$i/server.log" >&2
        alive=0
      fi
    done
    [ $alive = 1 ] || break
  done

  local hwm_sum=0 hwm_max=0 missing=0
  for i in 1 2 3; do
    v=$(kib_field "${pids[$i]}" VmHWM)
    if [ -z "$v" ]; then missing=1; continue; fi
    hwm_sum=$((hwm_sum + v))
    if [ "$v" -gt "$hwm_max" ]; then hwm_max=$v; fi
  done
  if [ $missing = 1 ]; then hwm_sum=null; fi
  record server="\"$server\"" rep="$rep" start_ms="$start_ms" tcp_ms="$tcp_ms" \
    rss_start_kib="$rss0" hwm_kib="$hwm_sum" hwm_max_kib="$hwm_max"
  if [ "$KEEP" = 1 ]; then
    for i in 1 2 3; do
      for j in "$dir/zk$i"/*.log; do cp "$j" "$OUT/$server-ens-zk$i-$(basename "$j")" 2>/dev/null; done
    done
    cp "$dir"/*.out "$OUT/" 2>/dev/null
  fi
  for i in 1 2 3; do stop_pid "${pids[$i]}"; done
  rm -rf "$dir"
  unset "LIVE_DIRS[$dir]"
  sync
}

COMMIT=$(git -C "$REPO" log -1 --format='%h %cd' --date=format:'%Y-%m-%d %H:%M' 2>/dev/null)
if [[ " $SERVERS " == *" ours "* ]]; then
  built=$(date -u -r "$ZK_SERVER" '+%H:%M:%S UTC')
  cp "$ZK_SERVER" "$OUT/zookeeper-server" || exit 1
  ZK_SERVER=$OUT/zookeeper-server
  if [ -n "${OURS_LABEL:-}" ]; then
    OURS_COMMIT=$OURS_LABEL
  else
    OURS_COMMIT=$(git -C "$REPO" log -1 --format=%h -- daemon/zookeeper 2>/dev/null)
    OURS_COMMIT=${OURS_COMMIT:-"(no commit yet)"}
    if [ -n "$(git -C "$REPO" status --porcelain -- daemon/zookeeper 2>/dev/null)" ]; then
      OURS_COMMIT="$OURS_COMMIT + uncommitted changes in daemon/zookeeper"
    fi
  fi
  OURS_COMMIT="$OURS_COMMIT (binary built $built)"
else
  OURS_COMMIT="(not run)"
fi
log "servers: $SERVERS; reps: $REPS; results: $OUT"

for rep in $(seq 1 "$REPS"); do
  order=$SERVERS
  # Alternate who goes first, so neither always runs on a cooler machine.
  if [ $((rep % 2)) = 0 ]; then order=$(echo $SERVERS | awk '{for(i=NF;i>0;i--) printf "%s ", $i}'); fi
  for server in $order; do
    if [ "$ENSEMBLE" = 1 ]; then run_ensemble "$server" "$rep"; else run_one "$server" "$rep"; fi
  done
done

"$PY" "$REPO/bench/zk/report.py" "$RESULTS" \
  --reps "$REPS" --repo-commit "${COMMIT:-?}" --ours-commit "${OURS_COMMIT:-?}" \
  --pipelined "$PIPELINED" --unloaded "$UNLOADED" \
  $([ "$ENSEMBLE" = 1 ] && echo --ensemble)
status=$?
if [ "$KEEP" = 1 ]; then log "raw results kept in $OUT"; fi
exit $status
