#!/usr/bin/env bash
# Usage: kafka-server-start.sh [-daemon] server.properties [--override property=value]*
source "$(dirname "$0")/lib/common.sh"
if [[ $# -lt 1 ]]; then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2
  exit 1
fi
daemon=0
if [[ $1 == -daemon ]]; then daemon=1; shift; fi
bin=$(kafka_cpp_bin daemon/broker/kafka-server) || exit 1
if [[ $daemon == 1 ]]; then
  kafka_cpp_start_daemon kafka-server "$bin" "$@"
else
  exec "$bin" "$@"
fi
