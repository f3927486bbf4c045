#!/usr/bin/env bash
# Kafka's bin/kafka-topics.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/kafka_topics/kafka-topics) || exit 1
exec "$bin" "$@"
