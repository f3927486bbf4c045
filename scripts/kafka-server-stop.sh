#!/usr/bin/env bash
# Stops the kafka-server(s) started with kafka-server-start.sh -daemon (SIGTERM: a
# graceful, controlled shutdown).
source "$(dirname "$0")/lib/common.sh"
kafka_cpp_stop kafka-server "${1:-TERM}"
