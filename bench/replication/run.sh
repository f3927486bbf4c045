#!/usr/bin/env bash
# Replication cost in one run: the same third-party load (../shared/bench/run.sh, kcat)
# against three of our brokers with replication factor 3 and acks=all
# (min.insync.replicas=2), then against the same three brokers with replication factor 1
# and acks=1. Both clusters run on loopback with fresh temp dirs and are stopped by PID.
#   bench/replication/run.sh [-n COUNT] [-s SIZE] [-r RUNS]      (defaults 1000000 100 3)
# Needs a built tree (bazel build //daemon/...) and ../shared/bench (BENCH_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH_DIR=${BENCH_DIR:-$ROOT/../shared/bench}
COUNT=1000000 SIZE=100 RUNS=3
while getopts "n:s:r:" o; do
  case $o in n) COUNT=$OPTARG ;; s) SIZE=$OPTARG ;; r) RUNS=$OPTARG ;; *) exit 2 ;; esac
done
BIN=${KAFKA_CPP_BIN:-$ROOT/bazel-bin}
[[ -x $BIN/daemon/broker/kafka-server && -x $BIN/daemon/zookeeper/zookeeper-server ]] ||
  { echo "error: build first: bazel build //daemon/..." >&2; exit 2; }
[[ -x $BENCH_DIR/run.sh ]] || { echo "error: $BENCH_DIR/run.sh not found (set BENCH_DIR)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/bench-repl.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "error: nothing listens on $1" >&2; return 1
}

# cluster NAME RF MIN_ISR: starts ZooKeeper + 3 brokers; sets BOOT to the bootstrap list.
cluster() {
  local name=$1 rf=$2 min_isr=$3 zk bootstrap=""
  zk=$(free_port)
  mkdir -p "$WORK/$name/zk"
  printf 'dataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\n' "$WORK/$name/zk" "$zk" >"$WORK/$name/zk.cfg"
  "$BIN/daemon/zookeeper/zookeeper-server" "$WORK/$name/zk.cfg" >"$WORK/$name/zk.log" 2>&1 &
  PIDS+=($!)
  wait_port "$zk"
  for id in 1 2 3; do
    local port
    port=$(free_port)
    "$BIN/daemon/broker/kafka-server" config/server.properties \
      --override broker.id=$id --override listeners=PLAINTEXT://127.0.0.1:$port \
      --override log.dirs="$WORK/$name/kafka-$id" --override zookeeper.connect=127.0.0.1:$zk/$name \
      --override default.replication.factor=$rf --override min.insync.replicas=$min_isr \
      --override offsets.topic.replication.factor=1 --override num.partitions=1 \
      >"$WORK/$name/broker-$id.log" 2>&1 &
    PIDS+=($!)
    bootstrap+="${bootstrap:+,}127.0.0.1:$port"
  done
  for b in ${bootstrap//,/ }; do wait_port "${b#*:}"; done
  BOOT=$bootstrap
}

echo "== replication factor 3, acks=all, min.insync.replicas=2 (${COUNT} x ${SIZE} B, ${RUNS} runs)"
cluster rf3 3 2
"$BENCH_DIR/run.sh" -b "${BOOT%%,*}" -t rf3 -n "$COUNT" -s "$SIZE" -a all -r "$RUNS" | tee "$WORK/rf3.out"
echo "# the topics as the brokers describe them (replication factor and ISR really used):"
"$BIN/tools/kafka_topics/kafka-topics" --bootstrap-server "$BOOT" --describe | grep "Partition: " | head -n 3
echo "== replication factor 1, acks=1 (same brokers' binary, a fresh cluster)"
cluster rf1 1 1
"$BENCH_DIR/run.sh" -b "${BOOT%%,*}" -t rf1 -n "$COUNT" -s "$SIZE" -a 1 -r "$RUNS" | tee "$WORK/rf1.out"
"$BIN/tools/kafka_topics/kafka-topics" --bootstrap-server "$BOOT" --describe | grep "Partition: " | head -n 3
p3=$(sed -n 's/^MEDIAN produce\/acks=all *records\/s=\([0-9]*\).*/\1/p' "$WORK/rf3.out")
p1=$(sed -n 's/^MEDIAN produce\/acks=1 *records\/s=\([0-9]*\).*/\1/p' "$WORK/rf1.out")
c3=$(sed -n 's/^MEDIAN consume\/acks=all *records\/s=\([0-9]*\).*/\1/p' "$WORK/rf3.out")
c1=$(sed -n 's/^MEDIAN consume\/acks=1 *records\/s=\([0-9]*\).*/\1/p' "$WORK/rf1.out")
echo "RESULT produce records/s: RF3 acks=all ${p3:-?}  RF1 acks=1 ${p1:-?}  ratio $(awk -v a="${p3:-0}" -v b="${p1:-1}" 'BEGIN{printf "%.2f", a/b}')"
echo "RESULT consume records/s: RF3 ${c3:-?}  RF1 ${c1:-?}  ratio $(awk -v a="${c3:-0}" -v b="${c1:-1}" 'BEGIN{printf "%.2f", a/b}')"
