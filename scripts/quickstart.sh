#!/usr/bin/env bash
# The first command: installs what is missing, builds, and runs the story on loopback.
#   ./scripts/quickstart.sh         start (ZooKeeper on 127.0.0.1:2181, then the brokers once they exist)
#   ./scripts/quickstart.sh stop    stop everything it started (by PID) and keep the data
# State lives in ./run/quickstart (ignored by git); logs in ./logs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=$ROOT/run/quickstart
export LOG_DIR=$RUN/logs
ZK_PORT=${ZK_PORT:-2181}

if [[ ${1:-} == stop ]]; then
  ./scripts/zookeeper-server-stop.sh || true
  echo "stopped; data kept in $RUN (rm -rf $RUN to start afresh)"
  exit 0
fi

./scripts/deps.sh
echo "== building (bazel build //...)"
bazel build //... 2>&1 | tail -n 2

echo "== built binaries"
for b in daemon/zookeeper/zookeeper-server tools/zookeeper_shell/zookeeper-shell \
         daemon/broker/kafka-server tools/kafka_topics/kafka-topics \
         tools/console_producer/kafka-console-producer tools/console_consumer/kafka-console-consumer; do
  if [[ -x bazel-bin/$b ]]; then echo "  bazel-bin/$b"; else echo "  (not yet built: $b)"; fi
done

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ ! -x bazel-bin/daemon/zookeeper/zookeeper-server ]]; then
  echo "zookeeper-server is not built yet; nothing to start."
  exit 0
fi

mkdir -p "$RUN/zookeeper" "$LOG_DIR"
if port_busy "$ZK_PORT"; then
  echo "error: 127.0.0.1:$ZK_PORT is already in use (a previous quickstart? run: $0 stop)" >&2
  exit 1
fi
cat >"$RUN/zookeeper.properties" <<CFG
dataDir=$RUN/zookeeper
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=*
CFG
echo "== starting ZooKeeper: scripts/zookeeper-server-start.sh -daemon $RUN/zookeeper.properties"
./scripts/zookeeper-server-start.sh -daemon "$RUN/zookeeper.properties"
for _ in $(seq 1 100); do
  port_busy "$ZK_PORT" && break
  sleep 0.1
done
port_busy "$ZK_PORT" || { echo "error: ZooKeeper did not start; see $LOG_DIR/zookeeper-server.out" >&2; exit 1; }
echo "   ruok -> $(bash -c "exec 3<>/dev/tcp/127.0.0.1/$ZK_PORT; printf ruok >&3; cat <&3")"

if [[ -x bazel-bin/tools/zookeeper_shell/zookeeper-shell ]]; then
  echo "== scripts/zookeeper-shell.sh 127.0.0.1:$ZK_PORT create /peter-overview01 'hello from quickstart'"
  ./scripts/zookeeper-shell.sh "127.0.0.1:$ZK_PORT" create /peter-overview01 "hello from quickstart" || true
  echo "== scripts/zookeeper-shell.sh 127.0.0.1:$ZK_PORT ls /"
  ./scripts/zookeeper-shell.sh "127.0.0.1:$ZK_PORT" ls /
  echo "== scripts/zookeeper-shell.sh 127.0.0.1:$ZK_PORT get /peter-overview01"
  ./scripts/zookeeper-shell.sh "127.0.0.1:$ZK_PORT" get /peter-overview01
fi

echo
echo "The broker (kafka-server) and the console tools are not built yet: the story stops at ZooKeeper."
echo "ZooKeeper is running on 127.0.0.1:$ZK_PORT (logs: $LOG_DIR)."
echo "Stop it with: ./scripts/quickstart.sh stop"
