#!/usr/bin/env bash
# The first command: installs what is missing, builds, and runs the story on loopback.
#   ./scripts/quickstart.sh         start ZooKeeper (127.0.0.1:2181) and brokers 1-3 (127.0.0.1:9092-9094),
#                                   create peter-overview01, pipe lines through producer and consumer
#   ./scripts/quickstart.sh stop    stop everything it started (by PID) and keep the data
# State lives in ./run/quickstart (ignored by git); logs in ./logs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=$ROOT/run/quickstart
export LOG_DIR=$RUN/logs
ZK_PORT=${ZK_PORT:-2181}
BROKER_BASE_PORT=${BROKER_BASE_PORT:-9092}

if [[ ${1:-} == stop ]]; then
  # Brokers first (they close their ZooKeeper sessions), then ZooKeeper.
  ./scripts/kafka-server-stop.sh || true
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

BROKERS=()
for id in 1 2 3; do
  port=$((BROKER_BASE_PORT + id - 1))
  if port_busy "$port"; then
    echo "error: 127.0.0.1:$port is already in use (a previous quickstart? run: $0 stop)" >&2
    exit 1
  fi
  mkdir -p "$RUN/kafka-logs-$id"
  echo "== starting broker $id: scripts/kafka-server-start.sh -daemon config/server.properties --override broker.id=$id ..."
  ./scripts/kafka-server-start.sh -daemon config/server.properties \
    --override broker.id=$id \
    --override listeners=PLAINTEXT://127.0.0.1:$port \
    --override log.dirs="$RUN/kafka-logs-$id" \
    --override zookeeper.connect=127.0.0.1:$ZK_PORT
  BROKERS+=("127.0.0.1:$port")
done
for b in "${BROKERS[@]}"; do
  for _ in $(seq 1 150); do
    port_busy "${b#*:}" && break
    sleep 0.1
  done
  port_busy "${b#*:}" || { echo "error: broker $b did not start; see $LOG_DIR/kafka-server.out" >&2; exit 1; }
done
BOOTSTRAP=$(IFS=,; echo "${BROKERS[*]}")
TOPIC=peter-overview01

# Replication lands with a later issue: until then the topic has one replica.
echo "== scripts/kafka-topics.sh --bootstrap-server $BOOTSTRAP --create --topic $TOPIC --partitions 1 --replication-factor 1"
echo "   (replication factor 1 until replication lands; the seed story uses 3)"
./scripts/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --topic "$TOPIC" \
  --partitions 1 --replication-factor 1 --if-not-exists
echo "== scripts/kafka-topics.sh --bootstrap-server $BOOTSTRAP --describe --topic $TOPIC"
./scripts/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --describe --topic "$TOPIC"

echo "== lines piped into scripts/kafka-console-producer.sh --bootstrap-server $BOOTSTRAP --topic $TOPIC"
printf 'first line of the peter overview\nsecond line\nthird line, sent at %s\n' "$(date +%T)" |
  tee /dev/stderr |
  ./scripts/kafka-console-producer.sh --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC"

echo "== scripts/kafka-console-consumer.sh --bootstrap-server $BOOTSTRAP --topic $TOPIC --from-beginning --max-messages 3"
./scripts/kafka-console-consumer.sh --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" \
  --from-beginning --max-messages 3 --timeout-ms 20000

echo
echo "Running on loopback: ZooKeeper 127.0.0.1:$ZK_PORT, brokers $BOOTSTRAP (logs: $LOG_DIR)."
echo "Try: ./scripts/kafka-console-consumer.sh --bootstrap-server $BOOTSTRAP --topic $TOPIC --from-beginning"
echo "Stop everything with: ./scripts/quickstart.sh stop"
