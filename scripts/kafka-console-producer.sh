#!/usr/bin/env bash
# Kafka's bin/kafka-console-producer.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/console_producer/kafka-console-producer) || exit 1
exec "$bin" "$@"
