#!/usr/bin/env bash
# Stops the zookeeper-server(s) started with zookeeper-server-start.sh -daemon.
source "$(dirname "$0")/lib/common.sh"
kafka_cpp_stop zookeeper-server "${1:-TERM}"
