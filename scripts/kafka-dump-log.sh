#!/usr/bin/env bash
# Kafka's bin/kafka-dump-log.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/dump_log/kafka-dump-log) || exit 1
exec "$bin" "$@"
