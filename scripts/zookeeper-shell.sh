#!/usr/bin/env bash
# Usage: zookeeper-shell.sh host:port[/chroot] [command args...]
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/zookeeper_shell/zookeeper-shell) || exit 1
exec "$bin" "$@"
