# Sourced by the scripts/*.sh wrappers. Resolves the project root, the built
# binaries (bazel-bin), and Kafka's LOG_DIR convention for -daemon mode.
KAFKA_CPP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOG_DIR=${LOG_DIR:-$KAFKA_CPP_ROOT/logs}

# kafka_cpp_bin <bazel package path>/<binary>: prints the binary's path or fails clearly.
kafka_cpp_bin() {
  local path=${KAFKA_CPP_BIN:-$KAFKA_CPP_ROOT/bazel-bin}/$1
  if [[ ! -x $path ]]; then
    echo "error: $path is not built; run: (cd $KAFKA_CPP_ROOT && bazel build //...)" >&2
    return 1
  fi
  printf '%s\n' "$path"
}

# kafka_cpp_start_daemon <name> <binary> args...: runs in the background like Kafka's
# -daemon (stdout/stderr to $LOG_DIR/<name>.out) and records the PID in $LOG_DIR/<name>.pid.
kafka_cpp_start_daemon() {
  local name=$1 bin=$2
  shift 2
  mkdir -p "$LOG_DIR"
  nohup "$bin" "$@" >>"$LOG_DIR/$name.out" 2>&1 </dev/null &
  echo $! >>"$LOG_DIR/$name.pid"
}

# kafka_cpp_stop <name> [signal]: signals every PID recorded for <name> (by PID, never
# by process name), waits up to 30 s for them to exit, then forgets them.
kafka_cpp_stop() {
  local name=$1 sig=${2:-TERM} pidfile=$LOG_DIR/$1.pid pids=()
  if [[ -f $pidfile ]]; then
    while read -r pid; do
      [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && kill -s "$sig" "$pid" && pids+=("$pid")
    done <"$pidfile"
    rm -f "$pidfile"
  fi
  if ((${#pids[@]} == 0)); then
    echo "No $name server to stop" >&2
    return 1
  fi
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}
