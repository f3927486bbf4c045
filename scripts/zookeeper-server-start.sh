#!/usr/bin/env bash
# Usage: zookeeper-server-start.sh [-daemon] zookeeper.properties
source "$(dirname "$0")/lib/common.sh"
if [[ $# -lt 1 ]]; then
  echo "USAGE: $0 [-daemon] zookeeper.properties" >&2
  exit 1
fi
daemon=0
if [[ $1 == -daemon ]]; then daemon=1; shift; fi
bin=$(kafka_cpp_bin daemon/zookeeper/zookeeper-server) || exit 1
if [[ $daemon == 1 ]]; then
  kafka_cpp_start_daemon zookeeper-server "$bin" "$@"
else
  exec "$bin" "$@"
fi
