#!/usr/bin/env bash
# Kafka's bin/kafka-consumer-groups.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/consumer_groups/kafka-consumer-groups) || exit 1
exec "$bin" "$@"
