#!/usr/bin/env bash
# The first command: installs what is missing, builds, and runs the story on loopback.
#   ./scripts/quickstart.sh         start a ZooKeeper ensemble (127.0.0.1:2181-2183) and brokers 1-3
#                                   (127.0.0.1:9092-9094), create peter-overview01 with replication
#                                   factor 3, pipe lines through producer and consumer
#   ./scripts/quickstart.sh failover  SIGKILL the topic's leader broker, show the new leader, produce and
#                                   read everything, restart the broker (it rejoins the ISR)
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

if [[ ${1:-} == failover ]]; then
  # The story's last line: a node dies, the cluster keeps working and loses nothing
  # acknowledged. SIGKILL the partition leader (no controlled shutdown), wait for a new
  # leader from the ISR, produce and read everything again, then restart the broker.
  BOOTSTRAP=$(for id in 1 2 3; do printf '127.0.0.1:%s,' $((BROKER_BASE_PORT + id - 1)); done)
  BOOTSTRAP=${BOOTSTRAP%,}
  TOPIC=peter-overview01
  describe() { ./scripts/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --describe --topic "$TOPIC"; }
  leader=$(describe | sed -n 's/.*Leader: \([0-9-]*\).*/\1/p' | head -n 1)
  [[ $leader =~ ^[1-3]$ ]] || { echo "error: no leader for $TOPIC (is the quickstart running?)" >&2; exit 1; }
  pid=$(sed -n "${leader}p" "$LOG_DIR/kafka-server.pid")
  kill -0 "$pid" 2>/dev/null || { echo "error: broker $leader (pid $pid) is not running" >&2; exit 1; }
  echo "== kill -9 $pid (broker $leader, the leader of $TOPIC)"
  kill -9 "$pid"
  echo "== waiting for a new leader (the dead broker's ZooKeeper session must expire first)"
  new=""
  for _ in $(seq 1 120); do
    new=$(describe 2>/dev/null | sed -n 's/.*Leader: \([0-9-]*\).*/\1/p' | head -n 1)
    [[ $new =~ ^[1-3]$ && $new != "$leader" ]] && break
    sleep 0.5
  done
  describe
  echo "== one more line while broker $leader is down"
  echo "written while broker $leader was down" | ./scripts/kafka-console-producer.sh \
    --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" --producer-property acks=all
  echo "== scripts/kafka-console-consumer.sh --bootstrap-server $BOOTSTRAP --topic $TOPIC --from-beginning --max-messages 4"
  ./scripts/kafka-console-consumer.sh --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" \
    --from-beginning --max-messages 4 --timeout-ms 20000
  port=$((BROKER_BASE_PORT + leader - 1))
  echo "== restarting broker $leader; it rejoins as a follower and catches up"
  ./scripts/kafka-server-start.sh -daemon config/server.properties \
    --override broker.id=$leader --override listeners=PLAINTEXT://127.0.0.1:$port \
    --override log.dirs="$RUN/kafka-logs-$leader" --override offsets.topic.replication.factor=3 \
    --override zookeeper.connect="$(sed -n 's/^ZK_CONNECT=//p' "$RUN/env")"
  for _ in $(seq 1 120); do
    describe 2>/dev/null | grep -q "Isr: [1-3],[1-3],[1-3]" && break
    sleep 0.5
  done
  describe
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

mkdir -p "$LOG_DIR"
# Three ZooKeeper servers (an ensemble, as the seed story deploys): client ports
# ZK_PORT..ZK_PORT+2, quorum ports ZK_QUORUM_PORT.., election ports ZK_ELECTION_PORT..
ZK_QUORUM_PORT=${ZK_QUORUM_PORT:-2888}
ZK_ELECTION_PORT=${ZK_ELECTION_PORT:-3888}
ZK_CONNECT=""
for id in 1 2 3; do
  for p in $((ZK_PORT + id - 1)) $((ZK_QUORUM_PORT + id - 1)) $((ZK_ELECTION_PORT + id - 1)); do
    if port_busy "$p"; then
      echo "error: 127.0.0.1:$p is already in use (a previous quickstart? run: $0 stop)" >&2
      exit 1
    fi
  done
  ZK_CONNECT+="${ZK_CONNECT:+,}127.0.0.1:$((ZK_PORT + id - 1))"
done
echo "ZK_CONNECT=$ZK_CONNECT" >"$RUN/env"
for id in 1 2 3; do
  mkdir -p "$RUN/zookeeper-$id"
  echo "$id" >"$RUN/zookeeper-$id/myid"
  {
    echo "tickTime=2000"
    echo "initLimit=10"
    echo "syncLimit=5"
    echo "dataDir=$RUN/zookeeper-$id"
    echo "clientPort=$((ZK_PORT + id - 1))"
    echo "clientPortAddress=127.0.0.1"
    echo "maxClientCnxns=0"
    echo "admin.enableServer=false"
    echo "4lw.commands.whitelist=*"
    for n in 1 2 3; do
      echo "server.$n=127.0.0.1:$((ZK_QUORUM_PORT + n - 1)):$((ZK_ELECTION_PORT + n - 1))"
    done
  } >"$RUN/zookeeper-$id.properties"
  echo "== starting ZooKeeper $id: scripts/zookeeper-server-start.sh -daemon $RUN/zookeeper-$id.properties"
  ./scripts/zookeeper-server-start.sh -daemon "$RUN/zookeeper-$id.properties"
done
zk_mode() { bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; printf srvr >&3; cat <&3" 2>/dev/null | sed -n 's/^Mode: //p'; }
for id in 1 2 3; do
  port=$((ZK_PORT + id - 1))
  mode=""
  for _ in $(seq 1 200); do
    mode=$(zk_mode "$port")
    [[ $mode == leader || $mode == follower ]] && break
    sleep 0.1
  done
  [[ $mode == leader || $mode == follower ]] ||
    { echo "error: ZooKeeper $id did not join the ensemble; see $LOG_DIR/zookeeper-server.out" >&2; exit 1; }
  echo "   ZooKeeper $id on 127.0.0.1:$port: $mode"
done

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
    --override offsets.topic.replication.factor=3 \
    --override zookeeper.connect=$ZK_CONNECT
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

echo "== scripts/kafka-topics.sh --bootstrap-server $BOOTSTRAP --create --topic $TOPIC --partitions 1 --replication-factor 3"
./scripts/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --topic "$TOPIC" \
  --partitions 1 --replication-factor 3 --if-not-exists
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
echo "Running on loopback: ZooKeeper $ZK_CONNECT, brokers $BOOTSTRAP (logs: $LOG_DIR)."
echo "Try: ./scripts/kafka-console-consumer.sh --bootstrap-server $BOOTSTRAP --topic $TOPIC --from-beginning"
echo "See a node die without losing anything: ./scripts/quickstart.sh failover"
echo "Stop everything with: ./scripts/quickstart.sh stop"
