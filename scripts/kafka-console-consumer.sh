#!/usr/bin/env bash
# Kafka's bin/kafka-console-consumer.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/console_consumer/kafka-console-consumer) || exit 1
exec "$bin" "$@"
